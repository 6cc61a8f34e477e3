import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { RedisTokenStore } from '../../src/auth/redis-store.js';
import type { StoredTokens } from '../../src/auth/token-store.js';
import { redisMissing, TEST_REDIS_URL } from '../helpers/redis-server.js';

const skip = await redisMissing();
const stores: RedisTokenStore[] = [];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function store(key: string, options?: ConstructorParameters<typeof RedisTokenStore>[2]) {
  const created = new RedisTokenStore(TEST_REDIS_URL, key, options);
  stores.push(created);
  return created;
}

const tokens: StoredTokens = { accessToken: 'a1', refreshToken: 'r1', expiresAt: 4_000_000_000_000, userType: 'Location', locationId: 'l', savedAt: 1 };

afterAll(async () => {
  for (const created of stores) await created.clear().catch(() => {});
  await Promise.all(stores.map((created) => created.close()));
});

describe.skipIf(skip)('RedisTokenStore', () => {
  it('saves, loads and clears one record, and never shows the password of the URL', async () => {
    const key = `ghl-mcp:test:${randomUUID()}`;
    const one = store(key);
    expect(await one.load()).toBeUndefined();
    await one.save(tokens);
    expect(await store(key).load()).toEqual(tokens);
    await one.clear();
    expect(await one.load()).toBeUndefined();
    expect(new RedisTokenStore('redis://user:hunter2-password@127.0.0.1:6390', key).location).not.toContain('hunter2');
  });

  it('lets one holder at a time in across connections', async () => {
    const key = `ghl-mcp:test:${randomUUID()}`;
    let inside = 0;
    let most = 0;
    await Promise.all(
      Array.from({ length: 12 }, () =>
        store(key).withLock(async () => {
          inside++;
          most = Math.max(most, inside);
          await sleep(5);
          inside--;
        }),
      ),
    );
    expect(most).toBe(1);
  });

  it('frees the lock of a holder that died, and a late holder never deletes the next one', async () => {
    const key = `ghl-mcp:test:${randomUUID()}`;
    const raw = new Redis(TEST_REDIS_URL);
    try {
      await raw.set(`${key}:lock`, 'crashed-holder', 'PX', 200);
      expect(await store(key, { lockTimeoutMs: 5_000 }).withLock(async () => 'after expiry')).toBe('after expiry');

      const slow = store(key, { lockTtlMs: 100 }).withLock(() => sleep(400));
      await sleep(150);
      const next = store(key).withLock(async () => {
        await slow;
        return raw.get(`${key}:lock`);
      });
      expect(await next).not.toBeNull();
    } finally {
      raw.disconnect();
    }
  });
});
