import { describe, expect, it } from 'vitest';
import { MODULES } from '../../tools/index.js';
import { readOnlyPosts, renames } from '../../tools/overlays/decorations.js';
import { defaultToolset } from '../../tools/overlays/default-toolset.js';
import { descriptions } from '../../tools/overlays/descriptions.js';
import { errataOverlays } from '../../tools/overlays/errata.js';
import type { ToolOverlay } from '../../tools/overlays/types.js';

const LAYERS: Record<string, Record<string, ToolOverlay>> = { renames, readOnlyPosts, defaultToolset, errataOverlays, descriptions };
const CORE = new Set(['calendars', 'contacts', 'conversations', 'invoices', 'opportunities', 'payments']);
const moduleOf = new Map(MODULES.flatMap((module) => module.tools.map((tool) => [tool.name, module.module] as const)));

describe('overlay layers', () => {
  it('write each tool description and argument hint in one layer only: a later layer would hide the earlier text', () => {
    const writers = new Map<string, string[]>();
    const wrote = (key: string, layer: string) => writers.set(key, [...(writers.get(key) ?? []), layer]);
    for (const [layer, overlays] of Object.entries(LAYERS)) {
      for (const [tool, overlay] of Object.entries(overlays)) {
        if (overlay.description !== undefined) wrote(`${tool} (description)`, layer);
        for (const arg of new Set([...Object.keys(overlay.args ?? {}), ...Object.keys(overlay.richArgs ?? {})])) wrote(`${tool}.${arg}`, layer);
      }
    }
    const twice = [...writers].filter(([, layers]) => layers.length > 1).map(([key, layers]) => `${key}: ${layers.join(', ')}`);
    expect(twice).toEqual([]);
  });

  it('leaves the text of core tools in the default toolset to the curated descriptions: membership only', () => {
    const core = Object.entries(defaultToolset).filter(([tool]) => CORE.has(moduleOf.get(tool) ?? ''));
    expect(core.length).toBeGreaterThan(20);
    for (const [tool, overlay] of core) expect(overlay, tool).toEqual({ default: true });
  });
});
