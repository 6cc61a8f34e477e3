import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { FakeGhl } from '../../src/sandbox/fake-ghl.js';
import { connectHttp, type HttpServerProcess, type HttpSession, initializeBody, MCP_HEADERS, rawRequest, startHttpServer, textOf } from '../helpers/http.js';
import { resultBody } from '../helpers/results.js';

const SERVER_TOKEN = 'pit-server-own-token-never-used';
const TENANTS = {
  a: { token: 'pit-tenant-a-secret-aaaaaaaa', location: 'loc-a' },
  b: { token: 'pit-tenant-b-secret-bbbbbbbb', location: 'loc-b' },
};
const MCP_TOKEN = 'mcp-shared-inbound-token';
const SERVER_DIR = '/srv/operator-only-dir';
/** Above what the interleaving test spends per tenant and location, so only the budget test reaches it. */
const DAILY_LIMIT = 16;

/** The tenant whose token GHL saw: the fake tags each answer with it, so a mixed-up call shows in the data. */
function tenantOf(authorization: string | undefined): string {
  if (authorization === `Bearer ${TENANTS.a.token}`) return 'a';
  if (authorization === `Bearer ${TENANTS.b.token}`) return 'b';
  return 'other';
}

describe('streamable HTTP, multi-tenant: each client brings its own GHL token', () => {
  const fake = new FakeGhl({ tokens: [SERVER_TOKEN, TENANTS.a.token, TENANTS.b.token] });
  let stateful: HttpServerProcess;
  let stateless: HttpServerProcess;
  /** Calls to this location wait at the fake until the test lets them go. */
  const held = { location: 'loc-held', arrived: 0, release: undefined as (() => void) | undefined, released: Promise.resolve() };

  beforeAll(async () => {
    fake.route('GET', '/locations/{locationId}', async (req) => {
      if (req.params.locationId === held.location) {
        held.arrived += 1;
        await held.released;
      }
      // GHL would never echo a token; the fake does, to prove each tenant's results are scrubbed of its own. Its JSON
      // escapes every "-" (\u002d), as any JSON encoder may: the token then arrives in another spelling.
      const body = { location: { id: req.params.locationId, tenant: tenantOf(req.headers.authorization), echoed: req.headers.authorization } };
      return { status: 200, body: JSON.stringify(body).replace(/-/g, '\\u002d') };
    });
    const baseUrl = await fake.listen();
    const env = {
      GHL_API_KEY: SERVER_TOKEN,
      GHL_BASE_URL: baseUrl,
      GHL_LOCATION_ID: 'loc-server',
      MCP_AUTH_TOKENS: MCP_TOKEN,
      // Where the operator keeps its files: never shown to a tenant.
      GHL_OVERRIDES_FILE: `${SERVER_DIR}/overrides.json`,
      GHL_DOCS_URL: `${SERVER_DIR}/docs`,
    };
    [stateful, stateless] = await Promise.all([
      // Sessions are capped per inbound client: every tenant here shares MCP_TOKEN, and no test holds more than 3 at once.
      startHttpServer(env, ['--multi-tenant', '--daily-limit', String(DAILY_LIMIT), '--max-sessions-per-client', '3', '--max-concurrency', '2']),
      startHttpServer(env, ['--multi-tenant', '--stateless']),
    ]);
  });

  afterAll(async () => {
    await Promise.all([stateful?.stop(), stateless?.stop()]);
    await fake.close();
  });

  const connectTenant = (target: HttpServerProcess, tenant: keyof typeof TENANTS, location = TENANTS[tenant].location) =>
    connectHttp(target.url, { token: MCP_TOKEN, headers: { 'x-ghl-token': TENANTS[tenant].token, 'x-ghl-location-id': location } });
  const getLocation = (session: HttpSession, args: Record<string, unknown> = {}) =>
    session.client.callTool({ name: 'locations_get_location', arguments: args });

  it('refuses a request without X-GHL-Token, and never falls back to the server token', async () => {
    const response = await rawRequest(stateful.url, { headers: { ...MCP_HEADERS, authorization: `Bearer ${MCP_TOKEN}` }, body: initializeBody() });
    expect(response.status).toBe(400);
    expect(JSON.parse(response.body).error.message).toContain('X-GHL-Token');
  });

  it.each([
    ['stateful', () => stateful],
    ['stateless', () => stateless],
  ])('%s: interleaved calls of two tenants each carry only their own token, location and data', async (_mode, target) => {
    const sessions = { a: await connectTenant(target(), 'a'), b: await connectTenant(target(), 'b') };
    const before = fake.requests.length;
    const calls = Array.from({ length: 24 }, (_, index) => (index % 2 === 0 ? 'a' : 'b') as 'a' | 'b');
    const results = await Promise.all(calls.map(async (tenant) => ({ tenant, result: await getLocation(sessions[tenant]) })));
    for (const { tenant, result } of results) {
      expect(result.isError).toBeFalsy();
      const location = (resultBody(result) as { location: { id: string; tenant: string; echoed: string } }).location;
      expect({ id: location.id, tenant: location.tenant }).toEqual({ id: TENANTS[tenant].location, tenant });
      expect(location.echoed).toBe('Bearer [redacted]');
      // Neither spelling of any token: the tokens are the only text holding "secret".
      expect(JSON.stringify(result)).not.toMatch(/secret/);
      const other = TENANTS[tenant === 'a' ? 'b' : 'a'];
      expect(JSON.stringify(result)).not.toContain(other.token);
      expect(JSON.stringify(result)).not.toContain(other.location);
    }
    const sent = fake.requests.slice(before);
    expect(sent).toHaveLength(24);
    expect(sent.filter((request) => request.headers.authorization === `Bearer ${SERVER_TOKEN}`)).toEqual([]);
    await Promise.all([sessions.a.close(), sessions.b.close()]);
  });

  it("scrubs a tenant's token from GHL's body as sent (verbatim), where it stays JSON-escaped", async () => {
    const session = await connectTenant(stateful, 'a');
    try {
      const result = await session.client.callTool({ name: 'ghl_call_tool', arguments: { name: 'locations_get_location', arguments: {}, verbatim: true } });
      expect(result.isError).toBeFalsy();
      // GHL's own spelling reaches the text: the id, escaped, and the token in no spelling at all.
      expect(textOf(result)).toContain('loc\\u002da');
      expect(textOf(result)).toContain('Bearer [redacted]');
      expect(JSON.stringify(result)).not.toMatch(/secret/);
    } finally {
      await session.close();
    }
  });

  it("never serves one tenant's session to another, even under the same inbound token", async () => {
    const a = await connectTenant(stateful, 'a');
    const sessionId = a.transport.sessionId!;
    const asB = await rawRequest(stateful.url, {
      headers: { ...MCP_HEADERS, authorization: `Bearer ${MCP_TOKEN}`, 'x-ghl-token': TENANTS.b.token, 'x-ghl-location-id': 'loc-a', 'mcp-session-id': sessionId },
      body: JSON.stringify({ jsonrpc: '2.0', id: 9, method: 'tools/call', params: { name: 'locations_get_location', arguments: {} } }),
    });
    expect(asB.status).toBe(404);
    expect(asB.body).not.toContain('loc-a');
    expect((await getLocation(a)).isError).toBeFalsy();
    await a.close();
  });

  it("keeps each tenant's limiter budget its own, even for the same location", async () => {
    // Tenant a spends its daily budget for loc-shared; tenant b's budget for the same location is untouched.
    const a = await connectTenant(stateful, 'a', 'loc-shared');
    const b = await connectTenant(stateful, 'b', 'loc-shared');
    for (let call = 0; call < DAILY_LIMIT; call += 1) expect((await getLocation(a)).isError).toBeFalsy();
    const spent = await getLocation(a);
    expect(spent.isError).toBe(true);
    expect(textOf(spent)).toContain('daily GHL API budget');
    for (let call = 0; call < 3; call += 1) {
      const result = await getLocation(b);
      expect(result.isError).toBeFalsy();
      expect((resultBody(result) as { location: { tenant: string } }).location.tenant).toBe('b');
    }
    await Promise.all([a.close(), b.close()]);
  });

  it("shows each tenant the ghl:// resources of its own location, never the server's or the other tenant's", async () => {
    for (const tenant of ['a', 'b'] as const) {
      const session = await connectTenant(stateful, tenant);
      const { contents } = await session.client.readResource({ uri: 'ghl://locations' });
      const text = JSON.stringify(contents);
      expect(text).toContain(TENANTS[tenant].location);
      expect(text).not.toContain('loc-server');
      expect(text).not.toContain(TENANTS[tenant === 'a' ? 'b' : 'a'].location);
      await session.close();
    }
  });

  it('lets a tenant check drift but never change the catalog every tenant shares', async () => {
    const session = await connectTenant(stateful, 'a');
    try {
      for (const action of ['apply', 'clear']) {
        const result = await session.client.callTool({ name: 'ghl_self_update', arguments: { action, tool: 'locations_get_location' } });
        expect(result.isError).toBe(true);
        expect(textOf(result)).toContain('shared by every tenant');
      }
      for (const args of [{ action: 'list' }, { action: 'check', tool: 'locations_get_location' }]) {
        const result = await session.client.callTool({ name: 'ghl_self_update', arguments: args });
        expect(textOf(result)).toContain('(a path on the server)');
        expect(JSON.stringify(result)).not.toContain('operator-only-dir');
      }
    } finally {
      await session.close();
    }
  });

  it('logs no tenant token', () => {
    for (const target of [stateful, stateless]) {
      const log = target.stderr();
      expect(log).toContain('"client":"tenant:');
      for (const secret of [TENANTS.a.token, TENANTS.b.token, SERVER_TOKEN, MCP_TOKEN]) expect(log).not.toContain(secret);
    }
  });

  it('caps sessions per inbound client too: made-up X-GHL-Token values buy no more sessions', async () => {
    const open = (token: string) =>
      rawRequest(stateful.url, { headers: { ...MCP_HEADERS, authorization: `Bearer ${MCP_TOKEN}`, 'x-ghl-token': token }, body: initializeBody() });
    const opened = [await open('pit-made-up-1'), await open('pit-made-up-2'), await open('pit-made-up-3')];
    expect(opened.map((response) => response.status)).toEqual([200, 200, 200]);
    const fourth = await open('pit-made-up-4');
    expect(fourth.status).toBe(503);
    expect(JSON.parse(fourth.body).error.message).toContain('maximum of 3 sessions');
    for (const [index, response] of opened.entries()) {
      const headers = { authorization: `Bearer ${MCP_TOKEN}`, 'x-ghl-token': `pit-made-up-${index + 1}`, 'mcp-session-id': response.headers['mcp-session-id'] as string };
      expect((await rawRequest(stateful.url, { method: 'DELETE', headers })).status).toBe(200);
    }
    expect((await open('pit-made-up-4')).status).toBe(200);
  });

  it("one tenant's slow calls do not hold back another's: --max-concurrency is each tenant's own", async () => {
    const a = await connectTenant(stateful, 'a');
    const b = await connectTenant(stateful, 'b');
    let release!: () => void;
    held.released = new Promise<void>((resolve) => (release = resolve));
    try {
      // Tenant a fills the cap of 2 with calls GHL is slow to answer.
      const slow = [getLocation(a, { locationId: held.location }), getLocation(a, { locationId: held.location })];
      await vi.waitFor(() => expect(held.arrived).toBe(2));
      const quick = await getLocation(b);
      expect(quick.isError).toBeFalsy();
      expect(held.arrived).toBe(2);
      release();
      expect((await Promise.all(slow)).map((result) => result.isError ?? false)).toEqual([false, false]);
    } finally {
      release();
      held.released = Promise.resolve();
      await Promise.all([a.close(), b.close()]);
    }
  });
});
