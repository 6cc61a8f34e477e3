import type { JsonSchema } from '../catalog/types.js';

const MAX_ENUM = 6;
const MAX_FIELDS = 6;

/**
 * A tool's arguments as one short TypeScript-like line, e.g. `{calendarId: string, startDate: number,
 * timezone?: string}`: enough to pick the right tool and call it; ghl_describe_tool gives the full schema.
 */
export function signature(schema: JsonSchema): string {
  return objectType(schema, 1);
}

function objectType(schema: JsonSchema, depth: number): string {
  const properties = schema.properties as Record<string, JsonSchema> | undefined;
  if (!properties || Object.keys(properties).length === 0) return 'object';
  const required = new Set((schema.required as string[] | undefined) ?? []);
  const names = Object.keys(properties);
  if (depth <= 0) {
    const shown = names.slice(0, MAX_FIELDS).map((name) => (required.has(name) ? name : `${name}?`));
    return `{${shown.join(', ')}${names.length > MAX_FIELDS ? ', …' : ''}}`;
  }
  const fields = names.map((name) => `${name}${required.has(name) ? '' : '?'}: ${typeOf(properties[name]!, depth - 1)}`);
  return `{${fields.join(', ')}}`;
}

function typeOf(schema: JsonSchema, depth: number): string {
  if (Array.isArray(schema.enum)) {
    const values = (schema.enum as unknown[]).filter((value) => value !== null);
    if (values.length <= MAX_ENUM) return values.map((value) => JSON.stringify(value).replace(/"/g, "'")).join('|');
  }
  if (Array.isArray(schema.anyOf)) {
    return [...new Set((schema.anyOf as JsonSchema[]).map((variant) => typeOf(variant, depth)))].join(' | ');
  }
  const types = (Array.isArray(schema.type) ? schema.type : [schema.type]).filter((type) => type && type !== 'null') as string[];
  const type = types[0];
  if (type === 'array') {
    const items = schema.items as JsonSchema | undefined;
    const inner = items ? typeOf(items, depth) : 'any';
    return inner.includes('|') ? `(${inner})[]` : `${inner}[]`;
  }
  if (type === 'object') return objectType(schema, depth);
  if (type === 'integer') return 'number';
  return type ?? 'any';
}
