import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeGhl } from '../../src/sandbox/fake-ghl.js';
import { PIT_RATE_LIMIT } from '../../src/sandbox/traffic.js';
import { connectStdio, type StdioSession } from '../helpers/mcp.js';
import { maxAcceptedInAnyWindow, textOf } from '../helpers/traffic.js';

// Which budget the server holds itself to: what GHL announces, what is assumed before it does (a Private
// Integration Token's own), and the daily reset GHL gives as a duration.
const PIT = 'pit-budget-e2e-token-0001';
const OAUTH = 'eyJhbGciOiJIUzI1NiJ9.budget-e2e.signature';

let fake: FakeGhl;
const sessions: StdioSession[] = [];

afterEach(async () => {
  await Promise.all(sessions.splice(0).map((session) => session.close()));
  await fake?.close();
});

async function serve(token: string, args: string[] = []): Promise<StdioSession> {
  fake = new FakeGhl({ tokens: [token] });
  fake.route('GET', '/opportunities/search', () => ({ status: 200, body: { opportunities: [] } }));
  const session = await connectStdio({ GHL_API_KEY: token, GHL_BASE_URL: await fake.listen() }, args);
  sessions.push(session);
  return session;
}

const search = (session: StdioSession, location: string) =>
  session.client.callTool({ name: 'opportunities_search_opportunity', arguments: { location_id: location } });
const accepted = () => fake.requests.filter((request) => request.status === 200);

/** `count` calls at once for a new location; the text of every one that failed. */
async function burst(session: StdioSession, count: number): Promise<string[]> {
  const location = `loc-${randomUUID()}`;
  const results = await Promise.all(Array.from({ length: count }, () => search(session, location)));
  return results.filter((result) => result.isError).map(textOf);
}

describe('the budget the server keeps to', () => {
  it('uses a 20 per second announcement whole, not combined field by field with the 100 per 10 s assumption', async () => {
    const session = await serve(OAUTH);
    fake.rateLimit({ max: 20, intervalMs: 1_000 });
    expect(await burst(session, 60)).toEqual([]);
    expect(fake.rejected).toBe(0);
    // A full second's budget went out in some second (20 per 10 s, field by field, allowed two).
    expect(maxAcceptedInAnyWindow(accepted(), 1_000)).toBe(20);
  });

  it('keeps an operator cap of 10 per second under GHL’s 100 per 10 s as 10 per second', async () => {
    const session = await serve(OAUTH, ['--rate-limit-max', '10', '--rate-limit-interval-ms', '1000']);
    fake.rateLimit({ max: 100, intervalMs: 10_000 });
    expect(await burst(session, 30)).toEqual([]);
    expect(maxAcceptedInAnyWindow(accepted(), 1_000)).toBe(10);
  });

  it('starts a Private Integration Token on its own budget, so GHL never answers 429 though it sends no Retry-After', async () => {
    const session = await serve(PIT);
    fake.rateLimit(PIT_RATE_LIMIT);
    expect(await burst(session, 27)).toEqual([]);
    expect(fake.rejected).toBe(0);
    expect(maxAcceptedInAnyWindow(accepted(), 10_000)).toBe(25);
  });

  it('says the daily budget comes back when GHL says it does (a duration), not at midnight', async () => {
    const session = await serve(PIT);
    fake.rateLimit({ ...PIT_RATE_LIMIT, dailyMax: 2, dailyResetMs: 3 * 3_600_000 });
    const location = `loc-${randomUUID()}`;
    const before = Date.now();
    for (let index = 0; index < 2; index += 1) expect((await search(session, location)).isError).toBeFalsy();
    const spent = await search(session, location);
    expect(spent.isError).toBe(true);
    const resetsAt = Date.parse(/resets at (\S+?Z)/.exec(textOf(spent))![1]!);
    expect(resetsAt).toBeGreaterThanOrEqual(before + 3 * 3_600_000 - 1_000);
    expect(resetsAt).toBeLessThanOrEqual(Date.now() + 3 * 3_600_000);
    expect(fake.requests).toHaveLength(2);
  });
});
