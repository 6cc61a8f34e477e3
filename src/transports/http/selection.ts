import type { IncomingMessage } from 'node:http';
import type { SelectionRequest } from '../../toolsets/selection.js';

export const MCP_PATH = '/mcp';

/** What a session asks for through its URL and headers, before the server's own rules are applied. */
export interface SessionAsk {
  toolsets?: string[];
  tools?: string[];
  excludeTools?: string[];
  readOnly: boolean;
}

export class SelectionHeaderError extends Error {}

/**
 * The MCP endpoint's paths, as github-mcp-server lays them out: `/mcp`, `/mcp/readonly`, `/mcp/x/{toolsets}` and
 * `/mcp/x/{toolsets}/readonly` (toolsets comma-separated). Undefined when the path is not an MCP endpoint.
 */
export function parseMcpPath(pathname: string): { toolsets?: string[]; readOnly: boolean } | undefined {
  const rest = pathname.replace(/\/+$/, '');
  if (rest === MCP_PATH) return { readOnly: false };
  if (rest === `${MCP_PATH}/readonly`) return { readOnly: true };
  const match = /^\/mcp\/x\/([^/]+)(\/readonly)?$/.exec(rest);
  if (!match) return undefined;
  const toolsets = decodeOrUndefined(match[1]!);
  return toolsets === undefined ? undefined : { toolsets: commaList(toolsets), readOnly: match[2] !== undefined };
}

/** A malformed escape (`%E0`) names no toolset: the path is simply not an MCP endpoint. */
function decodeOrUndefined(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

/** Adds what the headers ask (X-MCP-Toolsets, X-MCP-Tools, X-MCP-Exclude-Tools, X-MCP-Readonly) to the path's ask. */
export function sessionAsk(path: { toolsets?: string[]; readOnly: boolean }, req: IncomingMessage): SessionAsk {
  const header = (name: string) => {
    const value = req.headers[name];
    return Array.isArray(value) ? value.join(',') : value;
  };
  const toolsets = path.toolsets ?? optionalList(header('x-mcp-toolsets'));
  return {
    toolsets,
    tools: optionalList(header('x-mcp-tools')),
    excludeTools: optionalList(header('x-mcp-exclude-tools')),
    readOnly: path.readOnly || readOnlyHeader(header('x-mcp-readonly')),
  };
}

/**
 * The selection a session gets: its own toolsets and tools when it names any (else the server's), with the
 * server's exclusions and read-only always kept — a session can narrow what the server allows, never widen it.
 * Undefined when the session asks for nothing, so it shares the server's selection.
 */
export function sessionSelection(server: SelectionRequest, ask: SessionAsk): SelectionRequest | undefined {
  const choosesTools = ask.toolsets !== undefined || ask.tools !== undefined;
  if (!choosesTools && !ask.excludeTools && !ask.readOnly) return undefined;
  return {
    toolsets: choosesTools ? ask.toolsets : server.toolsets,
    tools: choosesTools ? ask.tools : server.tools,
    excludeTools: [...(server.excludeTools ?? []), ...(ask.excludeTools ?? [])],
    readOnly: server.readOnly === true || ask.readOnly,
  };
}

function commaList(text: string): string[] {
  return text.split(',').map((item) => item.trim()).filter(Boolean);
}

function optionalList(text: string | undefined): string[] | undefined {
  return text === undefined || text.trim() === '' ? undefined : commaList(text);
}

function readOnlyHeader(text: string | undefined): boolean {
  const value = text?.trim().toLowerCase();
  if (value === undefined || value === '' || value === 'false' || value === '0') return false;
  if (value === 'true' || value === '1') return true;
  throw new SelectionHeaderError(`X-MCP-Readonly must be true or false, got ${JSON.stringify(text)}`);
}
