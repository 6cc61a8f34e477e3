import { describe, expect, it } from 'vitest';
import { Catalog } from '../../src/catalog/catalog.js';
import { locateItems, nextStep, pagingRule, readPath, type Rule, type Step } from '../../src/paging/styles.js';
import { MODULES } from '../../tools/index.js';
import { OVERLAYS } from '../../tools/overlays/index.js';

const catalog = new Catalog(MODULES, OVERLAYS);

/** The step after one answered page of the named tool. */
function step(name: string, args: Record<string, unknown>, body: unknown): Step {
  const tool = catalog.get(name)!;
  const rule = pagingRule(tool);
  if (typeof rule === 'string') throw new Error(rule);
  const { path } = locateItems(body)!;
  const { items, holder } = readPath(body, path)!;
  return nextStep(tool, rule as Rule, { args, body, items, holder });
}

const items = (count: number, extra: (index: number) => object = () => ({})) =>
  Array.from({ length: count }, (_, index) => ({ id: `i${index}`, ...extra(index) }));

describe('next page per paging style', () => {
  it('limit+offset moves the offset by the items received, as the type the schema wants', () => {
    expect(step('invoices_list_invoices', { limit: '2', offset: '4' }, { invoices: items(2), total: 10 })).toEqual({
      next: { limit: '2', offset: '6' },
    });
    expect(step('payments_list_orders', { limit: 2 }, { data: items(2), totalCount: 10 })).toEqual({ next: { limit: 2, offset: 2 } });
  });

  it('stops at the total, on a short page and on an empty page', () => {
    expect(step('payments_list_orders', { limit: 2, offset: 8 }, { data: items(2), totalCount: 10 })).toMatchObject({ complete: true });
    expect(step('payments_list_orders', { limit: 5 }, { data: items(3) })).toMatchObject({ complete: true });
    expect(step('payments_list_orders', {}, { data: [] })).toMatchObject({ complete: true });
  });

  it('limit+skip (query and body) moves skip', () => {
    expect(step('users_search_users', { companyId: 'c', limit: '2' }, { users: items(2), count: 9 })).toEqual({
      next: { companyId: 'c', limit: '2', skip: '2' },
    });
    expect(step('locations_task_search', { skip: 3, limit: 3 }, { tasks: items(3) })).toEqual({ next: { skip: 6, limit: 3 } });
  });

  it('page+limit follows meta.nextPage and stops when it is null', () => {
    expect(step('forms_get_forms_submissions', { limit: 2 }, { submissions: items(2), meta: { nextPage: 2 } })).toEqual({
      next: { limit: 2, page: 2 },
    });
    expect(step('forms_get_forms_submissions', { limit: 2, page: 3 }, { submissions: items(2), meta: { nextPage: null } })).toMatchObject({
      complete: true,
    });
    expect(step('voice_ai_get_agents', { page: 2, pageSize: 2 }, { agents: items(2), total: 9 })).toEqual({ next: { page: 3, pageSize: 2 } });
  });

  it('startAfter/startAfterId come from the answer meta (opportunities)', () => {
    const body = { opportunities: items(2), meta: { startAfter: 1700000000000, startAfterId: 'i1', nextPage: 2 } };
    expect(step('opportunities_search_opportunity', { limit: 2 }, body)).toEqual({
      // The answer gives startAfter as a number; the argument is a string.
      next: { limit: 2, startAfter: '1700000000000', startAfterId: 'i1' },
    });
    expect(step('opportunities_search_opportunity', {}, { opportunities: items(1), meta: {} })).toMatchObject({
      complete: false,
      end: expect.stringContaining('startAfter'),
    });
  });

  it('startAfterDate is the last conversation sort value', () => {
    const body = { conversations: items(2, (index) => ({ sort: [1000 + index] })), total: 10 };
    expect(step('conversations_search_conversation', { limit: 2 }, body)).toEqual({ next: { limit: 2, startAfterDate: 1001 } });
  });

  it('searchAfter is the last record own searchAfter', () => {
    const body = { records: items(2, (index) => ({ searchAfter: [index, `i${index}`] })), total: 5 };
    expect(step('objects_search_object_records', { schemaKey: 'x', pageLimit: 2 }, body)).toEqual({
      next: { schemaKey: 'x', pageLimit: 2, searchAfter: [1, 'i1'] },
    });
  });

  it('lastMessageId comes from beside the nested list, and nextPage false ends', () => {
    const body = { messages: { lastMessageId: 'm9', nextPage: true, messages: items(2) } };
    expect(step('conversations_get_messages', { conversationId: 'c' }, body)).toEqual({ next: { conversationId: 'c', lastMessageId: 'm9' } });
    expect(step('conversations_get_messages', {}, { messages: { lastMessageId: 'm9', nextPage: false, messages: items(2) } })).toMatchObject({
      complete: true,
    });
    const kb = { data: { knowledgeBases: items(2), hasMore: true, lastKnowledgeBaseId: 'k2' } };
    expect(step('knowledge_base_list_knowledge_bases', {}, kb)).toEqual({ next: { lastKnowledgeBaseId: 'k2' } });
  });

  it('cursor follows nextCursor until there is none', () => {
    expect(step('conversations_export_messages_by_location', { limit: 2 }, { messages: items(2), nextCursor: 'abc' })).toEqual({
      next: { limit: 2, cursor: 'abc' },
    });
    expect(step('conversations_export_messages_by_location', {}, { messages: items(2), nextCursor: null })).toMatchObject({ complete: true });
  });

  it('says when a style cannot be followed automatically', () => {
    expect(pagingRule(catalog.get('ad_manager_fb_get_ad_accounts')!)).toMatch(/next/);
    expect(pagingRule(catalog.get('contacts_get_contact')!)).toMatch(/does not page/);
  });

  it('finds the list at the top, one level down, or as the whole answer', () => {
    expect(locateItems([1, 2])).toEqual({ path: [] });
    expect(locateItems({ total: 3, data: [1], tags: [] })).toEqual({ path: ['data'] });
    expect(locateItems({ success: true, results: { posts: [1], count: 1 } })).toEqual({ path: ['results', 'posts'] });
    expect(locateItems({ ok: true })).toBeUndefined();
  });
});
