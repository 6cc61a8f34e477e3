import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RedisTokenStore } from '../../src/auth/redis-store.js';
import type { TokenStore } from '../../src/auth/token-store.js';
import { FileTokenStore } from '../../src/auth/file-store.js';
import { connectStdio, ROOT, type StdioSession } from '../helpers/mcp.js';
import { CLIENT_ID, CLIENT_SECRET, leaked, LOCATION, oauthWorld, SCOPES, secretsOf, storedGrant } from '../helpers/oauth.js';
import { redisMissing, TEST_REDIS_URL } from '../helpers/redis-server.js';
import { waitFor } from '../helpers/traffic.js';

type World = Awaited<ReturnType<typeof oauthWorld>>;
const REDIS_KEY = `ghl-mcp:oauth:${CLIENT_ID}`;

describe.each(['file', 'redis'] as const)('server processes sharing the %s token store', (kind) => {
  let world: World;
  let store: TokenStore;
  const sessions: StdioSession[] = [];

  beforeEach(async () => {
    world = await oauthWorld();
  });

  afterEach(async () => {
    for (const session of sessions.splice(0)) await session.close();
    if (kind === 'redis' && store) await store.clear();
    await store?.close();
    await world.close();
  });

  it('refresh an expired grant exactly once between them, and all their calls succeed', async (context) => {
    if (kind === 'redis' && (await redisMissing())) return context.skip();
    store = kind === 'redis' ? new RedisTokenStore(TEST_REDIS_URL, REDIS_KEY) : new FileTokenStore(world.tokenFile);
    const old = storedGrant(world.oauth, { userType: 'Location', scopes: SCOPES, locationId: LOCATION }, -60);
    await store.save(old);
    const env = {
      GHL_CLIENT_ID: CLIENT_ID,
      GHL_CLIENT_SECRET: CLIENT_SECRET,
      GHL_BASE_URL: world.baseUrl,
      GHL_LOCATION_ID: LOCATION,
      GHL_RATE_LIMIT_MAX: '10000',
      GHL_LOG_LEVEL: 'debug',
      ...(kind === 'redis' ? { REDIS_URL: TEST_REDIS_URL, GHL_TOKEN_STORE: 'redis' } : { GHL_TOKEN_FILE: world.tokenFile }),
    };
    sessions.push(await connectStdio(env), await connectStdio(env));
    const results = await Promise.all(
      sessions.flatMap((session, server) =>
        Array.from({ length: 15 }, (_, index) => session.client.callTool({ name: 'contacts_get_contact', arguments: { contactId: `s${server}-${index}` } })),
      ),
    );
    expect(results.filter((result) => result.isError)).toEqual([]);
    expect(world.refreshes()).toHaveLength(1);
    const saved = await store.load();
    expect(saved!.refreshToken).not.toBe(old.refreshToken);
    expect(world.oauth.liveRefreshTokens()).toEqual([saved!.refreshToken]);
    const bearers = new Set(world.fake.requests.filter((req) => req.path.startsWith('/contacts/')).map((req) => req.headers.authorization));
    expect(bearers).toEqual(new Set([`Bearer ${saved!.accessToken}`]));
    const output = [...results.map((result) => JSON.stringify(result)), ...sessions.map((session) => session.stderr())].join('\n');
    expect(leaked(output, secretsOf(world.oauth))).toEqual([]);
  });
});

describe('a refresher killed while it holds the Redis refresh lock', () => {
  let world: World;
  let store: RedisTokenStore | undefined;
  let child: ChildProcess | undefined;
  const sessions: StdioSession[] = [];

  beforeEach(async () => {
    world = await oauthWorld();
  });

  afterEach(async () => {
    child?.kill('SIGKILL');
    for (const session of sessions.splice(0)) await session.close();
    await store?.clear();
    await store?.close();
    await world.close();
  });

  it('holds up the other processes for less than their call deadline: every call succeeds, none times out', async (context) => {
    if (await redisMissing()) return context.skip();
    store = new RedisTokenStore(TEST_REDIS_URL, REDIS_KEY);
    const old = storedGrant(world.oauth, { userType: 'Location', scopes: SCOPES, locationId: LOCATION }, -60);
    await store.save(old);
    // The refresher's call to GHL hangs, so it is killed with the lock held and the old refresh token unused.
    world.fake.faults.add({ kind: 'latency', ms: 60_000 }, { path: '/oauth/token' });
    child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'test/helpers/refresh-child.ts')], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, BASE_URL: world.baseUrl, STORE: 'redis', REDIS_URL: TEST_REDIS_URL, REDIS_KEY, CLIENT_ID, CLIENT_SECRET },
      stdio: 'ignore',
    });
    await waitFor(() => world.refreshes().length === 1);
    const killed = new Promise((resolve) => child!.once('exit', resolve));
    child.kill('SIGKILL');
    await killed;
    // Its lock is still there; stretched to a minute, only seeing that its holder died lets anyone in in time.
    const raw = new Redis(TEST_REDIS_URL);
    const stretched = await raw.pexpire(`${REDIS_KEY}:lock`, 60_000);
    raw.disconnect();
    expect(stretched).toBe(1);

    const env = {
      GHL_CLIENT_ID: CLIENT_ID,
      GHL_CLIENT_SECRET: CLIENT_SECRET,
      GHL_BASE_URL: world.baseUrl,
      GHL_LOCATION_ID: LOCATION,
      REDIS_URL: TEST_REDIS_URL,
      GHL_TOKEN_STORE: 'redis',
      GHL_RATE_LIMIT_MAX: '10000',
      GHL_CALL_TIMEOUT_MS: '4000',
    };
    sessions.push(await connectStdio(env), await connectStdio(env));
    const results = await Promise.all(
      sessions.flatMap((session, server) =>
        Array.from({ length: 5 }, (_, index) => session.client.callTool({ name: 'contacts_get_contact', arguments: { contactId: `k${server}-${index}` } })),
      ),
    );
    expect(results.filter((result) => result.isError).map((result) => JSON.stringify(result.content))).toEqual([]);
    // The killed refresh never reached GHL's token endpoint handler; one process refreshed for everyone.
    const saved = await store.load();
    expect(saved!.refreshToken).not.toBe(old.refreshToken);
    expect(world.oauth.liveRefreshTokens()).toEqual([saved!.refreshToken]);
  });
});
