import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCATION } from '../helpers/oauth.js';
import { answerConsent, authorizeUrl, type AuthzWorld, authzWorld, connect, get, initialize, pkce, REDIRECT, register, signIn, tokenRequest } from './authz-harness.js';

let world: AuthzWorld;

beforeAll(async () => {
  world = await authzWorld({ consent: { userId: 'ghl-user-1' } });
});
afterAll(async () => world?.close());

/** A tool call in a fresh session; answers the text of the result. */
async function callTool(token: string, name: string, args: Record<string, unknown>): Promise<string> {
  const opened = await initialize(world, token);
  expect(opened.status).toBe(200);
  const headers = {
    'content-type': 'application/json',
    accept: 'application/json, text/event-stream',
    authorization: `Bearer ${token}`,
    'mcp-session-id': opened.headers.get('mcp-session-id')!,
    'mcp-protocol-version': '2025-06-18',
  };
  const call = await fetch(`${world.origin}/mcp`, { method: 'POST', headers, body: JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name, arguments: args } }) });
  return call.text();
}

function ghlTokenOf(path: string): string {
  const sent = world.ghl.fake.requests.filter((request) => request.path === path).at(-1)!;
  return /^Bearer (.+)$/.exec(sent.headers.authorization!)![1]!;
}

describe('several users on one server', () => {
  it('runs each user on their own GHL grant, and a session opened by one user answers no other', async () => {
    world.ghl.oauth.consent = { userType: 'Location', scopes: world.ghl.oauth.consent.scopes, locationId: LOCATION, userId: 'ghl-user-1' };
    const alice = await connect(world);
    world.ghl.oauth.consent = { ...world.ghl.oauth.consent, locationId: 'loc-b', userId: 'ghl-user-2' };
    const bob = await connect(world);
    await callTool(alice.tokens.access_token, 'contacts_get_contact', { contactId: 'alice-1' });
    await callTool(bob.tokens.access_token, 'contacts_get_contact', { contactId: 'bob-1' });
    expect(world.ghl.oauth.grantOf(ghlTokenOf('/contacts/alice-1'))).toMatchObject({ locationId: LOCATION, userId: 'ghl-user-1' });
    expect(world.ghl.oauth.grantOf(ghlTokenOf('/contacts/bob-1'))).toMatchObject({ locationId: 'loc-b', userId: 'ghl-user-2' });

    const opened = await initialize(world, alice.tokens.access_token);
    const stolen = await fetch(`${world.origin}/mcp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', authorization: `Bearer ${bob.tokens.access_token}`, 'mcp-session-id': opened.headers.get('mcp-session-id')!, 'mcp-protocol-version': '2025-06-18' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 3, method: 'tools/list', params: {} }),
    });
    expect(stolen.status).toBe(404);
  });
});

describe("the user's GHL grant", () => {
  it('is refreshed by the server when GHL calls its token expired: the refresh token rotates, the call succeeds', async () => {
    world.ghl.oauth.consent = { userType: 'Location', scopes: world.ghl.oauth.consent.scopes, locationId: LOCATION, userId: 'ghl-user-rotating' };
    const { tokens } = await connect(world);
    await callTool(tokens.access_token, 'contacts_get_contact', { contactId: 'before-expiry' });
    const first = ghlTokenOf('/contacts/before-expiry');
    const liveBefore = world.ghl.oauth.liveRefreshTokens();
    world.ghl.oauth.expire(first);
    expect(await callTool(tokens.access_token, 'contacts_get_contact', { contactId: 'after-expiry' })).toContain('after-expiry');
    const second = ghlTokenOf('/contacts/after-expiry');
    expect(second).not.toBe(first);
    expect(world.ghl.oauth.grantOf(second)).toMatchObject({ userId: 'ghl-user-rotating' });
    // One refresh token was spent and a new one issued: the grant rotated behind the same MCP token.
    const liveAfter = world.ghl.oauth.liveRefreshTokens();
    expect(liveAfter.filter((token) => !liveBefore.includes(token))).toHaveLength(1);
    expect(liveBefore.filter((token) => !liveAfter.includes(token))).toHaveLength(1);
  });
});

describe('a GHL grant that GHL no longer accepts', () => {
  it('makes calls say to sign in again from the MCP client, not to run the operator command', async () => {
    world.ghl.oauth.consent = { userType: 'Location', scopes: world.ghl.oauth.consent.scopes, locationId: LOCATION, userId: 'ghl-user-uninstalled' };
    const before = world.ghl.oauth.liveRefreshTokens();
    const { tokens } = await connect(world);
    await callTool(tokens.access_token, 'contacts_get_contact', { contactId: 'still-fine' });
    // Someone else spends the person's GHL refresh token (as an uninstall or a leaked copy would end it).
    const [stolen] = world.ghl.oauth.liveRefreshTokens().filter((token) => !before.includes(token));
    const spent = await fetch(`${world.ghl.baseUrl}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ client_id: world.ghl.oauth.clientId, client_secret: world.ghl.oauth.clientSecret, grant_type: 'refresh_token', refresh_token: stolen! }).toString(),
    });
    expect(spent.status).toBe(200);
    world.ghl.oauth.expire(ghlTokenOf('/contacts/still-fine'));
    const text = await callTool(tokens.access_token, 'contacts_get_contact', { contactId: 'after-uninstall' });
    expect(text).toContain('Sign in again');
    expect(text).not.toContain('auth login');
    // Its MCP tokens end with the grant, so the client's next request starts the sign-in by itself.
    await expect.poll(async () => (await initialize(world, tokens.access_token)).status).toBe(401);
  });
});

describe('an agency (company) grant', () => {
  it('lets the user choose a location at consent; calls use a location token minted for it', async () => {
    world.ghl.oauth.consent = { userType: 'Company', scopes: world.ghl.oauth.consent.scopes, companyId: 'comp-1', userId: 'ghl-agency-user' };
    const client = await register(world);
    const { verifier, challenge } = pkce();
    const walk = await signIn(world, authorizeUrl(world, client.body.client_id, challenge));
    expect(walk.consent?.locations).toEqual(['', 'loc-a', 'loc-b']);
    expect(walk.consent?.html).toContain('Beta (loc-b)');
    // A location the app is not installed in is refused.
    expect((await answerConsent(world, walk.consent!, { decision: 'allow', location: 'loc-zzz' })).status).toBe(400);
    const again = await signIn(world, authorizeUrl(world, client.body.client_id, challenge));
    const answered = await answerConsent(world, again.consent!, { decision: 'allow', location: 'loc-b' });
    const code = new URL(answered.headers.get('location')!).searchParams.get('code')!;
    const tokens = (await tokenRequest(world, { grant_type: 'authorization_code', code, client_id: client.body.client_id, redirect_uri: REDIRECT, code_verifier: verifier })).body;
    const text = await callTool(tokens.access_token, 'locations_get_location', {});
    expect(text).toContain('loc-b');
    const used = world.ghl.oauth.grantOf(ghlTokenOf('/locations/loc-b'));
    expect(used).toMatchObject({ userType: 'Location', locationId: 'loc-b', companyId: 'comp-1' });
    expect(world.ghl.fake.requests.some((request) => request.path === '/oauth/locationToken')).toBe(true);
  });
});

describe('client ID metadata documents', () => {
  let documents: Server;
  let base = '';
  const served = new Map<string, { status?: number; body: string; headers?: Record<string, string> }>();
  beforeAll(async () => {
    documents = createServer((req, res) => {
      const doc = served.get(req.url ?? '');
      res.writeHead(doc?.status ?? (doc ? 200 : 404), { 'content-type': 'application/json', ...doc?.headers });
      res.end(doc?.body ?? '{}');
    });
    await new Promise<void>((resolve) => documents.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(documents.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => documents.close(() => resolve())));

  const serve = (path: string, document: Record<string, unknown> | string, extra: { status?: number; headers?: Record<string, string> } = {}) => {
    served.set(path, { body: typeof document === 'string' ? document : JSON.stringify(document), ...extra });
    return `${base}${path}`;
  };

  it('accepts a client whose client_id is the URL of its document, with its redirect URIs, and issues it tokens', async () => {
    world.ghl.oauth.consent = { userType: 'Location', scopes: world.ghl.oauth.consent.scopes, locationId: LOCATION, userId: 'ghl-user-3' };
    const clientId = serve('/client.json', { client_id: `${base}/client.json`, client_name: 'Doc Client', redirect_uris: [REDIRECT], token_endpoint_auth_method: 'none' });
    const { verifier, challenge } = pkce();
    const walk = await signIn(world, authorizeUrl(world, clientId, challenge));
    expect(walk.consent?.html).toContain('Doc Client');
    const answered = await answerConsent(world, walk.consent!, { decision: 'allow' });
    const code = new URL(answered.headers.get('location')!).searchParams.get('code')!;
    const tokens = await tokenRequest(world, { grant_type: 'authorization_code', code, client_id: clientId, redirect_uri: REDIRECT, code_verifier: verifier });
    expect(tokens.status).toBe(200);
  });

  it('refuses a document that names another client_id, is too large, redirects, or lacks the redirect URI', async () => {
    const cases = [
      serve('/wrong-id.json', { client_id: 'https://elsewhere.example/client.json', redirect_uris: [REDIRECT] }),
      serve('/large.json', { client_id: `${base}/large.json`, redirect_uris: [REDIRECT], padding: 'x'.repeat(70_000) }),
      serve('/moved.json', '', { status: 302, headers: { location: `${base}/client.json` } }),
      serve('/confidential.json', { client_id: `${base}/confidential.json`, redirect_uris: [REDIRECT], token_endpoint_auth_method: 'client_secret_basic' }),
      serve('/other-redirect.json', { client_id: `${base}/other-redirect.json`, redirect_uris: ['http://127.0.0.1:9999/cb'] }),
      `${base}/missing.json`,
    ];
    for (const clientId of cases) {
      const response = await get(authorizeUrl(world, clientId, pkce().challenge));
      expect(response.status, clientId).toBe(400);
      expect(response.headers.get('location'), clientId).toBeNull();
    }
  });
});

describe('a stateless sign-in server', () => {
  let stateless: AuthzWorld;
  beforeAll(async () => {
    stateless = await authzWorld({ consent: { userId: 'ghl-user-stateless' }, args: ['--stateless'] });
  });
  afterAll(async () => stateless?.close());

  it("serves each POST on the signed-in user's own GHL grant", async () => {
    const { tokens } = await connect(stateless);
    const call = await fetch(`${stateless.origin}/mcp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', authorization: `Bearer ${tokens.access_token}`, 'mcp-protocol-version': '2025-06-18' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'contacts_get_contact', arguments: { contactId: 'stateless-1' } } }),
    });
    expect(await call.text()).toContain('stateless-1');
    const sent = stateless.ghl.fake.requests.find((request) => request.path === '/contacts/stateless-1')!;
    expect(stateless.ghl.oauth.grantOf(/^Bearer (.+)$/.exec(sent.headers.authorization!)![1]!)).toMatchObject({ userId: 'ghl-user-stateless' });
  });
});
