import { ConfigError } from '../config-error.js';

/** "Sign in with HighLevel" (--signin): this server as the MCP clients' OAuth server, federating to GHL. */
export interface SigninConfig {
  /** The public origin clients reach the server at (issuer; the MCP resource is `<origin>/mcp`); unset: as listened. */
  publicUrl?: string;
  /** Sent as GHL's `user_type` when the code is exchanged; unset: GHL answers with what the user chose. */
  userType?: 'Location' | 'Company';
  /** GHL scopes asked for on the location chooser (space-separated); unset: the app's own. */
  ghlScopes?: string;
  accessTtlSeconds: number;
  refreshTtlSeconds: number;
}

/** Flag → environment variable. The marketplace app's id and secret stay GHL_CLIENT_ID / GHL_CLIENT_SECRET. */
export const SIGNIN_OPTIONS = {
  'public-url': { env: 'GHL_PUBLIC_URL' },
  'signin-user-type': { env: 'GHL_SIGNIN_USER_TYPE' },
  'signin-scopes': { env: 'GHL_SIGNIN_SCOPES' },
  'signin-access-ttl-s': { env: 'GHL_SIGNIN_ACCESS_TTL_S' },
  'signin-refresh-ttl-s': { env: 'GHL_SIGNIN_REFRESH_TTL_S' },
} as const;

export const SIGNIN_USAGE = `
Sign in with HighLevel (with --http): each user connects with their own GHL grant (MCP authorization):
  --signin                GHL_SIGNIN=true         needs GHL_CLIENT_ID / GHL_CLIENT_SECRET (your marketplace app)
  --public-url URL        GHL_PUBLIC_URL          the origin clients use, e.g. https://mcp.example.com
  --signin-user-type T    GHL_SIGNIN_USER_TYPE    Location or Company: ask GHL for that token type (default: what the user picks)
  --signin-scopes "a b"   GHL_SIGNIN_SCOPES       GHL scopes asked for on the location chooser
  --signin-access-ttl-s N   GHL_SIGNIN_ACCESS_TTL_S   MCP access token lifetime, default 3600
  --signin-refresh-ttl-s N  GHL_SIGNIN_REFRESH_TTL_S  MCP refresh token lifetime, default 2592000 (30 days)
`;

type SigninOption = keyof typeof SIGNIN_OPTIONS;

/** True when --signin or GHL_SIGNIN asks for sign-in mode. */
export function signinEnabled(values: Record<string, unknown>, env: NodeJS.ProcessEnv): boolean {
  return values.signin === true || /^(1|true|yes|on)$/i.test(env.GHL_SIGNIN ?? '');
}

/** The sign-in settings when enabled, else undefined; a sign-in option without --signin is an error. */
export function signinConfig(values: Record<string, unknown>, env: NodeJS.ProcessEnv, pick: (name: SigninOption) => string | undefined): SigninConfig | undefined {
  const given = (Object.keys(SIGNIN_OPTIONS) as SigninOption[]).filter((name) => pick(name) !== undefined);
  if (!signinEnabled(values, env)) {
    if (given.length > 0) throw new ConfigError(`--${given[0]} needs --signin (or GHL_SIGNIN=true)`);
    return undefined;
  }
  if (values.http !== true && !/^(1|true|yes|on)$/i.test(env.GHL_HTTP ?? '')) throw new ConfigError('--signin needs --http: sign-in serves remote MCP clients');
  if (values['multi-tenant'] === true || /^(1|true|yes|on)$/i.test(env.GHL_HTTP_MULTI_TENANT ?? '')) {
    throw new ConfigError('--signin and --multi-tenant are two ways to bring GHL credentials: choose one');
  }
  if (env.MCP_AUTH_TOKENS?.trim()) throw new ConfigError('--signin replaces MCP_AUTH_TOKENS (users sign in instead): unset one of them');
  const userType = pick('signin-user-type');
  if (userType !== undefined && userType !== 'Location' && userType !== 'Company') {
    throw new ConfigError(`--signin-user-type / GHL_SIGNIN_USER_TYPE must be Location or Company, got "${userType}"`);
  }
  const scopes = pick('signin-scopes')?.split(/[\s,]+/).filter(Boolean).join(' ');
  return {
    publicUrl: publicUrl(pick('public-url')),
    ...(userType && { userType }),
    ...(scopes && { ghlScopes: scopes }),
    accessTtlSeconds: seconds(pick, 'signin-access-ttl-s', 3600),
    refreshTtlSeconds: seconds(pick, 'signin-refresh-ttl-s', 30 * 24 * 3600),
  };
}

/** An origin only: the issuer identifier has no path, query or fragment (RFC 8414). */
function publicUrl(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  let url: URL | undefined;
  try {
    url = new URL(raw);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:') || url.pathname.replace(/\/+$/, '') !== '' || url.search || url.hash) {
    throw new ConfigError(`--public-url / GHL_PUBLIC_URL must be an origin such as https://mcp.example.com (no path), got "${raw}"`);
  }
  return url.origin;
}

function seconds(pick: (name: SigninOption) => string | undefined, name: SigninOption, fallback: number): number {
  const raw = pick(name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new ConfigError(`--${name} / ${SIGNIN_OPTIONS[name].env} must be a positive whole number, got "${raw}"`);
  return value;
}
