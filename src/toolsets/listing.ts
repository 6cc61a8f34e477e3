import type { ArgDefaults, CatalogTool, ToolDefinition } from '../catalog/catalog.js';
import type { ToolSelection } from './selection.js';

/** Selections seen at once are few (one per distinct HTTP header combination); the bound keeps a hostile mix cheap. */
const MAX_CACHED_SELECTIONS = 32;

/**
 * tools/list answers, cached per selection: each tool's definition is built once, and each distinct selection
 * assembles its list once. One listing serves every session that shares the same argument defaults.
 */
export class ToolListing {
  private readonly definitions = new Map<string, ToolDefinition>();
  private readonly lists = new Map<string, ToolDefinition[]>();

  constructor(
    private readonly defaults: ArgDefaults,
    /** Tools that are not in the catalog (the discovery tools), listed first unless excluded. */
    private readonly extra: () => readonly ToolDefinition[],
  ) {}

  list(selection: ToolSelection): ToolDefinition[] {
    let list = this.lists.get(selection.key);
    if (list) {
      // Refresh recency so the bound evicts the least recently listed selection.
      this.lists.delete(selection.key);
    } else {
      const extra = this.extra().filter((definition) => !selection.excludes(definition.name));
      list = [...extra, ...selection.listed().map((tool) => this.definition(tool))];
      if (this.lists.size >= MAX_CACHED_SELECTIONS) this.lists.delete(this.lists.keys().next().value!);
    }
    this.lists.set(selection.key, list);
    return list;
  }

  private definition(tool: CatalogTool): ToolDefinition {
    let definition = this.definitions.get(tool.name);
    if (!definition) {
      definition = tool.definition(this.defaults);
      this.definitions.set(tool.name, definition);
    }
    return definition;
  }
}
