import pino from 'pino';
import { stderrDestination } from './terminal/log-format.js';

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

/** Logs go to stderr only (readable lines in a terminal): in stdio mode stdout carries nothing but JSON-RPC messages. */
export function createLogger(level: string, destination: pino.DestinationStream = stderrDestination()): Logger {
  return pino({ name: 'ghl-mcp', level, base: undefined, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } }, destination);
}

const REDACTED = '[redacted]';
/** Shorter values are not scrubbed: they would match ordinary text. */
const MIN_SECRET_LENGTH = 8;
/** A text that holds no backslash and no percent sign can only hold a secret verbatim. */
const MAY_BE_ENCODED = /[\\%]/;

/**
 * Replaces every known secret value in a text (tool results, resource text, error messages) with a marker —
 * verbatim, and in any form a JSON or URL encoder may have given it: GHL echoing a token as `pit\u002d...`,
 * `\/`, or escaped again inside a JSON string (`\\u002d`), or percent-encoded.
 */
export function scrubSecrets(text: string, secrets: readonly string[]): string {
  let scrubbed = text;
  for (const secret of secrets) {
    if (secret.length < MIN_SECRET_LENGTH) continue;
    if (scrubbed.includes(secret)) scrubbed = scrubbed.split(secret).join(REDACTED);
    if (MAY_BE_ENCODED.test(scrubbed)) scrubbed = scrubbed.replace(encodedForms(secret), REDACTED);
  }
  return scrubbed;
}

/** The same scrubbing through every string and key of a JSON value: a result's text and structured content alike. */
export function scrubJson<T>(value: T, secrets: readonly string[]): T {
  const live = secrets.filter((secret) => secret.length >= MIN_SECRET_LENGTH);
  return live.length === 0 ? value : (scrubValue(value, live) as T);
}

function scrubValue(value: unknown, secrets: readonly string[]): unknown {
  if (typeof value === 'string') return scrubSecrets(value, secrets);
  if (Array.isArray(value)) return value.map((item) => scrubValue(item, secrets));
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [scrubSecrets(key, secrets), scrubValue(item, secrets)]));
}

const encodedPatterns = new Map<string, RegExp>();

/** Each character of the secret as itself, a (possibly repeatedly escaped) \uXXXX or \/, or %XX. */
function encodedForms(secret: string): RegExp {
  let pattern = encodedPatterns.get(secret);
  if (!pattern) {
    const units = [...Array(secret.length).keys()].map((index) => unitForms(secret.charCodeAt(index)));
    pattern = new RegExp(units.join(''), 'g');
    // Secrets rotate (OAuth refreshes); a bounded memo keeps the patterns of the ones in play.
    if (encodedPatterns.size >= 256) encodedPatterns.clear();
    encodedPatterns.set(secret, pattern);
  }
  pattern.lastIndex = 0;
  return pattern;
}

function unitForms(code: number): string {
  const char = String.fromCharCode(code);
  const forms = [char.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'), `\\\\+u${hexForms(code, 4)}`];
  if (char === '/' || char === '"' || char === '\\') forms.push(`\\\\+\\${char}`);
  if (code < 0x80) forms.push(`%${hexForms(code, 2)}`);
  return `(?:${forms.join('|')})`;
}

/** The hex digits of a code, each letter in either case. */
function hexForms(code: number, width: number): string {
  return [...code.toString(16).padStart(width, '0')].map((digit) => (/[a-f]/.test(digit) ? `[${digit}${digit.toUpperCase()}]` : digit)).join('');
}
