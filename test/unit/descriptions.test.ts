import { describe, expect, it } from 'vitest';
import { Catalog } from '../../src/catalog/catalog.js';
import { MODULES } from '../../tools/index.js';
import { descriptions } from '../../tools/overlays/descriptions.js';
import { OVERLAYS } from '../../tools/overlays/index.js';
import { ToolListing } from '../../src/toolsets/listing.js';
import { ToolSelection } from '../../src/toolsets/selection.js';

const catalog = new Catalog(MODULES, OVERLAYS);
const CORE = ['calendars', 'contacts', 'conversations', 'invoices', 'opportunities', 'payments'];
const coreTools = catalog.tools().filter((tool) => CORE.includes(tool.module));
const byGeneratedName = new Map(catalog.tools().map((tool) => [tool.entry.name, tool]));
const listedNames = new Set(catalog.tools().map((tool) => tool.name));
const DESCRIPTION_CAP = 160;
const HINT_CAP = 100;
/** A tool name inside prose: a catalog module followed by `_words` (not `field_value` or `snake_case`). */
const TOOL_REFERENCE = new RegExp(`\\b(?:${catalog.modules.join('|')})(?:_[a-z0-9]+)+\\b`, 'g');
/** `POST /contacts/`, or a bare `/contacts/{contactId}`: the listing adds method and path itself. */
const METHOD_PATH = /\b(?:GET|POST|PUT|PATCH|DELETE)\s+\/|(?:^|\s)\/[\w{]/;

const curated = Object.entries(descriptions);
const hints = curated.flatMap(([name, overlay]) =>
  Object.entries({ ...overlay.args, ...overlay.richArgs }).map(([arg, hint]) => ({ name, arg, hint })),
);

describe('curated descriptions of the core modules', () => {
  it('covers every one of the 179 tools, and the merged catalog shows the curated line', () => {
    expect(coreTools).toHaveLength(179);
    for (const tool of coreTools) {
      const description = descriptions[tool.entry.name]?.description;
      expect(description, tool.entry.name).toBeTruthy();
      // A later overlay layer (or a layer order change) must not hide the curated line.
      expect(tool.overlay.description, tool.entry.name).toBe(description);
    }
  });

  it('keys every entry by a real generated tool name', () => {
    const unknown = curated.map(([name]) => name).filter((name) => !byGeneratedName.has(name));
    expect(unknown).toEqual([]);
  });

  it('writes one short line per tool, without method or path, each different', () => {
    const lines = curated.map(([name, overlay]) => ({ name, line: overlay.description ?? '' }));
    for (const { name, line } of lines) {
      expect(line.length, name).toBeLessThanOrEqual(DESCRIPTION_CAP);
      expect(line, name).not.toMatch(METHOD_PATH);
      expect(line, name).not.toMatch(/\n/);
      expect(line, name).toMatch(/[.!?]$/);
    }
    const seen = new Map<string, string>();
    for (const { name, line } of lines) {
      expect(seen.get(line.toLowerCase()), `${name} repeats the line of ${seen.get(line.toLowerCase())}`).toBeUndefined();
      seen.set(line.toLowerCase(), name);
    }
  });

  it('hints only arguments the tool has, each short and in our own line', () => {
    expect(hints.length).toBeGreaterThan(0);
    for (const { name, arg, hint } of hints) {
      const tool = byGeneratedName.get(name);
      expect(tool?.arg(arg), `${name}.${arg} is not an argument of the tool`).toBeDefined();
      expect(hint.length, `${name}.${arg}`).toBeLessThanOrEqual(HINT_CAP);
      expect(hint, `${name}.${arg}`).not.toMatch(METHOD_PATH);
    }
  });

  it('shows the curated hint in the listed schema of the argument', () => {
    for (const { name, arg, hint } of hints) {
      const tool = byGeneratedName.get(name)!;
      const property = (tool.inputSchema({}).properties as Record<string, { description?: string }>)[arg];
      if (!property) continue; // a constant (e.g. altType) is filled, never listed
      expect(property.description, `${name}.${arg}`).toContain(hint);
    }
  });

  it('names only tools that exist, as agents see them', () => {
    for (const [name, overlay] of curated) {
      const texts = [overlay.description ?? '', ...Object.values(overlay.args ?? {}), ...Object.values(overlay.richArgs ?? {})];
      for (const reference of texts.flatMap((text) => text.match(TOOL_REFERENCE) ?? [])) {
        expect(listedNames.has(reference), `${name} mentions ${reference}`).toBe(true);
      }
    }
  });
});

/** Listed properties at every depth, and how many carry a hint (as bench/catalog-quality.mjs counts them). */
function hintCount(schema: Record<string, unknown>, counts = { parameters: 0, hinted: 0 }) {
  const variants = Array.isArray(schema.anyOf) ? (schema.anyOf as Record<string, unknown>[]) : [schema];
  for (const node of variants) {
    for (const property of Object.values((node.properties ?? {}) as Record<string, Record<string, unknown>>)) {
      counts.parameters += 1;
      if (property.description || property.examples || property.enum || property.format) counts.hinted += 1;
      hintCount(property, counts);
    }
    if (node.items) hintCount(node.items as Record<string, unknown>, counts);
  }
  return counts;
}

describe('curated hints in the listings', () => {
  it('hint at least 90% of the listed parameters of each core module listed alone', () => {
    for (const module of CORE) {
      const listed = new ToolListing({}, () => []).list(ToolSelection.create(catalog, { toolsets: [module] }));
      const counts = listed.reduce((sum, definition) => hintCount(definition.inputSchema, sum), { parameters: 0, hinted: 0 });
      expect(counts.hinted / counts.parameters, `${module}: ${counts.hinted} of ${counts.parameters}`).toBeGreaterThanOrEqual(0.9);
    }
  });

  it('show the hints written for listings with room in a toolset and in ghl_describe_tool, not in the lean list of every tool', () => {
    const update = catalog.get('calendars_update_calendar')!;
    const hint = descriptions.calendars_update_calendar!.richArgs!.isActive!;
    const isActive = (schema: Record<string, unknown>) => (schema.properties as Record<string, { description?: string }>).isActive!.description;
    expect(isActive(update.definition({}, 'rich').inputSchema)).toBe(hint);
    expect(isActive(update.describedInputSchema({}))).toBe(hint);
    expect(isActive(update.definition({}, 'lean').inputSchema)).toBeUndefined();
    // Hints for every listing stay in the lean one.
    const slots = catalog.get('calendars_get_free_slots')!.definition({}, 'lean').inputSchema.properties as Record<string, { description?: string }>;
    expect(slots.startDate!.description).toMatch(/ISO 8601.*31 days/);
  });
});
