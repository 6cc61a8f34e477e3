import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answerConsent, authorizeUrl, type AuthzWorld, authzWorld, connect, get, initialize, pkce, REDIRECT, register, signIn, tokenRequest } from './authz-harness.js';

let world: AuthzWorld;

beforeAll(async () => {
  world = await authzWorld();
});
afterAll(async () => world?.close());

/** A code issued to a fresh client, and what is needed to redeem it. */
async function issuedCode(extra: Record<string, string> = {}) {
  const client = (await register(world)).body;
  const { verifier, challenge } = pkce();
  const walk = await signIn(world, authorizeUrl(world, client.client_id, challenge, extra));
  const answered = walk.consent ? await answerConsent(world, walk.consent, { decision: 'allow' }) : undefined;
  const redirect = walk.redirect ?? new URL(answered!.headers.get('location')!);
  return { client, verifier, code: redirect.searchParams.get('code')!, redirect };
}

describe('the authorization endpoint refuses', () => {
  it('an unregistered client, with a page and no redirect', async () => {
    const response = await get(authorizeUrl(world, 'mcpc_notRegisteredAtAll123', pkce().challenge));
    expect(response.status).toBe(400);
    expect(response.headers.get('location')).toBeNull();
    expect(await response.text()).toContain('invalid_client');
  });

  it('a redirect URI the client did not register (exact match only), with a page and no redirect', async () => {
    const client = (await register(world)).body;
    for (const redirect of [`${REDIRECT}/other`, 'http://127.0.0.1:7777/callback?x=1', 'http://127.0.0.1:7778/callback', 'https://evil.example/callback']) {
      const response = await get(authorizeUrl(world, client.client_id, pkce().challenge, { redirect_uri: redirect }));
      expect(response.status, redirect).toBe(400);
      expect(response.headers.get('location')).toBeNull();
    }
  });

  it('a missing or plain PKCE challenge, and a resource that is not this server, by redirecting with the error', async () => {
    const client = (await register(world)).body;
    const cases: [Record<string, string | undefined>, string][] = [
      [{ code_challenge: undefined }, 'invalid_request'],
      [{ code_challenge_method: 'plain' }, 'invalid_request'],
      [{ code_challenge_method: undefined }, 'invalid_request'],
      [{ response_type: 'token' }, 'unsupported_response_type'],
      [{ resource: 'https://other.example/mcp' }, 'invalid_target'],
      [{ resource: `${world.origin}/not-mcp` }, 'invalid_target'],
    ];
    for (const [extra, error] of cases) {
      const response = await get(authorizeUrl(world, client.client_id, pkce().challenge, extra));
      expect(response.status, JSON.stringify(extra)).toBe(302);
      const location = new URL(response.headers.get('location')!);
      expect(location.origin + location.pathname).toBe(REDIRECT);
      expect(location.searchParams.get('error'), JSON.stringify(extra)).toBe(error);
      expect(location.searchParams.get('state')).toBe('client-state-1');
    }
  });

  it('a consent form without the browser cookie or with a wrong CSRF token; a denial goes back as access_denied', async () => {
    const client = (await register(world)).body;
    const walk = await signIn(world, authorizeUrl(world, client.client_id, pkce().challenge));
    expect((await answerConsent(world, walk.consent!, { decision: 'allow' }, '')).status).toBe(403);
    expect((await answerConsent(world, { ...walk.consent!, csrf: 'forged' }, { decision: 'allow' }, 'ghl_mcp_csrf=forged')).status).toBe(403);
    const denied = await answerConsent(world, walk.consent!, { decision: 'deny' });
    expect(denied.status).toBe(302);
    expect(new URL(denied.headers.get('location')!).searchParams.get('error')).toBe('access_denied');
    // Answered once: the same form cannot be replayed into an allow.
    expect((await answerConsent(world, walk.consent!, { decision: 'allow' })).status).toBe(400);
  });
});

describe('consent', () => {
  it('given for read-only is asked again when the same client wants full access, and not for read-only again', async () => {
    const client = (await register(world)).body;
    const walk = (scope: string) => signIn(world, authorizeUrl(world, client.client_id, pkce().challenge, { scope }));
    const readOnly = await walk('mcp:readonly');
    expect(readOnly.consent?.html).toContain('read-only');
    expect((await answerConsent(world, readOnly.consent!, { decision: 'allow' })).status).toBe(302);
    expect((await walk('mcp:readonly')).redirect?.searchParams.get('code')).toBeTruthy();
    const full = await walk('mcp');
    expect(full.consent, 'consent for full access').toBeDefined();
    expect((await answerConsent(world, full.consent!, { decision: 'allow' })).status).toBe(302);
    expect((await walk('mcp')).redirect?.searchParams.get('code')).toBeTruthy();
    expect((await walk('mcp:readonly')).redirect?.searchParams.get('code')).toBeTruthy();
  });
});

describe('the callback refuses', () => {
  it('a chooser link opened in another browser (no cookie from /authorize): a page, no redirect, no GHL code exchanged', async () => {
    const client = (await register(world)).body;
    const toGhl = await get(authorizeUrl(world, client.client_id, pkce().challenge));
    const fromGhl = await get(toGhl.headers.get('location')!);
    const exchanges = () => world.ghl.fake.requests.filter((request) => request.path === '/oauth/token').length;
    const before = exchanges();
    for (const cookie of [undefined, `${(toGhl.headers.get('set-cookie') ?? '').split('=')[0]}=forged`]) {
      const callback = await get(fromGhl.headers.get('location')!, cookie ? { cookie } : {});
      expect(callback.status, cookie).toBe(400);
      expect(callback.headers.get('location')).toBeNull();
      expect(await callback.text()).toContain('another browser');
    }
    expect(exchanges()).toBe(before);
  });
});

describe('the token endpoint refuses', () => {
  it('a token request without redirect_uri when /authorize had one, and accepts it when /authorize had none', async () => {
    const client = (await register(world)).body;
    const codeFor = async (extra: Record<string, string | undefined>) => {
      const { verifier, challenge } = pkce();
      const walk = await signIn(world, authorizeUrl(world, client.client_id, challenge, extra));
      const answered = walk.consent ? await answerConsent(world, walk.consent, { decision: 'allow' }) : walk.response;
      const back = walk.redirect ?? new URL(answered.headers.get('location')!);
      return { code: back.searchParams.get('code')!, verifier };
    };
    const omitted = await codeFor({ redirect_uri: undefined });
    expect((await tokenRequest(world, { grant_type: 'authorization_code', code: omitted.code, client_id: client.client_id, code_verifier: omitted.verifier })).status).toBe(200);
    const sent = await codeFor({});
    expect(await tokenRequest(world, { grant_type: 'authorization_code', code: sent.code, client_id: client.client_id, code_verifier: sent.verifier })).toMatchObject({
      status: 400,
      body: { error: 'invalid_grant' },
    });
  });

  it('a wrong redirect URI, a missing verifier and a wrong verifier (invalid_grant)', async () => {
    const wrongRedirect = await issuedCode();
    expect(
      await tokenRequest(world, { grant_type: 'authorization_code', code: wrongRedirect.code, client_id: wrongRedirect.client.client_id, redirect_uri: 'http://127.0.0.1:7777/other', code_verifier: wrongRedirect.verifier }),
    ).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    const noVerifier = await issuedCode();
    expect(await tokenRequest(world, { grant_type: 'authorization_code', code: noVerifier.code, client_id: noVerifier.client.client_id, redirect_uri: REDIRECT })).toMatchObject({
      status: 400,
      body: { error: 'invalid_grant', error_description: expect.stringContaining('code_verifier') },
    });
    const wrongVerifier = await issuedCode();
    expect(
      await tokenRequest(world, { grant_type: 'authorization_code', code: wrongVerifier.code, client_id: wrongVerifier.client.client_id, redirect_uri: REDIRECT, code_verifier: pkce().verifier }),
    ).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });

  it('a replayed code, and revokes the tokens the first exchange gave', async () => {
    const { code, client, verifier } = await issuedCode();
    const params = { grant_type: 'authorization_code', code, client_id: client.client_id, redirect_uri: REDIRECT, code_verifier: verifier };
    const first = await tokenRequest(world, params);
    expect(first.status).toBe(200);
    expect(await tokenRequest(world, params)).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    expect((await initialize(world, first.body.access_token)).status).toBe(401);
  });

  it('a code redeemed by another client, and an unregistered client (invalid_client, 401)', async () => {
    const { code, verifier } = await issuedCode();
    const other = (await register(world)).body;
    expect(await tokenRequest(world, { grant_type: 'authorization_code', code, client_id: other.client_id, redirect_uri: REDIRECT, code_verifier: verifier })).toMatchObject({
      status: 400,
      body: { error: 'invalid_grant' },
    });
    expect(await tokenRequest(world, { grant_type: 'authorization_code', code: 'x', client_id: 'mcpc_unknownClient000000', redirect_uri: REDIRECT, code_verifier: verifier })).toMatchObject({
      status: 401,
      body: { error: 'invalid_client' },
    });
  });

  it('a resource other than this server (invalid_target), an unknown grant type, a missing grant type', async () => {
    const { code, client, verifier } = await issuedCode();
    expect(
      await tokenRequest(world, { grant_type: 'authorization_code', code, client_id: client.client_id, redirect_uri: REDIRECT, code_verifier: verifier, resource: 'https://other.example/mcp' }),
    ).toMatchObject({ status: 400, body: { error: 'invalid_target' } });
    expect(await tokenRequest(world, { grant_type: 'password', client_id: client.client_id })).toMatchObject({ body: { error: 'unsupported_grant_type' } });
    expect(await tokenRequest(world, { client_id: client.client_id })).toMatchObject({ body: { error: 'invalid_request' } });
  });

  it('a confidential client without its secret; with it (Basic or post) the client is accepted', async () => {
    const client = (await register(world, { token_endpoint_auth_method: 'client_secret_basic' })).body;
    expect(client.client_secret).toMatch(/^mcps_/);
    expect(await tokenRequest(world, { grant_type: 'refresh_token', refresh_token: 'nope', client_id: client.client_id })).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
    const basic = Buffer.from(`${client.client_id}:${client.client_secret}`).toString('base64');
    const response = await fetch(`${world.origin}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${basic}` },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: 'nope' }).toString(),
    });
    expect(((await response.json()) as { error: string }).error).toBe('invalid_grant');
  });
});

describe('the MCP endpoint refuses', () => {
  it('an unknown token with 401 invalid_token and the metadata URL', async () => {
    const response = await initialize(world, 'ghlmcp_at_madeUp');
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer error="invalid_token".*resource_metadata="http:\/\/127\.0\.0\.1:\d+\/\.well-known\/oauth-protected-resource\/mcp"/);
  });

  it('a read-only token on a full path with 403 insufficient_scope; it works on /mcp/readonly', async () => {
    const { tokens } = await connect(world, { scope: 'mcp:readonly' });
    expect(tokens.scope).toBe('mcp:readonly');
    const full = await initialize(world, tokens.access_token);
    expect(full.status).toBe(403);
    expect(full.headers.get('www-authenticate')).toContain('error="insufficient_scope"');
    expect(full.headers.get('www-authenticate')).toContain('scope="mcp"');
    expect((await initialize(world, tokens.access_token, '/mcp/readonly')).status).toBe(200);
  });
});

describe('registration refuses', () => {
  it('bad redirect URIs (invalid_redirect_uri) and metadata it cannot honour (invalid_client_metadata)', async () => {
    for (const redirect_uris of [['http://evil.example/cb'], ['javascript:alert(1)'], ['https://app.example/cb#frag'], [], 'https://x.example/cb']) {
      const { status, body } = await register(world, { redirect_uris });
      expect(status, JSON.stringify(redirect_uris)).toBe(400);
      expect(body.error, JSON.stringify(redirect_uris)).toBe('invalid_redirect_uri');
    }
    expect((await register(world, { grant_types: ['client_credentials'] })).body.error).toBe('invalid_client_metadata');
    expect((await register(world, { token_endpoint_auth_method: 'private_key_jwt' })).body.error).toBe('invalid_client_metadata');
    const native = await register(world, { redirect_uris: ['cursor://anysphere.cursor-retrieval/oauth/callback', 'https://claude.ai/api/mcp/auth_callback'] });
    expect(native.status).toBe(201);
    expect(native.body).not.toHaveProperty('client_secret');
  });
});

describe('an address that registers without end', () => {
  it('is paced with 429 temporarily_unavailable once its minute is spent', async () => {
    let refused: { status: number; body: Record<string, any> } | undefined;
    for (let attempt = 0; attempt < 80 && !refused; attempt++) {
      const answer = await register(world);
      if (answer.status === 429) refused = answer;
    }
    expect(refused).toMatchObject({ status: 429, body: { error: 'temporarily_unavailable' } });
  });
});
