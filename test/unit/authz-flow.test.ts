import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCATION, secretsOf } from '../helpers/oauth.js';
import { answerConsent, authorizeUrl, type AuthzWorld, authzWorld, connect, initialize, pkce, register, signIn, tokenRequest } from './authz-harness.js';

let world: AuthzWorld;

beforeAll(async () => {
  world = await authzWorld({ consent: { userId: 'ghl-user-1' } });
});
afterAll(async () => world?.close());

describe('discovery from a 401', () => {
  it('answers /mcp without a token with 401 naming the protected-resource metadata, which names this server as its authorization server', async () => {
    const response = await initialize(world, undefined);
    expect(response.status).toBe(401);
    const challenge = response.headers.get('www-authenticate')!;
    expect(challenge).toContain(`resource_metadata="${world.origin}/.well-known/oauth-protected-resource/mcp"`);
    expect(challenge).not.toContain('error=');
    const prm = (await (await fetch(`${world.origin}/.well-known/oauth-protected-resource/mcp`)).json()) as Record<string, any>;
    expect(prm.resource).toBe(world.mcpUrl);
    expect(prm.authorization_servers).toEqual([world.origin]);
    const asm = (await (await fetch(`${world.origin}/.well-known/oauth-authorization-server`)).json()) as Record<string, any>;
    expect(asm).toMatchObject({
      issuer: world.origin,
      authorization_endpoint: `${world.origin}/authorize`,
      token_endpoint: `${world.origin}/token`,
      registration_endpoint: `${world.origin}/register`,
      revocation_endpoint: `${world.origin}/revoke`,
      code_challenge_methods_supported: ['S256'],
      client_id_metadata_document_supported: true,
    });
    expect(await (await fetch(`${world.origin}/.well-known/openid-configuration`)).json()).toEqual(asm);
  });

  it('names each toolset path as the resource of its own metadata (RFC 9728 §3.3), and 401s there point at it', async () => {
    const response = await initialize(world, undefined, '/mcp/x/contacts/readonly');
    expect(response.headers.get('www-authenticate')).toContain(`${world.origin}/.well-known/oauth-protected-resource/mcp/x/contacts/readonly`);
    const prm = (await (await fetch(`${world.origin}/.well-known/oauth-protected-resource/mcp/x/contacts/readonly`)).json()) as Record<string, any>;
    expect(prm.resource).toBe(`${world.mcpUrl}/x/contacts/readonly`);
    expect(prm.authorization_servers).toEqual([world.origin]);
    expect(((await (await fetch(`${world.origin}/.well-known/oauth-protected-resource`)).json()) as Record<string, any>).resource).toBe(world.mcpUrl);
    expect((await fetch(`${world.origin}/.well-known/oauth-protected-resource/elsewhere`)).status).toBe(404);
  });
});

describe('a user signs in with HighLevel', () => {
  it('shows consent the first time, then the MCP token reaches GHL with the GHL token of that grant only', async () => {
    const first = await connect(world);
    expect(first.consentShown).toBe(true);
    expect(first.tokens).toMatchObject({ token_type: 'Bearer', scope: 'mcp', expires_in: 3600 });
    const accessToken = first.tokens.access_token as string;
    // The GHL grant never reaches the client.
    for (const secret of secretsOf(world.ghl.oauth)) expect(JSON.stringify(first.tokens)).not.toContain(secret);
    const response = await initialize(world, accessToken);
    expect(response.status).toBe(200);
    const session = response.headers.get('mcp-session-id')!;
    const call = await fetch(`${world.origin}/mcp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', authorization: `Bearer ${accessToken}`, 'mcp-session-id': session, 'mcp-protocol-version': '2025-06-18' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'contacts_get_contact', arguments: { contactId: 'c-42' } } }),
    });
    expect(call.status).toBe(200);
    expect(await call.text()).toContain('c-42');
    const sent = world.ghl.fake.requests.filter((request) => request.path === '/contacts/c-42');
    expect(sent).toHaveLength(1);
    const ghlToken = /^Bearer (.+)$/.exec(sent[0]!.headers.authorization!)![1]!;
    expect(world.ghl.oauth.grantOf(ghlToken)).toMatchObject({ userType: 'Location', locationId: LOCATION, userId: 'ghl-user-1' });
  });

  it('does not ask again for a client the user already allowed', async () => {
    const client = (await register(world)).body;
    const { challenge } = pkce();
    const asked = await signIn(world, authorizeUrl(world, client.client_id, challenge));
    expect(asked.consent).toBeDefined();
    await answerConsent(world, asked.consent!, { decision: 'allow' });
    const again = await signIn(world, authorizeUrl(world, client.client_id, pkce().challenge));
    expect(again.consent).toBeUndefined();
    expect(again.redirect!.searchParams.get('code')).toMatch(/^ghlmcp_ac_/);
    expect(again.redirect!.searchParams.get('state')).toBe('client-state-1');
    expect(again.redirect!.searchParams.get('iss')).toBe(world.origin);
  });

  it('rotates refresh tokens; a reused one is refused and revokes the whole family', async () => {
    const { client, tokens } = await connect(world);
    const refreshed = await tokenRequest(world, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token, client_id: client.client_id, resource: world.mcpUrl });
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.refresh_token).not.toBe(tokens.refresh_token);
    expect((await initialize(world, refreshed.body.access_token)).status).toBe(200);
    const reused = await tokenRequest(world, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token, client_id: client.client_id });
    expect(reused).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    const afterReuse = await initialize(world, refreshed.body.access_token);
    expect(afterReuse.status).toBe(401);
    expect(afterReuse.headers.get('www-authenticate')).toContain('error="invalid_token"');
    const rotatedToo = await tokenRequest(world, { grant_type: 'refresh_token', refresh_token: refreshed.body.refresh_token, client_id: client.client_id });
    expect(rotatedToo.body.error).toBe('invalid_grant');
    expect(world.log()).toMatch(/"audit":"revoke".*refresh token reused/);
  });

  it('revocation (RFC 7009) ends the tokens; disconnect revokes every token of the user and deletes the GHL grant', async () => {
    const one = await connect(world);
    const revoke = await fetch(`${world.origin}/revoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: one.tokens.refresh_token, client_id: one.client.client_id }).toString(),
    });
    expect(revoke.status).toBe(200);
    expect((await initialize(world, one.tokens.access_token)).status).toBe(401);

    const two = await connect(world);
    const three = await connect(world);
    const disconnect = await fetch(`${world.origin}/disconnect`, { method: 'POST', headers: { authorization: `Bearer ${two.tokens.access_token}` } });
    expect(disconnect.status).toBe(200);
    expect(((await disconnect.json()) as { revokedGrants: number }).revokedGrants).toBeGreaterThanOrEqual(2);
    expect((await initialize(world, two.tokens.access_token)).status).toBe(401);
    expect((await initialize(world, three.tokens.access_token)).status).toBe(401);
    expect(world.log()).toContain('"audit":"disconnect"');
    // Consent is asked again after a disconnect.
    expect((await connect(world)).consentShown).toBe(true);
  });

  it('lets a person disconnect from a browser: sign in with HighLevel to say who, confirm (CSRF-checked), every token ends', async () => {
    const { tokens } = await connect(world);
    const walk = await signIn(world, `${world.origin}/disconnect`);
    const page = walk.consent!;
    expect(page.html).toContain('action="/disconnect/confirm"');
    const confirm = (cookie: string) =>
      fetch(`${world.origin}/disconnect/confirm`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...(cookie && { cookie }) },
        body: new URLSearchParams({ request: page.request, csrf: page.csrf, decision: 'confirm' }).toString(),
      });
    expect((await confirm('')).status).toBe(403);
    expect((await initialize(world, tokens.access_token)).status).toBe(200);
    const done = await confirm(page.cookie);
    expect(done.status).toBe(200);
    expect(await done.text()).toContain('Disconnected');
    expect((await initialize(world, tokens.access_token)).status).toBe(401);
    expect(world.log()).toMatch(/"audit":"disconnect".*"how":"browser"/);
  });

  it('logs grants, refreshes and revocations without any secret', () => {
    const log = world.log();
    expect(log).toContain('"audit":"grant"');
    expect(log).toContain('"audit":"refresh"');
    expect(log).toContain('"audit":"ghl-grant"');
    expect(log).toContain('"audit":"register"');
    for (const secret of secretsOf(world.ghl.oauth)) expect(log).not.toContain(secret);
    expect(log).not.toMatch(/ghlmcp_(at|rt|ac)_/);
  });
});
