import { ProtocolError, ProtocolErrorCode, Server } from '@modelcontextprotocol/server';
import type { ArgDefaults, Catalog, CatalogTool, ToolDefinition } from './catalog/catalog.js';
import type { Executor } from './executor.js';
import type { Logger } from './logger.js';

export const SERVER_NAME = 'ghl-mcp';

export interface ServerDeps {
  catalog: Catalog;
  executor: Executor;
  defaults: ArgDefaults;
  logger: Logger;
  version: string;
  /** Said to the client in `initialize`: credentials missing, sandbox mode, and so on. */
  notices: string[];
}

const BASE_INSTRUCTIONS =
  'Tools map one-to-one to GoHighLevel API v2 operations, named <module>_<operation>. ' +
  'IDs come from list/search tools (e.g. locations, pipelines, calendars, users). ' +
  'Errors come back as tool results with the HTTP status, GHL\'s message and a hint on what to do next.';

/** One MCP server definition, independent of the transport it is connected to. */
export function createServer(deps: ServerDeps): Server {
  const { catalog, executor, defaults, logger } = deps;
  const server = new Server(
    { name: SERVER_NAME, version: deps.version },
    {
      capabilities: { tools: { listChanged: true }, logging: {} },
      instructions: [BASE_INSTRUCTIONS, ...deps.notices].join('\n'),
    },
  );

  let listed: ToolDefinition[] | undefined;
  server.setRequestHandler('tools/list', () => {
    listed ??= catalog.tools().map((tool) => tool.definition(defaults));
    return { tools: listed };
  });

  server.setRequestHandler('tools/call', async (request, ctx) => {
    const tool: CatalogTool | undefined = catalog.get(request.params.name);
    if (!tool) {
      throw new ProtocolError(ProtocolErrorCode.InvalidParams, `Unknown tool ${request.params.name}`);
    }
    try {
      const result = await executor.call(tool, request.params.arguments, ctx.mcpReq.signal);
      return server.projectCallToolResult(result, undefined);
    } catch (error) {
      logger.error({ tool: tool.name, err: (error as Error).message }, 'tool call failed');
      return { content: [{ type: 'text', text: `Internal error in ${tool.name}: ${(error as Error).message}` }], isError: true };
    }
  });

  return server;
}
