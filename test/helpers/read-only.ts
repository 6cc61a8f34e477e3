import { Catalog } from '../../src/catalog/catalog.js';
import { MODULES } from '../../tools/index.js';
import { readOnlyPosts } from '../../tools/overlays/decorations.js';
import { OVERLAYS } from '../../tools/overlays/index.js';

const catalog = new Catalog(MODULES, OVERLAYS);

/**
 * Whether a catalog tool writes, judged from the catalog's data alone: its operation's HTTP method, and the POSTs
 * the overlays name as reads. Never from readOnlyHint, which comes from the same flag the read-only filter uses,
 * so a wrong flag would pass both.
 */
function writes(name: string): boolean {
  const tool = catalog.get(name);
  return tool !== undefined && tool.documented.method !== 'GET' && !(tool.documented.name in readOnlyPosts);
}

/** The listed catalog tools that write (discovery and other non-catalog tools are not judged). */
export function writersAmong(names: readonly string[]): string[] {
  return names.filter(writes);
}

/** Every catalog tool that only reads, by the same data. */
export function readingTools(): string[] {
  return catalog
    .tools()
    .map((tool) => tool.name)
    .filter((name) => !writes(name));
}
