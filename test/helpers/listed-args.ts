import type { Lookups } from '../../src/args/lookups.js';
import { ArgPreparer } from '../../src/args/prepare.js';
import type { CatalogTool, ToolDefinition } from '../../src/catalog/catalog.js';
import type { JsonSchema } from '../../src/catalog/types.js';

/** The location a listed call acts on, as the executor would read it (profile and contacts). */
export const LISTED_LOCATION = 'loc-listed-1';

const profile = {
  id: LISTED_LOCATION,
  name: 'Bright Smile Dental',
  phone: '+14155550123',
  email: 'front@brightsmile.example',
  address: '1 Main St',
  city: 'Austin',
  state: 'TX',
  country: 'US',
  postalCode: '78701',
  timezone: 'America/Chicago',
  business: { name: 'Bright Smile Dental' },
};
const lookups = {
  location: async () => profile,
  contact: async (id: string) => ({ id, name: 'Ada Okafor', email: 'ada@example.com', phone: '+14155550199' }),
} as unknown as Lookups;

/**
 * What our validation says of arguments as the executor would judge them: constants, configured defaults and
 * what the location supplies filled, conversions made, then the tool's validator. Empty when they pass.
 */
export async function validationProblems(tool: CatalogTool, written: Record<string, unknown>, defaults: { locationId?: string }): Promise<string[]> {
  const args: Record<string, unknown> = { ...written };
  for (const [name, value] of tool.constants()) args[name] ??= value;
  for (const [name, value] of tool.defaultedArgs(defaults)) args[name] ??= value;
  const prepared = await new ArgPreparer(lookups, defaults, undefined, () => Date.UTC(2026, 10, 1)).prepare(tool, args);
  const parsed = tool.zod().safeParse(prepared.args);
  return [...prepared.refusals.map((refusal) => refusal.text), ...(parsed.success ? [] : parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`))];
}

/**
 * Arguments an agent would write from a tools/list entry alone: every required field at every depth, valued
 * from what the listing shows (enum, `e.g.` in the hint, format, unit words, bounds), plus whatever the
 * description's rules ask ("Give exactly one of a, b, c."). Nothing is read from the full contract.
 */
export function argsFromListing(definition: ToolDefinition): Record<string, unknown> {
  const args = objectValue(definition.inputSchema) as Record<string, unknown>;
  applyRules(definition, args);
  return args;
}

const EPOCH_MS = 1_796_000_000_000;
const DAY_MS = 86_400_000;

function objectValue(schema: JsonSchema): Record<string, unknown> {
  const properties = (schema.properties as Record<string, JsonSchema> | undefined) ?? {};
  const out: Record<string, unknown> = {};
  for (const name of (schema.required as string[] | undefined) ?? []) {
    const field = properties[name];
    // A required field the listing does not show cannot be written: it is left out, and validation says so.
    if (field) out[name] = valueOf(field, name);
  }
  return out;
}

/** `name`: an end of a range (`endDate`, `dateTo`) is written a day after its start, as anyone would. */
export function valueOf(schema: JsonSchema, name = ''): unknown {
  if (Array.isArray(schema.anyOf)) return valueOf((schema.anyOf as JsonSchema[])[0]!, name);
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0];
  const type = Array.isArray(schema.type) ? (schema.type as string[]).find((name) => name !== 'null') : (schema.type as string | undefined);
  const description = typeof schema.description === 'string' ? schema.description : '';
  const example = exampleIn(description);
  switch (type) {
    case 'object':
      return objectValue(schema);
    case 'array': {
      if (example !== undefined && Array.isArray(example)) return example;
      const items = schema.items as JsonSchema | undefined;
      return items ? [valueOf(items)] : [];
    }
    case 'number':
    case 'integer':
      return numberValue(schema, description, example, isEnd(name));
    case 'boolean':
      return typeof example === 'boolean' ? example : true;
    default:
      return stringValue(schema, description, example, isEnd(name));
  }
}

function isEnd(name: string): boolean {
  return /^(end|to|until)|(End|To|Until)[A-Z]?[a-z]*$/.test(name);
}

function numberValue(schema: JsonSchema, description: string, example: unknown, end: boolean): number {
  const epoch = EPOCH_MS + (end ? DAY_MS : 0);
  if (/epoch (ms|milli)/i.test(description)) return epoch;
  if (/epoch seconds/i.test(description)) return epoch / 1000;
  if (typeof example === 'number') return example;
  if (typeof schema.minimum === 'number') return schema.minimum;
  return typeof schema.maximum === 'number' ? Math.min(1, schema.maximum) : 1;
}

function stringValue(schema: JsonSchema, description: string, example: unknown, end: boolean): string {
  if (/epoch (ms|milli)/i.test(description)) return String(EPOCH_MS + (end ? DAY_MS : 0));
  if (typeof example === 'string') return example;
  if (typeof example === 'number') return String(example);
  if (schema.format === 'date-time') return end ? '2026-12-02T09:30:00Z' : '2026-12-01T09:30:00Z';
  if (schema.format === 'date' || /\bdate YYYY-MM-DD\b/.test(description)) return end ? '2026-12-02' : '2026-12-01';
  if (/\btime HH:mm\b/.test(description)) return end ? '17:00' : '09:00';
  const length = typeof schema.minLength === 'number' ? schema.minLength : 1;
  return 'x'.repeat(Math.max(1, length));
}

/** The value after `e.g.` in a hint: JSON when it reads as JSON, else the text up to the next `;`. */
function exampleIn(description: string): unknown {
  const match = /\be\.g\. ("(?:[^"\\]|\\.)*"|\[[^\]]*\]|\{[^}]*\}|[^;]+?)(?:;|$)/.exec(description);
  if (!match) return undefined;
  const text = match[1]!.trim();
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Rules a description states in words (errata rules, written by ruleText in src/catalog/errata.ts). */
function applyRules(definition: ToolDefinition, args: Record<string, unknown>): void {
  const properties = (definition.inputSchema.properties as Record<string, JsonSchema> | undefined) ?? {};
  const give = (name: string) => {
    if (args[name] === undefined && properties[name]) args[name] = valueOf(properties[name]!);
  };
  for (const [, list, arg, value] of definition.description.matchAll(/Give (?:exactly|at least) one of ([\w, ]+?)(?: when (\w+) is (\S+?))?\./g)) {
    const names = list!.split(/,\s*/);
    if (arg && String(args[arg]) !== value) continue;
    if (!names.some((name) => args[name] !== undefined)) give(names[0]!);
  }
  for (const [, name, arg, value] of definition.description.matchAll(/(\w+) is required when (\w+) is (\S+?)\./g)) {
    if (String(args[arg!]) === value) give(name!);
  }
}
