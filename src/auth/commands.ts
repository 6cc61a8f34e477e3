import { startCommand } from '../command-start.js';
import { type Config, ConfigError, USAGE } from '../config.js';
import { scrubSecrets } from '../logger.js';
import { createOAuthClient, createTokenStore } from './auth.js';
import { runDoctor } from './doctor.js';
import { login } from './login.js';
import type { StoredTokens, TokenStore, UserType } from './token-store.js';

const LOGIN_TIMEOUT_MS = 5 * 60_000;

interface LoginFlags {
  userType: UserType;
  scope?: string;
  openBrowser: boolean;
}

/**
 * `ghl-mcp auth login|status|logout` and `ghl-mcp doctor`: answers for a person at a terminal. Reports go to
 * stdout, progress to stderr; no token, secret or code is ever printed. Returns the exit code.
 */
export async function runCommand(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const out = (text: string) => void process.stdout.write(`${text}\n`);
  const say = (text: string) => void process.stderr.write(`${text}\n`);
  const [command, ...rest] = argv;
  const sub = command === 'auth' ? rest.shift() : undefined;
  const started = startCommand(rest, env, say, (args) => (sub === 'login' ? takeLoginFlags(args) : undefined), () => USAGE);
  if ('exit' in started) return started.exit;
  const { config, logger, extra: flags } = started;
  const store = createTokenStore(config);
  const secrets = [config.clientSecret, config.apiKey].filter((value): value is string => Boolean(value));
  try {
    if (command === 'doctor') return await runDoctor(config, logger, store, out);
    if (sub === 'login') return await runLogin(config, flags!, store, say, out);
    if (sub === 'status') return await status(config, store, out);
    if (sub === 'logout') {
      const had = await store.withLock(async () => {
        const stored = await store.load().catch(() => undefined);
        await store.clear();
        return stored !== undefined;
      });
      out(had ? `Removed the stored GHL tokens from ${store.location}.` : `No GHL tokens were stored in ${store.location}.`);
      out('To revoke the app itself, uninstall it from the location or agency in GoHighLevel.');
      return 0;
    }
    say(`ghl-mcp: unknown command "${argv.join(' ')}". Commands: auth login, auth status, auth logout, doctor.`);
    return 2;
  } catch (error) {
    say(`ghl-mcp: ${scrubSecrets((error as Error).message, secrets)}`);
    return 1;
  } finally {
    await store.close();
  }
}

async function runLogin(config: Config, flags: LoginFlags, store: TokenStore, say: (text: string) => void, out: (text: string) => void) {
  if (!config.clientId || !config.clientSecret) {
    say('ghl-mcp: `auth login` needs the OAuth app credentials: set GHL_CLIENT_ID and GHL_CLIENT_SECRET (Marketplace → your app → Auth).');
    return 2;
  }
  const tokens = await login(
    {
      clientId: config.clientId,
      authUrl: config.authUrl,
      redirectUri: config.redirectUri,
      userType: flags.userType,
      scope: flags.scope,
      openBrowser: flags.openBrowser,
      timeoutMs: LOGIN_TIMEOUT_MS,
      say,
    },
    createOAuthClient(config),
    store,
  );
  out(`Logged in: ${describeGrant(tokens)}; the access token is valid until ${iso(tokens.expiresAt)}.`);
  out(`Tokens saved to ${store.location}; the server refreshes them by itself.`);
  if (config.apiKey) out('Note: GHL_API_KEY is set and takes precedence over these tokens; unset it to use them.');
  return 0;
}

async function status(config: Config, store: TokenStore, out: (text: string) => void): Promise<number> {
  if (config.apiKey) out('In use: the Private Integration Token (or access token) in GHL_API_KEY; it takes precedence over stored OAuth tokens.');
  const stored = await store.load();
  if (!stored) {
    out(`No OAuth tokens in ${store.location}.`);
    if (!config.apiKey) out('Run `ghl-mcp auth login`, or set GHL_API_KEY to a Private Integration Token.');
    return config.apiKey ? 0 : 1;
  }
  const left = stored.expiresAt - Date.now();
  out(`OAuth tokens in ${store.location}:`);
  out(`  grant:          ${describeGrant(stored)}`);
  out(`  access token:   ${left > 0 ? `valid until ${iso(stored.expiresAt)} (${duration(left)} left)` : `expired ${duration(-left)} ago; refreshed on the next call`}`);
  out(`  refresh token:  present; last saved ${iso(stored.savedAt)}`);
  out(`  scopes:         ${stored.scope || '(none reported)'}`);
  if (!config.clientId || !config.clientSecret) out('  warning:        GHL_CLIENT_ID / GHL_CLIENT_SECRET are not set, so the tokens cannot be refreshed.');
  else if (stored.clientId && stored.clientId !== config.clientId) out(`  warning:        the tokens belong to client ${stored.clientId}, not GHL_CLIENT_ID; refreshes will fail.`);
  return 0;
}

function describeGrant(tokens: StoredTokens): string {
  const scopes = tokens.scope ? tokens.scope.split(' ').filter(Boolean).length : 0;
  const whom =
    tokens.userType === 'Company'
      ? `agency (Company) ${tokens.companyId ?? '?'}${tokens.approvedLocations ? `, ${tokens.approvedLocations.length} approved location(s)` : ''}`
      : `sub-account (Location) ${tokens.locationId ?? '?'}`;
  return `${whom}, ${scopes} scope(s)`;
}

/** Pulls the login-only flags out of the arguments; the rest are the ordinary options. */
function takeLoginFlags(args: string[]): LoginFlags {
  const flags: LoginFlags = { userType: 'Location', openBrowser: true };
  for (let index = 0; index < args.length; ) {
    const [name, inline] = splitFlag(args[index]!);
    if (name === '--no-browser') {
      flags.openBrowser = false;
      args.splice(index, 1);
      continue;
    }
    if (name !== '--user-type' && name !== '--scope') {
      index++;
      continue;
    }
    const value = inline ?? args[index + 1];
    if (value === undefined) throw new ConfigError(`${name} needs a value`);
    args.splice(index, inline === undefined ? 2 : 1);
    if (name === '--scope') flags.scope = value.trim();
    else if (value === 'Location' || value === 'Company') flags.userType = value;
    else throw new ConfigError(`--user-type must be Location or Company, got "${value}"`);
  }
  return flags;
}

function splitFlag(arg: string): [string, string | undefined] {
  const at = arg.indexOf('=');
  return at > 0 && arg.startsWith('--') ? [arg.slice(0, at), arg.slice(at + 1)] : [arg, undefined];
}

function iso(epochMs: number): string {
  return new Date(epochMs).toISOString().replace(/\.\d+Z$/, 'Z');
}

function duration(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  return minutes >= 120 ? `${Math.round(minutes / 60)} h` : `${minutes} min`;
}
