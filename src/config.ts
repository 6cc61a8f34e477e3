import { homedir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { defaultTokenFile } from './auth/file-store.js';
import { LIVE_DOCS_URL } from './catalog/documents.js';
import { WEBHOOK_OPTIONS, type WebhookConfig, webhookConfig } from './events/options.js';
import { SIGNIN_OPTIONS, type SigninConfig, signinConfig, signinEnabled } from './authz/options.js';
import { RESULT_FORMATS, type ResultFormat } from './results.js';
import { SELF_UPDATE_MODES, type SelfUpdateMode } from './self-update/mode.js';
import { defaultOverridesFile } from './self-update/overrides.js';
import type { SelectionRequest } from './toolsets/selection.js';
import { USAGE } from './usage.js';
import { DEFAULT_AUTH_URL, DEFAULT_BASE_URL, DEFAULT_REDIRECT_URI } from './config-defaults.js';
import { ConfigError } from './config-error.js';

export { DEFAULT_AUTH_URL, DEFAULT_BASE_URL, DEFAULT_REDIRECT_URI } from './config-defaults.js';
export { USAGE } from './usage.js';

export interface Config {
  apiKey?: string;
  locationId?: string;
  companyId?: string;
  clientId?: string;
  clientSecret?: string;
  /** Shared state for replicas (rate limits, OAuth tokens); from the environment only, it may hold a password. */
  redisUrl?: string;
  /** Where OAuth tokens are kept: a file (default) or Redis (default when REDIS_URL is set). */
  tokenStore: 'file' | 'redis';
  tokenFile: string;
  /** The marketplace host that shows the OAuth consent page (a white-label host for white-label agencies). */
  authUrl: string;
  /** The loopback URL `auth login` listens on; it must be one of the app's redirect URLs. */
  redirectUri: string;
  baseUrl: string;
  /** Results longer than this many characters are cut, with a note on how to page. */
  maxResultChars: number;
  /** compact (default): results leave out empty fields and derived lowercase copies; verbatim: GHL's body as sent. */
  resultFormat: ResultFormat;
  timeouts: { connectMs: number; headersMs: number; bodyMs: number };
  /** How calls are paced, capped and retried inside GHL's budget per location/company. */
  rate: {
    /** Limits set explicitly: each caps what GHL announces (unset ones are learned from GHL's headers). */
    cap: { max?: number; intervalMs?: number; dailyMax?: number };
    concurrency: number;
    maxRetries: number;
    callTimeoutMs: number;
  };
  logLevel: string;
  /** Which tools are listed and reachable: toolsets, single tools, exclusions, read-only. */
  selection: SelectionRequest;
  /** Destructive tools (deletes, voids, refunds) run only once the user confirms (elicitation, or a token). */
  confirmDestructive: boolean;
  /** How long the GHL answers behind resources are reused (and how often subscribed ones are re-read); 0: never reused. */
  resourceCacheTtlMs: number;
  /** Serve an embedded fake GHL with a demo location instead of the real API. */
  sandbox?: { dataFile?: string; reset: boolean };
  /** Live-docs self-update: where the docs are, what a failed call does, and the saved tool overrides. */
  selfUpdate: SelfUpdateConfig;
  /** Serve MCP over streamable HTTP (--http) instead of stdio. */
  http?: HttpConfig;
  /** Receive GHL's webhook deliveries beside /mcp (--webhooks). */
  webhooks?: WebhookConfig;
  signin?: SigninConfig; // --signin: src/authz/options.ts
}

export interface HttpConfig {
  port: number;
  host: string;
  /** Bound to a loopback address: reachable from this machine only. */
  loopback: boolean;
  /** No sessions: every POST is served on its own (replicas behind a load balancer). */
  stateless: boolean;
  /** Inbound bearer tokens (MCP_AUTH_TOKENS); empty: no inbound auth, allowed on loopback only. */
  authTokens: string[];
  /** Each client brings its own GHL token (and location) in headers; the server's own credentials are never used. */
  multiTenant: boolean;
  /** Host header names accepted; undefined: any (a non-loopback server, behind inbound auth). */
  allowedHosts?: string[];
  /** Browser origins allowed cross-origin (CORS); empty: CORS off. */
  corsOrigins: string[];
  maxBodyBytes: number;
  requestTimeoutMs: number;
  sessionIdleMs: number;
  maxSessions: number;
  maxSessionsPerClient: number;
  clientRequestsPerMinute: number;
  shutdownTimeoutMs: number;
}

export interface SelfUpdateConfig {
  mode: SelfUpdateMode;
  /** A folder or base URL holding `<module>.json` (the common schemas at `../common/`). */
  docsUrl: string;
  overridesFile: string;
  /** False with --no-overrides: saved overrides are neither loaded nor written. */
  useOverrides: boolean;
}

export { ConfigError };

/** Every option: CLI flag, environment variable, default. Flags win over the environment. */
const OPTIONS = {
  'location-id': { env: 'GHL_LOCATION_ID' },
  'company-id': { env: 'GHL_COMPANY_ID' },
  'base-url': { env: 'GHL_BASE_URL' },
  'max-result-chars': { env: 'GHL_MAX_RESULT_CHARS' },
  'result-format': { env: 'GHL_RESULT_FORMAT' },
  'connect-timeout-ms': { env: 'GHL_CONNECT_TIMEOUT_MS' },
  'headers-timeout-ms': { env: 'GHL_HEADERS_TIMEOUT_MS' },
  'body-timeout-ms': { env: 'GHL_BODY_TIMEOUT_MS' },
  'log-level': { env: 'GHL_LOG_LEVEL' },
  'rate-limit-max': { env: 'GHL_RATE_LIMIT_MAX' },
  'rate-limit-interval-ms': { env: 'GHL_RATE_LIMIT_INTERVAL_MS' },
  'daily-limit': { env: 'GHL_DAILY_LIMIT' },
  'max-concurrency': { env: 'GHL_MAX_CONCURRENCY' },
  'max-retries': { env: 'GHL_MAX_RETRIES' },
  'call-timeout-ms': { env: 'GHL_CALL_TIMEOUT_MS' },
  'token-store': { env: 'GHL_TOKEN_STORE' },
  'token-file': { env: 'GHL_TOKEN_FILE' },
  'auth-url': { env: 'GHL_AUTH_URL' },
  'redirect-uri': { env: 'GHL_REDIRECT_URI' },
  toolsets: { env: 'GHL_TOOLSETS' },
  tools: { env: 'GHL_TOOLS' },
  'exclude-tools': { env: 'GHL_EXCLUDE_TOOLS' },
  'resource-cache-ttl-ms': { env: 'GHL_RESOURCE_CACHE_TTL_MS' },
  'sandbox-data': { env: 'GHL_SANDBOX_DATA' },
  'self-update': { env: 'GHL_SELF_UPDATE' },
  'docs-url': { env: 'GHL_DOCS_URL' },
  'overrides-file': { env: 'GHL_OVERRIDES_FILE' },
  port: { env: 'GHL_HTTP_PORT' },
  host: { env: 'GHL_HTTP_HOST' },
  'allowed-hosts': { env: 'GHL_HTTP_ALLOWED_HOSTS' },
  'cors-origins': { env: 'GHL_HTTP_CORS_ORIGINS' },
  'max-body-bytes': { env: 'GHL_HTTP_MAX_BODY_BYTES' },
  'request-timeout-ms': { env: 'GHL_HTTP_REQUEST_TIMEOUT_MS' },
  'session-idle-ms': { env: 'GHL_HTTP_SESSION_IDLE_MS' },
  'max-sessions': { env: 'GHL_HTTP_MAX_SESSIONS' },
  'max-sessions-per-client': { env: 'GHL_HTTP_MAX_SESSIONS_PER_CLIENT' },
  'client-rpm': { env: 'GHL_HTTP_CLIENT_RPM' },
  'shutdown-timeout-ms': { env: 'GHL_HTTP_SHUTDOWN_TIMEOUT_MS' },
  ...WEBHOOK_OPTIONS,
  ...SIGNIN_OPTIONS,
} as const;

type OptionName = keyof typeof OPTIONS;


export interface CliRequest {
  help?: boolean;
  version?: boolean;
  config?: Config;
}

export function parseCli(argv: string[], env: NodeJS.ProcessEnv): CliRequest {
  const options = Object.fromEntries(Object.keys(OPTIONS).map((name) => [name, { type: 'string' as const }]));
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { ...options, 'read-only': { type: 'boolean' }, 'confirm-destructive': { type: 'boolean' }, 'no-overrides': { type: 'boolean' }, sandbox: { type: 'boolean' }, 'sandbox-reset': { type: 'boolean' }, http: { type: 'boolean' }, stateless: { type: 'boolean' }, 'multi-tenant': { type: 'boolean' }, webhooks: { type: 'boolean' }, signin: { type: 'boolean' }, help: { type: 'boolean' }, version: { type: 'boolean' } },
      strict: true,
    }));
  } catch (error) {
    throw new ConfigError(`${(error as Error).message}\n\n${USAGE}`);
  }
  if (values.help) return { help: true };
  if (values.version) return { version: true };
  const pick = (name: OptionName) => nonEmpty((values[name] as string | undefined) ?? env[OPTIONS[name].env]);
  return {
    config: {
      apiKey: nonEmpty(env.GHL_API_KEY),
      locationId: pick('location-id'),
      companyId: pick('company-id'),
      clientId: nonEmpty(env.GHL_CLIENT_ID),
      clientSecret: nonEmpty(env.GHL_CLIENT_SECRET),
      redisUrl: nonEmpty(env.REDIS_URL),
      tokenStore: tokenStore(pick('token-store') ?? (nonEmpty(env.REDIS_URL) ? 'redis' : 'file'), nonEmpty(env.REDIS_URL)),
      tokenFile: pick('token-file') ?? defaultTokenFile(env, homedir()),
      authUrl: httpUrl('auth-url', pick('auth-url') ?? DEFAULT_AUTH_URL),
      redirectUri: pick('redirect-uri') ?? DEFAULT_REDIRECT_URI,
      baseUrl: baseUrl(pick('base-url') ?? DEFAULT_BASE_URL),
      maxResultChars: positiveInt('max-result-chars', pick('max-result-chars'), 60_000),
      resultFormat: resultFormat(pick('result-format') ?? 'compact'),
      timeouts: {
        connectMs: positiveInt('connect-timeout-ms', pick('connect-timeout-ms'), 10_000),
        headersMs: positiveInt('headers-timeout-ms', pick('headers-timeout-ms'), 30_000),
        bodyMs: positiveInt('body-timeout-ms', pick('body-timeout-ms'), 30_000),
      },
      rate: {
        cap: {
          max: optionalInt('rate-limit-max', pick('rate-limit-max')),
          intervalMs: optionalInt('rate-limit-interval-ms', pick('rate-limit-interval-ms')),
          dailyMax: optionalInt('daily-limit', pick('daily-limit')),
        },
        concurrency: positiveInt('max-concurrency', pick('max-concurrency'), 16),
        maxRetries: positiveInt('max-retries', pick('max-retries'), 4, 0),
        callTimeoutMs: positiveInt('call-timeout-ms', pick('call-timeout-ms'), 60_000),
      },
      logLevel: logLevel(pick('log-level') ?? 'info'),
      selection: {
        toolsets: list(pick('toolsets')),
        tools: list(pick('tools')),
        excludeTools: list(pick('exclude-tools')),
        readOnly: values['read-only'] === true || flag('GHL_READ_ONLY', env.GHL_READ_ONLY),
      },
      confirmDestructive: values['confirm-destructive'] === true || flag('GHL_CONFIRM_DESTRUCTIVE', env.GHL_CONFIRM_DESTRUCTIVE),
      resourceCacheTtlMs: positiveInt('resource-cache-ttl-ms', pick('resource-cache-ttl-ms'), 60_000, 0),
      sandbox: sandbox(values, pick('sandbox-data'), env),
      selfUpdate: {
        // The sandbox serves the bundled contract, so a failure there is never drift in the live API.
        mode: selfUpdateMode(pick('self-update') ?? (values.sandbox === true || flag('GHL_SANDBOX', env.GHL_SANDBOX) ? 'off' : 'auto')),
        docsUrl: docsUrl(pick('docs-url') ?? LIVE_DOCS_URL),
        overridesFile: pick('overrides-file') ?? defaultOverridesFile(env, homedir()),
        useOverrides: !(values['no-overrides'] === true || flag('GHL_NO_OVERRIDES', env.GHL_NO_OVERRIDES)),
      },
      http: values.http === true || flag('GHL_HTTP', env.GHL_HTTP) ? http(values, pick, env) : undefined,
      webhooks: webhooks(values, pick, env),
      signin: signinConfig(values, env, pick),
    },
  };
}

function http(values: Record<string, string | boolean | undefined>, pick: (name: OptionName) => string | undefined, env: NodeJS.ProcessEnv): HttpConfig {
  const host = pick('host') ?? '127.0.0.1';
  const loopback = /^(localhost|127(\.\d{1,3}){3}|::1|\[::1\])$/i.test(host);
  const authTokens = list(env.MCP_AUTH_TOKENS) ?? [];
  if (!loopback && authTokens.length === 0 && !signinEnabled(values, env)) {
    throw new ConfigError(`--host ${host} is reachable from other machines: set MCP_AUTH_TOKENS (inbound bearer tokens) to serve on it`);
  }
  const port = positiveInt('port', pick('port'), 3000, 0);
  if (port > 65535) throw new ConfigError(`--port / GHL_HTTP_PORT must be at most 65535, got ${port}`);
  return {
    port,
    host: host.replace(/^\[(.*)\]$/, '$1'),
    loopback,
    stateless: values.stateless === true || flag('GHL_HTTP_STATELESS', env.GHL_HTTP_STATELESS),
    authTokens,
    multiTenant: values['multi-tenant'] === true || flag('GHL_HTTP_MULTI_TENANT', env.GHL_HTTP_MULTI_TENANT),
    allowedHosts: list(pick('allowed-hosts'))?.map((name) => name.toLowerCase()) ?? (loopback ? ['localhost', '127.0.0.1', '[::1]'] : undefined),
    corsOrigins: (list(pick('cors-origins')) ?? []).map((origin) => origin.toLowerCase().replace(/\/+$/, '')),
    maxBodyBytes: positiveInt('max-body-bytes', pick('max-body-bytes'), 4 * 1024 * 1024),
    requestTimeoutMs: positiveInt('request-timeout-ms', pick('request-timeout-ms'), 120_000),
    sessionIdleMs: positiveInt('session-idle-ms', pick('session-idle-ms'), 30 * 60_000),
    maxSessions: positiveInt('max-sessions', pick('max-sessions'), 1000),
    maxSessionsPerClient: positiveInt('max-sessions-per-client', pick('max-sessions-per-client'), 100),
    clientRequestsPerMinute: positiveInt('client-rpm', pick('client-rpm'), 1200),
    shutdownTimeoutMs: positiveInt('shutdown-timeout-ms', pick('shutdown-timeout-ms'), 30_000),
  };
}

function webhooks(values: Record<string, string | boolean | undefined>, pick: (name: OptionName) => string | undefined, env: NodeJS.ProcessEnv): WebhookConfig | undefined {
  const enabled = values.webhooks === true || flag('GHL_WEBHOOKS', env.GHL_WEBHOOKS);
  try {
    return webhookConfig(enabled, values.http === true || flag('GHL_HTTP', env.GHL_HTTP), pick);
  } catch (error) {
    throw new ConfigError((error as Error).message);
  }
}

function resultFormat(raw: string): ResultFormat {
  if (!(RESULT_FORMATS as readonly string[]).includes(raw)) throw new ConfigError(`--result-format must be compact or verbatim, got "${raw}"`);
  return raw as ResultFormat;
}

function selfUpdateMode(raw: string): SelfUpdateMode {
  if (!(SELF_UPDATE_MODES as readonly string[]).includes(raw)) throw new ConfigError(`--self-update must be auto, apply or off, got "${raw}"`);
  return raw as SelfUpdateMode;
}

/** A base URL is kept as given; a folder becomes absolute, as the server may run from anywhere. */
function docsUrl(raw: string): string {
  if (/^[a-z][\w+.-]*:\/\//i.test(raw)) return httpUrl('docs-url', raw);
  return path.resolve(raw);
}

function sandbox(values: Record<string, string | boolean | undefined>, dataFile: string | undefined, env: NodeJS.ProcessEnv): Config['sandbox'] {
  const reset = values['sandbox-reset'] === true;
  if (values.sandbox === true || flag('GHL_SANDBOX', env.GHL_SANDBOX)) return { dataFile, reset };
  if (dataFile || reset) throw new ConfigError('--sandbox-data and --sandbox-reset need --sandbox (or GHL_SANDBOX=1)');
  return undefined;
}

/** A comma-separated list; undefined when the option was not given. */
function list(raw: string | undefined): string[] | undefined {
  return raw === undefined ? undefined : raw.split(',').map((item) => item.trim()).filter(Boolean);
}

function flag(name: string, raw: string | undefined): boolean {
  const value = nonEmpty(raw)?.toLowerCase();
  if (value === undefined || ['0', 'false', 'no', 'off'].includes(value)) return false;
  if (['1', 'true', 'yes', 'on'].includes(value)) return true;
  throw new ConfigError(`${name} must be true or false, got "${raw}"`);
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

function positiveInt(name: OptionName, raw: string | undefined, fallback: number, min = 1): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) {
    const what = min === 0 ? 'a whole number (0 or more)' : 'a positive whole number';
    throw new ConfigError(`--${name} / ${OPTIONS[name].env} must be ${what}, got "${raw}"`);
  }
  return value;
}

/** A positive whole number the operator set, or undefined when they did not. */
function optionalInt(name: OptionName, raw: string | undefined): number | undefined {
  return raw === undefined ? undefined : positiveInt(name, raw, 1);
}

function baseUrl(raw: string): string {
  return httpUrl('base-url', raw);
}

function httpUrl(name: OptionName, raw: string): string {
  let url: URL | undefined;
  try {
    url = new URL(raw);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
    throw new ConfigError(`--${name} / ${OPTIONS[name].env} must be an http(s) URL, got "${raw}"`);
  }
  return url.toString().replace(/\/+$/, '');
}

function tokenStore(raw: string, redisUrl: string | undefined): Config['tokenStore'] {
  if (raw !== 'file' && raw !== 'redis') throw new ConfigError(`--token-store must be file or redis, got "${raw}"`);
  if (raw === 'redis' && !redisUrl) throw new ConfigError('--token-store redis needs REDIS_URL');
  return raw;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

function logLevel(raw: string): string {
  if (!LOG_LEVELS.includes(raw)) throw new ConfigError(`--log-level must be one of ${LOG_LEVELS.join(', ')}, got "${raw}"`);
  return raw;
}
