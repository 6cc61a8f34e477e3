import type { JsonSchema } from '../catalog/types.js';

const CONSTRAINTS = ['format', 'pattern', 'minimum', 'maximum', 'minLength', 'maxLength', 'minItems', 'maxItems', 'contentEncoding'];

/**
 * What changed between two catalog schemas of one argument, in plain words and with the path of each nested
 * field: types, allowed values, fields added, removed, newly required, constraints.
 */
export function schemaChanges(where: string, before: JsonSchema, after: JsonSchema, out: string[] = []): string[] {
  if (same(before, after)) return out;
  const typesBefore = typesOf(before);
  const typesAfter = typesOf(after);
  if (typesBefore !== typesAfter) out.push(`${where}: type ${typesBefore || 'any'} → ${typesAfter || 'any'}`);
  enumChanges(where, before, after, out);
  fieldChanges(where, before, after, out);
  if (before.items || after.items) schemaChanges(`${where}[]`, (before.items as JsonSchema) ?? {}, (after.items as JsonSchema) ?? {}, out);
  if (!same(before.anyOf, after.anyOf)) out.push(`${where}: the accepted variants (anyOf) changed`);
  const constraints = CONSTRAINTS.filter((keyword) => !same(before[keyword], after[keyword]));
  if (constraints.length > 0) out.push(`${where}: ${constraints.map((keyword) => `${keyword} ${show(before[keyword])} → ${show(after[keyword])}`).join(', ')}`);
  return out;
}

function enumChanges(where: string, before: JsonSchema, after: JsonSchema, out: string[]): void {
  const valuesBefore = before.enum as unknown[] | undefined;
  const valuesAfter = after.enum as unknown[] | undefined;
  if (same(valuesBefore, valuesAfter)) return;
  if (!valuesAfter) return void out.push(`${where}: any value is now allowed (was one of ${list(valuesBefore!)})`);
  if (!valuesBefore) return void out.push(`${where}: now one of ${list(valuesAfter)}`);
  const added = valuesAfter.filter((value) => !valuesBefore.some((old) => same(old, value)));
  const removed = valuesBefore.filter((value) => !valuesAfter.some((now) => same(now, value)));
  const parts = [];
  if (added.length > 0) parts.push(`new values ${list(added)}`);
  if (removed.length > 0) parts.push(`values no longer allowed ${list(removed)}`);
  out.push(`${where}: ${parts.join('; ')}`);
}

function fieldChanges(where: string, before: JsonSchema, after: JsonSchema, out: string[]): void {
  const fieldsBefore = (before.properties as Record<string, JsonSchema> | undefined) ?? {};
  const fieldsAfter = (after.properties as Record<string, JsonSchema> | undefined) ?? {};
  const requiredBefore = new Set((before.required as string[] | undefined) ?? []);
  const requiredAfter = new Set((after.required as string[] | undefined) ?? []);
  for (const name of Object.keys(fieldsBefore)) {
    if (!(name in fieldsAfter)) out.push(`${where}.${name} removed`);
  }
  for (const [name, schema] of Object.entries(fieldsAfter)) {
    const path = `${where}.${name}`;
    if (!(name in fieldsBefore)) {
      out.push(`${path} added${requiredAfter.has(name) ? ' (required)' : ''}`);
      continue;
    }
    if (requiredAfter.has(name) && !requiredBefore.has(name)) out.push(`${path} is now required`);
    if (!requiredAfter.has(name) && requiredBefore.has(name)) out.push(`${path} is no longer required`);
    schemaChanges(path, fieldsBefore[name]!, schema, out);
  }
}

function typesOf(schema: JsonSchema): string {
  const type = schema.type;
  return (Array.isArray(type) ? [...(type as string[])].sort() : type ? [type as string] : []).join('|');
}

function list(values: unknown[]): string {
  const shown = values.slice(0, 8).map(show).join(', ');
  return values.length > 8 ? `${shown} … (${values.length} in all)` : shown;
}

function show(value: unknown): string {
  return value === undefined ? 'none' : JSON.stringify(value);
}

export function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
