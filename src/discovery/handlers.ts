import type { z } from 'zod';
import type { ArgDefaults, Catalog, CatalogTool } from '../catalog/catalog.js';
import type { Executor } from '../executor.js';
import { toolLead } from '../catalog/tool-text.js';
import { followPages } from '../paging/follow.js';
import { pagingRule } from '../paging/styles.js';
import { errorResult, textResult, type ToolResult } from '../results.js';
import { EVENTS_TOOLSET, SelectionError, type ToolSelection, toolsetNames } from '../toolsets/selection.js';
import { EVENT_TOOL_NAMES } from '../events/tool-definitions.js';
import {
  CALL_TOOL,
  DEFAULT_MAX_ITEMS,
  DEFAULT_MAX_PAGES,
  DESCRIBE_TOOL,
  DISCOVERY_TOOL_NAMES,
  ENABLE_TOOLSET,
  INPUTS,
  SEARCH_TOOLS,
} from './definitions.js';
import { matchGaps } from './gaps.js';
import { ToolSearch } from './search.js';
import { signature } from './signature.js';

const DEFAULT_LIMIT = 8;

function eventsEnabled(stateless: boolean): string {
  const names = EVENT_TOOL_NAMES.join(' and ');
  return stateless
    ? `Nothing was enabled: this server is stateless; connect to /mcp/x/events (comma-separated with the toolsets you use) to list ${names}. Meanwhile call them by name.`
    : `Enabled events: ${names} added to your list. They work right now by name, whether or not your client re-reads its tool list.`;
}

/** What a discovery call needs from the MCP request it serves. */
export interface CallContext {
  signal: AbortSignal;
  /** Present when the client asked for progress (a progressToken). */
  progress?: (progress: number, total: number, message: string) => Promise<void>;
}

/** The per-session state the discovery tools read and change. */
export interface DiscoverySession {
  /** Stateless HTTP: the session lasts one request, so a toolset enabled now is gone by the next. */
  oneRequest?: boolean;
  selection(): ToolSelection;
  /** Lists one more toolset in this session (and tells the client its tool list changed). */
  enable(toolset: string): ToolSelection;
}

type DiscoveryName = (typeof DISCOVERY_TOOL_NAMES)[number];

/**
 * The tools that make the whole catalog reachable from a short tool list: search, describe, call (with page
 * following) and enable a toolset. Calls go through the same executor as listed tools.
 */
export class DiscoveryTools {
  private search?: ToolSearch;
  /** The catalog revision the search index was built at: self-update changes tools at runtime. */
  private searchAt = -1;

  constructor(
    private readonly catalog: Catalog,
    private readonly executor: Executor,
    private readonly defaults: ArgDefaults,
  ) {}

  handles(name: string): name is DiscoveryName {
    return (DISCOVERY_TOOL_NAMES as readonly string[]).includes(name);
  }

  async call(name: DiscoveryName, rawArgs: unknown, session: DiscoverySession, context: CallContext): Promise<ToolResult> {
    const parsed = (INPUTS[name] as z.ZodType).safeParse(rawArgs ?? {});
    if (!parsed.success) {
      const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'arguments'}: ${issue.message}`);
      return errorResult({ message: problems, hint: `Fix the arguments listed and call ${name} again.` });
    }
    const args = parsed.data as Record<string, unknown>;
    switch (name) {
      case SEARCH_TOOLS:
        return this.searchTools(args as z.infer<(typeof INPUTS)[typeof SEARCH_TOOLS]>, session.selection());
      case DESCRIBE_TOOL:
        return this.describe(String(args.name), session.selection());
      case CALL_TOOL:
        return this.callTool(args as z.infer<(typeof INPUTS)[typeof CALL_TOOL]>, session.selection(), context);
      case ENABLE_TOOLSET:
        return this.enable(String(args.toolset), session);
    }
  }

  private searchTools(args: { query: string; toolset?: string; limit?: number }, selection: ToolSelection): ToolResult {
    if (args.toolset && !this.catalog.modules.includes(args.toolset)) {
      return errorResult({ message: `Unknown toolset ${args.toolset}`, hint: `Toolsets: ${this.catalog.modules.join(', ')}` });
    }
    if (!this.search || this.searchAt !== this.catalog.revision) {
      this.search = new ToolSearch(this.catalog.tools());
      this.searchAt = this.catalog.revision;
    }
    const listed = new Set(selection.listed().map((tool) => tool.name));
    const accept = (tool: CatalogTool) => selection.reachable(tool) && (!args.toolset || tool.module === args.toolset);
    const results = this.search.search(args.query, accept, args.limit ?? DEFAULT_LIMIT).map(({ tool }) => ({
      name: tool.name,
      description: `${toolLead(tool.entry, tool.overlay, 'full', tool.name)} (${tool.entry.method} ${tool.entry.path})`,
      args: signature(tool.inputSchema(this.defaults)),
      ...(tool.readOnly ? {} : { writes: true }),
      ...(listed.has(tool.name) ? { listed: true } : {}),
    }));
    const notInApi = matchGaps(args.query).map(({ capability, instead, tools }) => ({ capability, instead, tools }));
    if (results.length === 0 && notInApi.length === 0) {
      return textResult(`No tool matches "${args.query}". Try other words (what the API calls it), or a toolset: ${this.catalog.modules.join(', ')}.`);
    }
    const found = {
      ...(notInApi.length > 0 ? { notInApi } : {}),
      results,
      next: `Call one with ${CALL_TOOL} {name, arguments}; ${DESCRIBE_TOOL} gives its full schema.`,
    };
    const gaps = notInApi.length > 0 ? ` and ${notInApi.length} thing${notInApi.length === 1 ? '' : 's'} the API does not do` : '';
    return textResult(`Found ${results.length} tool${results.length === 1 ? '' : 's'} for "${args.query}"${gaps}.\n${JSON.stringify(found)}`);
  }

  private describe(name: string, selection: ToolSelection): ToolResult {
    const tool = this.reachableTool(name, selection);
    if ('content' in tool) return tool;
    const { entry } = tool;
    const rule = entry.paging ? pagingRule(tool) : undefined;
    const corrections = tool.corrections.applied.map(({ id, level, change }) => ({ id, level, change }));
    // Everything the listing may leave out: method and path, scopes, tokens, the answer's shape, documentation
    // errata applied, and the whole input schema with a hint on every field (examples, formats, ID sources).
    const described = {
      name: tool.name,
      toolset: tool.module,
      description: tool.description(),
      method: entry.method,
      path: entry.path,
      ...(entry.scopes ? { scopes: entry.scopes } : {}),
      ...(entry.tokens ? { tokens: entry.tokens } : {}),
      ...(entry.returns ? { returns: entry.returns } : {}),
      annotations: tool.annotations(),
      ...(rule ? { paging: typeof rule === 'string' ? `${entry.paging}: ${rule}` : `${entry.paging} (${CALL_TOOL} can follow pages)` } : {}),
      ...(corrections.length > 0 ? { corrections } : {}),
      inputSchema: tool.describedInputSchema(this.defaults),
    };
    return textResult(`${tool.name}: its description and full input schema.\n${JSON.stringify(described)}`);
  }

  private async callTool(
    args: { name: string; arguments?: Record<string, unknown>; maxPages?: number; maxItems?: number; verbatim?: boolean },
    selection: ToolSelection,
    context: CallContext,
  ): Promise<ToolResult> {
    if (this.handles(args.name)) {
      return errorResult({ message: `${args.name} is not a GoHighLevel API tool`, hint: `Call ${args.name} directly.` });
    }
    const tool = this.reachableTool(args.name, selection);
    if ('content' in tool) return tool;
    const format = args.verbatim ? 'verbatim' : undefined;
    if (args.maxPages === undefined && args.maxItems === undefined) {
      return this.executor.call(tool, args.arguments ?? {}, context.signal, format);
    }
    if (!tool.entry.paging) {
      return errorResult({ message: `${tool.name} does not page`, hint: `Call it without maxPages/maxItems.` });
    }
    return followPages(this.executor, tool, args.arguments ?? {}, {
      maxPages: args.maxPages ?? DEFAULT_MAX_PAGES,
      maxItems: args.maxItems ?? DEFAULT_MAX_ITEMS,
      signal: context.signal,
      progress: context.progress,
      format,
    });
  }

  private enable(toolset: string, session: DiscoverySession): ToolResult {
    const before = new Set(session.selection().listed().map((tool) => tool.name));
    let after: ToolSelection;
    try {
      after = session.oneRequest ? session.selection().withToolset(toolset) : session.enable(toolset);
    } catch (error) {
      if (!(error instanceof SelectionError)) throw error;
      return errorResult({ message: error.message, hint: `Pick one of: ${toolsetNames(this.catalog).join(', ')}` });
    }
    // The events toolset holds the server's own event tools, not catalog tools.
    if (toolset === EVENTS_TOOLSET) return textResult(eventsEnabled(session.oneRequest === true));
    const added = after.listed().filter((tool) => !before.has(tool.name)).map((tool) => tool.name);
    if (added.length === 0) return textResult(`Toolset ${toolset} adds no tools: they are already in your list${after.readOnly ? ' (or write, and this server is read-only)' : ''}.`);
    const note = after.readOnly ? ' Tools that write are left out (read-only server).' : '';
    if (session.oneRequest) {
      return textResult(
        `Nothing was enabled: this server is stateless, so each request starts from the toolsets of its URL and headers. ` +
          `To list ${toolset}'s ${added.length} tools, connect to /mcp/x/${toolset} (comma-separated with the toolsets you use) or send the header X-MCP-Toolsets: ${toolset}. ` +
          `Meanwhile call any of them through ${CALL_TOOL}: ${added.slice(0, 30).join(', ')}${added.length > 30 ? ', …' : ''}.${note}`,
      );
    }
    return textResult(
      `Enabled ${toolset}: ${added.length} tools added to your list (${added.slice(0, 30).join(', ')}${added.length > 30 ? ', …' : ''}).${note} ` +
        // Several clients (AI SDK tools(), LangChain getTools(), cached OpenAI Agents lists) never re-read the list.
        `They work right now through ${CALL_TOOL} {name: "${added[0]}", arguments: {...}}, whether or not your client re-reads its tool list.`,
    );
  }

  /** The catalog tool by name, or the error result that says why this session cannot call it. */
  private reachableTool(name: string, selection: ToolSelection): CatalogTool | ToolResult {
    const tool = this.catalog.get(name);
    if (!tool) return errorResult({ message: `Unknown tool ${name}`, hint: `Find tool names with ${SEARCH_TOOLS}.` });
    const refusal = selection.refusal(tool);
    if (refusal) return errorResult({ message: refusal, hint: 'This server is configured not to allow it; no request was sent.' });
    return tool;
  }
}
