import type { ArgRules, FillSource } from '../../tools/overlays/defaults.js';
import type { JsonSchema } from './types.js';

/**
 * What the server fills when a call leaves it out (src/args, rules in tools/overlays/defaults.ts) is not asked of
 * the agent: the listed schema marks those fields optional and says where the value comes from (`x-filled`),
 * and marks the choices the server never guesses (`x-choice`). Validation is unchanged: it runs after the fill.
 */
export function withFills(schema: JsonSchema, rules: ArgRules | undefined): JsonSchema {
  if (!rules?.fill && !rules?.choices) return schema;
  const out = structuredClone(schema);
  const fills = rules.fill ?? {};
  for (const [path, source] of Object.entries(fills)) {
    // Two fields filled from each other (a document's currency and its items'): one of them is still asked for.
    const other = readFrom(source);
    const mutual = other !== undefined && fills[other] !== undefined && readFrom(fills[other]!) === path;
    if (mutual && depthOf(path) <= depthOf(other)) continue;
    mark(out, path, 'x-filled', fillWords(source), true);
  }
  for (const [path, text] of Object.entries(rules.choices ?? {})) mark(out, path, 'x-choice', text, false);
  return out;
}

/** `contactDetails.name`, `items[].currency`: the node at a path, made optional in its parent when asked. */
function mark(root: JsonSchema, path: string, key: string, words: string, optional: boolean): void {
  let parent = root;
  const steps = path.split('.');
  for (const [index, step] of steps.entries()) {
    const name = step.replace(/\[\]$/, '');
    const properties = parent.properties as Record<string, JsonSchema> | undefined;
    const node = properties?.[name];
    if (!node) return;
    const last = index === steps.length - 1;
    if (last) {
      properties![name] = { ...node, [key]: words };
      if (optional) dropRequired(parent, name);
      return;
    }
    parent = step.endsWith('[]') ? ((node.items as JsonSchema | undefined) ?? {}) : node;
  }
}

/** The other argument a fill copies, if it copies one. */
function readFrom(source: FillSource): string | undefined {
  if ('arg' in source) return source.arg;
  if ('sharedBy' in source) return source.sharedBy;
  return undefined;
}

function depthOf(path: string): number {
  return path.split(/[.[]/).length;
}

function dropRequired(parent: JsonSchema, name: string): void {
  const required = (parent.required as string[] | undefined)?.filter((field) => field !== name);
  if (required && required.length > 0) parent.required = required;
  else delete parent.required;
}

function fillWords(source: FillSource): string {
  if ('location' in source) return 'from the location profile';
  if ('contact' in source) return "from the contact's record";
  if ('arg' in source) return `from ${source.arg}`;
  if ('sharedBy' in source) return `from ${source.sharedBy}`;
  if ('today' in source) return "today in the location's time zone";
  if ('value' in source) return JSON.stringify(source.value);
  const kinds = [...new Set(Object.values(source.fields).map(fillWords))];
  return kinds.length === 1 ? kinds[0]! : 'from the location and the call';
}
