import { parseArgs } from 'node:util';

export const DEFAULT_BASE_URL = 'https://services.leadconnectorhq.com';

export interface Config {
  apiKey?: string;
  locationId?: string;
  companyId?: string;
  clientId?: string;
  clientSecret?: string;
  baseUrl: string;
  /** Results longer than this many characters are cut, with a note on how to page. */
  maxResultChars: number;
  timeouts: { connectMs: number; headersMs: number; bodyMs: number };
  logLevel: string;
}

export class ConfigError extends Error {}

/** Every option: CLI flag, environment variable, default. Flags win over the environment. */
const OPTIONS = {
  'location-id': { env: 'GHL_LOCATION_ID' },
  'company-id': { env: 'GHL_COMPANY_ID' },
  'base-url': { env: 'GHL_BASE_URL' },
  'max-result-chars': { env: 'GHL_MAX_RESULT_CHARS' },
  'connect-timeout-ms': { env: 'GHL_CONNECT_TIMEOUT_MS' },
  'headers-timeout-ms': { env: 'GHL_HEADERS_TIMEOUT_MS' },
  'body-timeout-ms': { env: 'GHL_BODY_TIMEOUT_MS' },
  'log-level': { env: 'GHL_LOG_LEVEL' },
} as const;

type OptionName = keyof typeof OPTIONS;

export const USAGE = `Usage: ghl-mcp [options]

Serves the GoHighLevel API v2 as MCP tools over stdio.

Credentials come from the environment only (never flags, which other users can see):
  GHL_API_KEY          Private Integration Token or access token (Bearer)
  GHL_CLIENT_ID        OAuth app client id
  GHL_CLIENT_SECRET    OAuth app client secret

Options (flag / environment variable):
  --location-id ID        GHL_LOCATION_ID         fills locationId / altId where a tool needs it
  --company-id ID         GHL_COMPANY_ID          fills companyId where a tool needs it
  --base-url URL          GHL_BASE_URL            default ${DEFAULT_BASE_URL}
  --max-result-chars N    GHL_MAX_RESULT_CHARS    default 60000
  --connect-timeout-ms N  GHL_CONNECT_TIMEOUT_MS  default 10000
  --headers-timeout-ms N  GHL_HEADERS_TIMEOUT_MS  default 30000
  --body-timeout-ms N     GHL_BODY_TIMEOUT_MS     default 30000
  --log-level LEVEL       GHL_LOG_LEVEL           default info (logs go to stderr)
  --help, --version
`;

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
      options: { ...options, help: { type: 'boolean' }, version: { type: 'boolean' } },
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
      baseUrl: baseUrl(pick('base-url') ?? DEFAULT_BASE_URL),
      maxResultChars: positiveInt('max-result-chars', pick('max-result-chars'), 60_000),
      timeouts: {
        connectMs: positiveInt('connect-timeout-ms', pick('connect-timeout-ms'), 10_000),
        headersMs: positiveInt('headers-timeout-ms', pick('headers-timeout-ms'), 30_000),
        bodyMs: positiveInt('body-timeout-ms', pick('body-timeout-ms'), 30_000),
      },
      logLevel: logLevel(pick('log-level') ?? 'info'),
    },
  };
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

function positiveInt(name: OptionName, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) {
    throw new ConfigError(`--${name} / ${OPTIONS[name].env} must be a positive whole number, got "${raw}"`);
  }
  return value;
}

function baseUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`--base-url / GHL_BASE_URL must be an http(s) URL, got "${raw}"`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ConfigError(`--base-url / GHL_BASE_URL must be an http(s) URL, got "${raw}"`);
  }
  return url.toString().replace(/\/+$/, '');
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

function logLevel(raw: string): string {
  if (!LOG_LEVELS.includes(raw)) throw new ConfigError(`--log-level must be one of ${LOG_LEVELS.join(', ')}, got "${raw}"`);
  return raw;
}
