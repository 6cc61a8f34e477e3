import type { CatalogTool } from './catalog/catalog.js';
import type { PagingStyle } from './catalog/types.js';
import type { GhlResponse } from './client/ghl-client.js';

export interface ToolResult {
  [key: string]: unknown;
  content: { type: 'text'; text: string }[];
  structuredContent?: Record<string, unknown>;
  isError?: boolean;
}

export interface ToolError {
  status?: number;
  message: string | string[];
  traceId?: string;
  hint: string;
  /** No status, but a request may have reached GHL (a cancelled or timed-out call): the change may have happened. */
  sent?: boolean;
  /** When a spent budget comes back (ISO time). */
  resetsAt?: string;
}

const PAGE_SIZE_HINTS: Partial<Record<PagingStyle, string>> = {
  'limit-offset': 'a smaller limit and an offset',
  'limit-skip': 'a smaller limit and skip',
  'body-skip-limit': 'a smaller limit and skip',
  'page-limit': 'a smaller limit and the next page',
  'page-pagesize': 'a smaller pageSize and the next page',
  'start-after': 'a smaller limit and startAfter/startAfterId',
  'search-after': 'a smaller pageLimit/limit and searchAfter',
  'last-id': 'a smaller limit and the last id seen',
  cursor: 'a smaller limit and the cursor',
};

export function textResult(text: string, structuredContent?: Record<string, unknown>): ToolResult {
  const result: ToolResult = { content: [{ type: 'text', text }] };
  if (structuredContent) result.structuredContent = structuredContent;
  return result;
}

export function errorResult(error: ToolError): ToolResult {
  const head = error.status ? `GHL answered HTTP ${error.status}` : error.sent ? 'The call did not complete' : 'The call was not made';
  const message = Array.isArray(error.message) ? error.message.join('; ') : error.message;
  const lines = [`${head}: ${message}`];
  if (error.traceId) lines.push(`traceId: ${error.traceId}`);
  lines.push(`Hint: ${error.hint}`);
  return { content: [{ type: 'text', text: lines.join('\n') }], structuredContent: { error: { ...error } }, isError: true };
}

/** A 2xx answer: the JSON as text plus structuredContent, cut at maxChars with a note on how to page. */
export function successResult(tool: CatalogTool, response: GhlResponse, maxChars: number): ToolResult {
  if (response.text.trim() === '') return textResult(`Done (HTTP ${response.status}, no content).`);
  const parsed = parseJson(response.text);
  if (response.text.length > maxChars) {
    const way = (tool.entry.paging && PAGE_SIZE_HINTS[tool.entry.paging]) ?? 'filters that return less';
    const note = `\n\n[Truncated: ${maxChars} of ${response.text.length} characters shown. Ask again with ${way}.]`;
    return textResult(response.text.slice(0, maxChars) + note);
  }
  if (parsed === undefined) return textResult(response.text);
  const structured = typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? parsed : { result: parsed };
  return textResult(response.text, structured as Record<string, unknown>);
}

/** A non-2xx answer: status, GHL's message (a string, or the array a 422 carries), traceId and a hint. */
export function upstreamErrorResult(tool: CatalogTool, response: GhlResponse): ToolResult {
  const body = parseJson(response.text) as Record<string, unknown> | undefined;
  const raw = body?.message ?? body?.msg ?? body?.error ?? (response.text.trim() || statusText(response.status));
  const message = Array.isArray(raw) ? raw.map(String) : typeof raw === 'string' ? raw : JSON.stringify(raw);
  const error: ToolError = { status: response.status, message, hint: hintFor(tool, response.status, message) };
  const traceId = body?.traceId ?? response.headers['x-trace-id'];
  if (typeof traceId === 'string') error.traceId = traceId;
  return errorResult(error);
}

function hintFor(tool: CatalogTool, status: number, message: string | string[]): string {
  const { entry } = tool;
  const scopes = entry.scopes ? `scope ${entry.scopes.join(' or ')}` : 'no particular scope';
  const tokens = entry.tokens?.length
    ? `a ${entry.tokens.join(' or ')} token${entry.oauthOnly ? ' from OAuth (a Private Integration Token cannot call it)' : ''}`
    : 'a valid token';
  const ids = entry.args.filter((arg) => arg.in === 'path').map((arg) => arg.name);
  switch (status) {
    case 400:
    case 422:
      return `GHL rejected the request${fieldsNamed(message)}. Check the values against ${tool.name}'s input schema and that the IDs exist.`;
    case 401:
      return /scope/i.test(String(message))
        ? `The token lacks a scope: ${tool.name} needs ${scopes}, with ${tokens}. Add the scope to the token or app.`
        : `The token was rejected (invalid or expired). ${tool.name} needs ${tokens} with ${scopes}; check GHL_API_KEY.`;
    case 403:
      return `The token may not do this: ${tool.name} needs ${tokens} with ${scopes}, and the token must belong to the location or company named in the call (check locationId).`;
    case 404:
      return ids.length > 0
        ? `Nothing found: check ${ids.join(', ')} (they must exist in this location).`
        : 'Nothing found: check the IDs and the location.';
    case 429:
      return 'GHL is rate limiting this location; wait a few seconds and try again.';
    case 501:
      return 'This API does not implement the operation (in sandbox mode: one the sandbox does not model); trying again will not help.';
    default:
      return status >= 500
        ? `GHL failed on its side. ${tool.readOnly || entry.method === 'PUT' || entry.method === 'DELETE' ? 'Trying again later is safe.' : 'Check whether the change happened before trying again.'}`
        : 'Check the arguments and try again.';
  }
}

function fieldsNamed(message: string | string[]): string {
  return Array.isArray(message) && message.length > 0 ? ` (${message.length} problem${message.length > 1 ? 's' : ''})` : '';
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function statusText(status: number): string {
  return `HTTP ${status}`;
}
