import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { LocationTokens } from '../../src/auth/location-tokens.js';
import { newLockOwner } from '../../src/auth/lock-owner.js';
import { OAuthClient } from '../../src/auth/oauth-client.js';
import { OAuthTokenSource } from '../../src/auth/oauth-source.js';
import { RedisTokenStore } from '../../src/auth/redis-store.js';
import { Refresher } from '../../src/auth/refresher.js';
import { AuthPendingError, CallCancelledError } from '../../src/client/errors.js';
import { GhlClient } from '../../src/client/ghl-client.js';
import { Limiter } from '../../src/client/limiter.js';
import { LocalSlotStore } from '../../src/client/local-store.js';
import { DEFAULT_RETRY } from '../../src/client/retry.js';
import { SendPolicy } from '../../src/client/send-policy.js';
import type { HttpRequest } from '../../src/request.js';
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

describe.skipIf(skip)('RedisTokenStore refresh lock: owner, renewal, dead holders', () => {
  const lockOf = (key: string) => `${key}:lock`;

  it('renews the lock while its holder works past the TTL: nobody else gets in meanwhile', async () => {
    const key = `ghl-mcp:test:${randomUUID()}`;
    const events: string[] = [];
    const first = store(key, { lockTtlMs: 150 }).withLock(async () => {
      events.push('first in');
      await sleep(600);
      events.push('first out');
    });
    await sleep(50);
    const second = store(key, { lockTtlMs: 150 }).withLock(async () => void events.push('second in'));
    await Promise.all([first, second]);
    expect(events).toEqual(['first in', 'first out', 'second in']);
  });

  it('takes over at once a lock whose holder on this machine died, and waits for one held elsewhere', async () => {
    const key = `ghl-mcp:test:${randomUUID()}`;
    const raw = new Redis(TEST_REDIS_URL);
    try {
      const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
      const dead = { ...newLockOwner(), pid: Number(gone.stdout) };
      await raw.set(lockOf(key), JSON.stringify(dead), 'PX', 60_000);
      expect(await store(key, { lockTimeoutMs: 2_000 }).withLock(async () => 'taken over')).toBe('taken over');

      await raw.set(lockOf(key), JSON.stringify({ ...newLockOwner(), host: 'another-machine' }), 'PX', 60_000);
      await expect(store(key, { lockTimeoutMs: 300 }).withLock(async () => 'never')).rejects.toThrow(/Timed out waiting for the token refresh lock/);
      expect(await raw.get(lockOf(key))).toContain('another-machine');
    } finally {
      await raw.del(lockOf(key));
      raw.disconnect();
    }
  });

  it('ends a call waiting on a refresh at its deadline with a clear result, and at once when cancelled', async () => {
    const key = `ghl-mcp:test:${randomUUID()}`;
    const raw = new Redis(TEST_REDIS_URL);
    const tokenStore = store(key);
    await tokenStore.save({ ...tokens, expiresAt: Date.now() - 1_000 });
    // A live refresher on another machine holds the lock for longer than any call may wait.
    await raw.set(lockOf(key), JSON.stringify({ ...newLockOwner(), host: 'another-machine' }), 'PX', 60_000);
    const logger = pino({ level: 'silent' });
    const oauth = new OAuthClient('http://127.0.0.1:9', { clientId: 'c', clientSecret: 's' });
    const refresher = new Refresher(tokenStore, oauth, logger);
    const policy = new SendPolicy({ limiter: new Limiter(new LocalSlotStore(), 4), retry: DEFAULT_RETRY, callTimeoutMs: 300 });
    const client = new GhlClient('http://127.0.0.1:9', new OAuthTokenSource(refresher, new LocationTokens(oauth, refresher, logger)), { connectMs: 100, headersMs: 100, bodyMs: 100 }, policy);
    const request: HttpRequest = { method: 'GET', path: '/contacts/c1', query: [], headers: {} };
    try {
      const late = await client.send(request).catch((error: unknown) => error);
      expect(late).toBeInstanceOf(AuthPendingError);
      expect((late as AuthPendingError).sent).toBe(false);
      expect((late as Error).message).toMatch(/authentication is being refreshed .* deadline of 300 ms/);
      const controller = new AbortController();
      const cancelled = client.send(request, controller.signal).catch((error: unknown) => error);
      controller.abort();
      expect(await cancelled).toBeInstanceOf(CallCancelledError);
    } finally {
      await client.close();
      await raw.del(lockOf(key));
      raw.disconnect();
    }
  });
});
