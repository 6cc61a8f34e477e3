/**
 * What two strict providers accept as a function's parameters, checked on a tools/list input schema.
 *
 * OpenAI (strict function calling): clients that run MCP tools in strict mode (the OpenAI Agents SDK with
 * `convertSchemasToStrict`, the Responses API's own normalising) make every property required, an optional one
 * nullable, and close every object (`additionalProperties: false`). What that conversion cannot fix is refused: an
 * object without properties or one that allows more keys, an array without `items`, a node without a type,
 * keywords outside the strict subset, a format outside its list, `anyOf` beside other keywords or at the root, and
 * the size limits (10 levels, 5,000 properties, 1,000 enum values, 120,000 characters of names and values).
 *
 * Gemini (FunctionDeclaration.parameters, a subset of the OpenAPI 3.0 schema object, sent as listed): only the
 * subset's keywords; one type name per node (no type lists); objects with at least one property (a tool without
 * arguments is sent without parameters by every adapter, so an empty root passes); arrays with `items`; enums of
 * strings on strings only; string formats `date-time` and `enum` only.
 *
 * OpenAI's list is kept narrow on one point: `pattern`, whose regular-expression dialect it restricts, counts as
 * refused, so the listing never relies on it.
 */

type Schema = Record<string, unknown>;

const OPENAI_FORMATS = new Set(['date-time', 'time', 'date', 'duration', 'email', 'hostname', 'ipv4', 'ipv6', 'uuid']);
const OPENAI_COMMON = new Set(['type', 'description', 'title', 'enum', 'const', 'anyOf']);
const OPENAI_BY_TYPE: Record<string, Set<string>> = {
  string: new Set(['format']),
  number: new Set(['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf']),
  integer: new Set(['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf']),
  boolean: new Set(),
  null: new Set(),
  array: new Set(['items', 'minItems', 'maxItems']),
  object: new Set(['properties', 'required', 'additionalProperties']),
};
/** Keywords a strict conversion refuses to touch (it cannot make them strict without changing what they accept). */
const UNCONVERTIBLE = ['allOf', 'oneOf', 'not', 'if', 'then', 'else', 'patternProperties', 'propertyNames', 'prefixItems', 'dependentSchemas', 'unevaluatedProperties'];
const ANY_OF_SIBLINGS = new Set(['anyOf', 'description', 'title']);
const OPENAI_LIMITS = { depth: 10, properties: 5_000, enumValues: 1_000, characters: 120_000 };

const GEMINI_KEYWORDS = new Set([
  'type', 'format', 'title', 'description', 'nullable', 'enum', 'items', 'properties', 'required', 'minItems', 'maxItems',
  'minProperties', 'maxProperties', 'minLength', 'maxLength', 'pattern', 'minimum', 'maximum', 'anyOf', 'propertyOrdering',
  'default', 'example',
]);
const GEMINI_TYPES = new Set(['string', 'number', 'integer', 'boolean', 'object', 'array']);
const GEMINI_STRING_FORMATS = new Set(['date-time', 'enum']);

export interface ProviderVerdict {
  openai: string[];
  gemini: string[];
}

/** Both providers' problems with one tool's input schema (empty lists: accepted). */
export function providerProblems(inputSchema: Schema): ProviderVerdict {
  return { openai: openAiStrictProblems(inputSchema), gemini: geminiProblems(inputSchema) };
}

export function openAiStrictProblems(inputSchema: Schema): string[] {
  const problems: string[] = [];
  if (inputSchema.type !== 'object' || 'anyOf' in inputSchema) problems.push('(root): must be an object, not a union');
  const converted = strictConverted(inputSchema, '', problems);
  const totals = { properties: 0, enumValues: 0, characters: 0, depth: 0 };
  checkOpenAi(converted, '', 1, problems, totals, true);
  if (totals.depth > OPENAI_LIMITS.depth) problems.push(`(root): ${totals.depth} levels of objects (limit ${OPENAI_LIMITS.depth})`);
  if (totals.properties > OPENAI_LIMITS.properties) problems.push(`(root): ${totals.properties} properties (limit ${OPENAI_LIMITS.properties})`);
  if (totals.enumValues > OPENAI_LIMITS.enumValues) problems.push(`(root): ${totals.enumValues} enum values (limit ${OPENAI_LIMITS.enumValues})`);
  if (totals.characters > OPENAI_LIMITS.characters) problems.push(`(root): ${totals.characters} characters of names and values (limit ${OPENAI_LIMITS.characters})`);
  return problems;
}

/**
 * The schema as a strict client sends it: every property required, optional ones nullable, objects closed.
 * What the conversion refuses is reported and the node left as it was.
 */
export function strictConverted(schema: Schema, at: string, problems: string[]): Schema {
  const out: Schema = { ...schema };
  const unconvertible = UNCONVERTIBLE.find((keyword) => keyword in schema);
  if (unconvertible) problems.push(`${at || '(root)'}: ${unconvertible} cannot be made strict`);
  const open = schema.additionalProperties;
  if (open !== undefined && open !== false) problems.push(`${at || '(root)'}: additionalProperties allows keys strict mode cannot list`);
  if (Array.isArray(schema.anyOf)) out.anyOf = (schema.anyOf as Schema[]).map((variant, index) => strictConverted(variant, `${at}|${index}`, problems));
  if (isSchema(schema.items)) out.items = strictConverted(schema.items, `${at}[]`, problems);
  if (isSchema(schema.properties)) {
    const required = new Set((schema.required as string[] | undefined) ?? []);
    const properties: Record<string, Schema> = {};
    for (const [name, child] of Object.entries(schema.properties as Record<string, Schema>)) {
      const strict = strictConverted(child, join(at, name), problems);
      properties[name] = required.has(name) ? strict : nullable(strict);
    }
    out.properties = properties;
    out.required = Object.keys(properties);
    if (open === undefined) out.additionalProperties = false;
  }
  return out;
}

/** An optional property under strict mode: the same schema or null (a node without a type takes null already). */
function nullable(schema: Schema): Schema {
  const values = Array.isArray(schema.enum) ? { enum: [...(schema.enum as unknown[]), null] } : {};
  if (typeof schema.type === 'string') return { ...schema, type: [schema.type, 'null'], ...values };
  if (Array.isArray(schema.type)) return schema.type.includes('null') ? schema : { ...schema, type: [...(schema.type as string[]), 'null'], ...values };
  if (Array.isArray(schema.anyOf)) return { ...schema, anyOf: [...(schema.anyOf as Schema[]), { type: 'null' }] };
  return schema;
}

interface Totals {
  properties: number;
  enumValues: number;
  characters: number;
  depth: number;
}

function checkOpenAi(schema: Schema, at: string, depth: number, problems: string[], totals: Totals, root = false): void {
  const where = at || '(root)';
  if (Array.isArray(schema.anyOf)) {
    const extra = Object.keys(schema).find((key) => !ANY_OF_SIBLINGS.has(key));
    if (extra) problems.push(`${where}: anyOf beside ${extra}`);
    (schema.anyOf as Schema[]).forEach((variant, index) => checkOpenAi(variant, `${at}|${index}`, depth, problems, totals));
    return;
  }
  const types = Array.isArray(schema.type) ? (schema.type as string[]) : typeof schema.type === 'string' ? [schema.type] : [];
  const main = types.filter((type) => type !== 'null');
  if (types.length === 0) return void problems.push(`${where}: no type`);
  if (main.length > 1 || types.some((type) => !(type in OPENAI_BY_TYPE))) return void problems.push(`${where}: type ${JSON.stringify(schema.type)}`);
  const type = main[0] ?? 'null';
  for (const key of Object.keys(schema)) {
    if (!OPENAI_COMMON.has(key) && !OPENAI_BY_TYPE[type]!.has(key)) problems.push(`${where}: ${key} is not allowed on a ${type}`);
  }
  if (typeof schema.format === 'string' && !OPENAI_FORMATS.has(schema.format)) problems.push(`${where}: format ${schema.format}`);
  if (Array.isArray(schema.enum)) {
    totals.enumValues += schema.enum.length;
    for (const value of schema.enum) {
      if (typeof value === 'string') totals.characters += value.length;
      if (value !== null && !valueFits(value, type)) problems.push(`${where}: enum value ${JSON.stringify(value)} is not a ${type}`);
    }
  }
  if (type === 'array') {
    if (!isSchema(schema.items)) problems.push(`${where}: array without items`);
    else checkOpenAi(schema.items, `${at}[]`, depth, problems, totals);
  }
  if (type === 'object') {
    totals.depth = Math.max(totals.depth, depth);
    const properties = isSchema(schema.properties) ? (schema.properties as Record<string, Schema>) : {};
    const names = Object.keys(properties);
    if (names.length === 0 && !root) problems.push(`${where}: object without properties`);
    if (schema.additionalProperties !== false) problems.push(`${where}: object not closed (additionalProperties)`);
    const required = new Set((schema.required as string[] | undefined) ?? []);
    const loose = names.filter((name) => !required.has(name));
    if (loose.length > 0) problems.push(`${where}: not required: ${loose.join(', ')}`);
    totals.properties += names.length;
    for (const name of names) {
      totals.characters += name.length;
      checkOpenAi(properties[name]!, join(at, name), depth + 1, problems, totals);
    }
  }
}

export function geminiProblems(inputSchema: Schema): string[] {
  const problems: string[] = [];
  checkGemini(inputSchema, '', problems, true);
  return problems;
}

function checkGemini(schema: Schema, at: string, problems: string[], root = false): void {
  const where = at || '(root)';
  for (const key of Object.keys(schema)) {
    if (!GEMINI_KEYWORDS.has(key)) problems.push(`${where}: unknown field ${key}`);
  }
  if (Array.isArray(schema.anyOf)) {
    (schema.anyOf as Schema[]).forEach((variant, index) => checkGemini(variant, `${at}|${index}`, problems));
    if (schema.type === undefined) return;
  }
  const type = schema.type;
  if (typeof type !== 'string' || !GEMINI_TYPES.has(type)) return void problems.push(`${where}: type ${JSON.stringify(type)}`);
  if (schema.format !== undefined && type === 'string' && !GEMINI_STRING_FORMATS.has(schema.format as string)) problems.push(`${where}: format ${String(schema.format)}`);
  if (Array.isArray(schema.enum) && (type !== 'string' || schema.enum.some((value) => typeof value !== 'string'))) problems.push(`${where}: enum of ${type} values`);
  if (type === 'array') {
    if (!isSchema(schema.items)) problems.push(`${where}: array without items`);
    else checkGemini(schema.items, `${at}[]`, problems);
  }
  if (type === 'object') {
    const properties = isSchema(schema.properties) ? (schema.properties as Record<string, Schema>) : {};
    if (Object.keys(properties).length === 0 && !root) problems.push(`${where}: object without properties`);
    for (const [name, child] of Object.entries(properties)) checkGemini(child, join(at, name), problems);
    const unknown = ((schema.required as string[] | undefined) ?? []).filter((name) => !(name in properties));
    if (unknown.length > 0) problems.push(`${where}: required names no property: ${unknown.join(', ')}`);
  }
}

function valueFits(value: unknown, type: string): boolean {
  if (type === 'integer') return Number.isInteger(value);
  return typeof value === type;
}

function isSchema(value: unknown): value is Schema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function join(at: string, name: string): string {
  return at ? `${at}.${name}` : name;
}
