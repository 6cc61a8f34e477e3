import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { Limiter, type Decision } from '../../src/client/limiter.js';
import { LocalSlotStore } from '../../src/client/local-store.js';
import type { RateCap } from '../../src/client/rate-rules.js';
import { RedisSlotStore } from '../../src/client/redis-store.js';
import { freePort, type OwnRedis, redisMissing, redisServerMissing, startOwnRedis, TEST_REDIS_URL } from '../helpers/redis-server.js';
import { waitFor } from '../helpers/traffic.js';

const skip = await redisMissing();
const skipOwn = redisServerMissing();

function capturingLogger() {
  const lines: string[] = [];
  const logger = pino({ level: 'warn' }, { write: (line: string) => lines.push(line) });
  return { logger, lines };
}

const stores: RedisSlotStore[] = [];
const clients: Redis[] = [];
let own: OwnRedis | undefined;

function store(cap: RateCap, url = TEST_REDIS_URL, commandTimeoutMs?: number) {
  const { logger, lines } = capturingLogger();
  const created = new RedisSlotStore({ url, leaseMs: 5_000, fallback: new LocalSlotStore(cap), logger, commandTimeoutMs, probeMs: 50 });
  stores.push(created);
  const said = (text: string) => lines.filter((line) => line.includes(text)).length;
  return { store: created, lines, said };
}

function raw(url: string): Redis {
  const client = new Redis(url);
  clients.push(client);
  return client;
}

afterEach(async () => {
  own?.resume();
  await Promise.all(stores.splice(0).map((item) => item.close()));
  for (const client of clients.splice(0)) client.disconnect();
  await own?.stop();
  own = undefined;
});

const granted = (decision: Decision) => 'slot' in decision;
const slotOf = (decision: Decision) => {
  if (!('slot' in decision)) throw new Error(`expected a slot, got ${JSON.stringify(decision)}`);
  return decision.slot;
};

/** The most grants within any window of `intervalMs`. */
function maxInAnyWindow(times: number[], intervalMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let best = 0;
  for (let start = 0, end = 0; end < sorted.length; end += 1) {
    while (sorted[end]! - sorted[start]! >= intervalMs) start += 1;
    best = Math.max(best, end - start + 1);
  }
  return best;
}

describe.skipIf(skip)('RedisSlotStore', () => {
  it('shares one window between processes: what one uses, the other cannot', async () => {
    // 50 per 50 s: a burst of 5, then one a second.
    const cap = { max: 50, intervalMs: 50_000, dailyMax: 1_000 };
    const key = `location:${randomUUID()}`;
    const first = store(cap).store;
    const second = store(cap).store;
    expect(await second.acquire(`location:${randomUUID()}`, 'app')).toHaveProperty('slot');
    const decisions = [];
    for (let index = 0; index < 5; index += 1) decisions.push(await first.acquire(key, 'app'));
    expect(decisions.every(granted)).toBe(true);
    const other = await second.acquire(key, 'app');
    expect(other).toHaveProperty('waitMs');
    expect((other as { waitMs: number }).waitMs).toBeGreaterThan(0);
    expect(await second.acquire(`location:${randomUUID()}`, 'app')).toHaveProperty('slot');
  });

  it('keeps counting a finished request for an interval after it finished, with no word from GHL', async () => {
    // 50 per second: pacing alone (a burst of 5, then one per 20 ms) would let 54 into one second.
    const cap = { max: 50, intervalMs: 1_000, dailyMax: 10_000 };
    const key = `location:${randomUUID()}`;
    const limiter = new Limiter(store(cap).store, 100);
    const grants: number[] = [];
    await Promise.all(
      Array.from({ length: 120 }, async () => {
        const lease = await limiter.acquire(key, 'app', new AbortController().signal);
        grants.push(Date.now());
        await new Promise((resolve) => setTimeout(resolve, 30));
        lease.finish();
      }),
    );
    expect(maxInAnyWindow(grants, 1_000)).toBeLessThanOrEqual(50);
  });

  it("fills in usage GHL reports, until one interval after the request that saw it was sent", async () => {
    const cap = { max: 2, intervalMs: 1_000, dailyMax: 1_000 };
    const key = `location:${randomUUID()}`;
    const { store: shared } = store(cap);
    const sentAt = Date.now();
    // GHL says the window is full (another app spent it): both places are taken for an interval.
    slotOf(await shared.acquire(key, 'app')).finish({ remaining: 0, max: 2, intervalMs: 1_000 }, sentAt);
    const other = store(cap).store;
    const blocked = await other.acquire(key, 'app');
    expect((blocked as { waitMs: number }).waitMs).toBeGreaterThan(500);
  });

  it('keeps the daily count in Redis', async () => {
    const cap = { max: 100, intervalMs: 1_000, dailyMax: 2 };
    const key = `location:${randomUUID()}`;
    const first = store(cap).store;
    const second = store(cap).store;
    expect(await first.acquire(key, 'app')).toHaveProperty('slot');
    expect(await second.acquire(key, 'app')).toHaveProperty('slot');
    expect(await first.acquire(key, 'app')).toMatchObject({ dailyMax: 2 });
  });

  it('keeps the day spent until the reset GHL gave as a duration', async () => {
    const key = `location:${randomUUID()}`;
    const { store: shared } = store({ max: 100, intervalMs: 1_000 });
    const now = Date.now();
    const resetAt = now + 3 * 3_600_000;
    slotOf(await shared.acquire(key, 'pit')).finish({ dailyMax: 10_000, dailyRemaining: 0, dailyResetAt: resetAt }, now);
    const spent = await store({ max: 100, intervalMs: 1_000 }).store.acquire(key, 'pit');
    expect(spent).toMatchObject({ dailyMax: 10_000 });
    expect(Math.abs((spent as { dailyResetAt: number }).dailyResetAt - resetAt)).toBeLessThan(1_000);
  });

  it('names limiter keys by resource, never by a token', async () => {
    const key = `token:${randomUUID().slice(0, 8)}`;
    const { store: shared } = store({ max: 100, intervalMs: 1_000 });
    slotOf(await shared.acquire(key, 'pit')).finish(undefined, Date.now());
    const names = await raw(TEST_REDIS_URL).keys(`ghl-mcp:rl:{${key}}:*`);
    expect(names.sort()).toEqual([`ghl-mcp:rl:{${key}}:day`, `ghl-mcp:rl:{${key}}:state`, `ghl-mcp:rl:{${key}}:window`]);
  });
});

describe.skipIf(skipOwn)('RedisSlotStore when Redis fails', () => {
  it('falls back to the local window, with one warning, and says once when Redis is reachable again', async () => {
    const port = await freePort();
    const { store: offline, said, lines } = store({ max: 100, intervalMs: 1_000, dailyMax: 100 }, `redis://127.0.0.1:${port}`);
    expect(await offline.acquire('location:x', 'app')).toHaveProperty('slot');
    expect(await offline.acquire('location:x', 'app')).toHaveProperty('slot');
    expect(said('Redis is unreachable')).toBe(1);
    expect(said('reachable again')).toBe(0);
    own = await startOwnRedis(port);
    await waitFor(() => said('reachable again') === 1);
    expect(offline.degraded).toBe(false);
    expect(await offline.acquire('location:x', 'app')).toHaveProperty('slot');
    expect(said('Redis is unreachable')).toBe(1);
    expect(lines.join('')).not.toContain('redis://');
  });

  it('switches at the first timeout of a hung Redis, not per grant, and hands its requests over on return', async () => {
    own = await startOwnRedis();
    const { store: shared, said } = store({ max: 1_000, intervalMs: 10_000 }, own.url, 100);
    const key = `location:${randomUUID()}`;
    for (let index = 0; index < 2; index += 1) slotOf(await shared.acquire(key, 'app')).finish(undefined, Date.now());
    const calls = async () => Number(/cmdstat_evalsha:calls=(\d+)/.exec(await raw(own!.url).info('commandstats'))?.[1] ?? 0);
    const before = await calls();

    own.pause();
    // The first grant waits out one command timeout; every later one comes from the local window at once.
    for (let index = 0; index < 30; index += 1) slotOf(await shared.acquire(key, 'app')).finish(undefined, Date.now());
    expect(shared.degraded).toBe(true);
    expect(said('Redis is unreachable')).toBe(1);

    own.resume();
    await waitFor(() => said('reachable again') === 1);
    expect(shared.degraded).toBe(false);
    // One script reached the hung Redis (the acquire that timed out), then one handover: not one per grant.
    expect((await calls()) - before).toBeLessThanOrEqual(2);
    // The late acquire did nothing when Redis woke up; the 30 local grants were handed over: 32 in all.
    const members = await raw(own.url).zrange(`ghl-mcp:rl:{${key}}:window`, '0', '-1');
    expect(members.filter((member) => member.startsWith('f:'))).toHaveLength(32);
    expect(said('Redis is unreachable')).toBe(1);
  });

  it('refills a Redis that restarted empty with the requests that still count', async () => {
    own = await startOwnRedis();
    const cap = { max: 100, intervalMs: 10_000 };
    const { store: shared, said } = store(cap, own.url, 100);
    const key = `location:${randomUUID()}`;
    for (let index = 0; index < 4; index += 1) slotOf(await shared.acquire(key, 'app')).finish(undefined, Date.now());
    await own.restart();
    await waitFor(() => said('reachable again') === 1);
    expect(await raw(own.url).zcard(`ghl-mcp:rl:{${key}}:window`)).toBe(4);
    expect(said('Redis is unreachable')).toBe(1);
  });
});
