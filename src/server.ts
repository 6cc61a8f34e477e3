import { isInputRequiredResult, ProtocolError, ProtocolErrorCode, Server, type ServerContext } from '@modelcontextprotocol/server';
import { topLevelNullsLeftOut } from './args/nulls.js';
import type { Catalog } from './catalog/catalog.js';
import type { DestructiveConfirmation } from './confirm/destructive.js';
import { confirmToolCall } from './confirm/tool-call.js';
import type { CallContext, DiscoverySession, DiscoveryTools } from './discovery/handlers.js';
import type { Executor } from './executor.js';
import type { Logger } from './logger.js';
import { LocationData } from './prompts/location-data.js';
import { registerPrompts } from './prompts/register.js';
import { registerResources, type ResourceDeps } from './resources/register.js';
import { errorResult, type ToolResult, toWire } from './results.js';
import type { SelfUpdateTool } from './self-update/tool.js';
import type { ToolListing } from './toolsets/listing.js';
import type { ToolSelection } from './toolsets/selection.js';
import type { EventFeed } from './events/feed.js';
import { EventTools } from './events/tools.js';

export const SERVER_NAME = 'ghl-mcp';
/** A wait for an event answers this long before the HTTP request timeout would cut it. */
const WAIT_MARGIN_MS = 5_000;

export interface ServerDeps {
  catalog: Catalog;
  executor: Executor;
  logger: Logger;
  /** What this session lists and may call (an HTTP session may bring its own). */
  selection: ToolSelection;
  /** A stateful HTTP session's selection lives here: written through to its record, changed by other replicas. */
  selectionCell?: SelectionCell;
  /** tools/list answers, cached per selection and shared by sessions. */
  listing: ToolListing;
  discovery: DiscoveryTools;
  version: string;
  /** Said to the client in `initialize`: credentials missing, sandbox mode, and so on. */
  notices: string[];
  /** The ghl:// resources: shared cache, which locations the credentials reach. They read through `executor`. */
  resources: Omit<ResourceDeps, 'executor'>;
  /** ghl_self_update: drift between the catalog and the live docs, applied at runtime. */
  selfUpdate?: SelfUpdateTool;
  /** --confirm-destructive: destructive tools run only once the user (or a confirmation token) says yes. */
  confirm?: DestructiveConfirmation;
  /** Stateless HTTP: this server answers one request, so nothing a session enables lasts. */
  stateless?: boolean;
  /** The process's GHL events (--webhooks): read by the event tools within the session's own scope; absent, they say how to turn them on. */
  eventFeed?: EventFeed;
  /** HTTP: a request is cut after --request-timeout-ms, so a wait for an event ends before it. */
  requestTimeoutMs?: number;
}

const BASE_INSTRUCTIONS =
  'Tools map one-to-one to GoHighLevel API v2 operations, named <module>_<operation>. ' +
  'IDs come from the ghl:// resources (locations, pipelines and stages, calendars, users, custom fields, tags) or from list/search tools. ' +
  'Your tool list may hold only some of the 576 operations: ghl_search_tools finds any of them and ghl_call_tool calls it ' +
  '(with maxPages it also follows the pages of list/search tools). ' +
  'The first line of every result says what happened ("OK: GHL answered 200 …" or "Error: …"); errors carry GHL\'s message and a hint on what to do next. ' +
  'Results leave out empty fields and lowercase copies of other fields; ghl_call_tool with verbatim: true returns GHL\'s body as sent.';

/** One MCP server definition, independent of the transport it is connected to. */
export function createServer(deps: ServerDeps): Server {
  const { catalog, executor, listing, discovery, logger } = deps;
  // The session's own location and scope: a tenant reads the events of its own location only.
  const maxWaitMs = deps.requestTimeoutMs === undefined ? undefined : deps.requestTimeoutMs - WAIT_MARGIN_MS;
  const events = new EventTools(deps.eventFeed, { defaultLocationId: deps.resources.defaultLocationId, scope: deps.resources.scope }, deps.resources.maxChars, maxWaitMs);
  const server = new Server(
    { name: SERVER_NAME, version: deps.version },
    {
      capabilities: { tools: { listChanged: true }, logging: {} },
      instructions: [BASE_INSTRUCTIONS, ...deps.notices].join('\n'),
      // Several changes in one go (toolsets enabled, locations added) tell the client once.
      debouncedNotificationMethods: ['notifications/tools/list_changed', 'notifications/resources/list_changed'],
    },
  );

  const cell = deps.selectionCell ?? ownSelection(deps.selection);
  const session: DiscoverySession = {
    oneRequest: deps.stateless === true,
    selection: () => cell.get(),
    enable: (toolset) => {
      const selection = cell.get();
      const next = selection.withToolset(toolset);
      // Counted on the listing: a toolset may add the server's own tools (events), not only catalog ones.
      const grew = listing.list(next).length > listing.list(selection).length;
      cell.set(next);
      if (grew) server.sendToolListChanged().catch((error: unknown) => logger.warn({ err: (error as Error).message }, 'list_changed not sent'));
      return next;
    },
  };

  // A tool re-registered from the live docs (ghl_self_update in any session, or a failed call) changes every session's list.
  const stopWatching = catalog.onChange(() =>
    server.sendToolListChanged().catch((error: unknown) => logger.warn({ err: (error as Error).message }, 'list_changed not sent')),
  );
  const closed = server.onclose;
  server.onclose = () => {
    stopWatching();
    closed?.();
  };

  server.setRequestHandler('tools/list', () => ({ tools: listing.list(cell.get()) }));

  server.setRequestHandler('tools/call', async (request, ctx) => {
    const { name } = request.params;
    const selection = cell.get();
    const run = async (call: () => Promise<ToolResult>) => {
      try {
        return server.projectCallToolResult(toWire(await call()), undefined);
      } catch (error) {
        logger.error({ tool: name, err: (error as Error).message }, 'tool call failed');
        return { content: [{ type: 'text' as const, text: `Error: internal error in ${name}: ${(error as Error).message}` }], isError: true };
      }
    };
    // --confirm-destructive: deletes, voids and refunds wait for the user's yes (src/confirm/).
    const confirmed = deps.confirm ? confirmToolCall(deps.confirm, { name, args: request.params.arguments, catalog, selection, ctx, server }) : { proceed: request.params.arguments };
    if ('answer' in confirmed) {
      const { answer } = confirmed;
      return isInputRequiredResult(answer) ? answer : run(async () => answer);
    }
    // The server's own tools take no null anywhere: a strict client's null for a field left out is dropped.
    const args = discovery.handles(name) || deps.selfUpdate?.handles(name) || events.handles(name) ? topLevelNullsLeftOut(confirmed.proceed) : confirmed.proceed;
    if (discovery.handles(name) && !selection.excludes(name)) {
      return run(() => discovery.call(name, args, session, callContext(ctx)));
    }
    const { selfUpdate } = deps;
    if (selfUpdate?.handles(name) && !selection.excludes(name)) return run(() => selfUpdate.call(args, selection));
    if (events.handles(name) && !selection.excludes(name)) return run(() => events.call(name, args, callContext(ctx)));
    const tool = catalog.get(name);
    if (!tool) throw new ProtocolError(ProtocolErrorCode.InvalidParams, `Unknown tool ${name}`);
    const refusal = selection.refusal(tool);
    if (refusal) return run(async () => errorResult({ message: refusal, hint: 'This server is configured not to allow it; no request was sent.' }));
    return run(() => executor.call(tool, args, ctx.mcpReq.signal));
  });

  const resources = registerResources(server, { ...deps.resources, executor, stateless: deps.stateless });
  registerPrompts(server, { data: new LocationData(resources.resources, executor), secrets: deps.resources.secrets, completeResource: resources.complete });
  return server;
}

/** Where a session's selection is read and set. */
export interface SelectionCell {
  get(): ToolSelection;
  set(next: ToolSelection): void;
}

function ownSelection(initial: ToolSelection): SelectionCell {
  let current = initial;
  return {
    get: () => current,
    set: (next) => {
      current = next;
    },
  };
}

/** Cancellation and, when the client asked for it, progress notifications for one tools/call. */
function callContext(ctx: ServerContext): CallContext {
  const token = ctx.mcpReq._meta?.progressToken;
  if (token === undefined) return { signal: ctx.mcpReq.signal };
  return {
    signal: ctx.mcpReq.signal,
    progress: (progress, total, message) =>
      ctx.mcpReq.notify({ method: 'notifications/progress', params: { progressToken: token, progress, total, message } }),
  };
}
