import { LIVE_DOCS_URL } from './catalog/documents.js';
import { DEFAULT_AUTH_URL, DEFAULT_BASE_URL, DEFAULT_REDIRECT_URI } from './config-defaults.js';
import { SIGNIN_USAGE } from './authz/options.js';
import { WEBHOOK_USAGE } from './events/options.js';

/** The server's --help text (the option parser lives in config.ts). */
export const USAGE = `Usage: ghl-mcp [options]

Serves the GoHighLevel API v2 as MCP tools over stdio.

Credentials come from the environment only (never flags, which other users can see):
  GHL_API_KEY          Private Integration Token or access token (Bearer)
  GHL_CLIENT_ID        OAuth app client id
  GHL_CLIENT_SECRET    OAuth app client secret
  REDIS_URL            Redis shared by replicas (OAuth tokens, rate limits, webhook events)

Options (flag / environment variable):
  --location-id ID        GHL_LOCATION_ID         fills locationId / altId where a tool needs it
  --company-id ID         GHL_COMPANY_ID          fills companyId where a tool needs it
  --base-url URL          GHL_BASE_URL            default ${DEFAULT_BASE_URL}
  --max-result-chars N    GHL_MAX_RESULT_CHARS    default 60000
  --result-format F       GHL_RESULT_FORMAT       compact (default: no empty fields or lowercase copies) or verbatim
  --connect-timeout-ms N  GHL_CONNECT_TIMEOUT_MS  default 10000
  --headers-timeout-ms N  GHL_HEADERS_TIMEOUT_MS  default 30000
  --body-timeout-ms N     GHL_BODY_TIMEOUT_MS     default 30000
  --log-level LEVEL       GHL_LOG_LEVEL           default info (logs go to stderr)
  --rate-limit-max N      GHL_RATE_LIMIT_MAX      caps requests per interval per location/company; default:
                                                  what GHL announces (100, or 25 for a Private Integration
                                                  Token, until it does)
  --rate-limit-interval-ms N  GHL_RATE_LIMIT_INTERVAL_MS  the capped interval, default 10000
  --daily-limit N         GHL_DAILY_LIMIT         caps requests per day per location/company; default: what GHL
                                                  announces (200000, or 10000 for a Private Integration Token)
  --max-concurrency N     GHL_MAX_CONCURRENCY     requests in flight at once, default 16
  --max-retries N         GHL_MAX_RETRIES         retries of a 429 / safe failure, default 4 (0: none)
  --call-timeout-ms N     GHL_CALL_TIMEOUT_MS     a whole call: queue, attempts, backoff; default 60000
  --token-store KIND      GHL_TOKEN_STORE         file or redis; default redis when REDIS_URL is set
  --token-file PATH       GHL_TOKEN_FILE          default $XDG_CONFIG_HOME/ghl-mcp/tokens.json
  --auth-url URL          GHL_AUTH_URL            default ${DEFAULT_AUTH_URL} (white-label: your host)
  --redirect-uri URL      GHL_REDIRECT_URI        default ${DEFAULT_REDIRECT_URI}
  --toolsets A,B          GHL_TOOLSETS            default (curated), all, discovery (none but the discovery
                                                  tools) or module names; default,invoices extends default
  --tools A,B             GHL_TOOLS               single tools, added to the toolsets
  --exclude-tools A,B     GHL_EXCLUDE_TOOLS       never listed or callable, whatever else asks for them
  --read-only             GHL_READ_ONLY=true      removes every tool that writes
  --confirm-destructive   GHL_CONFIRM_DESTRUCTIVE=true  deletes, voids and refunds ask the user first
  --resource-cache-ttl-ms N  GHL_RESOURCE_CACHE_TTL_MS  resources reuse GHL's answers this long, default 60000
                                                  (0: read GHL every time); subscribed ones are re-read as often
  --sandbox               GHL_SANDBOX=1           no account needed: serve an embedded fake GHL with a demo
                                                  location (credentials and --base-url are ignored)
  --sandbox-data FILE     GHL_SANDBOX_DATA        keep the sandbox's state in FILE across restarts
  --sandbox-reset                                 start the sandbox from a fresh demo location
  --self-update MODE      GHL_SELF_UPDATE         when GHL answers 400/404/422 (or 401 naming a scope): auto
                                                  (check the live docs, show the drift; default), apply (also
                                                  re-register the tool) or off; off in sandbox mode
  --docs-url DIR|URL      GHL_DOCS_URL            the live docs, default ${LIVE_DOCS_URL}
  --overrides-file PATH   GHL_OVERRIDES_FILE      tools re-registered from the live docs, default
                                                  $XDG_CACHE_HOME/ghl-mcp/overrides.json
  --no-overrides          GHL_NO_OVERRIDES=true   ignore saved overrides (and do not save new ones)
  --help, --version

Streamable HTTP (instead of stdio); MCP at /mcp, /mcp/readonly, /mcp/x/{toolsets}[/readonly]:
  MCP_AUTH_TOKENS      inbound bearer tokens, comma-separated (required unless bound to loopback)
  --http                  GHL_HTTP=true           serve MCP over streamable HTTP
  --port N                GHL_HTTP_PORT           default 3000
  --host ADDR             GHL_HTTP_HOST           default 127.0.0.1 (other addresses need MCP_AUTH_TOKENS)
  --stateless             GHL_HTTP_STATELESS=true no sessions (stateful replicas need only a shared REDIS_URL)
  --multi-tenant          GHL_HTTP_MULTI_TENANT=true  each client sends its own GHL token in X-GHL-Token
                                                  (and X-GHL-Location-Id); the server's credentials are unused
  --allowed-hosts A,B     GHL_HTTP_ALLOWED_HOSTS  Host names accepted; default localhost names on loopback
  --cors-origins A,B      GHL_HTTP_CORS_ORIGINS   browser origins allowed cross-origin; default none (CORS off)
  --max-body-bytes N      GHL_HTTP_MAX_BODY_BYTES default 4194304
  --request-timeout-ms N  GHL_HTTP_REQUEST_TIMEOUT_MS  one MCP request, default 120000
  --session-idle-ms N     GHL_HTTP_SESSION_IDLE_MS  an unused session ends after, default 1800000
  --max-sessions N        GHL_HTTP_MAX_SESSIONS   default 1000
  --max-sessions-per-client N  GHL_HTTP_MAX_SESSIONS_PER_CLIENT  default 100
  --client-rpm N          GHL_HTTP_CLIENT_RPM     requests per minute per client, default 1200
  --shutdown-timeout-ms N GHL_HTTP_SHUTDOWN_TIMEOUT_MS  SIGTERM waits this long for calls, default 30000
${WEBHOOK_USAGE}${SIGNIN_USAGE}
Commands:
  ghl-mcp auth login [--user-type Location|Company] [--scope "a b"] [--no-browser]
                       OAuth login in the browser; stores the tokens
  ghl-mcp auth status  what is stored, for which location or company, until when
  ghl-mcp auth logout  forgets the stored tokens
  ghl-mcp doctor       checks configuration, token, scopes, location access and reachability
  ghl-mcp tools [options]                   the tools a client would see with these options
  ghl-mcp call <tool> ['<json>'] [options]  one call, printed for a person (try it with --sandbox)
  ghl-mcp sandbox simulate <kind> [options]  play a customer towards a running --sandbox (inbound SMS, ...)
`;
