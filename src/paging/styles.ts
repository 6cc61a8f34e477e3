import type { CatalogTool } from '../catalog/catalog.js';
import type { PagingStyle } from '../catalog/types.js';

type Args = Record<string, unknown>;
type Json = Record<string, unknown>;

/** One answered page, as the paging rules see it. */
export interface Page {
  args: Args;
  body: unknown;
  /** The list of this page (found by locateItems). */
  items: unknown[];
  /** The object holding the list, where cursors and flags usually sit. */
  holder: Json | undefined;
}

/** Arguments for the next page, or why there is none. */
export type Step = { next: Args } | { end: string; complete: boolean };

export type Rule = (tool: CatalogTool, page: Page) => Step;

const LAST_PAGE: Step = { end: 'the last page was reached', complete: true };

/**
 * Where the next page's value comes from, per paging style (see the pagination table in api-facts.md §8).
 * A style missing here cannot be followed automatically; the result says so.
 */
const RULES: Partial<Record<PagingStyle, Rule>> = {
  'limit-offset': (tool, page) => advanceBy(tool, page, 'offset', 'limit'),
  'limit-skip': (tool, page) => advanceBy(tool, page, 'skip', 'limit'),
  'body-skip-limit': (tool, page) => advanceBy(tool, page, 'skip', 'limit'),
  'page-limit': (tool, page) => nextPageNumber(tool, page, 'limit'),
  'page-pagesize': (tool, page) => nextPageNumber(tool, page, tool.arg('pageLength') ? 'pageLength' : 'pageSize'),
  page: (tool, page) => nextPageNumber(tool, page, undefined),
  // Opportunities (and the deprecated contacts list) answer meta.startAfter / meta.startAfterId.
  'start-after': (tool, page) => {
    const names = ['startAfter', 'startAfterId'].filter((name) => tool.arg(name));
    const values = Object.fromEntries(names.map((name) => [name, lookup(page, name)]));
    if (names.some((name) => values[name] === undefined || values[name] === null)) {
      return { end: `the answer carried no ${names.join('/')} to continue from`, complete: false };
    }
    return { next: { ...page.args, ...mapValues(values, (value, name) => asArgType(tool, name, value)) } };
  },
  // Conversations: the sort value of the last conversation (its `sort[0]`, else its last message date).
  'start-after-date': (tool, page) => {
    const last = page.items.at(-1) as Json | undefined;
    const value = (Array.isArray(last?.sort) ? last.sort[0] : undefined) ?? last?.lastMessageDate;
    if (value === undefined) return { end: 'the last item carried no sort value for startAfterDate', complete: false };
    return shortPage(page, 'limit') ?? { next: { ...page.args, startAfterDate: asArgType(tool, 'startAfterDate', value) } };
  },
  // Object records and opportunity search: each item carries its own `searchAfter`.
  'search-after': (tool, page) => {
    const value = (page.items.at(-1) as Json | undefined)?.searchAfter;
    if (value === undefined) return { end: 'the last item carried no searchAfter', complete: false };
    return shortPage(page, tool.arg('pageLimit') ? 'pageLimit' : 'limit') ?? { next: { ...page.args, searchAfter: value } };
  },
  // lastMessageId / lastKnowledgeBaseId / lastFaqId: the answer names the cursor like the argument.
  'last-id': (tool, page) => {
    const name = ['lastMessageId', 'lastKnowledgeBaseId', 'lastFaqId', 'lastDoc'].find((candidate) => tool.arg(candidate))!;
    const value = lookup(page, name);
    if (typeof value !== 'string' || value === '') return { end: `the answer carried no ${name} to continue from`, complete: false };
    return { next: { ...page.args, [name]: asArgType(tool, name, value) } };
  },
  cursor: (_tool, page) => {
    const value = lookup(page, 'nextCursor');
    if (typeof value !== 'string' || value === '') return LAST_PAGE;
    return { next: { ...page.args, cursor: value } };
  },
};

/** The next page's arguments, or why paging stops: the shared end signals first, then the style's rule. */
export function nextStep(tool: CatalogTool, rule: Rule, page: Page): Step {
  return finished(page) ?? rule(tool, page);
}

/** Why a style is not followed automatically. */
const UNFOLLOWABLE: Partial<Record<PagingStyle, string>> = {
  next: 'the provider cursor `next` has no documented place in the answer; pass it yourself from the previous answer',
};

/** The tool's rule, or why its pages cannot be followed automatically. */
export function pagingRule(tool: CatalogTool): Rule | string {
  const style = tool.entry.paging;
  if (!style) return `${tool.name} does not page`;
  return RULES[style] ?? UNFOLLOWABLE[style] ?? `the ${style} paging style is not followed automatically`;
}

/** limit+offset, limit+skip: move the position by the items received. */
function advanceBy(tool: CatalogTool, page: Page, position: string, size: string): Step {
  const next = Number(page.args[position] ?? 0) + page.items.length;
  const total = ['total', 'totalCount'].map((name) => lookup(page, name)).find((value) => typeof value === 'number');
  if (typeof total === 'number' && next >= total) return LAST_PAGE;
  return shortPage(page, size) ?? { next: { ...page.args, [position]: asArgType(tool, position, next) } };
}

/** page numbers: meta.nextPage when the answer gives it, else one more. */
function nextPageNumber(tool: CatalogTool, page: Page, size: string | undefined): Step {
  const done = size ? shortPage(page, size) : undefined;
  if (done) return done;
  const given = lookup(page, 'nextPage');
  const next = typeof given === 'number' ? given : Number(page.args.page ?? 1) + 1;
  return { next: { ...page.args, page: asArgType(tool, 'page', next) } };
}

/** Signals every style shares: an empty page, hasMore/nextPage false or null. */
function finished(page: Page): Step | undefined {
  if (page.items.length === 0) return LAST_PAGE;
  const hasMore = lookup(page, 'hasMore');
  const nextPage = lookup(page, 'nextPage');
  if (hasMore === false || nextPage === false || nextPage === null) return LAST_PAGE;
  return undefined;
}

/** A page shorter than the page size the caller asked for is the last one. */
function shortPage(page: Page, size: string): Step | undefined {
  const asked = Number(page.args[size]);
  return Number.isFinite(asked) && asked > 0 && page.items.length < asked ? LAST_PAGE : undefined;
}

/** A paging field, wherever GHL put it: beside the list, at the top, or under meta / pagination. */
function lookup(page: Page, name: string): unknown {
  const body = isObject(page.body) ? page.body : undefined;
  for (const place of [page.holder, body, body?.meta, body?.pagination]) {
    if (isObject(place) && name in place) return place[name];
  }
  return undefined;
}

/**
 * Specs type paging values inconsistently (limit/offset as strings, startAfter a string that the answer gives
 * as a number): send the next value the way the argument's schema wants it.
 */
function asArgType(tool: CatalogTool, name: string, value: unknown): unknown {
  const type = tool.arg(name)?.schema.type;
  const types = Array.isArray(type) ? type : [type];
  const numeric = types.includes('number') || types.includes('integer');
  if (typeof value === 'number' && types.includes('string') && !numeric) return String(value);
  if (typeof value === 'string' && numeric && !types.includes('string') && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  return value;
}

function mapValues(record: Json, map: (value: unknown, key: string) => unknown): Json {
  return Object.fromEntries(Object.entries(record).map(([key, value]) => [key, map(value, key)]));
}

/**
 * The list of a page: the answer itself when it is an array, else the longest array beside the top-level
 * fields, else one level down (`{data: {knowledgeBases: [...]}}`, `{messages: {messages: [...]}}`).
 */
export function locateItems(body: unknown): { path: string[] } | undefined {
  if (Array.isArray(body)) return { path: [] };
  if (!isObject(body)) return undefined;
  const top = longestArray(body);
  if (top) return { path: [top] };
  for (const [key, value] of Object.entries(body)) {
    if (isObject(value)) {
      const inner = longestArray(value);
      if (inner) return { path: [key, inner] };
    }
  }
  return undefined;
}

export function readPath(body: unknown, path: string[]): { items: unknown[]; holder: Json | undefined } | undefined {
  let holder: Json | undefined;
  let value = body;
  for (const key of path) {
    if (!isObject(value)) return undefined;
    holder = value;
    value = value[key];
  }
  return Array.isArray(value) ? { items: value, holder } : undefined;
}

function longestArray(object: Json): string | undefined {
  let best: string | undefined;
  for (const [key, value] of Object.entries(object)) {
    if (Array.isArray(value) && (best === undefined || value.length > (object[best] as unknown[]).length)) best = key;
  }
  return best;
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
