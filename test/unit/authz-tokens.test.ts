import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Endpoints } from '../../src/authz/endpoints.js';
import { ResourceGuard } from '../../src/authz/resource.js';
import { type AuthzStore, MemoryAuthzStore, RedisAuthzStore } from '../../src/authz/store.js';
import { type GrantScope, TokenService } from '../../src/authz/tokens.js';
import { capturedLogger } from '../helpers/oauth.js';
import { redisMissing, TEST_REDIS_URL } from '../helpers/redis-server.js';
import { pkce } from './authz-harness.js';

const ORIGIN = 'https://mcp.example.com';
const grant = (resource = `${ORIGIN}/mcp`): GrantScope => ({ subject: 'subj1', clientId: 'mcpc_client', resource, scope: 'mcp', userType: 'Location', locationId: 'loc-1' });

function service(shared?: AuthzStore) {
  let now = Date.now();
  const clock = () => now;
  // Records expire by the store's clock (codes carry no expiry of their own): both follow the test's clock.
  const store = shared ?? new MemoryAuthzStore(clock);
  const tokens = new TokenService(store, { accessTtlMs: 60_000, refreshTtlMs: 600_000, codeTtlMs: 30_000 }, capturedLogger().logger, clock);
  return { tokens, advance: (ms: number) => (now += ms), clock };
}

async function pair(tokens: TokenService, scope = grant()) {
  const { verifier, challenge } = pkce();
  const code = await tokens.issueCode(scope, 'http://127.0.0.1/cb', challenge);
  return tokens.exchangeCode({ code, clientId: scope.clientId, redirectUri: 'http://127.0.0.1/cb', codeVerifier: verifier });
}

describe('TokenService', () => {
  it('stores codes and tokens only as hashes', async () => {
    const store = new MemoryAuthzStore();
    const puts: string[] = [];
    const spy: AuthzStore = Object.assign(Object.create(store) as AuthzStore, {
      put: (key: string, value: unknown, ttl: number) => {
        puts.push(key + JSON.stringify(value));
        return store.put(key, value, ttl);
      },
    });
    const { tokens } = service(spy);
    const issued = await pair(tokens);
    const text = puts.join('\n');
    expect(text).not.toContain(issued.access_token);
    expect(text).not.toContain(issued.refresh_token);
    expect(text).not.toMatch(/ghlmcp_/);
  });

  it('refuses an expired access token, code and refresh token', async () => {
    const { tokens, advance } = service();
    const issued = await pair(tokens);
    expect(await tokens.verify(issued.access_token)).toBeDefined();
    advance(60_001);
    expect(await tokens.verify(issued.access_token)).toBeUndefined();
    const { verifier, challenge } = pkce();
    const code = await tokens.issueCode(grant(), 'http://127.0.0.1/cb', challenge);
    advance(30_001);
    await expect(tokens.exchangeCode({ code, clientId: 'mcpc_client', redirectUri: 'http://127.0.0.1/cb', codeVerifier: verifier })).rejects.toMatchObject({ code: 'invalid_grant' });
    const fresh = await pair(tokens);
    advance(600_001);
    await expect(tokens.refresh({ refreshToken: fresh.refresh_token, clientId: 'mcpc_client' })).rejects.toMatchObject({ code: 'invalid_grant' });
  });

  it('refuses a refresh token presented by another client without spending it', async () => {
    const { tokens } = service();
    const issued = await pair(tokens);
    await expect(tokens.refresh({ refreshToken: issued.refresh_token, clientId: 'mcpc_other' })).rejects.toMatchObject({ code: 'invalid_grant' });
    expect((await tokens.refresh({ refreshToken: issued.refresh_token, clientId: 'mcpc_client' })).access_token).toMatch(/^ghlmcp_at_/);
  });

  it('narrows nothing it does not cover: a read-only grant cannot refresh into full scope', async () => {
    const { tokens } = service();
    const issued = await pair(tokens, { ...grant(), scope: 'mcp:readonly' });
    await expect(tokens.refresh({ refreshToken: issued.refresh_token, clientId: 'mcpc_client', scope: 'mcp' })).rejects.toMatchObject({ code: 'invalid_scope' });
  });

  it('revokes only for the client the token was issued to', async () => {
    const { tokens } = service();
    const issued = await pair(tokens);
    await tokens.revoke(issued.access_token, 'mcpc_other');
    expect(await tokens.verify(issued.access_token)).toBeDefined();
    await tokens.revoke(issued.access_token, 'mcpc_client');
    expect(await tokens.verify(issued.access_token)).toBeUndefined();
    await expect(tokens.refresh({ refreshToken: issued.refresh_token, clientId: 'mcpc_client' })).rejects.toMatchObject({ code: 'invalid_grant' });
  });
});

describe('ResourceGuard', () => {
  const request = (token?: string) => ({ headers: token ? { authorization: `Bearer ${token}` } : {} }) as IncomingMessage;

  it('refuses a token minted for another resource with 401 invalid_token', async () => {
    const { tokens } = service();
    const guard = new ResourceGuard(tokens, new Endpoints(() => ORIGIN));
    const own = await pair(tokens);
    expect(await guard.check(request(own.access_token), '/mcp', false)).toMatchObject({ user: { kind: 'user', id: 'user:subj1/loc-1', subject: 'subj1', locationId: 'loc-1' } });
    const foreign = await pair(tokens, grant('https://other.example.com/mcp'));
    const outcome = await guard.check(request(foreign.access_token), '/mcp', false);
    expect('refuse' in outcome).toBe(true);
    const written: { status?: number; headers?: Record<string, string>; body?: string } = {};
    const res = { writeHead: (status: number, headers: Record<string, string>) => Object.assign(written, { status, headers }), end: (body: string) => (written.body = body) };
    await (outcome as { refuse: (res: never) => Promise<void> }).refuse(res as never);
    expect(written.status).toBe(401);
    expect(written.headers!['www-authenticate']).toContain('error="invalid_token"');
    expect(written.headers!['www-authenticate']).toContain(`resource_metadata="${ORIGIN}/.well-known/oauth-protected-resource/mcp"`);
    expect(written.body).toContain('not issued for this resource');
  });

  it('maps the audience of every MCP path to one resource and refuses other ones', () => {
    const endpoints = new Endpoints(() => ORIGIN);
    expect(endpoints.audience(undefined)).toBe(`${ORIGIN}/mcp`);
    expect(endpoints.audience(`${ORIGIN}/mcp/x/contacts/readonly`)).toBe(`${ORIGIN}/mcp`);
    expect(endpoints.audience(`${ORIGIN}/mcp/`)).toBe(`${ORIGIN}/mcp`);
    for (const other of ['https://mcp.example.com.evil.com/mcp', 'http://mcp.example.com/mcp', `${ORIGIN}/mcpx`, `${ORIGIN}/mcp?x=1`, `${ORIGIN}/mcp#f`, 'not a url']) {
      expect(endpoints.audience(other), other).toBeUndefined();
    }
  });
});

describe.skipIf(await redisMissing())('RedisAuthzStore', () => {
  let store: RedisAuthzStore;
  beforeAll(() => {
    store = new RedisAuthzStore(TEST_REDIS_URL, `ghl-mcp-test:authz:${randomBytes(4).toString('hex')}:`);
  });
  afterAll(async () => store?.close());

  it('takes a record once, even when two replicas race for it', async () => {
    await store.put('code:x', { a: 1 }, 10_000);
    const other = new RedisAuthzStore(TEST_REDIS_URL, (store as unknown as { prefix: string }).prefix);
    const [mine, theirs] = await Promise.all([store.take('code:x'), other.take('code:x')]);
    await other.close();
    expect([mine, theirs].filter(Boolean)).toEqual([{ a: 1 }]);
  });

  it('serves the token lifecycle to another replica: issued on one, verified, refreshed and revoked on the other', async () => {
    const prefix = (store as unknown as { prefix: string }).prefix;
    const one = service(store).tokens;
    const twoStore = new RedisAuthzStore(TEST_REDIS_URL, prefix);
    const two = new TokenService(twoStore, { accessTtlMs: 60_000, refreshTtlMs: 600_000 }, capturedLogger().logger);
    const issued = await pair(one, grant());
    expect((await two.verify(issued.access_token))?.family.subject).toBe('subj1');
    const refreshed = await two.refresh({ refreshToken: issued.refresh_token, clientId: 'mcpc_client' });
    await expect(one.refresh({ refreshToken: issued.refresh_token, clientId: 'mcpc_client' })).rejects.toMatchObject({ code: 'invalid_grant' });
    expect(await two.verify(refreshed.access_token)).toBeUndefined();
    expect(await twoStore.members('subject:subj1')).toHaveLength(1);
    await twoStore.close();
  });
});
