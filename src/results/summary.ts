import type { CatalogTool } from '../catalog/catalog.js';
import { locateItems } from '../paging/styles.js';
import { listAt } from './fit.js';

/** What an answer holds, in the words of a result's first line, and where its list is. */
export interface AnswerShape {
  /** The list the call asked for: `[]` when the answer is the list itself. */
  listPath?: string[];
  /** "20 contacts (total 60)", "contact abc123", or nothing to say. */
  phrase?: string;
}

/**
 * A list is an answer that is an array, or an array beside the top-level fields of an answer that is not one
 * record (no `id`); one level down only for tools that page (`{messages: {messages: [...]}}`), as a record's
 * arrays (its tags) are no list of results.
 */
export function shapeOf(tool: CatalogTool, body: unknown): AnswerShape {
  if (Array.isArray(body)) return { listPath: [], phrase: `${body.length} item${body.length === 1 ? '' : 's'}` };
  if (!isObject(body)) return {};
  const located = isObject(body) && !('id' in body) && !('_id' in body) ? locateItems(body)?.path : undefined;
  if (located && (located.length === 1 || tool.entry.paging)) {
    const count = listAt(body, located)!.length;
    const total = totalOf(body, located);
    const name = GENERIC_LISTS.has(located.at(-1)!) ? 'items' : located.at(-1)!;
    return { listPath: located, phrase: `${count} ${count === 1 ? singular(name) : name}${typeof total === 'number' && total !== count ? ` (total ${total})` : ''}` };
  }
  const record = recordOf(body);
  return record ? { phrase: record } : {};
}

/** List keys that name no kind of record ("with 1 data" says nothing): counted as items. */
const GENERIC_LISTS = new Set(['data', 'list']);

/** "1 opportunity", "1 address": the list's name for one item, when English makes it plainly. */
function singular(name: string): string {
  if (/ies$/.test(name)) return name.replace(/ies$/, 'y');
  if (/(s|x|ch|sh)es$/.test(name)) return name.replace(/es$/, '');
  return /[^s]s$/.test(name) ? name.slice(0, -1) : name;
}

/** `{contact: {id}}` → "contact <id>"; `{id}` → "id <id>". */
function recordOf(body: Record<string, unknown>): string | undefined {
  const own = idOf(body);
  if (own) return `id ${own}`;
  const keys = Object.keys(body).filter((key) => key !== 'traceId');
  if (keys.length !== 1) return undefined;
  const inner = body[keys[0]!];
  const id = isObject(inner) ? idOf(inner) : undefined;
  return id ? `${keys[0]} ${id}` : undefined;
}

function idOf(object: Record<string, unknown>): string | undefined {
  const id = object.id ?? object._id;
  return typeof id === 'string' && id !== '' ? id : undefined;
}

/** GHL's total has no one name or place: beside the list, at the top, under meta or pagination. */
function totalOf(body: Record<string, unknown>, path: string[]): unknown {
  const holder = path.length > 1 ? body[path[0]!] : body;
  for (const place of [holder, body, body.meta, body.pagination]) {
    if (!isObject(place)) continue;
    for (const name of ['total', 'totalCount', 'totalRecords', 'count']) {
      if (typeof place[name] === 'number') return place[name];
    }
  }
  return undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
