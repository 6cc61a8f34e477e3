import type { ArgSpec, JsonSchema } from '../catalog/types.js';
import type { Findings } from './coerce.js';
import { isRecord } from './paths.js';

/**
 * Strict clients (OpenAI strict mode, as the Agents SDK applies it) make every listed field required and nullable,
 * so a model sends null for each field it leaves out. tools/list never offers null as a value, so null can only
 * mean "left out": such fields are dropped, at every depth, and one note names them. Sending them would do harm
 * where the documents let a field take null: an update would empty every field the model did not mean to touch.
 */
export function nullsLeftOut(args: readonly ArgSpec[], value: Record<string, unknown>, found: Findings): Record<string, unknown> {
  const dropped: string[] = [];
  const schema = { type: 'object', properties: Object.fromEntries(args.map((arg) => [arg.name, arg.schema])) };
  const out = withoutNulls(schema, value, '', dropped) as Record<string, unknown>;
  if (dropped.length > 0) found.notes.push(`null read as left out: ${dropped.join(', ')}`);
  return out;
}

/** The same arguments without the top-level nulls (the discovery tools take no null anywhere). */
export function topLevelNullsLeftOut(args: unknown): unknown {
  if (!isRecord(args)) return args;
  return Object.fromEntries(Object.entries(args).filter(([, value]) => value !== null));
}

function withoutNulls(schema: JsonSchema, value: unknown, path: string, dropped: string[]): unknown {
  const shape = singleKind(schema);
  if (Array.isArray(value)) {
    const items = isRecord(shape?.items) ? (shape.items as JsonSchema) : undefined;
    return items ? value.map((item, index) => withoutNulls(items, item, `${path}[${index}]`, dropped)) : value;
  }
  const properties = shape?.properties;
  if (!isRecord(value) || !isRecord(properties)) return value;
  const out: Record<string, unknown> = {};
  for (const [name, child] of Object.entries(value)) {
    const field = (properties as Record<string, JsonSchema>)[name];
    const at = path ? `${path}.${name}` : name;
    if (child === null && field) dropped.push(at);
    else out[name] = field ? withoutNulls(field, child, at, dropped) : child;
  }
  return out;
}

/** The schema a value is walked with: itself, or the one non-null variant of an `anyOf`. */
function singleKind(schema: JsonSchema): JsonSchema | undefined {
  if (!Array.isArray(schema.anyOf)) return schema;
  const kinds = (schema.anyOf as JsonSchema[]).filter((variant) => variant.type !== 'null');
  return kinds.length === 1 ? singleKind(kinds[0]!) : undefined;
}
