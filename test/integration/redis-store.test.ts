import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import type { Decision } from '../../src/client/limiter.js';
import { LocalSlotStore } from '../../src/client/local-store.js';
import type { RateLimits } from '../../src/client/rate-window.js';
import { RedisSlotStore } from '../../src/client/redis-store.js';
import { freePort, redisMissing, TEST_REDIS_URL } from '../helpers/redis-server.js';

const skip = await redisMissing();

function capturingLogger() {
  const lines: string[] = [];
  const logger = pino({ level: 'warn' }, { write: (line: string) => lines.push(line) });
  return { logger, lines };
}

const stores: RedisSlotStore[] = [];
function store(limits: RateLimits, url = TEST_REDIS_URL) {
  const { logger, lines } = capturingLogger();
  const created = new RedisSlotStore({ url, limits, leaseMs: 5_000, fallback: new LocalSlotStore(limits), logger });
  stores.push(created);
  return { store: created, lines };
}

afterAll(async () => {
  await Promise.all(stores.map((item) => item.close()));
});

const granted = (decision: Decision) => 'slot' in decision;

describe.skipIf(skip)('RedisSlotStore', () => {
  it('shares one window between processes: what one uses, the other cannot', async () => {
    // 50 per 50 s: a burst of 5, then one a second.
    const limits = { max: 50, intervalMs: 50_000, dailyMax: 1_000 };
    const key = `location:${randomUUID()}`;
    const first = store(limits).store;
    const second = store(limits).store;
    expect(await second.acquire(`location:${randomUUID()}`)).toHaveProperty('slot');
    // The burst is shared: once the first process took it, the second has to wait.
    const decisions = [];
    for (let index = 0; index < 5; index += 1) decisions.push(await first.acquire(key));
    expect(decisions.every(granted)).toBe(true);
    const other = await second.acquire(key);
    expect(other).toHaveProperty('waitMs');
    expect((other as { waitMs: number }).waitMs).toBeGreaterThan(0);
    expect(await second.acquire(`location:${randomUUID()}`)).toHaveProperty('slot');
  });

  it('counts a finished request until an interval after it finished, and GHL-reported usage too', async () => {
    const limits = { max: 2, intervalMs: 300, dailyMax: 1_000 };
    const key = `location:${randomUUID()}`;
    const { store: shared } = store(limits);
    const decision = await shared.acquire(key);
    if (!('slot' in decision)) throw new Error('expected a slot');
    // GHL says the window is full (another app spent it): both places are taken for an interval.
    decision.slot.finish({ remaining: 0, max: 2, intervalMs: 300 });
    await new Promise((resolve) => setTimeout(resolve, 160));
    const blocked = await shared.acquire(key);
    expect(blocked).toHaveProperty('waitMs');
    await new Promise((resolve) => setTimeout(resolve, 320));
    expect(await shared.acquire(key)).toHaveProperty('slot');
  });

  it('keeps the daily count in Redis', async () => {
    const limits = { max: 100, intervalMs: 1_000, dailyMax: 2 };
    const key = `location:${randomUUID()}`;
    const first = store(limits).store;
    const second = store(limits).store;
    expect(await first.acquire(key)).toHaveProperty('slot');
    expect(await second.acquire(key)).toHaveProperty('slot');
    expect(await first.acquire(key)).toMatchObject({ dailyMax: 2 });
  });

  it('falls back to the local window, with one warning, when Redis cannot be reached', async () => {
    const { store: offline, lines } = store({ max: 100, intervalMs: 1_000, dailyMax: 100 }, `redis://127.0.0.1:${await freePort()}`);
    expect(await offline.acquire('location:x')).toHaveProperty('slot');
    expect(await offline.acquire('location:x')).toHaveProperty('slot');
    const warnings = lines.filter((line) => line.includes('Redis is unreachable'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).not.toContain('redis://');
  });
});
