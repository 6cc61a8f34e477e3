/**
 * What a compact result leaves out of GHL's answer: fields with no value (null, "", [], {}) and lowercase copies
 * GHL derives from a field beside them (`firstNameLowerCase` next to `firstName`). Nothing else changes: false, 0,
 * IDs, array positions and every paging field keep their place and value.
 */

/** Paging fields keep their value even when empty: `nextPage: null` says there is no next page. */
const PAGING_FIELDS = new Set([
  'total',
  'totalCount',
  'totalRecords',
  'count',
  'currentPage',
  'nextPage',
  'prevPage',
  'nextPageUrl',
  'startAfter',
  'startAfterId',
  'searchAfter',
  'hasMore',
  'hasNextPage',
  'hasPrevPage',
  'nextCursor',
  'nextPageToken',
  'prevPageToken',
  'lastMessageId',
  'lastKnowledgeBaseId',
  'lastFaqId',
  'lastDoc',
  // Our own paging report (merged pages): its `next` arguments are sent back as they are.
  '_paging',
]);

/** `fullNameLowerCase` has no `fullName` beside it in contacts: it copies the name made of the parts. */
const NAME_SOURCES = ['fullName', 'name', 'contactName'];

export interface Compacted {
  value: unknown;
  /** Fields left out for having no value. */
  empty: number;
  /** Lowercase copies of a field beside them, left out. */
  derived: number;
}

/**
 * The answer without empty fields and derived lowercase copies. `keep` is the path of the answer's list, which
 * stays even when empty (it is what the call asked for).
 */
export function compact(body: unknown, keep: readonly string[] = []): Compacted {
  const counts = { empty: 0, derived: 0 };
  const value = compactValue(body, keep, counts);
  return { value, ...counts };
}

function compactValue(value: unknown, keep: readonly string[], counts: { empty: number; derived: number }): unknown {
  if (Array.isArray(value)) return value.map((item) => compactValue(item, [], counts));
  if (!isObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) {
    if (PAGING_FIELDS.has(key)) {
      out[key] = field;
      continue;
    }
    const kept = keep[0] === key;
    if (!kept && isDerivedCopy(value, key, field)) {
      counts.derived += 1;
      continue;
    }
    const compacted = compactValue(field, kept ? keep.slice(1) : [], counts);
    if (!(kept && keep.length === 1) && isEmpty(compacted)) {
      counts.empty += 1;
      continue;
    }
    out[key] = compacted;
  }
  return out;
}

/** `xLowerCase` (or `xLowercase`) equal to the lowercase of `x` beside it: nothing is lost by leaving it out. */
function isDerivedCopy(object: Record<string, unknown>, key: string, field: unknown): boolean {
  const match = /^(.+)Lower[Cc]ase$/.exec(key);
  if (!match || typeof field !== 'string') return false;
  const base = match[1]!;
  const sources = [object[base]];
  if (base === 'fullName') {
    sources.push(...NAME_SOURCES.map((name) => object[name]));
    sources.push([object.firstName, object.lastName].filter((part) => typeof part === 'string' && part !== '').join(' '));
  }
  return sources.some((source) => typeof source === 'string' && source !== '' && source.toLowerCase() === field);
}

function isEmpty(value: unknown): boolean {
  if (value === null || value === undefined || value === '') return true;
  if (Array.isArray(value)) return value.length === 0;
  return isObject(value) && Object.keys(value).length === 0;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
