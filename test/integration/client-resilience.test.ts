import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { CallCancelledError, CallDeadlineError, DailyBudgetError } from '../../src/client/errors.js';
import { GhlClient } from '../../src/client/ghl-client.js';
import { Limiter } from '../../src/client/limiter.js';
import { LocalSlotStore } from '../../src/client/local-store.js';
import type { RateLimits } from '../../src/client/rate-rules.js';
import { SendPolicy } from '../../src/client/send-policy.js';
import type { HttpRequest } from '../../src/request.js';
import { FakeGhl } from '../../src/sandbox/fake-ghl.js';

const TOKEN = 'pit-resilience-token';
const LOOSE: RateLimits = { max: 1_000, intervalMs: 1_000, dailyMax: 1_000_000 };

interface Setup {
  limits?: RateLimits;
  callTimeoutMs?: number;
  bodyMs?: number;
}

const fakes: FakeGhl[] = [];
const clients: GhlClient[] = [];

afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close()));
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

function clientFor(baseUrl: string, setup: Setup = {}): GhlClient {
  const policy = new SendPolicy({
    limiter: new Limiter(new LocalSlotStore(setup.limits ?? LOOSE), 8),
    retry: { maxRetries: 4, baseDelayMs: 20, maxDelayMs: 200 },
    callTimeoutMs: setup.callTimeoutMs ?? 10_000,
  });
  const client = new GhlClient(baseUrl, { token: async () => TOKEN }, { connectMs: 1_000, headersMs: 2_000, bodyMs: setup.bodyMs ?? 2_000 }, policy);
  clients.push(client);
  return client;
}

async function start(setup: Setup = {}) {
  const fake = new FakeGhl({ tokens: [TOKEN] });
  fakes.push(fake);
  let executions = 0;
  fake
    .route('GET', '/contacts/{id}', (req) => ({ status: 200, body: { contact: { id: req.params.id } } }))
    .route('PUT', '/contacts/{id}', () => ({ status: 200, body: { succeded: true } }))
    .route('POST', '/contacts/', () => {
      executions += 1;
      return { status: 201, body: { contact: { id: `new-${executions}` } } };
    });
  const baseUrl = await fake.listen();
  return { fake, baseUrl, client: clientFor(baseUrl, setup), executions: () => executions };
}

const get: HttpRequest = { method: 'GET', path: '/contacts/c1', query: [], headers: {}, resource: 'location:L1' };
const put: HttpRequest = { ...get, method: 'PUT', body: { encoding: 'json', value: { firstName: 'A' } } };
const post: HttpRequest = { method: 'POST', path: '/contacts/', query: [], headers: {}, body: { encoding: 'json', value: { locationId: 'L1' } }, resource: 'location:L1' };

describe('GhlClient retries', () => {
  it('repeats a GET through 503s and connection resets until it succeeds', async () => {
    const { fake, client } = await start();
    fake.faults.add({ kind: 'reset' }, { times: 2 }).add({ kind: 'status', status: 503 }, { times: 2, method: 'GET' });
    const response = await client.send(get);
    expect(response.status).toBe(200);
    expect(fake.requests.map((request) => request.status)).toEqual([undefined, undefined, 503, 503, 200]);
  });

  it('repeats a PUT after a 504 and a 502', async () => {
    const { fake, client } = await start();
    fake.faults.add({ kind: 'status', status: 504 }).add({ kind: 'status', status: 502 });
    expect((await client.send(put)).status).toBe(200);
    expect(fake.requests.map((request) => request.status)).toEqual([504, 502, 200]);
  });

  it('never repeats a POST that reached GHL: a 5xx after execution, a 503, a reset', async () => {
    const { fake, client, executions } = await start();
    fake.faults.add({ kind: 'status', status: 502, afterHandler: true });
    expect((await client.send(post)).status).toBe(502);
    expect(executions()).toBe(1);
    expect(fake.requests).toHaveLength(1);

    fake.faults.add({ kind: 'status', status: 503 });
    expect((await client.send(post)).status).toBe(503);
    expect(fake.requests).toHaveLength(2);

    fake.faults.add({ kind: 'reset' });
    await expect(client.send(post)).rejects.toThrow();
    expect(fake.requests).toHaveLength(3);
    expect(executions()).toBe(1);
  });

  it('repeats a POST whose connection was refused: it never reached GHL', async () => {
    const port = await freePort();
    const client = clientFor(`http://127.0.0.1:${port}`);
    const fake = new FakeGhl({ tokens: [TOKEN] });
    fakes.push(fake);
    let executions = 0;
    fake.route('POST', '/contacts/', () => ({ status: 201, body: { id: `n${++executions}` } }));
    const sending = client.send(post);
    await new Promise((resolve) => setTimeout(resolve, 30));
    await fake.listen(port);
    expect((await sending).status).toBe(201);
    expect(executions).toBe(1);
  });

  // undici checks body timeouts on a coarse (about one second) clock: the stall must be longer than that.
  it('repeats a GET whose body stalled past the body timeout, but not a POST', async () => {
    const { fake, client, executions } = await start({ bodyMs: 100 });
    fake.faults.add({ kind: 'slow-body', chunkDelayMs: 2_500, chunks: 2 }, { method: 'GET' });
    expect((await client.send(get)).status).toBe(200);
    expect(fake.requests).toHaveLength(2);
    expect(fake.requests[0]!.aborted).toBe(true);

    fake.faults.add({ kind: 'slow-body', chunkDelayMs: 2_500, chunks: 2 }, { method: 'POST' });
    await expect(client.send(post)).rejects.toMatchObject({ code: 'UND_ERR_BODY_TIMEOUT' });
    expect(executions()).toBe(1);
    expect(fake.requests).toHaveLength(3);
  });

  it('waits for Retry-After before repeating a 429', async () => {
    const { fake, baseUrl, client } = await start();
    fake.rateLimit({ max: 1, intervalMs: 1_500, retryAfter: 3 });
    // Someone else with the same token spends the window, so our first attempt meets a 429.
    await fetch(`${baseUrl}/contacts/c1`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect((await client.send(get)).status).toBe(200);
    const [, refused, retried] = fake.requests;
    expect(refused!.status).toBe(429);
    expect(retried!.status).toBe(200);
    // The window (1.5 s) was free long before; the client waited for Retry-After (3 s).
    expect(retried!.time - refused!.time).toBeGreaterThanOrEqual(3_000 - 5);
  });
});

describe('GhlClient budget, deadline and cancellation', () => {
  it('reports a spent daily budget with its reset time and sends nothing more', async () => {
    const { fake, client } = await start();
    fake.rateLimit({ max: 100, intervalMs: 1_000, dailyMax: 2 });
    await client.send(get);
    await client.send(get);
    const error = await client.send(get).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DailyBudgetError);
    expect((error as DailyBudgetError).resetsAt).toBe((Math.floor(Date.now() / 86_400_000) + 1) * 86_400_000);
    expect((error as Error).message).toMatch(/daily GHL API budget for location L1 .*resets at/);
    expect(fake.requests).toHaveLength(2);
  });

  it('gives up at the call deadline and says whether the request went out', async () => {
    const { fake, client } = await start({ callTimeoutMs: 300 });
    fake.faults.add({ kind: 'latency', ms: 2_000 });
    const error = await client.send(get).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CallDeadlineError);
    expect((error as CallDeadlineError).sent).toBe(true);
    await waitFor(() => fake.requests[0]!.aborted === true);
  });

  it('aborts the request under way when the caller cancels', async () => {
    const { fake, client } = await start();
    fake.faults.add({ kind: 'latency', ms: 5_000 });
    const controller = new AbortController();
    const sending = client.send(get, controller.signal).catch((caught: unknown) => caught);
    await waitFor(() => fake.requests.length === 1);
    controller.abort();
    expect(await sending).toBeInstanceOf(CallCancelledError);
    await waitFor(() => fake.requests[0]!.aborted === true);
    expect(fake.requests[0]!.status).toBeUndefined();
  });

  it('drops a queued call when the caller cancels: it is never sent', async () => {
    const { fake, client } = await start({ limits: { max: 1, intervalMs: 400, dailyMax: 100 } });
    await client.send(get);
    const controller = new AbortController();
    const queued = client.send(get, controller.signal).catch((caught: unknown) => caught);
    controller.abort();
    const error = await queued;
    expect(error).toBeInstanceOf(CallCancelledError);
    expect((error as CallCancelledError).sent).toBe(false);
    expect((await client.send(get)).status).toBe(200);
    expect(fake.requests).toHaveLength(2);
  });
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function waitFor(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
