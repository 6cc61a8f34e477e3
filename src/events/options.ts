import { readFileSync } from 'node:fs';
import type { KeyObject } from 'node:crypto';
import { publicKey } from './signature.js';

/** The webhook receiver's settings (--webhooks); kept out of config.ts, which parses them through here. */
export interface WebhookConfig {
  /** The path GHL posts to. */
  path: string;
  ed25519Key?: KeyObject;
  /** Also accepted for x-ghl-signature: the sandbox's own key in sandbox mode, beside a configured one. */
  extraEd25519Keys?: KeyObject[];
  legacyRsaKey?: KeyObject;
  toleranceMs: number;
  maxBodyBytes: number;
  logMaxEvents: number;
  logMaxAgeMs: number;
  /** A stdio server's own listener for deliveries (--webhook-port); with --http the receiver is served beside /mcp. */
  listen?: { host: string; port: number };
}

export const WEBHOOK_PATH = '/webhooks/ghl';

/** Flag → environment variable. Public keys are not secrets, so flags may carry them (as a file path or PEM). */
export const WEBHOOK_OPTIONS = {
  'webhook-key': { env: 'GHL_WEBHOOK_KEY' },
  'webhook-legacy-key': { env: 'GHL_WEBHOOK_LEGACY_KEY' },
  'webhook-tolerance-ms': { env: 'GHL_WEBHOOK_TOLERANCE_MS' },
  'webhook-max-body-bytes': { env: 'GHL_WEBHOOK_MAX_BODY_BYTES' },
  'webhook-log-max-events': { env: 'GHL_WEBHOOK_LOG_MAX_EVENTS' },
  'webhook-log-max-age-ms': { env: 'GHL_WEBHOOK_LOG_MAX_AGE_MS' },
  'webhook-port': { env: 'GHL_WEBHOOK_PORT' },
  'webhook-host': { env: 'GHL_WEBHOOK_HOST' },
} as const;

export const WEBHOOK_USAGE = `
GHL webhooks: verified deliveries at ${WEBHOOK_PATH} (beside /mcp with --http), kept per location:
  --webhooks              GHL_WEBHOOKS=true       receive GHL's webhook deliveries
  --webhook-key PEM|FILE  GHL_WEBHOOK_KEY         GHL's Ed25519 public key (x-ghl-signature); required
  --webhook-legacy-key PEM|FILE  GHL_WEBHOOK_LEGACY_KEY  GHL's RSA key: also accept x-wh-signature (legacy)
  --webhook-tolerance-ms N  GHL_WEBHOOK_TOLERANCE_MS  a delivery's timestamp may be this far off, default 300000
  --webhook-max-body-bytes N  GHL_WEBHOOK_MAX_BODY_BYTES  default 1048576
  --webhook-log-max-events N  GHL_WEBHOOK_LOG_MAX_EVENTS  events kept per location, default 1000
  --webhook-log-max-age-ms N  GHL_WEBHOOK_LOG_MAX_AGE_MS  events kept this long, default 86400000
  --webhook-port N        GHL_WEBHOOK_PORT        stdio server: receive on this port (0: any free one)
  --webhook-host H        GHL_WEBHOOK_HOST        stdio server: listen on this address, default 127.0.0.1
`;

type WebhookOption = keyof typeof WEBHOOK_OPTIONS;

/**
 * The receiver's settings when --webhooks / GHL_WEBHOOKS asks for it, else undefined. Throws a plain Error naming
 * the option; config.ts turns it into a ConfigError.
 */
export function webhookConfig(enabled: boolean, http: boolean, pick: (name: WebhookOption) => string | undefined): WebhookConfig | undefined {
  const given = (Object.keys(WEBHOOK_OPTIONS) as WebhookOption[]).filter((name) => pick(name) !== undefined);
  if (!enabled) {
    if (given.length > 0) throw new Error(`--${given[0]} needs --webhooks (or GHL_WEBHOOKS=true)`);
    return undefined;
  }
  const port = pick('webhook-port');
  const host = pick('webhook-host');
  if (http && (port !== undefined || host !== undefined)) {
    throw new Error(`--${port !== undefined ? 'webhook-port' : 'webhook-host'} is for a stdio server: with --http the receiver is served beside /mcp`);
  }
  if (!http && port === undefined) {
    throw new Error('--webhooks needs --http (the receiver beside /mcp) or, for a stdio server, --webhook-port N (a listener of its own; 0: any free port)');
  }
  const keyText = pick('webhook-key');
  if (!keyText) throw new Error("--webhooks needs GHL's Ed25519 public key: --webhook-key / GHL_WEBHOOK_KEY (PEM text or a file)");
  const legacyText = pick('webhook-legacy-key');
  return {
    path: WEBHOOK_PATH,
    ed25519Key: publicKey(pem(keyText, 'webhook-key'), 'ed25519', '--webhook-key / GHL_WEBHOOK_KEY'),
    ...(legacyText && { legacyRsaKey: publicKey(pem(legacyText, 'webhook-legacy-key'), 'rsa', '--webhook-legacy-key / GHL_WEBHOOK_LEGACY_KEY') }),
    toleranceMs: whole(pick, 'webhook-tolerance-ms', 5 * 60_000),
    maxBodyBytes: whole(pick, 'webhook-max-body-bytes', 1024 * 1024),
    logMaxEvents: whole(pick, 'webhook-log-max-events', 1000),
    logMaxAgeMs: whole(pick, 'webhook-log-max-age-ms', 24 * 60 * 60_000),
    ...(port !== undefined && { listen: { host: host ?? '127.0.0.1', port: portNumber(port) } }),
  };
}

function portNumber(raw: string): number {
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--webhook-port / GHL_WEBHOOK_PORT must be a port number (0 to 65535), got "${raw}"`);
  return port;
}

/** PEM text as given, or the contents of the file it names. */
function pem(value: string, name: WebhookOption): string {
  if (value.includes('-----BEGIN')) return value.replace(/\\n/g, '\n');
  try {
    return readFileSync(value, 'utf8');
  } catch (error) {
    throw new Error(`--${name} / ${WEBHOOK_OPTIONS[name].env}: cannot read ${value} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
}

function whole(pick: (name: WebhookOption) => string | undefined, name: WebhookOption, fallback: number): number {
  const raw = pick(name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} / ${WEBHOOK_OPTIONS[name].env} must be a positive whole number, got "${raw}"`);
  return value;
}
