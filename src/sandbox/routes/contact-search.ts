import { ok } from '../http.js';
import { numberParam } from '../paging.js';
import { matchesText } from '../text.js';
import type { SandboxRouter } from '../router.js';
import type { Doc } from '../state.js';
import { validate } from '../validate.js';

const OPERATORS = ['eq', 'not_eq', 'contains', 'not_contains', 'exists', 'not_exists', 'range'] as const;
const TEXT_FIELDS = ['contactName', 'firstName', 'lastName', 'email', 'phone', 'companyName'];
const MAX_PAGE_LIMIT = 500;
const MAX_WINDOW = 10_000;

type Filter = { field?: string; operator?: string; value?: unknown; group?: string; filters?: Filter[] };
type SortKey = { field: string; direction: 'asc' | 'desc' };

/** `POST /contacts/search` (filters, sort, page or searchAfter) and the older `GET /contacts/` (startAfter/startAfterId). */
export function contactSearchRoutes(router: SandboxRouter): void {
  const contacts = router.context.store.collection('contacts');

  router.on('POST /contacts/search', ({ body }) => {
    validate(body, { locationId: ['required', 'string'], pageLimit: ['required', 'number'], page: ['number'], searchAfter: ['array'], filters: ['array'], sort: ['array'], query: ['string'] }, searchProblems(body));
    const sort = ((body.sort as SortKey[] | undefined) ?? []).concat({ field: 'dateAdded', direction: 'desc' });
    const filters = (body.filters as Filter[] | undefined) ?? [];
    const matching = contacts.filter((contact) => matchesText(contact, body.query as string, TEXT_FIELDS) && filters.every((filter) => passes(contact, filter)));
    const ordered = matching.sort((a, b) => compareBy(a, b, sort));
    const limit = body.pageLimit as number;
    let page: Doc[];
    if (Array.isArray(body.searchAfter)) {
      const after = body.searchAfter as unknown[];
      page = ordered.filter((contact) => compareKeys(sortValues(contact, sort), after, sort) > 0).slice(0, limit);
    } else {
      const start = (((body.page as number | undefined) ?? 1) - 1) * limit;
      page = ordered.slice(start, start + limit);
    }
    return ok({ contacts: page.map((contact) => ({ ...contact, searchAfter: sortValues(contact, sort) })), total: matching.length });
  });

  router.on('GET /contacts/', ({ query }) => {
    const limit = numberParam(query, 'limit', 20, 100);
    const sort: SortKey[] = [{ field: 'dateAdded', direction: 'desc' }];
    const matching = contacts.filter((contact) => matchesText(contact, query.get('query'), TEXT_FIELDS)).sort((a, b) => compareBy(a, b, sort));
    const afterId = query.get('startAfterId');
    const afterTime = query.get('startAfter');
    const start = afterId ? matching.findIndex((contact) => contact.id === afterId) + 1 : afterTime ? matching.findIndex((contact) => Date.parse(contact.dateAdded) < Number(afterTime)) : 0;
    const page = start < 0 ? [] : matching.slice(start, start + limit);
    const last = page.at(-1);
    const more = last !== undefined && start + limit < matching.length;
    return ok({
      contacts: page,
      count: matching.length,
      meta: {
        total: matching.length,
        startAfterId: more ? last.id : null,
        startAfter: more ? Date.parse(last.dateAdded) : null,
        nextPageUrl: more ? `/contacts/?locationId=${router.context.locationId}&limit=${limit}&startAfterId=${last.id}&startAfter=${Date.parse(last.dateAdded)}` : null,
      },
    });
  });
}

function searchProblems(body: Record<string, unknown>): string[] {
  const found: string[] = [];
  const limit = body.pageLimit;
  if (typeof limit === 'number' && (limit < 1 || limit > MAX_PAGE_LIMIT)) found.push(`pageLimit must be between 1 and ${MAX_PAGE_LIMIT}`);
  if (body.page !== undefined && body.searchAfter !== undefined) found.push('page and searchAfter cannot be used together');
  if (typeof body.page === 'number' && typeof limit === 'number' && body.page * limit > MAX_WINDOW) {
    found.push(`page * pageLimit must not exceed ${MAX_WINDOW}; use searchAfter to go further`);
  }
  const walk = (filters: unknown, path: string) => {
    if (!Array.isArray(filters)) return;
    filters.forEach((filter: Filter, index) => {
      const where = `${path}.${index}`;
      if (filter.group !== undefined) {
        if (!['AND', 'OR'].includes(filter.group)) found.push(`${where}.group must be one of the following values: AND, OR`);
        walk(filter.filters, `${where}.filters`);
      } else {
        if (!filter.field) found.push(`${where}.field should not be empty`);
        if (!OPERATORS.includes(filter.operator as (typeof OPERATORS)[number])) found.push(`${where}.operator must be one of the following values: ${OPERATORS.join(', ')}`);
      }
    });
  };
  walk(body.filters, 'filters');
  return found;
}

/** A field's value: top-level, or `customFields.<id>`. */
function fieldValue(contact: Doc, field: string): unknown {
  if (field.startsWith('customFields.')) return (contact.customFields as Doc[]).find((item) => item.id === field.slice(13))?.value;
  return contact[field];
}

function passes(contact: Doc, filter: Filter): boolean {
  if (filter.group) {
    const results = (filter.filters ?? []).map((inner) => passes(contact, inner));
    return filter.group === 'OR' ? results.some(Boolean) : results.every(Boolean);
  }
  const value = fieldValue(contact, filter.field!);
  const values = Array.isArray(value) ? value : [value];
  const text = (item: unknown) => String(item ?? '').toLowerCase();
  const wanted = text(filter.value);
  switch (filter.operator) {
    case 'eq':
      return values.some((item) => text(item) === wanted);
    case 'not_eq':
      return !values.some((item) => text(item) === wanted);
    case 'contains':
      return values.some((item) => text(item).includes(wanted));
    case 'not_contains':
      return !values.some((item) => text(item).includes(wanted));
    case 'exists':
      return values.some((item) => item !== undefined && item !== null && item !== '');
    case 'not_exists':
      return !values.some((item) => item !== undefined && item !== null && item !== '');
    default:
      return inRange(value, filter.value as Doc);
  }
}

function inRange(value: unknown, range: Doc | undefined): boolean {
  const number = comparable(value);
  if (number === undefined || !range) return false;
  const bound = (key: string) => (range[key] === undefined ? undefined : comparable(range[key]));
  const [gt, gte, lt, lte] = ['gt', 'gte', 'lt', 'lte'].map(bound);
  return (gt === undefined || number > gt) && (gte === undefined || number >= gte) && (lt === undefined || number < lt) && (lte === undefined || number <= lte);
}

/** Numbers stay numbers; dates become epoch milliseconds; text sorts lower-cased. */
function comparable(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}/.test(value)) return Date.parse(value);
  return undefined;
}

function sortValues(contact: Doc, sort: SortKey[]): unknown[] {
  return [...sort.map((key) => sortable(fieldValue(contact, key.field))), contact.id];
}

function sortable(value: unknown): unknown {
  return comparable(value) ?? (typeof value === 'string' ? value.toLowerCase() : (value ?? ''));
}

function compareBy(a: Doc, b: Doc, sort: SortKey[]): number {
  return compareKeys(sortValues(a, sort), sortValues(b, sort), sort);
}

/** Compares two sort-value tuples; the last element is the ID, a tie-breaker in ascending order. */
function compareKeys(left: unknown[], right: unknown[], sort: SortKey[]): number {
  for (let index = 0; index < left.length; index += 1) {
    const a = left[index] as string | number;
    const b = right[index] as string | number;
    if (a === b) continue;
    const order = a < b ? -1 : 1;
    return sort[index]?.direction === 'desc' ? -order : order;
  }
  return 0;
}
