import type { JsonSchema } from './types.js';

/**
 * Facts an agent needs about one argument, read from the documents without copying their prose: a short
 * example value, the default, the format (standard ones, plus the catalog's own `epoch-ms` / `epoch-s` for
 * timestamps sent as numbers or digit strings) and limits the documents state only in words. The words of a
 * description are read for facts and then dropped; nothing of them reaches the catalog.
 *
 * Limits found only in words never validate (validation stays as the documents' schemas say); they are hints:
 * `x-maximum` / `x-minimum` for a number, `x-range-days` for the longest span between a date pair.
 */

/** What the surroundings of a schema node say about it: its property name and the description next to it. */
export interface FactContext {
  name?: string;
  description?: string;
  example?: unknown;
}

const MAX_EXAMPLE_CHARS = 40;
const MAX_ARRAY_EXAMPLE_CHARS = 60;
/** 2001-09-09 .. 2100-01-01: the only sensible range for a timestamp example. */
const EPOCH_MS = [1_000_000_000_000, 4_102_444_800_000] as const;
const EPOCH_S = [1_000_000_000, 4_102_444_800] as const;

const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[a-z]{2,}$/i;
const URL = /^https?:\/\/\S+$/;

/** Names of fields that hold a point in time (not a duration). */
const TIME_WORDS = /(date|time|stamp|expir|since|until)/i;

function timeName(name: string): boolean {
  return TIME_WORDS.test(name) || /[a-z](At|On)$/.test(name);
}
const DURATION_NAME = /(duration|interval|timeout|delay|ttl|wait|sleep|offset|count|limit|seconds|minutes|hours|days)/i;
const TIMESTAMP_WORDS = /\b(timestamp|epoch|unix|millis|milliseconds)\b/i;
const MILLIS_WORDS = /\b(millis|milliseconds|in ms|ms)\b/i;
const SECONDS_WORDS = /\b(in seconds|seconds)\b/i;
const ISO_WORDS = /\bISO[ -]?(8601|date|timestamp|string|format)|\bISO8601\b/i;

export function addFacts(out: JsonSchema, raw: Record<string, unknown>, context: FactContext = {}): void {
  const type = typeof out.type === 'string' ? out.type : Array.isArray(out.type) ? (out.type as string[]).find((t) => t !== 'null') : undefined;
  if (!type || type === 'object' || out.anyOf) return;
  const description = [context.description, typeof raw.description === 'string' ? raw.description : undefined].filter(Boolean).join(' ');
  const example = firstExample(raw) ?? context.example;
  const format = out.format ?? formatOf(type, example, description, context.name ?? '');
  if (format && !out.format) out.format = format;
  const items = out.items as JsonSchema | undefined;
  // "Array of attachment URLs": the words say what each item is.
  if (type === 'array' && items?.type === 'string' && !items.format && /\bURLs\b/.test(description)) items.format = 'uri';
  if (!Array.isArray(out.enum)) {
    const kept = example === undefined ? undefined : keptExample(example, out, type);
    if (kept !== undefined && out.examples === undefined) out.examples = [kept];
  }
  if (out.default === undefined) {
    const fallback = raw.default !== undefined ? raw.default : wordDefault(type, description);
    if (fallback !== undefined && fits(fallback, out, type) && JSON.stringify(fallback).length <= MAX_EXAMPLE_CHARS) out.default = fallback;
  }
  addWordLimits(out, type, description);
  if (description) addFieldFacts(out, type, description, context.name ?? '');
}

function firstExample(raw: Record<string, unknown>): unknown {
  if (raw.example !== undefined) return raw.example;
  if (Array.isArray(raw.examples)) return raw.examples[0];
  return undefined;
}

/** An example is kept when it is short and a valid value of the field (a wrong example misleads more than none). */
function keptExample(example: unknown, out: JsonSchema, type: string): unknown {
  if (example === null) return undefined;
  if (!fits(example, out, type)) return undefined;
  const size = JSON.stringify(example).length;
  if (typeof example === 'string') {
    if (example.trim() === '') return undefined;
    if (size <= MAX_EXAMPLE_CHARS && !/[\n\r]/.test(example)) return example;
    // A long free text is cut at a word (its start shows the kind of text); long codes, URLs and markup are dropped.
    return /^[^<>{}\n\r]*\s[^<>{}\n\r]*$/.test(example) && out.pattern === undefined ? cutText(example) : undefined;
  }
  if (Array.isArray(example) && (size > MAX_ARRAY_EXAMPLE_CHARS || example.length === 0)) return undefined;
  return example;
}

function cutText(text: string): string | undefined {
  const cut = text.slice(0, MAX_EXAMPLE_CHARS - 1).replace(/\s+\S*$/, '');
  return cut.length >= 8 ? `${cut}…` : undefined;
}

/** Whether a value is valid for the node: its type, enum, length, bounds and pattern. */
export function fits(value: unknown, schema: JsonSchema, type: string): boolean {
  if (Array.isArray(schema.enum)) return (schema.enum as unknown[]).includes(value);
  switch (type) {
    case 'string': {
      if (typeof value !== 'string') return false;
      if (typeof schema.minLength === 'number' && value.length < schema.minLength) return false;
      if (typeof schema.maxLength === 'number' && value.length > schema.maxLength) return false;
      if (typeof schema.pattern === 'string' && !safeTest(schema.pattern, value)) return false;
      return true;
    }
    case 'integer':
    case 'number': {
      if (typeof value !== 'number' || !Number.isFinite(value)) return false;
      if (type === 'integer' && !Number.isInteger(value)) return false;
      if (typeof schema.minimum === 'number' && value < schema.minimum) return false;
      if (typeof schema.maximum === 'number' && value > schema.maximum) return false;
      return true;
    }
    case 'boolean':
      return typeof value === 'boolean';
    case 'array': {
      if (!Array.isArray(value)) return false;
      const items = schema.items as JsonSchema | undefined;
      const itemType = typeof items?.type === 'string' ? items.type : undefined;
      if (!items || !itemType || itemType === 'object' || itemType === 'array') return false;
      return value.every((item) => fits(item, items, itemType));
    }
    default:
      return false;
  }
}

function safeTest(pattern: string, value: string): boolean {
  try {
    return new RegExp(pattern).test(value);
  } catch {
    return false;
  }
}

function formatOf(type: string, example: unknown, description: string, name: string): string | undefined {
  if (type === 'number' || type === 'integer' || type === 'string') {
    const epoch = epochOf(type, example, description, name);
    if (epoch) return epoch;
  }
  if (type !== 'string') return undefined;
  if (typeof example === 'string') {
    if (ISO_DATE_TIME.test(example)) return 'date-time';
    if (ISO_DATE.test(example) && timeName(name)) return 'date';
    if (EMAIL.test(example) && /email/i.test(name)) return 'email';
    if (URL.test(example) && /(url|link|website|uri|href|image|icon|logo|avatar)/i.test(name)) return 'uri';
  }
  if (ISO_WORDS.test(description) && timeName(name) && !/country|currency|language/i.test(description)) return 'date-time';
  if (/\bURL\b/.test(description) && /(url|link|image|attachment|file|avatar|logo)/i.test(name)) return 'uri';
  return undefined;
}

/**
 * Timestamps: a 13-digit example is milliseconds, a 10-digit one seconds (that one, and a digit string, only for a
 * field named or described as a point in time); without an example, unit words next to timestamp words decide.
 * Durations never qualify.
 */
function epochOf(type: string, example: unknown, description: string, name: string): string | undefined {
  if (DURATION_NAME.test(name)) return undefined;
  const timeish = timeName(name) || TIMESTAMP_WORDS.test(description);
  const digits =
    typeof example === 'number' && Number.isInteger(example) ? String(example) : typeof example === 'string' && /^\d+$/.test(example) ? example : undefined;
  if (digits !== undefined) {
    if (type === 'string' && !timeish) return undefined;
    const value = Number(digits);
    if (digits.length === 13 && value >= EPOCH_MS[0] && value < EPOCH_MS[1]) return 'epoch-ms';
    if (digits.length === 10 && timeish && value >= EPOCH_S[0] && value < EPOCH_S[1]) return 'epoch-s';
    return undefined;
  }
  if (example !== undefined || !timeish || !TIMESTAMP_WORDS.test(description)) return undefined;
  if (MILLIS_WORDS.test(description)) return 'epoch-ms';
  if (SECONDS_WORDS.test(description) && /\b(timestamp|epoch|unix)\b/i.test(description)) return 'epoch-s';
  return undefined;
}

/** "defaults to 10", "default is 50", "default: false": a default the schema does not declare. */
function wordDefault(type: string, description: string): unknown {
  if (type === 'boolean') {
    const match = /\bdefaults?(?: value)?(?: is| will be| to|:)?\s+[`*']*(true|false)\b/i.exec(description);
    return match ? match[1]!.toLowerCase() === 'true' : undefined;
  }
  if (type !== 'number' && type !== 'integer') return undefined;
  const match = /\bdefaults?(?: value)?(?: is| will be| to|:)?\s+(\d+)\b/i.exec(description);
  return match ? Number(match[1]) : undefined;
}

/** "User IDs of followers": the kind of record a field holds IDs of, when its name does not say it. */
function idKindOf(name: string, description: string): string | undefined {
  if (/(Id|ID|_id|Ids|IDs)$/.test(name)) return undefined;
  const match = /\b([A-Z]?[a-z]+)(?: |-)IDs?\b/.exec(description);
  const word = match?.[1]?.toLowerCase();
  return word && !['the', 'an', 'a', 'unique', 'of', 'its', 'external', 'internal', 'object', 'record'].includes(word) ? word : undefined;
}

/** Facts about the field as a whole: deprecated, a length limit in words, the records whose IDs it holds. */
function addFieldFacts(out: JsonSchema, type: string, description: string, name: string): void {
  if (/\bdeprecated\b/i.test(description)) out.deprecated = true;
  const length = /\bmax(?:imum)?(?: of)? (\d+) char/i.exec(description);
  if (length && type === 'string' && out.maxLength === undefined) out['x-max-length'] = Number(length[1]);
  const kind = type === 'string' || type === 'array' ? idKindOf(name, description) : undefined;
  if (kind) out['x-id-of'] = kind;
}

const WORD_MAXIMUM = [
  /\bmax(?:imum)?(?: allowed)?(?: value)?(?: is| of| up to|:)?\s*(\d+)\b/i,
  /\ballow maximum up to (\d+)\b/i,
  /\bcannot (?:be )?(?:more|greater) than (\d+)\b/i,
];
const WORD_MINIMUM = /\bmin(?:imum)?(?: value)?(?: is|:)?\s*(\d+)\b/i;
const RANGE_DAYS = /range (?:cannot be|can(?:not|'t) exceed|of at most|must not exceed) (?:more than )?(\d+) days/i;

/** Limits the documents put in words only: kept as hints (never validated), unless the schema already has them. */
function addWordLimits(out: JsonSchema, type: string, description: string): void {
  if (!description) return;
  const days = RANGE_DAYS.exec(description);
  if (days) out['x-range-days'] = Number(days[1]);
  if (type !== 'number' && type !== 'integer') return;
  // A maximum for a unit-dependent value ("max 5 for minutes, 300 for seconds") is not one number.
  if (/\bfor (minutes|seconds|hours)\b|depending on/i.test(description) || days) return;
  if (out.maximum === undefined) {
    const max = WORD_MAXIMUM.map((pattern) => pattern.exec(description)).find(Boolean);
    if (max) out['x-maximum'] = Number(max[1]);
  }
  if (out.minimum === undefined) {
    const min = WORD_MINIMUM.exec(description);
    if (min) out['x-minimum'] = Number(min[1]);
  }
}
