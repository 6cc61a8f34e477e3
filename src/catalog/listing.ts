import type { JsonSchema } from './types.js';

/**
 * tools/list is paid for by every agent on every turn, so the listed schema of a tool is a projection of
 * its full contract: every argument with its type and required flag, enums of up to MAX_LISTED_ENUM values,
 * and each argument's nested fields as deep as fits in ARG_BUDGET bytes. Calls are still validated against
 * the full contract, and a validation error names the nested field and its allowed values.
 */
const ARG_BUDGET = 160;
const MAX_LISTED_ENUM = 16;
const DEPTHS = [3, 2, 1];

export function listedSchema(full: JsonSchema): JsonSchema {
  const properties = full.properties as Record<string, JsonSchema> | undefined;
  if (!properties) return full;
  const listed: Record<string, JsonSchema> = {};
  for (const [name, schema] of Object.entries(properties)) listed[name] = listedArg(schema);
  return { ...full, properties: listed };
}

function listedArg(schema: JsonSchema): JsonSchema {
  for (const depth of DEPTHS) {
    const projected = project(schema, depth);
    if (JSON.stringify(projected).length <= ARG_BUDGET) return projected;
  }
  return project(schema, 0);
}

function project(schema: JsonSchema, depth: number): JsonSchema {
  const out: JsonSchema = { ...schema };
  if (Array.isArray(out.type)) out.type = (out.type as string[]).find((type) => type !== 'null');
  if (Array.isArray(out.enum)) {
    const values = (out.enum as unknown[]).filter((value) => value !== null);
    if (values.length > MAX_LISTED_ENUM) delete out.enum;
    else out.enum = values;
  }
  if (out.properties) {
    if (depth <= 0) {
      delete out.properties;
      delete out.required;
    } else {
      out.properties = mapValues(out.properties as Record<string, JsonSchema>, (child) => project(child, depth - 1));
    }
  }
  if (out.items) out.items = project(out.items as JsonSchema, depth);
  if (out.additionalProperties && typeof out.additionalProperties === 'object') {
    out.additionalProperties = project(out.additionalProperties as JsonSchema, depth - 1);
  }
  if (Array.isArray(out.anyOf)) {
    const variants = uniqueByJson((out.anyOf as JsonSchema[]).map((variant) => project(variant, depth)));
    delete out.anyOf;
    return variants.length === 1 ? { ...out, ...variants[0] } : { ...out, anyOf: variants };
  }
  return out;
}

function uniqueByJson(schemas: JsonSchema[]): JsonSchema[] {
  const seen = new Map<string, JsonSchema>();
  for (const schema of schemas) seen.set(JSON.stringify(schema), schema);
  return [...seen.values()];
}

function mapValues<T, U>(record: Record<string, T>, map: (value: T) => U): Record<string, U> {
  return Object.fromEntries(Object.entries(record).map(([key, value]) => [key, map(value)]));
}
