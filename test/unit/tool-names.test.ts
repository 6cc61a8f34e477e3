import { describe, expect, it } from 'vitest';
import { Catalog } from '../../src/catalog/catalog.js';
import { discoveryDefinitions, DISCOVERY_TOOL_NAMES } from '../../src/discovery/definitions.js';
import { SELF_UPDATE_TOOL, selfUpdateDefinitions } from '../../src/self-update/index.js';
import { ToolListing } from '../../src/toolsets/listing.js';
import { ToolSelection } from '../../src/toolsets/selection.js';
import { MODULES } from '../../tools/index.js';
import { renames } from '../../tools/overlays/decorations.js';
import { OVERLAYS } from '../../tools/overlays/index.js';

/** Gemini CLI and Cursor prefix tool names with the server's name and cap the whole near 60-64 characters. */
const MAX_NAME = 48;

const catalog = new Catalog(MODULES, OVERLAYS);
const listed = new ToolListing({}, () => [...discoveryDefinitions(), ...selfUpdateDefinitions()])
  .list(ToolSelection.create(catalog, { toolsets: ['all'] }, [...DISCOVERY_TOOL_NAMES, SELF_UPDATE_TOOL]))
  .map((definition) => definition.name);

describe('tool names', () => {
  it(`lists no name over ${MAX_NAME} characters in all mode`, () => {
    expect(listed.length).toBeGreaterThan(576);
    expect(listed.filter((name) => name.length > MAX_NAME)).toEqual([]);
  });

  it('renames only tools that exist, into unique <module>_<verb>_<noun> names', () => {
    const generated = new Map(MODULES.flatMap((module) => module.tools.map((entry) => [entry.name, module.module] as const)));
    for (const [from, overlay] of Object.entries(renames)) {
      const module = generated.get(from);
      expect(module, `${from} is not a generated tool`).toBeDefined();
      expect(overlay.rename).toMatch(new RegExp(`^${module}_[a-z]+_[a-z0-9_]+$`));
      expect(listed).toContain(overlay.rename);
      expect(listed).not.toContain(from);
    }
    expect(new Set(listed).size).toBe(listed.length);
  });
});
