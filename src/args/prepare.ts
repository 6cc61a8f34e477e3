import type { ArgDefaults, CatalogTool } from '../catalog/catalog.js';
import { ARG_RULES, type ArgRules } from '../../tools/overlays/defaults.js';
import { coerce, type Findings } from './coerce.js';
import { CallFacts } from './facts.js';
import { fillDefaults, missingChoices } from './fill.js';
import type { Lookups } from './lookups.js';
import { isRecord } from './paths.js';
import { checkSpan } from './span.js';

/** A call's arguments made ready for validation, what was done to them (notes) and what stops them (refusals). */
export interface PreparedCall extends Findings {
  args: unknown;
}

/**
 * The forgiving step between the configured defaults and validation: conversions where only one reading is
 * possible, then what the location supplies, then the choices never assumed and the documented range limits.
 */
export class ArgPreparer {
  constructor(
    private readonly lookups: Lookups,
    private readonly defaults: ArgDefaults,
    private readonly rules: Record<string, ArgRules> = ARG_RULES,
    private readonly now: () => number = Date.now,
  ) {}

  async prepare(tool: CatalogTool, args: unknown, signal?: AbortSignal): Promise<PreparedCall> {
    const found: Findings = { notes: [], refusals: [] };
    if (!isRecord(args)) return { args, ...found };
    const facts = new CallFacts(this.lookups, locationOf(args, this.defaults), signal, this.now);
    const zone = () => facts.zone();
    const ready: Record<string, unknown> = { ...args };
    for (const arg of tool.entry.args) {
      if (ready[arg.name] !== undefined) ready[arg.name] = await coerce(arg.schema, ready[arg.name], arg.name, found, zone, arg.csv);
    }
    const rules = this.rules[tool.entry.name];
    if (rules) {
      await fillDefaults(rules, ready, facts, found);
      missingChoices(rules, ready, found);
    }
    checkSpan(tool.entry, ready, found);
    return { args: ready, ...found };
  }
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
