import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeGhl } from '../../src/sandbox/fake-ghl.js';
import { connectStdio, type StdioSession } from '../helpers/mcp.js';
import { maxAcceptedInAnyWindow, textOf, waitFor } from '../helpers/traffic.js';

const TOKEN = 'pit-rate-limit-e2e-token';

let fake: FakeGhl;
let executions = 0;
const sessions: StdioSession[] = [];

afterEach(async () => {
  await Promise.all(sessions.splice(0).map((session) => session.close()));
  await fake?.close();
});

/** The fake with a search (GET, keyed by location), a contact read/update (GET/PUT) and a create (POST). */
async function serve(args: string[]): Promise<StdioSession> {
  fake = new FakeGhl({ tokens: [TOKEN] });
  executions = 0;
  fake
    .route('GET', '/opportunities/search', (req) => ({ status: 200, body: { opportunities: [], location: req.query.get('location_id') } }))
    .route('GET', '/contacts/{contactId}', (req) => ({ status: 200, body: { contact: { id: req.params.contactId } } }))
    .route('PUT', '/contacts/{contactId}', () => ({ status: 200, body: { succeded: true } }))
    .route('POST', '/contacts/', () => ({ status: 201, body: { contact: { id: `created-${++executions}` } } }));
  const baseUrl = await fake.listen();
  const session = await connectStdio({ GHL_API_KEY: TOKEN, GHL_BASE_URL: baseUrl, GHL_MAX_RETRIES: '6' }, args);
  sessions.push(session);
  return session;
}

const search = (session: StdioSession, location: string, options?: { signal?: AbortSignal }) =>
  session.client.callTool({ name: 'opportunities_search_opportunity', arguments: { location_id: location } }, options);

describe('rate limits end to end', () => {
  it('completes a burst above the budget with no 429 reaching the agent and none at GHL', async () => {
    const session = await serve(['--rate-limit-max', '20', '--rate-limit-interval-ms', '1000']);
    fake.rateLimit({ max: 20, intervalMs: 1_000 });
    const location = `loc-${randomUUID()}`;
    const results = await Promise.all(Array.from({ length: 60 }, () => search(session, location)));
    expect(results.filter((result) => result.isError).map(textOf)).toEqual([]);
    expect(fake.requests).toHaveLength(60);
    expect(fake.rejected).toBe(0);
    expect(maxAcceptedInAnyWindow(fake.requests, 1_000)).toBeLessThanOrEqual(20);
  });

  it('serves a quiet location while a busy one waits on its own window', async () => {
    // 5 per second: 20 calls for the busy location take about four seconds.
    const session = await serve(['--rate-limit-max', '5', '--rate-limit-interval-ms', '1000']);
    const busy = `loc-busy-${randomUUID()}`;
    const quiet = `loc-quiet-${randomUUID()}`;
    const busyCalls = Array.from({ length: 20 }, () => search(session, busy));
    await waitFor(() => fake.requests.length >= 1);
    expect((await search(session, quiet)).isError).toBeFalsy();
    const quietIndex = fake.requests.findIndex((request) => request.query.get('location_id') === quiet);
    // The quiet location went out while most of the busy one's calls were still waiting.
    expect(quietIndex).toBeLessThan(10);
    expect((await Promise.all(busyCalls)).filter((result) => result.isError)).toEqual([]);
  });

  it('honours Retry-After: after GHL answers 429 nothing is accepted before the time it named', async () => {
    // The server believes in 100 per 500 ms; the fake allows 2 and asks for 2 s of patience.
    const session = await serve(['--rate-limit-max', '100', '--rate-limit-interval-ms', '500']);
    fake.rateLimit({ max: 2, intervalMs: 500, retryAfter: 2 });
    const location = `loc-${randomUUID()}`;
    const results = await Promise.all(Array.from({ length: 6 }, () => search(session, location)));
    expect(results.filter((result) => result.isError).map(textOf)).toEqual([]);
    const firstRefusal = fake.requests.find((request) => request.status === 429);
    expect(firstRefusal).toBeDefined();
    const acceptedAfter = fake.requests.filter((request) => request.status === 200 && request.time > firstRefusal!.time);
    expect(acceptedAfter.length).toBeGreaterThan(0);
    for (const request of acceptedAfter) expect(request.time - firstRefusal!.time).toBeGreaterThanOrEqual(2_000 - 5);
  });

  it('says when the daily budget is spent and when it resets, without sending the call', async () => {
    const session = await serve(['--daily-limit', '3']);
    const location = `loc-${randomUUID()}`;
    for (let index = 0; index < 3; index += 1) expect((await search(session, location)).isError).toBeFalsy();
    const spent = await search(session, location);
    expect(spent.isError).toBe(true);
    const resetsAt = new Date((Math.floor(Date.now() / 86_400_000) + 1) * 86_400_000).toISOString();
    expect(textOf(spent)).toContain(`daily GHL API budget for location ${location} (3 requests) is spent; it resets at ${resetsAt}`);
    expect(textOf(spent).split('\n')[0]).toMatch(/^Error: the call was not made: /);
    expect(fake.requests).toHaveLength(3);
    // Another location has its own budget.
    expect((await search(session, `loc-${randomUUID()}`)).isError).toBeFalsy();
  });

  it('stops when GHL reports the daily budget spent in its headers', async () => {
    const session = await serve([]);
    fake.rateLimit({ max: 100, intervalMs: 10_000, dailyMax: 2 });
    const location = `loc-${randomUUID()}`;
    await search(session, location);
    await search(session, location);
    const spent = await search(session, location);
    expect(spent.isError).toBe(true);
    expect(textOf(spent)).toMatch(/daily GHL API budget for location .* \(2 requests\) is spent; it resets at/);
    expect(fake.requests).toHaveLength(2);
  });
});

describe('retries end to end', () => {
  it('never repeats a create that failed with a 5xx after GHL executed it', async () => {
    const session = await serve([]);
    fake.faults.add({ kind: 'status', status: 502, afterHandler: true });
    const result = await session.client.callTool({ name: 'contacts_create_contact', arguments: { locationId: 'loc-1', firstName: 'Ada' } });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toContain('GHL answered 502');
    expect(textOf(result)).toContain('Check whether the change happened');
    expect(executions).toBe(1);
    expect(fake.requests).toHaveLength(1);
  });

  it('carries reads and updates through connection resets and 503s', async () => {
    const session = await serve([]);
    fake.faults.add({ kind: 'reset' }, { times: 2, method: 'GET' }).add({ kind: 'status', status: 503 }, { method: 'GET' });
    const read = await session.client.callTool({ name: 'contacts_get_contact', arguments: { contactId: 'c1' } });
    expect(read.isError).toBeFalsy();
    expect(fake.requests.map((request) => request.status)).toEqual([undefined, undefined, 503, 200]);

    fake.faults.add({ kind: 'status', status: 503 }, { times: 2, method: 'PUT' });
    const update = await session.client.callTool({ name: 'contacts_update_contact', arguments: { contactId: 'c1', firstName: 'Ada' } });
    expect(update.isError).toBeFalsy();
    expect(fake.requests.slice(4).map((request) => request.status)).toEqual([503, 503, 200]);
  });
});

describe('cancellation end to end', () => {
  it('aborts the request to GHL when the agent cancels the call', async () => {
    const session = await serve([]);
    fake.faults.add({ kind: 'latency', ms: 20_000 });
    const controller = new AbortController();
    const call = search(session, 'loc-cancel', { signal: controller.signal }).catch((error: unknown) => error);
    await waitFor(() => fake.requests.length === 1);
    controller.abort();
    expect(await call).toBeInstanceOf(Error);
    await waitFor(() => fake.requests[0]!.aborted === true);
    expect(fake.requests[0]!.status).toBeUndefined();
  });

  it('drops a call waiting for its turn when the agent cancels it: GHL never sees it', async () => {
    // 2 per 2 s: one request now, the next one second later.
    const session = await serve(['--rate-limit-max', '2', '--rate-limit-interval-ms', '2000']);
    const location = `loc-${randomUUID()}`;
    expect((await search(session, location)).isError).toBeFalsy();
    const controller = new AbortController();
    const queued = search(session, location, { signal: controller.signal }).catch((error: unknown) => error);
    // Lets the call reach the server's queue before it is cancelled (the scenario; nothing is proven by it).
    await new Promise((resolve) => setTimeout(resolve, 100));
    controller.abort();
    expect(await queued).toBeInstanceOf(Error);
    // A location's calls leave first come, first served: the cancelled call, had it stayed queued, would go out
    // before this one.
    expect((await search(session, location)).isError).toBeFalsy();
    expect(fake.requests).toHaveLength(2);
  });
});
