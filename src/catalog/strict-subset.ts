import type { JsonSchema } from './types.js';

/**
 * What every major provider can take as a tool's parameters (OpenAI's strict function calling, Gemini's function
 * declarations): every object names its properties, every array its items, every node its type, and only the
 * keywords both know. The contract keeps the rest for validation; the listing says it in words instead.
 *
 * A free-form object (the documents name none of its keys) cannot be written in that subset, so it is listed as
 * what it is, a map: a list of `{key, value}` pairs, which src/args/maps.ts turns back into the object GHL wants.
 */

/** Contract keywords a strict provider refuses: validated, never listed (hints.ts says them in words). */
export const UNLISTED_KEYWORDS = new Set(['minLength', 'maxLength', 'pattern', 'contentEncoding', 'uniqueItems', 'additionalProperties']);

/** The one format both providers take as a keyword; the others are said in words. */
export const LISTED_FORMATS = new Set(['date-time']);

/** What a value of unknown kind is listed as: the kinds every provider can express. */
export const SCALAR_VALUES: readonly JsonSchema[] = [{ type: 'string' }, { type: 'number' }, { type: 'boolean' }];

/** The field names of a map's listed pairs. */
export const PAIR_KEY = 'key';
export const PAIR_VALUE = 'value';

/** The type a node takes besides null, when it names one. */
export function mainType(schema: JsonSchema): string | undefined {
  const type = schema.type;
  return Array.isArray(type) ? (type as string[]).find((name) => name !== 'null') : (type as string | undefined);
}

/** An object whose keys the documents do not name: a map, of values typed by `additionalProperties` or of anything. */
export function isOpenObject(schema: JsonSchema): boolean {
  const properties = schema.properties as JsonSchema | undefined;
  return mainType(schema) === 'object' && (!properties || Object.keys(properties).length === 0) && schema.additionalProperties !== false;
}

/** A node that accepts any value: no type, no variants, no value set. */
export function isAnyValue(schema: JsonSchema): boolean {
  return schema.type === undefined && !('anyOf' in schema) && !('enum' in schema) && !('properties' in schema) && !('items' in schema);
}

/** Whether an enum can be listed: Gemini takes string values only (the others are said in words). */
export function listableEnum(values: readonly unknown[]): boolean {
  return values.every((value) => typeof value === 'string');
}

/**
 * The node as a strict provider can take it (its facts kept for hints): a map as `{key, value}` pairs, any value
 * as one of the scalar kinds, an array's missing items as scalars, an `anyOf` without its free-form object and
 * null variants (what remains is still accepted). Nodes already in the subset come back as they are. Without
 * `maps`, a free-form object stays as it is (a listing that cannot afford its pairs).
 */
export function strictForm(schema: JsonSchema, maps = true): JsonSchema {
  if (maps && isOpenObject(schema)) {
    const { type: _type, properties: _properties, required: _required, additionalProperties: _values, ...facts } = schema;
    return { ...facts, ...pairsOf(mapValues(schema)) };
  }
  if (isAnyValue(schema)) return { ...schema, anyOf: [...SCALAR_VALUES] };
  if (mainType(schema) === 'array' && !isSchema(schema.items)) return { ...schema, items: { anyOf: [...SCALAR_VALUES] } };
  if (!Array.isArray(schema.anyOf)) return schema;
  const variants = (schema.anyOf as JsonSchema[]).filter((variant) => variant.type !== 'null');
  const typed = variants.filter((variant) => !isOpenObject(variant));
  const kept = (typed.length > 0 ? typed : variants).flatMap((variant) => (isAnyValue(variant) ? SCALAR_VALUES : [variant]));
  return { ...schema, anyOf: kept };
}

/** What a map's values are listed as: the typed `additionalProperties`, else any scalar. */
function mapValues(schema: JsonSchema): JsonSchema {
  const values = schema.additionalProperties;
  return isSchema(values) && !isAnyValue(values) ? values : { anyOf: [...SCALAR_VALUES] };
}

function pairsOf(value: JsonSchema): JsonSchema {
  return {
    type: 'array',
    items: { type: 'object', properties: { [PAIR_KEY]: { type: 'string' }, [PAIR_VALUE]: value }, required: [PAIR_KEY, PAIR_VALUE] },
  };
}

function isSchema(value: unknown): value is JsonSchema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
