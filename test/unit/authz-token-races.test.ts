import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AuthzStore, MemoryAuthzStore, RedisAuthzStore } from '../../src/authz/store.js';
import { type GrantScope, TokenService } from '../../src/authz/tokens.js';
import { capturedLogger } from '../helpers/oauth.js';
import { redisMissing, TEST_REDIS_URL } from '../helpers/redis-server.js';
import { pkce } from './authz-harness.js';

const DAY = 24 * 3600_000;
const grant: GrantScope = { subject: 'subj-race', clientId: 'mcpc_client', resource: 'https://mcp.example.com/mcp', scope: 'mcp', userType: 'Location', locationId: 'loc-1' };

async function pair(tokens: TokenService) {
  const { verifier, challenge } = pkce();
  const code = await tokens.issueCode(grant, 'http://127.0.0.1/cb', challenge);
  return tokens.exchangeCode({ code, clientId: grant.clientId, redirectUri: 'http://127.0.0.1/cb', codeVerifier: verifier });
}

describe('redirect_uri at the token endpoint (OAuth 2.1 §4.1.3)', () => {
  it('may be left out only when /authorize left it out too', async () => {
    const tokens = new TokenService(new MemoryAuthzStore(), { accessTtlMs: 60_000, refreshTtlMs: 600_000 }, capturedLogger().logger);
    const { verifier, challenge } = pkce();
    const omitted = await tokens.issueCode(grant, 'http://127.0.0.1/cb', challenge, true);
    expect((await tokens.exchangeCode({ code: omitted, clientId: grant.clientId, codeVerifier: verifier })).token_type).toBe('Bearer');
    const sent = await tokens.issueCode(grant, 'http://127.0.0.1/cb', challenge);
    await expect(tokens.exchangeCode({ code: sent, clientId: grant.clientId, codeVerifier: verifier })).rejects.toMatchObject({ code: 'invalid_grant' });
    const other = await tokens.issueCode(grant, 'http://127.0.0.1/cb', challenge, true);
    await expect(tokens.exchangeCode({ code: other, clientId: grant.clientId, redirectUri: 'http://127.0.0.1/other', codeVerifier: verifier })).rejects.toMatchObject({ code: 'invalid_grant' });
  });
});

describe('refresh tokens against revocation', () => {
  it('a family revoked while a refresh is under way stays revoked: the refreshed tokens do not work', async () => {
    const store = new MemoryAuthzStore();
    const tokens = new TokenService(store, { accessTtlMs: 60_000, refreshTtlMs: 600_000 }, capturedLogger().logger);
    const issued = await pair(tokens);
    // The user disconnects right after the refresh read the family, before it finished.
    const racing: AuthzStore = Object.assign(Object.create(store) as AuthzStore, {
      get: async (key: string) => {
        const value = await store.get(key);
        if (key.startsWith('family:')) await tokens.revokeSubject(grant.subject, 'the user disconnected');
        return value;
      },
    });
    const racer = new TokenService(racing, { accessTtlMs: 60_000, refreshTtlMs: 600_000 }, capturedLogger().logger);
    const refreshed = await racer.refresh({ refreshToken: issued.refresh_token, clientId: grant.clientId }).catch((error: unknown) => error);
    expect(refreshed).toMatchObject({ code: 'invalid_grant' });
    expect(await tokens.verify(issued.access_token)).toBeUndefined();
  });

  it('a family refreshed for longer than the refresh lifetime is still ended by a disconnect', async () => {
    let now = Date.now();
    const clock = () => now;
    const tokens = new TokenService(new MemoryAuthzStore(clock), { accessTtlMs: DAY, refreshTtlMs: 30 * DAY }, capturedLogger().logger, clock);
    let current = await pair(tokens);
    for (let month = 0; month < 3; month += 1) {
      now += 20 * DAY;
      current = await tokens.refresh({ refreshToken: current.refresh_token, clientId: grant.clientId });
    }
    expect(await tokens.verify(current.access_token)).toBeDefined();
    expect(await tokens.revokeSubject(grant.subject, 'the user disconnected')).toBe(1);
    expect(await tokens.verify(current.access_token)).toBeUndefined();
  });
});

describe.skipIf(await redisMissing())('two replicas refreshing with the same refresh token at once (Redis)', () => {
  const prefix = `ghl-mcp-test:authz-race:${randomBytes(4).toString('hex')}:`;
  const stores: RedisAuthzStore[] = [];
  beforeAll(() => {
    stores.push(new RedisAuthzStore(TEST_REDIS_URL, prefix), new RedisAuthzStore(TEST_REDIS_URL, prefix));
  });
  afterAll(async () => Promise.all(stores.map((store) => store.close())));

  it('never yields two live pairs: one refresh at most succeeds, and the reuse ends the family (its tokens too)', async () => {
    const [one, two] = stores.map((store) => new TokenService(store, { accessTtlMs: 60_000, refreshTtlMs: 600_000 }, capturedLogger().logger));
    for (let round = 0; round < 5; round += 1) {
      const issued = await pair(one!);
      const outcomes = await Promise.allSettled([
        one!.refresh({ refreshToken: issued.refresh_token, clientId: grant.clientId }),
        two!.refresh({ refreshToken: issued.refresh_token, clientId: grant.clientId }),
      ]);
      const won = outcomes.flatMap((outcome) => (outcome.status === 'fulfilled' ? [outcome.value] : []));
      expect(won.length, `round ${round}`).toBeLessThanOrEqual(1);
      for (const outcome of outcomes) if (outcome.status === 'rejected') expect(outcome.reason).toMatchObject({ code: 'invalid_grant' });
      for (const pairWon of won) expect(await two!.verify(pairWon.access_token), `round ${round}`).toBeUndefined();
      expect(await two!.verify(issued.access_token), `round ${round}`).toBeUndefined();
    }
  });
});
