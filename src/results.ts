import type { CatalogTool } from './catalog/catalog.js';
import type { PagingStyle } from './catalog/types.js';
import type { GhlResponse } from './client/ghl-client.js';
import { compact } from './results/compact.js';
import { cutText, type Fitted, fitJson, listAt } from './results/fit.js';
import { type AnswerShape, shapeOf } from './results/summary.js';

/** How a 2xx answer is shown: compact (empty fields and derived lowercase copies left out) or GHL's body as sent. */
export type ResultFormat = 'compact' | 'verbatim';
export const RESULT_FORMATS: readonly ResultFormat[] = ['compact', 'verbatim'];

export interface ToolResult {
  [key: string]: unknown;
  content: { type: 'text'; text: string }[];
  isError?: boolean;
  /**
   * Never sent (toWire leaves it out): facts the server's own code reads from a result, such as the error a
   * resource read reports or the live-docs check of a failed call. No tool declares an outputSchema, so no
   * result carries structuredContent: the text is the whole answer, once.
   */
  details?: ResultDetails;
}

export interface ResultDetails {
  error?: ToolError;
  liveDocs?: { status: string; changes?: string[] };
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
  /** What else GHL's error body names: canonicalCode, the ID of a record that already exists. */
  facts?: Record<string, string>;
}

export interface SuccessOptions {
  maxChars: number;
  format: ResultFormat;
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

/** A result of the server's own making; its first line must say what happened. */
export function textResult(text: string): ToolResult {
  return { content: [{ type: 'text', text }] };
}

/** What goes to the client: the text blocks and the error flag, nothing internal. */
export function toWire(result: ToolResult): { content: ToolResult['content']; isError?: boolean } {
  return result.isError ? { content: result.content, isError: true } : { content: result.content };
}

export function errorResult(error: ToolError): ToolResult {
  const head = error.status ? `Error: GHL answered ${error.status}` : error.sent ? 'Error: the call did not complete' : 'Error: the call was not made';
  // Several problems read as one sentence: a problem's own closing full stop would stand before the separator.
  const message = Array.isArray(error.message) ? error.message.map((part, index, all) => (index < all.length - 1 ? part.replace(/\.$/, '') : part)).join('; ') : error.message;
  const lines = [`${head}: ${message}`];
  const facts = Object.entries(error.facts ?? {}).map(([name, value]) => `${name}: ${value}`);
  if (error.traceId) facts.unshift(`traceId: ${error.traceId}`);
  if (facts.length > 0) lines.push(facts.join(', '));
  lines.push(`Hint: ${error.hint}`);
  return { content: [{ type: 'text', text: lines.join('\n') }], isError: true, details: { error: { ...error } } };
}

/**
 * A 2xx answer: a first line saying what GHL answered, then the JSON (compact unless verbatim is asked for), cut
 * at maxChars with a note on how to page.
 */
export function successResult(tool: CatalogTool, response: GhlResponse, options: SuccessOptions): ToolResult {
  const head = `OK: GHL answered ${response.status}`;
  if (response.text.trim() === '') return textResult(`${head} with no content.`);
  const parsed = parseJson(response.text);
  if (parsed === undefined) {
    return textResult(`${head} (not JSON).\n${cutText(response.text, options.maxChars)}${cutNote(tool, response.text, options.maxChars)}`);
  }
  const shape = shapeOf(tool, parsed);
  const said = `${head}${shape.phrase ? ` with ${shape.phrase}` : ''}`;
  if (options.format === 'verbatim') {
    return textResult(`${said}.\n${cutText(response.text, options.maxChars)}${cutNote(tool, response.text, options.maxChars)}`);
  }
  const compacted = compact(parsed, shape.listPath);
  const fitted = fitJson(compacted.value, shape.listPath, options.maxChars);
  const shown = fitted.shown !== undefined ? `; ${fitted.shown} shown within the result limit` : fitted.cutChars ? '; cut at the result limit' : '';
  const note = fitted.shown !== undefined || fitted.cutChars ? `\n[${cutWhat(fitted, shape, compacted.value)} Ask again with ${pageWay(tool, parsed)}.]` : '';
  return textResult(`${said}${shown}.${leftOut(compacted)}\n${fitted.text}${note}`);
}

/** Said once, in the first line: what compaction left out, and how to see it. */
function leftOut({ empty, derived }: { empty: number; derived: number }): string {
  if (empty + derived === 0) return '';
  const parts = [empty > 0 && `${empty} empty field${empty === 1 ? '' : 's'}`, derived > 0 && `${derived} lowercase cop${derived === 1 ? 'y' : 'ies'}`].filter(Boolean);
  return ` Left out ${parts.join(' and ')} (ghl_call_tool with verbatim: true shows GHL's body as sent).`;
}

function cutWhat(fitted: Fitted, shape: AnswerShape, value: unknown): string {
  if (fitted.shown !== undefined) {
    const all = listAt(value, shape.listPath!)!.length;
    return `Cut: ${fitted.shown} of ${all} ${shape.listPath!.at(-1) ?? 'items'} shown, to stay within the result limit.`;
  }
  return `Cut: ${fitted.text.length} of ${JSON.stringify(value).length} characters shown, to stay within the result limit.`;
}

function cutNote(tool: CatalogTool, text: string, maxChars: number): string {
  if (text.length <= maxChars) return '';
  return `\n[Cut: ${cutText(text, maxChars).length} of ${text.length} characters shown, to stay within the result limit. Ask again with ${pageWay(tool, parseJson(text))}.]`;
}

/** Merged pages (ghl_call_tool maxPages/maxItems) are made smaller with maxItems; one page with the tool's own size. */
function pageWay(tool: CatalogTool, body: unknown): string {
  if (typeof body === 'object' && body !== null && '_paging' in body) return 'a smaller maxItems (or continue from _paging.next)';
  return (tool.entry.paging && PAGE_SIZE_HINTS[tool.entry.paging]) ?? 'filters that return less';
}

/** A non-2xx answer: status, GHL's message (a string, or the array a 422 carries), traceId and a hint. */
export function upstreamErrorResult(tool: CatalogTool, response: GhlResponse): ToolResult {
  const body = parseJson(response.text) as Record<string, unknown> | undefined;
  const raw = body?.message ?? body?.msg ?? body?.error ?? (response.text.trim() || statusText(response.status));
  const message = Array.isArray(raw) ? raw.map(String) : typeof raw === 'string' ? raw : JSON.stringify(raw);
  const facts = errorFacts(body);
  const error: ToolError = { status: response.status, message, hint: existingRecordHint(message, facts) ?? hintFor(tool, response.status, message) };
  const traceId = body?.traceId ?? response.headers['x-trace-id'];
  if (typeof traceId === 'string') error.traceId = traceId;
  if (facts) error.facts = facts;
  return errorResult(error);
}

/** A conflict names the record that already exists (`meta.contactId`, `conversationId`) and a canonicalCode. */
function errorFacts(body: Record<string, unknown> | undefined): Record<string, string> | undefined {
  const facts: Record<string, string> = {};
  for (const place of [body, body?.meta]) {
    if (typeof place !== 'object' || place === null || Array.isArray(place)) continue;
    for (const [name, value] of Object.entries(place)) {
      const wanted = name === 'canonicalCode' || name === 'matchingField' || /^(id|_id|\w+Id)$/.test(name);
      if (wanted && name !== 'traceId' && (typeof value === 'string' || typeof value === 'number') && value !== '') facts[name] = String(value);
    }
  }
  return Object.keys(facts).length > 0 ? facts : undefined;
}

/** A refused duplicate names the record that exists: that record is the way on, not another try. */
function existingRecordHint(message: string | string[], facts: Record<string, string> | undefined): string | undefined {
  const id = Object.entries(facts ?? {}).find(([name]) => /Id$/.test(name));
  if (!id || !/duplicat|already exist/i.test(String(message))) return undefined;
  return `The record exists already (${id[0]} ${id[1]}${facts!.matchingField ? `, same ${facts!.matchingField}` : ''}): use it, or update it, instead of creating another.`;
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
