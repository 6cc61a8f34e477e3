import type { Progress } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeGhl, type FakeRequest } from '../../src/sandbox/fake-ghl.js';
import { connectStdio, type StdioSession } from '../helpers/mcp.js';
import { resultBody } from '../helpers/results.js';

const TOKEN = 'pit-paging-test';
const INVOICES = Array.from({ length: 25 }, (_, index) => ({ _id: `inv-${index}`, name: `Invoice ${index}` }));
const OPPORTUNITIES = Array.from({ length: 7 }, (_, index) => ({ id: `opp-${index}`, createdAt: 1_700_000_000_000 + index }));
const MESSAGES = Array.from({ length: 5 }, (_, index) => ({ id: `msg-${index}` }));

type CallResult = Awaited<ReturnType<StdioSession['client']['callTool']>>;
interface Merged {
  _paging: { pages: number; items: number; complete: boolean; stoppedBecause: string; next?: Record<string, unknown>; error?: string };
  [key: string]: unknown;
}
const merged = (result: CallResult) => resultBody(result) as Merged;

/** GHL's opportunities search: a page of `limit` after the (startAfter, startAfterId) position, with meta. */
function opportunitiesPage(req: FakeRequest) {
  const limit = Number(req.query.get('limit') ?? 3);
  const afterId = req.query.get('startAfterId');
  const start = afterId ? OPPORTUNITIES.findIndex((item) => item.id === afterId) + 1 : 0;
  const page = OPPORTUNITIES.slice(start, start + limit);
  const last = page.at(-1);
  const more = start + limit < OPPORTUNITIES.length;
  return {
    status: 200,
    body: {
      opportunities: page,
      meta: { total: OPPORTUNITIES.length, startAfter: more ? last?.createdAt : null, startAfterId: more ? last?.id : null, nextPage: more ? 2 : null },
    },
  };
}

describe('following pages through ghl_call_tool', () => {
  const fake = new FakeGhl({ tokens: [TOKEN] });
  let session: StdioSession;
  /** Resolved by the test to let held order pages through. */
  let ordersHeld: Promise<void> = Promise.resolve();
  const requestsTo = (path: string) => fake.requests.filter((request) => request.path === path);

  beforeAll(async () => {
    fake
      .route('GET', '/invoices/', (req) => {
        const limit = Number(req.query.get('limit'));
        const offset = Number(req.query.get('offset'));
        return { status: 200, body: { invoices: INVOICES.slice(offset, offset + limit), total: INVOICES.length } };
      })
      .route('GET', '/opportunities/search', opportunitiesPage)
      .route('GET', '/conversations/{conversationId}/messages', (req) => {
        const after = req.query.get('lastMessageId');
        const start = after ? MESSAGES.findIndex((item) => item.id === after) + 1 : 0;
        const page = MESSAGES.slice(start, start + 2);
        return { status: 200, body: { messages: { lastMessageId: page.at(-1)?.id, nextPage: start + 2 < MESSAGES.length, messages: page } } };
      })
      .route('GET', '/payments/orders', async (req) => {
        // Past the first page, orders wait at the fake while the test holds them.
        if (Number(req.query.get('offset') ?? 0) > 0) await ordersHeld;
        const offset = Number(req.query.get('offset') ?? 0);
        return { status: 200, body: { data: [{ _id: `order-${offset}` }], totalCount: 1000 } };
      })
      .route('GET', '/products/', (req) =>
        req.query.get('offset') === '0'
          ? { status: 200, body: { products: [{ _id: 'p0' }, { _id: 'p1' }], total: 9 } }
          : { status: 503, body: { statusCode: 503, message: 'Service Unavailable' } },
      )
      .route('GET', '/ad-publishing/facebook/ad-accounts', () => ({ status: 200, body: { data: [{ id: 'act_1' }], next: 'xyz' } }));
    const baseUrl = await fake.listen();
    session = await connectStdio({ GHL_API_KEY: TOKEN, GHL_BASE_URL: baseUrl, GHL_LOCATION_ID: 'loc-1' });
  });

  afterAll(async () => {
    await session?.close();
    await fake.close();
  });

  const callPaged = (args: Record<string, unknown>, options: { onprogress?: (progress: Progress) => void; signal?: AbortSignal } = {}) =>
    session.client.callTool({ name: 'ghl_call_tool', arguments: args }, options);

  it('follows limit+offset pages to the end, merges them and reports progress', async () => {
    const progress: Progress[] = [];
    const before = requestsTo('/invoices/').length;
    const result = await callPaged(
      { name: 'invoices_list_invoices', arguments: { limit: '10', offset: '0' }, maxPages: 5 },
      { onprogress: (update) => progress.push(update) },
    );
    expect(result.isError).toBeFalsy();
    const body = merged(result);
    expect((body.invoices as { _id: string }[]).map((invoice) => invoice._id)).toEqual(INVOICES.map((invoice) => invoice._id));
    expect(body._paging).toMatchObject({ pages: 3, items: 25, complete: true });
    const sent = requestsTo('/invoices/').slice(before);
    expect(sent.map((request) => request.query.get('offset'))).toEqual(['0', '10', '20']);
    expect(sent.every((request) => request.query.get('altId') === 'loc-1')).toBe(true);
    // One notification per page. The SDK client drops a notification that arrives in the same chunk as the
    // response (its progress handler is gone by then), so the last one may be missing here.
    expect([[1, 2], [1, 2, 3]]).toContainEqual(progress.map((update) => update.progress));
    expect(progress.every((update) => update.total === 5 && /invoices_list_invoices: page \d, \d+ items/.test(update.message ?? ''))).toBe(true);
  });

  it('stops at maxPages and says how to continue', async () => {
    const result = await callPaged({ name: 'invoices_list_invoices', arguments: { limit: '10', offset: '0' }, maxPages: 2 });
    const body = merged(result);
    expect((body.invoices as unknown[]).length).toBe(20);
    expect((result.content as { text: string }[])[0]!.text.split('\n')[0]).toBe('OK: GHL answered 200 with 20 invoices (total 25).');
    expect(body._paging).toMatchObject({ pages: 2, complete: false, stoppedBecause: 'maxPages (2) was reached', next: { limit: '10', offset: '20' } });
  });

  it('stops after the page that reaches maxItems', async () => {
    const result = await callPaged({ name: 'invoices_list_invoices', arguments: { limit: '4', offset: '0' }, maxItems: 6 });
    expect(merged(result)._paging).toMatchObject({ pages: 2, items: 8, complete: false, next: { offset: '8' } });
  });

  it('follows the opportunities startAfter/startAfterId cursor from meta', async () => {
    const before = requestsTo('/opportunities/search').length;
    const result = await callPaged({ name: 'opportunities_search_opportunity', arguments: { limit: 3 }, maxPages: 10 });
    const body = merged(result);
    expect((body.opportunities as { id: string }[]).map((item) => item.id)).toEqual(OPPORTUNITIES.map((item) => item.id));
    expect(body._paging).toMatchObject({ pages: 3, complete: true });
    // The first page's cursor is not where the merged pages stop: only the total stays beside _paging.
    expect(body.meta).toEqual({ total: OPPORTUNITIES.length });
    const sent = requestsTo('/opportunities/search').slice(before);
    expect(sent.map((request) => request.query.get('startAfterId'))).toEqual([null, 'opp-2', 'opp-5']);
    expect(sent[1]!.query.get('location_id')).toBe('loc-1');
  });

  it('follows lastMessageId inside the nested messages answer', async () => {
    const result = await callPaged({ name: 'conversations_get_messages', arguments: { conversationId: 'conv-1' }, maxPages: 10 });
    const body = merged(result) as Merged & { messages: { messages: { id: string }[] } };
    expect(body.messages.messages.map((message) => message.id)).toEqual(MESSAGES.map((message) => message.id));
    expect(body._paging).toMatchObject({ pages: 3, complete: true });
  });

  it('keeps the pages it has when a later page fails, with the error and where to resume', async () => {
    const result = await callPaged({ name: 'products_list_products', arguments: { limit: 2, offset: 0 }, maxPages: 5 });
    expect(result.isError).toBeFalsy();
    const body = merged(result);
    expect(body.products).toEqual([{ _id: 'p0' }, { _id: 'p1' }]);
    expect(body._paging).toMatchObject({ pages: 1, complete: false, stoppedBecause: 'page 2 failed', next: { offset: 2 } });
    expect(body._paging.error).toMatch(/^Error: GHL answered 503/);
  });

  it('says when a paging style cannot be followed automatically, after one page', async () => {
    const before = fake.requests.length;
    const result = await callPaged({ name: 'ad_manager_fb_get_ad_accounts', arguments: {}, maxPages: 5 });
    expect(result.isError).toBeFalsy();
    expect(fake.requests.length).toBe(before + 1);
    expect((result.content as { text: string }[]).at(-1)!.text).toMatch(/Pages not followed: the provider cursor `next`/);
  });

  it('stops requesting pages when the client cancels: the page in flight is aborted, and none follows it', async () => {
    let release!: () => void;
    ordersHeld = new Promise<void>((resolve) => (release = resolve));
    const controller = new AbortController();
    const before = requestsTo('/payments/orders').length;
    const call = callPaged({ name: 'payments_list_orders', arguments: { altId: 'loc-1', limit: 1 }, maxPages: 40 }, { signal: controller.signal });
    try {
      // The first page is answered; the second waits at the fake, and the client cancels while it is in flight.
      await expect.poll(() => requestsTo('/payments/orders').length - before, { timeout: 10_000 }).toBe(2);
      controller.abort();
      await expect(call).rejects.toThrow();
      const second = requestsTo('/payments/orders').at(-1)!;
      await expect.poll(() => second.aborted, { timeout: 10_000 }).toBe(true);
      // A failed page ends the loop: with its request aborted there is no answer to go on from.
      expect(requestsTo('/payments/orders').length - before).toBe(2);
    } finally {
      release();
      ordersHeld = Promise.resolve();
    }
  });
});
