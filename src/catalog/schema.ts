import type { DocumentSet, OpenApiDocument } from './documents.js';
import { addFacts, type FactContext } from './facts.js';
import type { JsonSchema } from './types.js';

const COMMON_PREFIX = '../common/common-schemas.json';
const KEPT_FORMATS = new Set(['date-time', 'date', 'email', 'uri']);
const COPIED_KEYWORDS = ['minimum', 'maximum', 'minLength', 'maxLength', 'pattern', 'minItems', 'maxItems', 'uniqueItems'];

type RawSchema = Record<string, unknown>;

/**
 * Turns an OpenAPI 3.0 schema into a compact JSON Schema (2020-12) fragment: `$ref`s inlined (local, into
 * the common document, or dangling ones resolved against the common schemas), single-`$ref` `allOf`
 * wrappers unwrapped, `oneOf` → `anyOf`, `nullable` → a `null` type. Prose is dropped; the facts it and the
 * examples hold (example value, default, format, limits) are kept as keywords (see facts.ts).
 */
export class SchemaCompactor {
  constructor(
    private readonly docs: DocumentSet,
    private readonly warn: (message: string) => void = () => {},
  ) {}

  /** `context`: what surrounds the schema (a parameter's name, description and example). */
  compact(schema: unknown, doc: OpenApiDocument, context: FactContext = {}): JsonSchema {
    return this.walk(schema, doc, [], context);
  }

  private walk(input: unknown, doc: OpenApiDocument, seen: string[], context: FactContext): JsonSchema {
    if (input === true || input === undefined || input === null || typeof input !== 'object') return {};
    const raw = input as RawSchema;
    if (typeof raw.$ref === 'string') {
      const ref = raw.$ref;
      if (seen.includes(ref)) return {};
      const target = this.resolve(ref, doc);
      return this.walk(target.schema, target.doc, [...seen, ref], around(raw, context));
    }
    if (Array.isArray(raw.allOf)) return this.walkAllOf(raw, doc, seen, context);
    const variants = (raw.oneOf ?? raw.anyOf) as unknown[] | undefined;
    if (Array.isArray(variants)) {
      const anyOf = dedupe(variants.map((variant) => this.walk(variant, doc, seen, { name: context.name })));
      if (anyOf.some((variant) => Object.keys(variant).length === 0)) return {};
      return withNullable(anyOf.length === 1 ? anyOf[0]! : { anyOf }, raw.nullable === true);
    }
    const typed = this.walkTyped(raw, doc, seen, context.name);
    addFacts(typed, raw, context);
    return withNullable(typed, raw.nullable === true);
  }

  private walkAllOf(raw: RawSchema, doc: OpenApiDocument, seen: string[], context: FactContext): JsonSchema {
    const inner = around(raw, context);
    const parts = (raw.allOf as unknown[]).map((part) => this.walk(part, doc, seen, inner));
    const { allOf: _allOf, ...siblings } = raw;
    const own = Object.keys(siblings).some((key) => key === 'properties' || key === 'type') ? [this.walk(siblings, doc, seen, inner)] : [];
    const merged = mergeObjects([...parts, ...own]);
    return withNullable(merged, raw.nullable === true);
  }

  private walkTyped(raw: RawSchema, doc: OpenApiDocument, seen: string[], name?: string): JsonSchema {
    const out: JsonSchema = {};
    const values = Array.isArray(raw.enum) ? enumValues(raw.enum) : undefined;
    const type = values ? typeOfValues(raw.type, values) : raw.type;
    if (typeof type === 'string' && type !== 'any') out.type = type;
    if (type === 'string' && raw.format === 'binary') {
      out.contentEncoding = 'base64';
    } else if (typeof raw.format === 'string' && KEPT_FORMATS.has(raw.format)) {
      out.format = raw.format;
    }
    if (values) out.enum = values;
    for (const keyword of COPIED_KEYWORDS) {
      if (raw[keyword] !== undefined) out[keyword] = raw[keyword];
    }
    if (raw.properties && typeof raw.properties === 'object') {
      out.type = 'object';
      const properties: Record<string, JsonSchema> = {};
      for (const [property, child] of Object.entries(raw.properties as RawSchema)) {
        properties[property] = this.walk(child, doc, seen, { name: property });
      }
      const required = Array.isArray(raw.required) ? (raw.required as string[]) : [];
      for (const name of required) properties[name] ??= {};
      if (Object.keys(properties).length > 0) out.properties = properties;
      if (required.length > 0) out.required = [...new Set(required)];
    }
    if (raw.items !== undefined) {
      out.type = 'array';
      out.items = this.walk(raw.items, doc, seen, { name });
    }
    if (raw.additionalProperties !== undefined && raw.additionalProperties !== true) {
      out.additionalProperties = raw.additionalProperties === false ? false : this.walk(raw.additionalProperties, doc, seen, {});
    }
    return out;
  }

  private resolve(ref: string, doc: OpenApiDocument): { schema: unknown; doc: OpenApiDocument } {
    const [file, pointer = ''] = ref.split('#');
    const fromCommon = file === COMMON_PREFIX;
    if (file && !fromCommon) {
      this.warn(`unsupported $ref ${ref}`);
      return { schema: {}, doc };
    }
    const home = fromCommon ? this.docs.common : doc;
    const found = lookup(home, pointer);
    if (found !== undefined) return { schema: found, doc: home };
    const fallback = lookup(this.docs.common, pointer);
    if (fallback !== undefined) return { schema: fallback, doc: this.docs.common };
    this.warn(`dangling $ref ${ref}`);
    return { schema: {}, doc };
  }
}

/** The facts a `$ref` / `allOf` wrapper states about the schema it points at (the property's own words win). */
function around(raw: RawSchema, context: FactContext): FactContext {
  const description = [context.description, typeof raw.description === 'string' ? raw.description : undefined].filter(Boolean).join(' ');
  return { name: context.name, description: description || undefined, example: context.example ?? raw.example };
}

function lookup(doc: OpenApiDocument, pointer: string): unknown {
  let node: unknown = doc;
  for (const segment of pointer.split('/').filter(Boolean)) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as RawSchema)[segment.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return node;
}

/** An enum written as one nested list (`enum: [["US", "CA"]]`, as in store.json) means its items. */
function enumValues(values: unknown[]): unknown[] {
  const flat = values.length === 1 && Array.isArray(values[0]) ? (values[0] as unknown[]) : values;
  return flat.filter((value) => value !== null);
}

/** When the declared type contradicts every allowed value (`type: number` over country codes), the values win. */
function typeOfValues(declared: unknown, values: unknown[]): unknown {
  const kinds = new Set(values.map((value) => typeof value));
  const [kind] = kinds;
  if (typeof declared !== 'string' || kinds.size !== 1 || !['string', 'number', 'boolean'].includes(kind!)) return declared;
  const fits = declared === kind || (kind === 'number' && declared === 'integer');
  return fits ? declared : kind;
}

function withNullable(schema: JsonSchema, nullable: boolean): JsonSchema {
  if (!nullable || Object.keys(schema).length === 0) return schema;
  if (typeof schema.type === 'string') {
    const out: JsonSchema = { ...schema, type: [schema.type, 'null'] };
    if (Array.isArray(schema.enum)) out.enum = [...schema.enum, null];
    return out;
  }
  return { anyOf: [schema, { type: 'null' }] };
}

function mergeObjects(parts: JsonSchema[]): JsonSchema {
  const meaningful = parts.filter((part) => Object.keys(part).length > 0);
  if (meaningful.length <= 1) return meaningful[0] ?? {};
  if (!meaningful.every((part) => part.type === 'object')) return { allOf: meaningful };
  const properties: Record<string, JsonSchema> = {};
  const required = new Set<string>();
  for (const part of meaningful) {
    Object.assign(properties, part.properties ?? {});
    for (const name of (part.required as string[] | undefined) ?? []) required.add(name);
  }
  const merged: JsonSchema = { type: 'object', properties };
  if (required.size > 0) merged.required = [...required];
  return merged;
}

function dedupe(schemas: JsonSchema[]): JsonSchema[] {
  const seen = new Set<string>();
  return schemas.filter((schema) => {
    const key = JSON.stringify(schema);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
