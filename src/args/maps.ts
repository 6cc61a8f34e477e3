import { isOpenObject, mainType, PAIR_KEY, PAIR_VALUE } from '../catalog/strict-subset.js';
import type { JsonSchema } from '../catalog/types.js';
import { type Findings, refuse } from './coerce.js';
import { isRecord } from './paths.js';

/** A converted map is shown in its note up to this many characters. */
const MAX_SHOWN_CHARS = 120;

/**
 * A free-form object is listed as `[{key, value}]` pairs (strict providers cannot take an object without named
 * fields: src/catalog/strict-subset.ts). Pairs sent for it become the object GHL wants, and a note says so; an
 * object sent as such is taken as it is. Two pairs with one key are refused: which value was meant is unclear.
 */
export function mapsFromPairs(schema: JsonSchema, value: unknown, path: string, found: Findings): unknown {
  if (value === undefined || value === null) return value;
  if (isOpenObject(schema)) return Array.isArray(value) && value.every(isPair) ? toMap(schema, value, path, found) : value;
  if (Array.isArray(schema.anyOf)) {
    // Only a single kind is walked: where several are allowed, a list of pairs could be one of them as it is.
    const kinds = (schema.anyOf as JsonSchema[]).filter((variant) => variant.type !== 'null');
    return kinds.length === 1 ? mapsFromPairs(kinds[0]!, value, path, found) : value;
  }
  const type = mainType(schema);
  if (type === 'array' && Array.isArray(value) && isSchema(schema.items)) {
    const items = schema.items;
    return value.map((item, index) => mapsFromPairs(items, item, `${path}[${index}]`, found));
  }
  if (type === 'object' && isRecord(value) && isSchema(schema.properties)) {
    const out = { ...value };
    for (const [name, child] of Object.entries(schema.properties as Record<string, JsonSchema>)) {
      if (out[name] !== undefined) out[name] = mapsFromPairs(child, out[name], `${path}.${name}`, found);
    }
    return out;
  }
  return value;
}

function toMap(schema: JsonSchema, pairs: Record<string, unknown>[], path: string, found: Findings): unknown {
  const map: Record<string, unknown> = {};
  const values = isSchema(schema.additionalProperties) ? schema.additionalProperties : undefined;
  for (const [index, pair] of pairs.entries()) {
    const key = pair[PAIR_KEY] as string;
    if (Object.hasOwn(map, key)) {
      refuse(found, path, `key ${JSON.stringify(key)} is given twice; give each key once`);
      return pairs;
    }
    map[key] = values ? mapsFromPairs(values, pair[PAIR_VALUE], `${path}[${index}].${PAIR_VALUE}`, found) : pair[PAIR_VALUE];
  }
  const shown = JSON.stringify(map);
  const count = `${pairs.length} key/value pair${pairs.length === 1 ? '' : 's'}`;
  found.notes.push(`${path} read from ${count}${shown.length <= MAX_SHOWN_CHARS ? ` as ${shown}` : ''}`);
  return map;
}

/** `{key, value}` and nothing else, the key a text: the listed form of one entry of a map. */
function isPair(item: unknown): item is Record<string, unknown> {
  if (!isRecord(item) || typeof item[PAIR_KEY] !== 'string' || !(PAIR_VALUE in item)) return false;
  return Object.keys(item).length === 2;
}

function isSchema(value: unknown): value is JsonSchema {
  return isRecord(value);
}
