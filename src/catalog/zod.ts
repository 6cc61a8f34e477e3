import { z } from 'zod';
import type { JsonSchema } from './types.js';

/**
 * Builds a zod schema from a catalog JSON Schema fragment. Used at call time (lazily, per tool) and by the
 * self-update path for documents fetched at runtime, so tools/list never pays for it.
 */
export function zodFromSchema(schema: JsonSchema): z.ZodType {
  if (Array.isArray(schema.anyOf)) {
    const variants = (schema.anyOf as JsonSchema[]).map(zodFromSchema);
    return variants.length === 1 ? variants[0]! : z.union(variants as [z.ZodType, z.ZodType, ...z.ZodType[]]);
  }
  const types = Array.isArray(schema.type) ? (schema.type as string[]) : schema.type ? [schema.type as string] : [];
  const nullable = types.includes('null');
  const type = types.find((name) => name !== 'null');
  const base = type ? typedZod(type, schema) : z.unknown();
  return nullable ? base.nullable() : base;
}

function typedZod(type: string, schema: JsonSchema): z.ZodType {
  const values = (schema.enum as unknown[] | undefined)?.filter((value) => value !== null);
  if (values && values.length > 0) return enumZod(values);
  switch (type) {
    case 'string':
      return stringZod(schema);
    case 'number':
    case 'integer':
      return numberZod(type, schema);
    case 'boolean':
      return z.boolean();
    case 'array': {
      let array = z.array(schema.items ? zodFromSchema(schema.items as JsonSchema) : z.unknown());
      if (typeof schema.minItems === 'number') array = array.min(schema.minItems);
      if (typeof schema.maxItems === 'number') array = array.max(schema.maxItems);
      return array;
    }
    case 'object':
      return objectZod(schema, false);
    default:
      return z.unknown();
  }
}

function enumZod(values: unknown[]): z.ZodType {
  if (values.every((value) => typeof value === 'string')) return z.enum(values as [string, ...string[]]);
  const literals = values.map((value) => z.literal(value as string | number | boolean));
  return literals.length === 1 ? literals[0]! : z.union(literals as unknown as [z.ZodType, z.ZodType, ...z.ZodType[]]);
}

function stringZod(schema: JsonSchema): z.ZodType {
  let string = z.string();
  if (typeof schema.minLength === 'number') string = string.min(schema.minLength);
  if (typeof schema.maxLength === 'number') string = string.max(schema.maxLength);
  if (typeof schema.pattern === 'string') string = string.regex(new RegExp(schema.pattern));
  return string;
}

function numberZod(type: string, schema: JsonSchema): z.ZodType {
  let number = type === 'integer' ? z.number().int() : z.number();
  if (typeof schema.minimum === 'number') number = number.min(schema.minimum);
  if (typeof schema.maximum === 'number') number = number.max(schema.maximum);
  return number;
}

/** Nested objects stay open (the documents are often incomplete); the top level of a tool's input is strict. */
export function objectZod(schema: JsonSchema, strict: boolean): z.ZodType {
  const properties = (schema.properties as Record<string, JsonSchema> | undefined) ?? {};
  const required = new Set((schema.required as string[] | undefined) ?? []);
  const shape: Record<string, z.ZodType> = {};
  for (const [name, child] of Object.entries(properties)) {
    const field = zodFromSchema(child);
    shape[name] = required.has(name) ? field : field.optional();
  }
  const extra = schema.additionalProperties;
  if (Object.keys(shape).length === 0 && extra && typeof extra === 'object') {
    return z.record(z.string(), zodFromSchema(extra as JsonSchema));
  }
  if (strict || extra === false) return z.strictObject(shape);
  return z.looseObject(shape);
}
