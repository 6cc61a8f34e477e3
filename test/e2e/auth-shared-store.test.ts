import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RedisTokenStore } from '../../src/auth/redis-store.js';
import type { TokenStore } from '../../src/auth/token-store.js';
import { FileTokenStore } from '../../src/auth/file-store.js';
import { connectStdio, type StdioSession } from '../helpers/mcp.js';
import { CLIENT_ID, CLIENT_SECRET, leaked, LOCATION, oauthWorld, SCOPES, secretsOf, storedGrant } from '../helpers/oauth.js';
import { redisMissing, TEST_REDIS_URL } from '../helpers/redis-server.js';

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
