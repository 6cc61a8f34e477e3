import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { GhlClient } from '../../src/client/ghl-client.js';
import { createSendPolicy, DEFAULT_RATE_SETTINGS, limiterKey } from '../../src/client/send-policy.js';
import { FakeGhl } from '../../src/sandbox/fake-ghl.js';
import { capturedLogger } from '../helpers/oauth.js';
import { redisMissing, TEST_REDIS_URL } from '../helpers/redis-server.js';

const skip = await redisMissing();
const closers: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

describe.skipIf(skip)('limiter keys of calls that name no location', () => {
  it('are a hash of the token in Redis key names and debug logs, never the token', async () => {
    const token = `pit-${randomUUID()}`;
    const fake = new FakeGhl({ tokens: [token] });
    fake.route('GET', '/users/me', () => ({ status: 200, body: { id: 'u1' } }));
    // One 503 first, so the retry is logged (at debug, with its limiter key).
    fake.faults.add({ kind: 'status', status: 503 });
    const { logger, text } = capturedLogger('debug');
    const policy = createSendPolicy({ ...DEFAULT_RATE_SETTINGS, redisUrl: TEST_REDIS_URL }, logger);
    const client = new GhlClient(await fake.listen(), { token: async () => token }, { connectMs: 1_000, headersMs: 1_000, bodyMs: 1_000 }, policy);
    const raw = new Redis(TEST_REDIS_URL);
    closers.push(async () => {
      await client.close();
      await fake.close();
      raw.disconnect();
    });

    const response = await client.send({ method: 'GET', path: '/users/me', query: [], headers: {} });
    expect(response.status).toBe(200);
    expect(fake.requests.map((request) => request.status)).toEqual([503, 200]);

    const key = limiterKey(undefined, token);
    expect(key).toMatch(/^token:[0-9a-f]{16}$/);
    expect(text()).toContain(key);
    expect(text()).not.toContain(token);
    expect(await raw.keys(`*${token}*`)).toEqual([]);
    expect(await raw.exists(`ghl-mcp:rl:{${key}}:window`)).toBe(1);
  });
});
