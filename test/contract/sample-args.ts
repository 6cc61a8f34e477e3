import type { JsonSchema } from '../../src/catalog/types.js';

/** A plain ID: no character that the executor refuses in a path, and no static path segment of the documents. */
export const SAMPLE_ID = 'sample-id-1';

/** Values that match the patterns the official documents use; an unknown pattern fails loudly instead of guessing. */
const PATTERN_SAMPLES: Record<string, string> = {
  '^([01]?[0-9]|2[0-3]):[0-5][0-9]$': '09:30',
  '^[A-Za-z_]+/[A-Za-z_]+$': 'America/New_York',
  '^\\d{4}-\\d{2}-\\d{2}$': '2026-01-15',
};

const FORMAT_SAMPLES: Record<string, string> = {
  'date-time': '2026-01-15T09:30:00.000Z',
  date: '2026-01-15',
  email: 'sample@example.com',
  uri: 'https://example.com/sample',
};

/** Any base64 text is a valid file part. */
const BASE64_SAMPLE = Buffer.from('sample file content').toString('base64');

/** `required`: only what the schema requires; `all`: every declared property too, at every depth. */
export type Coverage = 'required' | 'all';

/**
 * A valid value for a catalog JSON Schema: the first enum value, the first anyOf variant, strings, numbers and
 * arrays inside their declared bounds, and objects with the properties the coverage asks for.
 */
export function sampleValue(schema: JsonSchema, coverage: Coverage = 'required', where = 'value'): unknown {
  if (Array.isArray(schema.anyOf)) return sampleValue((schema.anyOf as JsonSchema[])[0]!, coverage, where);
  const enumValues = (schema.enum as unknown[] | undefined)?.filter((value) => value !== null);
  if (enumValues && enumValues.length > 0) return enumValues[0];
  switch (typeOf(schema)) {
    case 'string':
      return sampleString(schema, where);
    case 'number':
      return sampleNumber(schema, false, where);
    case 'integer':
      return sampleNumber(schema, true, where);
    case 'boolean':
      return true;
    case 'array':
      return sampleArray(schema, coverage, where);
    case 'object':
      return sampleObject(schema, coverage, where);
    default:
      // An untyped schema accepts anything; text is what the documents' untyped fields usually carry.
      return 'sample';
  }
}

/** Arguments for a tool's full input schema, path arguments as plain IDs. */
export function sampleArgs(inputSchema: JsonSchema, pathArgs: ReadonlySet<string>, coverage: Coverage = 'required'): Record<string, unknown> {
  const args: Record<string, unknown> = {};
  for (const [name, schema] of Object.entries(propertiesFor(inputSchema, coverage))) {
    const plainId = pathArgs.has(name) && typeOf(schema) === 'string' && !schema.enum && !schema.pattern;
    args[name] = plainId ? SAMPLE_ID : sampleValue(schema, coverage, name);
  }
  return args;
}

function propertiesFor(schema: JsonSchema, coverage: Coverage): Record<string, JsonSchema> {
  const properties = (schema.properties as Record<string, JsonSchema> | undefined) ?? {};
  const names = coverage === 'all' ? [...new Set([...Object.keys(properties), ...((schema.required as string[] | undefined) ?? [])])] : ((schema.required as string[] | undefined) ?? []);
  return Object.fromEntries(names.map((name) => [name, properties[name] ?? {}]));
}

function typeOf(schema: JsonSchema): string | undefined {
  const types = Array.isArray(schema.type) ? (schema.type as string[]) : schema.type ? [schema.type as string] : [];
  const type = types.find((name) => name !== 'null');
  if (type) return type;
  if (schema.properties) return 'object';
  if (schema.items) return 'array';
  return undefined;
}

function sampleString(schema: JsonSchema, where: string): string {
  if (schema.contentEncoding === 'base64') return BASE64_SAMPLE;
  if (typeof schema.pattern === 'string') {
    const sample = PATTERN_SAMPLES[schema.pattern];
    if (sample === undefined) throw new Error(`${where}: no sample for the pattern ${schema.pattern}; add one to PATTERN_SAMPLES`);
    return sample;
  }
  if (typeof schema.format === 'string' && FORMAT_SAMPLES[schema.format]) return FORMAT_SAMPLES[schema.format]!;
  // Epoch times the documents type as text are sent as their digits.
  if (schema.format === 'epoch-ms' || schema.format === 'epoch-s') return String(epochSample(schema.format, where));
  const minLength = typeof schema.minLength === 'number' ? schema.minLength : 0;
  const maxLength = typeof schema.maxLength === 'number' ? schema.maxLength : Infinity;
  const text = 'sample'.padEnd(minLength, 'x');
  return text.slice(0, Math.max(maxLength, minLength));
}

/** A point in time for the catalog's epoch formats: 2026-01-15T09:30Z, a day later for the end of a range. */
const EPOCH_SAMPLE_MS = Date.UTC(2026, 0, 15, 9, 30);
const DAY_MS = 24 * 60 * 60 * 1000;

function epochSample(format: 'epoch-ms' | 'epoch-s', where: string): number {
  const at = EPOCH_SAMPLE_MS + (/(^|\.)(end|to)([A-Z]|$)/.test(where) ? DAY_MS : 0);
  return format === 'epoch-s' ? at / 1000 : at;
}

function sampleNumber(schema: JsonSchema, integer: boolean, where: string): number {
  if (schema.format === 'epoch-ms' || schema.format === 'epoch-s') return epochSample(schema.format, where);
  const minimum = typeof schema.minimum === 'number' ? schema.minimum : undefined;
  const maximum = typeof schema.maximum === 'number' ? schema.maximum : undefined;
  let value = minimum ?? Math.min(1, maximum ?? 1);
  if (integer) value = Math.ceil(value);
  return value;
}

function sampleArray(schema: JsonSchema, coverage: Coverage, where: string): unknown[] {
  const minItems = typeof schema.minItems === 'number' ? schema.minItems : 0;
  const maxItems = typeof schema.maxItems === 'number' ? schema.maxItems : Infinity;
  // One item even when none is required, so the encoding of array items is exercised too.
  const count = Math.min(Math.max(minItems, 1), maxItems);
  const items = (schema.items as JsonSchema | undefined) ?? {};
  return Array.from({ length: count }, (_, index) => sampleValue(items, coverage, `${where}[${index}]`));
}

function sampleObject(schema: JsonSchema, coverage: Coverage, where: string): Record<string, unknown> {
  const value: Record<string, unknown> = {};
  for (const [name, property] of Object.entries(propertiesFor(schema, coverage))) {
    value[name] = sampleValue(property, coverage, `${where}.${name}`);
  }
  return value;
}
