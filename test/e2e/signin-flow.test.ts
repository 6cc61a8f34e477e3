import { UnauthorizedError } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initializeBody, MCP_HEADERS, rawRequest, textOf } from '../helpers/http.js';
import { leaked } from '../helpers/oauth.js';
import { type BrowserChoices, connectSignedIn, type Exchange, ghlBearers, type SignedInClient, type SigninWorld, startSigninWorld, TestOAuthProvider } from '../helpers/signin.js';

/** Above what users A and B spend in this file, so only user C's budget test reaches it. */
const DAILY_LIMIT = 12;

/**
 * "Sign in with HighLevel" end to end, as a connector would do it: the MCP SDK client's OAuth support against the built
 * server (--http --signin), which federates to the sandbox's GHL (chooser page, token endpoint with rotation).
 */
describe('sign in with HighLevel: the MCP SDK client against the server and the sandbox GHL', () => {
  let world: SigninWorld;
  let users: string[];
  const exchangesA: Exchange[] = [];
  let providerA: TestOAuthProvider;
  let providerB: TestOAuthProvider;
  let a: SignedInClient;
  let b: SignedInClient;

  beforeAll(async () => {
    world = await startSigninWorld({}, ['--daily-limit', String(DAILY_LIMIT)]);
    users = world.sandbox.store.collection('users').all().map((user) => user.id as string);
    const location = `location:${world.sandbox.locationId}`;
    providerA = new TestOAuthProvider({ press: [location, 'allow'], fields: { user: users[0]! } }, 'client of user A');
    providerB = new TestOAuthProvider({ press: [location, 'allow'], fields: { user: users[1]! } }, 'client of user B');
  });

  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()]);
    await world?.close();
  });

  const origin = () => world.server.origin;
  const grantOf = (token: string) => world.ghl.oauth.grantOf(token);
  /** The GHL users whose tokens the fake saw on API calls from `since` on. */
  const usersSeen = (since: number) => new Set(ghlBearers(world.sandbox.fake.requests, since).map((token) => grantOf(token)?.userId ?? 'unknown'));
  const getLocation = (client: SignedInClient) => client.client.callTool({ name: 'locations_get_location', arguments: {} });
  /** Signs a new client in with these choices, hands it (and where the fake's log stood before) to `use`, closes it. */
  async function withNewClient(name: string, choices: BrowserChoices, use: (client: SignedInClient, since: number) => Promise<void>) {
    const since = world.sandbox.fake.requests.length;
    const client = await connectSignedIn(world.server.url, new TestOAuthProvider(choices, name));
    try {
      await use(client, since);
    } finally {
      await client.close();
    }
  }

  it('answers an unauthenticated request with 401 naming the protected-resource metadata, which names this server as issuer', async () => {
    const refused = await rawRequest(world.server.url, { headers: MCP_HEADERS, body: initializeBody() });
    expect(refused.status).toBe(401);
    const challenge = String(refused.headers['www-authenticate']);
    expect(challenge).toContain(`resource_metadata="${origin()}/.well-known/oauth-protected-resource/mcp"`);
    const resource = (await (await fetch(`${origin()}/.well-known/oauth-protected-resource/mcp`)).json()) as Record<string, unknown>;
    expect(resource).toMatchObject({ resource: `${origin()}/mcp`, authorization_servers: [origin()] });
    const server = (await (await fetch(`${origin()}/.well-known/oauth-authorization-server`)).json()) as Record<string, unknown>;
    expect(server).toMatchObject({ issuer: origin(), code_challenge_methods_supported: ['S256'], registration_endpoint: `${origin()}/register` });
  });

  it('signs user A in: discovery from the 401, registration, PKCE, GHL chooser with the location, consent, token', async () => {
    a = await connectSignedIn(world.server.url, providerA, exchangesA);
    const steps = exchangesA.map(({ method, url, status }) => `${method} ${url.replace(origin(), '')} ${status}`);
    expect(steps[0]).toBe('POST /mcp 401');
    expect(steps).toContain('GET /.well-known/oauth-protected-resource/mcp 200');
    expect(steps).toContain('GET /.well-known/oauth-authorization-server 200');
    expect(steps).toContain('POST /register 201');
    expect(steps.indexOf('POST /token 200')).toBeGreaterThan(steps.indexOf('POST /register 201'));
    expect(providerA.clientInformation()?.client_id).toBeTruthy();

    const [authorization] = providerA.authorizationUrls;
    expect(authorization!.origin + authorization!.pathname).toBe(`${origin()}/authorize`);
    expect(authorization!.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorization!.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(authorization!.searchParams.get('resource')).toBe(`${origin()}/mcp`);
    // The browser went through GHL's chooser (a page, then the posted choice) and the server's consent page.
    const walked = providerA.lastRun!.steps.map(({ method, url, status }) => `${method} ${url} ${status}`);
    expect(walked).toEqual([
      `GET ${origin()}/authorize 302`,
      `GET ${world.sandbox.baseUrl}/v2/oauth/chooselocation 200`,
      `POST ${world.sandbox.baseUrl}/v2/oauth/chooselocation 302`,
      `GET ${origin()}/oauth/callback 200`,
      `POST ${origin()}/consent 302`,
    ]);
    expect(providerA.tokens()).toMatchObject({ token_type: expect.stringMatching(/^bearer$/i), refresh_token: expect.any(String) });
  });

  it("runs user A's tool calls on user A's own GHL grant, which never reaches the client", async () => {
    const since = world.sandbox.fake.requests.length;
    const result = await getLocation(a);
    expect(result.isError, textOf(result)).toBeFalsy();
    expect(textOf(result)).toContain(world.sandbox.locationId);
    const bearers = ghlBearers(world.sandbox.fake.requests, since);
    expect(bearers.length).toBeGreaterThan(0);
    for (const token of bearers) expect(grantOf(token)).toMatchObject({ userId: users[0], locationId: world.sandbox.locationId });
    expect(bearers).not.toContain(world.sandbox.token);
    expect(JSON.stringify(providerA.tokens())).not.toContain(bearers[0]);
  });

  it('signs user B in at the same time; each one\'s calls carry their own GHL token, and a session answers only its owner', async () => {
    const since = world.sandbox.fake.requests.length;
    const [signedIn, callOfA] = await Promise.all([connectSignedIn(world.server.url, providerB), getLocation(a)]);
    b = signedIn;
    expect(callOfA.isError).toBeFalsy();
    const contacts = b.client.callTool({ name: 'contacts_search_contacts_advanced', arguments: { pageLimit: 2 } });
    const [resultB, resultA] = await Promise.all([contacts, getLocation(a)]);
    expect(resultB.isError, textOf(resultB)).toBeFalsy();
    expect(resultA.isError).toBeFalsy();
    const calls = world.sandbox.fake.requests.slice(since).filter((request) => !request.path.includes('oauth'));
    const signInOf = (path: string) => new Set(calls.filter((request) => request.path === path).map((request) => grantOf(request.headers.authorization!.slice(7))?.userId));
    expect(signInOf('/contacts/search')).toEqual(new Set([users[1]]));
    expect(signInOf(`/locations/${world.sandbox.locationId}`)).toEqual(new Set([users[0]]));

    // B presents A's session with B's own (valid) token: it is not B's, so it does not exist for B.
    const stolen = await rawRequest(world.server.url, {
      headers: { ...MCP_HEADERS, authorization: `Bearer ${providerB.tokens()!.access_token}`, 'mcp-session-id': a.transport.sessionId!, 'mcp-protocol-version': '2025-11-25' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 9, method: 'tools/list' }),
    });
    expect(stolen.status).toBe(404);
  });

  it("reads each user's ghl:// resources with that user's own token, never from the other's cache", async () => {
    const { resources } = await a.client.listResources();
    const location = resources.find((resource) => resource.uri.startsWith('ghl://locations/'));
    expect(location, JSON.stringify(resources.map((resource) => resource.uri))).toBeDefined();
    const readBy = async (client: SignedInClient) => {
      const since = world.sandbox.fake.requests.length;
      const { contents } = await client.client.readResource({ uri: location!.uri });
      expect(JSON.stringify(contents)).toContain(world.sandbox.locationId);
      return usersSeen(since);
    };
    // A's listing warmed A's cache; B's first read must still go to GHL, with B's token.
    expect(await readBy(b)).toEqual(new Set([users[1]]));
    expect([...(await readBy(a))].filter((seen) => seen !== users[0])).toEqual([]);
  });

  it("refreshes user A's MCP token when the server refuses the one held, rotating the refresh token", async () => {
    const before = providerA.tokens()!;
    const tokenCalls = () => exchangesA.filter((exchange) => exchange.url === `${origin()}/token`).length;
    const issued = tokenCalls();
    providerA.overwriteAccessToken('an-access-token-the-server-never-issued');
    const result = await getLocation(a);
    expect(result.isError, textOf(result)).toBeFalsy();
    expect(tokenCalls()).toBe(issued + 1);
    const after = providerA.tokens()!;
    expect(after.access_token).not.toBe(before.access_token);
    expect(after.refresh_token).not.toBe(before.refresh_token);
  });

  it("rotates user A's GHL grant behind the scenes when GHL expires its access token; user B's grant is untouched", async () => {
    const lastTokenOf = (userId: string) => ghlBearers(world.sandbox.fake.requests).filter((token) => grantOf(token)?.userId === userId).at(-1)!;
    const [oldA, tokenB] = [lastTokenOf(users[0]!), lastTokenOf(users[1]!)];
    world.ghl.oauth.expire(oldA);
    const since = world.sandbox.fake.requests.length;
    const result = await getLocation(a);
    expect(result.isError, textOf(result)).toBeFalsy();
    const refreshes = world.sandbox.fake.requests.slice(since).filter((request) => request.path === '/oauth/token');
    expect(refreshes.map((request) => new URLSearchParams(request.body).get('grant_type'))).toEqual(['refresh_token']);
    const newA = lastTokenOf(users[0]!);
    expect(newA).not.toBe(oldA);
    expect(grantOf(newA)!.signIn).toBe(grantOf(oldA)!.signIn);

    const sinceB = world.sandbox.fake.requests.length;
    expect((await getLocation(b)).isError).toBeFalsy();
    expect(ghlBearers(world.sandbox.fake.requests, sinceB)).toEqual([tokenB]);
  });

  it("keeps each user's rate budget their own: user C spends C's day, user B at the same location still gets through", async () => {
    await withNewClient('client of user C', { press: [`location:${world.sandbox.locationId}`, 'allow'], fields: { user: users[2]! } }, async (c) => {
      for (let call = 0; call < DAILY_LIMIT; call += 1) expect((await getLocation(c)).isError).toBeFalsy();
      const spent = await getLocation(c);
      expect(spent.isError).toBe(true);
      expect(textOf(spent)).toContain('daily GHL API budget');
      const since = world.sandbox.fake.requests.length;
      expect((await getLocation(b)).isError).toBeFalsy();
      expect(usersSeen(since)).toEqual(new Set([users[1]]));
    });
  });

  it('signs a user in as the agency: the consent page picks the location, and calls there use a location token minted from that grant', async () => {
    await withNewClient('agency client', { press: ['company', 'allow'], fields: { user: users[0]!, location: world.sandbox.locationId } }, async (agency, since) => {
      const result = await getLocation(agency);
      expect(result.isError, textOf(result)).toBeFalsy();
      const requests = world.sandbox.fake.requests.slice(since);
      const minted = requests.filter((request) => request.path === '/oauth/locationToken');
      expect(minted.length).toBe(1);
      const companyGrant = grantOf(minted[0]!.headers.authorization!.slice(7))!;
      expect(companyGrant).toMatchObject({ userType: 'Company', userId: users[0], companyId: world.sandbox.companyId });
      const bearers = ghlBearers(world.sandbox.fake.requests, since);
      expect(bearers.length).toBeGreaterThan(0);
      for (const token of bearers) expect(grantOf(token)).toMatchObject({ userType: 'Location', locationId: world.sandbox.locationId, signIn: companyGrant.signIn });
    });
  });

  it('tells a user whose app was uninstalled at GHL to sign in again from their MCP client', async () => {
    await withNewClient('client uninstalled at GHL', { press: ['company', 'allow'], fields: { user: users[2]!, location: world.sandbox.locationId } }, async (client, since) => {
      const first = await getLocation(client);
      expect(first.isError, textOf(first)).toBeFalsy();
      const signIn = grantOf(ghlBearers(world.sandbox.fake.requests, since)[0]!)!.signIn!;
      world.ghl.oauth.uninstall(signIn);
      const result = await getLocation(client);
      expect(result.isError).toBe(true);
      expect(textOf(result)).toContain('Sign in again: reconnect (re-authenticate) this server in your MCP client');
      expect(textOf(result)).not.toContain('auth login');
    });
  });

  it("revokes user A's tokens: A's session is refused and A must sign in again; user B carries on", async () => {
    const held = providerA.tokens()!;
    const { client_id } = providerA.clientInformation()!;
    for (const token of [held.refresh_token!, held.access_token]) {
      const revoked = await fetch(`${origin()}/revoke`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ token, client_id }),
      });
      expect(revoked.status).toBe(200);
    }
    const refused = await rawRequest(world.server.url, {
      headers: { ...MCP_HEADERS, authorization: `Bearer ${held.access_token}`, 'mcp-session-id': a.transport.sessionId!, 'mcp-protocol-version': '2025-11-25' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 10, method: 'tools/list' }),
    });
    expect(refused.status).toBe(401);
    expect(String(refused.headers['www-authenticate'])).toContain('error="invalid_token"');

    // The client's refresh is refused too (invalid_grant): it drops its tokens and is sent to sign in again.
    providerA.allowAuthorization = false;
    const sentToSignIn = providerA.authorizationUrls.length;
    await expect(getLocation(a)).rejects.toBeInstanceOf(UnauthorizedError);
    expect(providerA.authorizationUrls.length).toBe(sentToSignIn + 1);
    expect(providerA.tokens()).toBeUndefined();
    const result = await getLocation(b);
    expect(result.isError, textOf(result)).toBeFalsy();

    // Signing in again works, and the consent already given to this client by this user is not asked again.
    await a.close();
    providerA.allowAuthorization = true;
    a = await connectSignedIn(world.server.url, providerA);
    expect(providerA.lastRun!.steps.map(({ method, url, status }) => `${method} ${url.replace(origin(), '')} ${status}`).at(-1)).toBe('GET /oauth/callback 302');
    expect((await getLocation(a)).isError).toBeFalsy();
  });

  it('disconnects user B: every token of B is refused at once', async () => {
    const held = providerB.tokens()!;
    const disconnected = await fetch(`${origin()}/disconnect`, { method: 'POST', headers: { authorization: `Bearer ${held.access_token}` } });
    expect(disconnected.status).toBeLessThan(300);
    const refresh = await fetch(`${origin()}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: held.refresh_token!, client_id: providerB.clientInformation()!.client_id }),
    });
    expect(refresh.status).toBe(400);
    expect(((await refresh.json()) as { error: string }).error).toBe('invalid_grant');
    const refused = await rawRequest(world.server.url, {
      headers: { ...MCP_HEADERS, authorization: `Bearer ${held.access_token}` },
      body: initializeBody(),
    });
    expect(refused.status).toBe(401);
  });

  it('logs an audit line for each grant, refresh and revocation, and never a secret', () => {
    const log = world.server.stderr();
    for (const event of ['ghl-grant', 'grant', 'refresh', 'revoke', 'disconnect']) expect(log).toContain(`"audit":"${event}"`);
    const secrets = [world.ghl.clientSecret, ...world.ghl.oauth.issued, ...providerA.secrets, ...providerB.secrets];
    expect(secrets.length).toBeGreaterThan(10);
    expect(leaked(log, secrets)).toEqual([]);
  });
});
