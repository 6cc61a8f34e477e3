import type { ArgDefaults, CatalogTool } from '../catalog/catalog.js';
import { ARG_RULES, type ArgRules } from '../../tools/overlays/defaults.js';
import { coerce, type Findings, type ZoneSource } from './coerce.js';
import { CallFacts } from './facts.js';
import { fillDefaults, missingChoices } from './fill.js';
import type { Lookups } from './lookups.js';
import { mapsFromPairs } from './maps.js';
import { nullsLeftOut } from './nulls.js';
import { isRecord } from './paths.js';
import { checkSpan } from './span.js';

/** A call's arguments made ready for validation, what was done to them (notes) and what stops them (refusals). */
export interface PreparedCall extends Findings {
  args: unknown;
}

/**
 * The forgiving step between the configured defaults and validation: conversions where only one reading is
 * possible, then what the location supplies, then the choices never assumed and the documented range limits.
 * The location or a contact is read only when needed and only when nothing else in the call needs fixing.
 */
export class ArgPreparer {
  constructor(
    private readonly lookups: Lookups,
    private readonly defaults: ArgDefaults,
    private readonly rules: Record<string, ArgRules> = ARG_RULES,
    private readonly now: () => number = Date.now,
  ) {}

  async prepare(tool: CatalogTool, args: unknown, signal?: AbortSignal): Promise<PreparedCall> {
    if (!isRecord(args)) return { args, notes: [], refusals: [] };
    const rules = this.rules[tool.entry.name];
    // First without the zone: what is wrong regardless of it, and which arguments wait for it.
    const waiting = new Set<string>();
    const first = await convert(tool, args, async (path) => {
      waiting.add(path);
      return { unknown: 'not read yet' };
    });
    const fixable = new Set([...waiting, ...Object.keys(rules?.fill ?? {})].map(topName));
    const facts = new CallFacts(this.lookups, {
      locationId: locationOf(args, this.defaults),
      signal,
      now: this.now,
      mayRead: () => first.refusals.every((refusal) => waiting.has(refusal.path)) && onlyFixable(tool, first.args, fixable),
    });
    const ready = waiting.size > 0 ? await convert(tool, args, () => facts.zone()) : first;
    if (rules) {
      await fillDefaults(rules, ready.args, facts, ready);
      missingChoices(rules, ready.args, ready);
    }
    checkSpan(tool.entry, ready.args, ready);
    return ready;
  }
}

async function convert(tool: CatalogTool, args: Record<string, unknown>, zone: ZoneSource): Promise<PreparedCall & { args: Record<string, unknown> }> {
  const found: Findings = { notes: [], refusals: [] };
  // What strict-mode clients send for a listing in the strict subset: null for a field left out, pairs for a map.
  const ready = nullsLeftOut(tool.entry.args, args, found);
  for (const arg of tool.entry.args) {
    const value = mapsFromPairs(arg.schema, ready[arg.name], arg.name, found);
    if (value !== undefined) ready[arg.name] = await coerce(arg.schema, value, arg.name, found, zone, { csv: arg.csv, asText: arg.in !== 'body' });
  }
  return { args: ready, ...found };
}

/** Whether validation finds problems only in arguments a read could still fix (a time's zone, a filled field). */
function onlyFixable(tool: CatalogTool, args: Record<string, unknown>, fixable: Set<string>): boolean {
  const parsed = tool.zod().safeParse(args);
  return parsed.success || parsed.error.issues.every((issue) => fixable.has(String(issue.path[0] ?? '')));
}

/** `items` for `items[0].currency`, `contactDetails` for `contactDetails.phoneNo`. */
function topName(path: string): string {
  return path.split(/[.[]/)[0]!;
}

/** The location a call acts on: the one it names, else the configured one. */
function locationOf(args: Record<string, unknown>, defaults: ArgDefaults): string | undefined {
  const named = args.locationId ?? args.location_id ?? (args.altType === 'location' ? args.altId : undefined);
  return typeof named === 'string' && named !== '' ? named : defaults.locationId;
}

/** The text block a result carries when arguments were converted or filled. */
export function notesBlock(notes: readonly string[]): { type: 'text'; text: string } | undefined {
  return notes.length > 0 ? { type: 'text', text: `Notes:\n${notes.map((note) => `- ${note}`).join('\n')}` } : undefined;
}
