import pino from 'pino';

export type Logger = pino.Logger;

/** Log keys whose values are secrets wherever they appear. */
const REDACTED_PATHS = [
  'apiKey',
  'token',
  'accessToken',
  'refreshToken',
  'access_token',
  'refresh_token',
  'clientSecret',
  'client_secret',
  'authorization',
  'headers.authorization',
  'headers.Authorization',
  '*.apiKey',
  '*.token',
  '*.accessToken',
  '*.refreshToken',
  '*.access_token',
  '*.refresh_token',
  '*.clientSecret',
  '*.client_secret',
  '*.authorization',
];

/** Logs go to stderr only: in stdio mode stdout carries nothing but JSON-RPC messages. */
export function createLogger(level: string, destination: pino.DestinationStream = pino.destination({ fd: 2, sync: true })): Logger {
  return pino({ name: 'ghl-mcp', level, base: undefined, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } }, destination);
}

/** Replaces every known secret value in a text (tool results, error messages) with a marker. */
export function scrubSecrets(text: string, secrets: readonly string[]): string {
  let scrubbed = text;
  for (const secret of secrets) {
    if (secret.length >= 8) scrubbed = scrubbed.split(secret).join('[redacted]');
  }
  return scrubbed;
}
