import { describe, expect, it } from 'vitest';
import { Catalog } from '../../src/catalog/catalog.js';
import { MODULES } from '../../tools/index.js';
import { descriptions } from '../../tools/overlays/descriptions.js';
import { OVERLAYS } from '../../tools/overlays/index.js';

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
const hints = curated.flatMap(([name, overlay]) => Object.entries(overlay.args ?? {}).map(([arg, hint]) => ({ name, arg, hint })));

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
      const texts = [overlay.description ?? '', ...Object.values(overlay.args ?? {})];
      for (const reference of texts.flatMap((text) => text.match(TOOL_REFERENCE) ?? [])) {
        expect(listedNames.has(reference), `${name} mentions ${reference}`).toBe(true);
      }
    }
  });
});
