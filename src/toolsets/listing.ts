import type { ArgDefaults, CatalogTool, ToolDefinition } from '../catalog/catalog.js';
import { listingDetail } from '../catalog/listing.js';
import type { ToolSelection } from './selection.js';

/** Selections seen at once are few (one per distinct HTTP header combination); the bound keeps a hostile mix cheap. */
const MAX_CACHED_SELECTIONS = 32;

/**
 * tools/list answers, cached per selection: each tool's definition is built once, and each distinct selection
 * assembles its list once. One listing serves every session that shares the same argument defaults.
 */
export class ToolListing {
  /**
   * By tool object (a tool re-registered from the live docs is a new object, with a new definition) and by
   * detail: a short list carries richer hints than the list of every tool.
   */
  private readonly definitions = { rich: new WeakMap<CatalogTool, ToolDefinition>(), lean: new WeakMap<CatalogTool, ToolDefinition>() };
  private readonly lists = new Map<string, ToolDefinition[]>();

  constructor(
    private readonly defaults: ArgDefaults,
    /** Tools that are not in the catalog (the discovery tools; the event tools when selected), listed first unless excluded. */
    private readonly extra: (selection: ToolSelection) => readonly ToolDefinition[],
  ) {}

  list(selection: ToolSelection): ToolDefinition[] {
    const key = `${selection.revision}:${selection.key}`;
    let list = this.lists.get(key);
    if (list) {
      // Refresh recency so the bound evicts the least recently listed selection.
      this.lists.delete(key);
    } else {
      const extra = this.extra(selection).filter((definition) => !selection.excludes(definition.name));
      const tools = selection.listed();
      const detail = listingDetail(tools.length);
      list = [...extra, ...tools.map((tool) => this.definition(tool, detail))];
      if (this.lists.size >= MAX_CACHED_SELECTIONS) this.lists.delete(this.lists.keys().next().value!);
    }
    this.lists.set(key, list);
    return list;
  }

  private definition(tool: CatalogTool, detail: 'rich' | 'lean'): ToolDefinition {
    let definition = this.definitions[detail].get(tool);
    if (!definition) {
      definition = tool.definition(this.defaults, detail);
      this.definitions[detail].set(tool, definition);
    }
    return definition;
  }
}
