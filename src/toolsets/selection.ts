import type { Catalog, CatalogTool } from '../catalog/catalog.js';

/** Toolsets that are not modules: the curated set, every module, none but the discovery tools, the event tools. */
export const DEFAULT_TOOLSET = 'default';
export const ALL_TOOLSET = 'all';
export const DISCOVERY_TOOLSET = 'discovery';
/** The webhook event tools (src/events/): not catalog tools, listed with this toolset or `all`. */
export const EVENTS_TOOLSET = 'events';

/** What a user (flags, environment) or an HTTP session (headers) asks for. */
export interface SelectionRequest {
  /** Toolset names; when neither toolsets nor tools are given, `default`. */
  toolsets?: readonly string[];
  /** Single tools, added to the toolsets. */
  tools?: readonly string[];
  /** Removed whatever else asked for them, including through the discovery tools. */
  excludeTools?: readonly string[];
  /** Removes every tool that writes, whatever else asked for it. */
  readOnly?: boolean;
}

export class SelectionError extends Error {}

/**
 * Which tools one session lists and which it can reach. Listed: the chosen toolsets and tools. Reachable
 * (through the discovery tools, or a direct call): every catalog tool that is neither excluded nor, in
 * read-only mode, a writer. Immutable; enabling a toolset at runtime makes a new selection.
 */
export class ToolSelection {
  /** Stable identity of what is listed: the cache key of tools/list. */
  readonly key: string;
  private listedTools?: CatalogTool[];
  /** The catalog revision listedTools was computed at: self-update changes tools at runtime. */
  private listedAt = -1;

  private constructor(
    private readonly catalog: Catalog,
    readonly toolsets: readonly string[],
    readonly tools: readonly string[],
    readonly excluded: ReadonlySet<string>,
    readonly readOnly: boolean,
  ) {
    this.key = JSON.stringify([toolsets, tools, [...excluded].sort(), readOnly]);
  }

  static create(catalog: Catalog, request: SelectionRequest, extraToolNames: readonly string[] = []): ToolSelection {
    const toolsets = unique(request.toolsets ?? (request.tools?.length ? [] : [DEFAULT_TOOLSET]));
    const tools = unique(request.tools ?? []);
    const excluded = unique(request.excludeTools ?? []);
    const validToolsets = toolsetNames(catalog);
    const unknownToolsets = toolsets.filter((name) => !validToolsets.includes(name));
    if (unknownToolsets.length > 0) {
      throw new SelectionError(`Unknown toolset ${unknownToolsets.join(', ')}. Valid toolsets: ${validToolsets.join(', ')}`);
    }
    // Naming a discovery tool is harmless: they are always listed.
    const unknownTools = tools.filter((name) => !catalog.get(name) && !extraToolNames.includes(name));
    if (unknownTools.length > 0) throw new SelectionError(unknownToolsMessage(catalog, unknownTools, 'tool'));
    const unknownExcluded = excluded.filter((name) => !catalog.get(name) && !extraToolNames.includes(name));
    if (unknownExcluded.length > 0) {
      throw new SelectionError(unknownToolsMessage(catalog, unknownExcluded, 'excluded tool', extraToolNames));
    }
    return new ToolSelection(catalog, toolsets, tools, new Set(excluded), request.readOnly === true);
  }

  /** The catalog tools tools/list shows, in catalog order. */
  listed(): CatalogTool[] {
    if (!this.listedTools || this.listedAt !== this.catalog.revision) {
      this.listedAt = this.catalog.revision;
      const wanted = new Set(this.tools);
      for (const toolset of this.toolsets) for (const tool of toolsetTools(this.catalog, toolset)) wanted.add(tool.name);
      this.listedTools = this.catalog.tools().filter((tool) => wanted.has(tool.name) && this.reachable(tool));
    }
    return this.listedTools;
  }

  /** Changes with every runtime change of the catalog: part of the tools/list cache key. */
  get revision(): number {
    return this.catalog.revision;
  }

  /** Whether this session may call the tool at all (directly or through the discovery tools). */
  reachable(tool: CatalogTool): boolean {
    return this.refusal(tool) === undefined;
  }

  /** Why a catalog tool cannot be called in this session, or undefined when it can. */
  refusal(tool: CatalogTool): string | undefined {
    if (this.excluded.has(tool.name)) return `${tool.name} is excluded on this server (--exclude-tools).`;
    if (this.readOnly && !tool.readOnly) return `${tool.name} writes, and this server is read-only (--read-only).`;
    return undefined;
  }

  /** Whether a non-catalog tool (a discovery tool) is excluded by name. */
  excludes(name: string): boolean {
    return this.excluded.has(name);
  }

  /** This selection with one more toolset listed (exclusions and read-only still apply). */
  withToolset(toolset: string): ToolSelection {
    if (!toolsetNames(this.catalog).includes(toolset)) {
      throw new SelectionError(`Unknown toolset ${toolset}. Valid toolsets: ${toolsetNames(this.catalog).join(', ')}`);
    }
    if (this.toolsets.includes(toolset)) return this;
    return new ToolSelection(this.catalog, [...this.toolsets, toolset], this.tools, this.excluded, this.readOnly);
  }
}

/** Every valid toolset name: the special ones, then one per module. */
export function toolsetNames(catalog: Catalog): string[] {
  return [DEFAULT_TOOLSET, ALL_TOOLSET, DISCOVERY_TOOLSET, EVENTS_TOOLSET, ...catalog.modules];
}

/** The catalog tools a toolset holds (the discovery and events toolsets hold none: their tools are not catalog tools). */
export function toolsetTools(catalog: Catalog, toolset: string): CatalogTool[] {
  if (toolset === ALL_TOOLSET) return catalog.tools();
  if (toolset === DEFAULT_TOOLSET) return catalog.tools().filter((tool) => tool.overlay.default === true);
  if (toolset === DISCOVERY_TOOLSET || toolset === EVENTS_TOOLSET) return [];
  return catalog.tools().filter((tool) => tool.module === toolset);
}

/** Names the valid tools a user most likely meant: the module's tools when the name starts with a module. */
function unknownToolsMessage(catalog: Catalog, unknown: string[], what: string, extra: readonly string[] = []): string {
  const lines = [`Unknown ${what}${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}.`];
  for (const name of unknown) {
    const module = [...catalog.modules].sort((a, b) => b.length - a.length).find((candidate) => name.startsWith(`${candidate}_`));
    if (module) {
      const names = catalog.tools().filter((tool) => tool.module === module).map((tool) => tool.name);
      lines.push(`Valid ${module} tools: ${names.join(', ')}`);
    } else {
      lines.push(`Tool names are <toolset>_<operation>; valid toolsets: ${catalog.modules.join(', ')}${extra.length ? `; also ${extra.join(', ')}` : ''}`);
    }
  }
  return lines.join('\n');
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values.map((value) => value.trim()).filter(Boolean))];
}
