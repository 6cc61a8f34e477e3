import type { JsonSchema, ToolEntry } from './types.js';

/**
 * The documents often give a body field's example on one operation only (create an invoice) and leave it out where
 * the same field comes back (update it, a template or schedule of it). Within a module, a body field at the same
 * place, of the same type and format, is given the example found elsewhere. IDs and query filters are left alone:
 * an example ID says nothing, and a filter of one search is not a filter of another.
 */
export function shareExamples(tools: ToolEntry[]): void {
  const known = new Map<string, unknown[]>();
  const bodyArgs = tools.flatMap((tool) => tool.args.filter((arg) => arg.in === 'body'));
  for (const arg of bodyArgs) {
    visit(arg.schema, arg.name, (key, node) => {
      if (Array.isArray(node.examples) && !known.has(key)) known.set(key, node.examples);
    });
  }
  for (const arg of bodyArgs) {
    visit(arg.schema, arg.name, (key, node) => {
      const examples = known.get(key);
      if (examples && node.examples === undefined && node.enum === undefined) node.examples = examples;
    });
  }
}

/** Every typed scalar or list node below an argument, keyed by its place, type and format. */
function visit(schema: JsonSchema, path: string, each: (key: string, node: JsonSchema) => void): void {
  const leaf = path.split(/[.[\]]+/).filter(Boolean).pop() ?? path;
  if (schema.type !== undefined && schema.type !== 'object' && !/(Id|ID|_id|Ids|IDs)$|^id$/.test(leaf)) each(`${path}:${JSON.stringify(schema.type)}:${String(schema.format)}`, schema);
  for (const [name, child] of Object.entries((schema.properties as Record<string, JsonSchema> | undefined) ?? {})) visit(child, `${path}.${name}`, each);
  if (schema.items && typeof schema.items === 'object') visit(schema.items as JsonSchema, `${path}[]`, each);
}
