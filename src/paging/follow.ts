import type { CatalogTool } from '../catalog/catalog.js';
import type { Executor } from '../executor.js';
import type { ResultFormat, ToolResult } from '../results.js';
import { replaceAt } from '../results/fit.js';
import { locateItems, nextStep, pagingRule, readPath } from './styles.js';

export interface FollowOptions {
  maxPages: number;
  /** Stop after the page that brings the total to at least this many items (pages are never split). */
  maxItems: number;
  signal?: AbortSignal;
  /** Called after each page; the server turns it into MCP progress notifications. */
  progress?: (pages: number, maxPages: number, message: string) => Promise<void>;
  /** How the merged answer is shown (the executor's default when absent). */
  format?: ResultFormat;
}

/** How the merged answer says what happened, under `_paging`. */
interface PagingReport {
  pages: number;
  items: number;
  /** True when the last page was reached: nothing more to fetch. */
  complete: boolean;
  stoppedBecause: string;
  /** Arguments that fetch the next page, when there is one. */
  next?: Record<string, unknown>;
  /** A page after the first failed: what it answered. */
  error?: string;
}

/**
 * Calls a list/search tool page after page through the executor (same validation, defaults and errors as a
 * single call) and merges the lists into the first page's answer, within the bounds, stopping on cancellation.
 */
export async function followPages(executor: Executor, tool: CatalogTool, args: unknown, options: FollowOptions): Promise<ToolResult> {
  const { signal } = options;
  const rule = pagingRule(tool);
  if (typeof rule === 'string' || !isPlainObject(args ?? {})) {
    const single = await executor.call(tool, args, signal, options.format);
    return typeof rule === 'string' && !single.isError ? withNote(single, `Pages not followed: ${rule}.`) : single;
  }
  let pageArgs = { ...(args as Record<string, unknown> | undefined) };
  let path: string[] | undefined;
  let first: unknown;
  /** How the first page's arguments were converted or filled: the same for every page. */
  let notes: readonly string[] = [];
  const items: unknown[] = [];
  const report: PagingReport = { pages: 0, items: 0, complete: false, stoppedBecause: '' };
  for (;;) {
    const fetched = await executor.fetch(tool, pageArgs, signal);
    if (fetched.result) {
      if (report.pages === 0) return fetched.result;
      report.stoppedBecause = signal?.aborted ? 'the call was cancelled' : `page ${report.pages + 1} failed`;
      if (!signal?.aborted) report.error = fetched.result.content[0]?.text;
      report.next = pageArgs;
      break;
    }
    if (report.pages === 0) notes = fetched.notes;
    const body = parseJson(fetched.response.text);
    path ??= locateItems(body)?.path;
    const found = path && readPath(body, path);
    if (!found) {
      if (report.pages === 0) return withNote(executor.finish(tool, fetched.response, options.format, notes), 'Pages not followed: the answer holds no list.');
      report.stoppedBecause = `page ${report.pages + 1} held no list`;
      break;
    }
    report.pages += 1;
    items.push(...found.items);
    first ??= body;
    await options.progress?.(report.pages, options.maxPages, `${tool.name}: page ${report.pages}, ${items.length} items`);
    const step = nextStep(tool, rule, { args: pageArgs, body, items: found.items, holder: found.holder });
    if ('end' in step) {
      report.stoppedBecause = step.end;
      report.complete = step.complete;
      break;
    }
    if (JSON.stringify(step.next) === JSON.stringify(pageArgs)) {
      report.stoppedBecause = 'the answer gave the same position again';
      break;
    }
    pageArgs = step.next;
    const bound =
      signal?.aborted ? 'the call was cancelled'
      : report.pages >= options.maxPages ? `maxPages (${options.maxPages}) was reached`
      : items.length >= options.maxItems ? `maxItems (${options.maxItems}) was reached`
      : undefined;
    if (bound) {
      report.stoppedBecause = bound;
      report.next = pageArgs;
      break;
    }
  }
  report.items = items.length;
  const merged = { ...(path!.length === 0 ? { items } : (replaceAt(withoutPosition(first, path!), path!, items) as Record<string, unknown>)), _paging: report };
  return executor.finish(tool, { status: 200, headers: {}, text: JSON.stringify(merged) }, options.format, notes);
}

/** Where the first page stopped (its cursor, next page, next URL) is not where the merged pages stop: _paging.next is. */
const POSITION_FIELDS = ['currentPage', 'nextPage', 'prevPage', 'nextPageUrl', 'startAfter', 'startAfterId', 'hasMore', 'nextCursor', 'lastMessageId', 'lastKnowledgeBaseId', 'lastFaqId', 'lastDoc'];

function withoutPosition(body: unknown, path: string[]): unknown {
  const top = { ...(body as Record<string, unknown>) };
  const places: Record<string, unknown>[] = [top];
  for (const key of ['meta', 'pagination', ...(path.length > 1 ? [path[0]!] : [])]) {
    if (isPlainObject(top[key])) places.push((top[key] = { ...(top[key] as Record<string, unknown>) }) as Record<string, unknown>);
  }
  for (const place of places) for (const field of POSITION_FIELDS) delete place[field];
  return top;
}

/** A note on paging goes before the Notes block on the arguments, which stays last. */
function withNote(result: ToolResult, note: string): ToolResult {
  const content = [...result.content];
  const at = content.at(-1)?.text.startsWith('Notes:') ? content.length - 1 : content.length;
  content.splice(at, 0, { type: 'text', text: note });
  return { ...result, content };
}

function isPlainObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
