import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeGhl } from '../../src/sandbox/fake-ghl.js';
import { fingerprint } from '../../src/transports/http/auth.js';
import { connectHttp, type HttpServerProcess, initializeBody, MCP_HEADERS, rawRequest, startHttpServer, textOf } from '../helpers/http.js';
import { writersAmong } from '../helpers/read-only.js';
import { resultBody } from '../helpers/results.js';

const GHL_TOKEN = 'pit-sessions-secret-5678';
const [ALICE, BOB, CAROL] = ['mcp-alice-token-0001', 'mcp-bob-token-0002', 'mcp-carol-token-0003'];

describe('streamable HTTP: sessions, per-session toolsets, stateless mode', () => {
  const fake = new FakeGhl({ tokens: [GHL_TOKEN] });
  let stateful: HttpServerProcess;
  let stateless: HttpServerProcess;

  beforeAll(async () => {
    fake
      .route('GET', '/locations/{locationId}', (req) => ({ status: 200, body: { location: { id: req.params.locationId } } }))
      .route('POST', '/contacts/', () => ({ status: 201, body: { contact: { id: 'c1' } } }));
    const baseUrl = await fake.listen();
    const env = { GHL_API_KEY: GHL_TOKEN, GHL_BASE_URL: baseUrl, GHL_LOCATION_ID: 'loc-1', MCP_AUTH_TOKENS: [ALICE, BOB, CAROL].join(',') };
    [stateful, stateless] = await Promise.all([
      startHttpServer(env, ['--session-idle-ms', '1500', '--max-sessions-per-client', '3']),
      startHttpServer(env, ['--stateless', '--read-only']),
    ]);
  });

  afterAll(async () => {
    await Promise.all([stateful?.stop(), stateless?.stop()]);
    await fake.close();
  });

  const rpc = (target: HttpServerProcess, token: string, body: unknown, headers: Record<string, string> = {}, path = '/mcp') =>
    rawRequest(`${target.origin}${path}`, {
      headers: { ...MCP_HEADERS, authorization: `Bearer ${token}`, ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  /** Opens a session by hand (initialize + initialized) and returns its id. */
  const open = async (token: string) => {
    const init = await rpc(stateful, token, initializeBody());
    expect(init.status).toBe(200);
    const id = init.headers['mcp-session-id'] as string;
    const initialized = await rpc(stateful, token, { jsonrpc: '2.0', method: 'notifications/initialized' }, { 'mcp-session-id': id });
    expect(initialized.status).toBe(202);
    return id;
  };
  const ping = (token: string, id: string) => rpc(stateful, token, { jsonrpc: '2.0', id: 7, method: 'ping' }, { 'mcp-session-id': id });
  const names = (tools: { name: string }[]) => tools.map((tool) => tool.name);

  it('opens a session on initialize, streams on GET, and ends it on DELETE', async () => {
    const id = await open(ALICE);
    expect((await ping(ALICE, id)).status).toBe(200);
    const stream = new AbortController();
    const get = await fetch(stateful.url, {
      headers: { accept: 'text/event-stream', authorization: `Bearer ${ALICE}`, 'mcp-session-id': id },
      signal: stream.signal,
    });
    expect(get.status).toBe(200);
    expect(get.headers.get('content-type')).toBe('text/event-stream');
    stream.abort();
    const ended = await rawRequest(stateful.url, { method: 'DELETE', headers: { authorization: `Bearer ${ALICE}`, 'mcp-session-id': id } });
    expect(ended.status).toBe(200);
    expect((await ping(ALICE, id)).status).toBe(404);
  });

  it('serves an SDK client through its session and ends it with terminateSession', async () => {
    const { client, transport } = await connectHttp(stateful.url, { token: ALICE });
    expect(transport.sessionId).toMatch(/^[0-9a-f-]{36}$/);
    const result = await client.callTool({ name: 'locations_get_location', arguments: {} });
    expect(resultBody(result)).toEqual({ location: { id: 'loc-1' } });
    const id = transport.sessionId!;
    await transport.terminateSession();
    expect(transport.sessionId).toBeUndefined();
    expect((await ping(ALICE, id)).status).toBe(404);
    await client.close();
  });

  it('refuses a request without a session id (400) and one with an unknown id (404)', async () => {
    const missing = await rpc(stateful, ALICE, { jsonrpc: '2.0', id: 1, method: 'tools/list' });
    expect(missing.status).toBe(400);
    expect(JSON.parse(missing.body).error.message).toContain('Mcp-Session-Id');
    expect((await ping(ALICE, '00000000-0000-4000-8000-000000000000')).status).toBe(404);
  });

  it('answers a session only to the principal that opened it', async () => {
    const id = await open(ALICE);
    expect((await ping(BOB, id)).status).toBe(404);
    expect((await rawRequest(stateful.url, { method: 'DELETE', headers: { authorization: `Bearer ${BOB}`, 'mcp-session-id': id } })).status).toBe(404);
    expect((await ping(ALICE, id)).status).toBe(200);
  });

  it('ends a session unused for --session-idle-ms, and keeps one in use', async () => {
    const idle = await open(BOB);
    const busy = await open(BOB);
    // Idle time 1.5 s, swept every second. Until the server says it ended the untouched session, the other one is
    // used every 250 ms (the pace keeps it in use; nothing is proven by waiting).
    const ended = new RegExp(`"ended":\\[[^\\]]*"${fingerprint(idle, 'session')}"`);
    let pings = 0;
    while (!ended.test(stateful.stderr())) {
      expect((await ping(BOB, busy)).status).toBe(200);
      pings += 1;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(pings).toBeGreaterThan(3);
    expect((await ping(BOB, idle)).status).toBe(404);
    expect((await ping(BOB, busy)).status).toBe(200);
  });

  it('caps the sessions one client may hold (503), while others can still open theirs', async () => {
    const opened = [await open(CAROL), await open(CAROL), await open(CAROL)];
    const refused = await rpc(stateful, CAROL, initializeBody());
    expect(refused.status).toBe(503);
    expect(JSON.parse(refused.body).error.message).toContain('maximum of 3 sessions');
    await rawRequest(stateful.url, { method: 'DELETE', headers: { authorization: `Bearer ${CAROL}`, 'mcp-session-id': opened[0]! } });
    expect((await rpc(stateful, CAROL, initializeBody())).status).toBe(200);
  });

  it('lists the toolsets a session names in its URL (/mcp/x/{toolsets})', async () => {
    const { client, close } = await connectHttp(`${stateful.origin}/mcp/x/invoices`, { token: ALICE });
    const listed = names((await client.listTools()).tools);
    const catalogTools = listed.filter((name) => !name.startsWith('ghl_'));
    expect(catalogTools.length).toBeGreaterThan(5);
    expect(catalogTools.every((name) => name.startsWith('invoices_'))).toBe(true);
    await close();
    const plain = await connectHttp(stateful.url, { token: ALICE });
    expect(names((await plain.client.listTools()).tools)).toContain('contacts_create_contact');
    await plain.close();
  });

  it('makes a session read-only through /mcp/readonly or X-MCP-Readonly, refusing writes without sending them', async () => {
    for (const [path, headers] of [['/mcp/readonly', {}], ['/mcp', { 'x-mcp-readonly': 'true' }], ['/mcp/x/contacts/readonly', {}]] as const) {
      const { client, close } = await connectHttp(`${stateful.origin}${path}`, { token: ALICE, headers });
      const listed = names((await client.listTools()).tools);
      expect(listed.filter((name) => !name.startsWith('ghl_')).length).toBeGreaterThan(3);
      expect(writersAmong(listed)).toEqual([]);
      const before = fake.requests.length;
      const result = await client.callTool({ name: 'contacts_create_contact', arguments: { firstName: 'Ann' } });
      expect(result.isError).toBe(true);
      expect(textOf(result)).toContain('read-only');
      expect(fake.requests.length).toBe(before);
      await close();
    }
  });

  it('takes toolsets from X-MCP-Toolsets, and refuses unknown toolset names with 400', async () => {
    const { client, close } = await connectHttp(stateful.url, { token: ALICE, headers: { 'x-mcp-toolsets': 'calendars' } });
    const catalogTools = names((await client.listTools()).tools).filter((name) => !name.startsWith('ghl_'));
    expect(catalogTools.length).toBeGreaterThan(5);
    expect(catalogTools.every((name) => name.startsWith('calendars_'))).toBe(true);
    await close();
    const unknown = await rpc(stateful, ALICE, initializeBody(), {}, '/mcp/x/not_a_toolset');
    expect(unknown.status).toBe(400);
    expect(JSON.parse(unknown.body).error.message).toContain('Unknown toolset not_a_toolset');
    const badFlag = await rpc(stateful, ALICE, initializeBody(), { 'x-mcp-readonly': 'maybe' });
    expect(badFlag.status).toBe(400);
  });

  it('stateless: serves each POST on its own, without session ids, GET or DELETE', async () => {
    const init = await rpc(stateless, ALICE, initializeBody());
    expect(init.status).toBe(200);
    expect(init.headers['mcp-session-id']).toBeUndefined();
    const list = await rpc(stateless, ALICE, { jsonrpc: '2.0', id: 2, method: 'tools/list' });
    expect(list.status).toBe(200);
    expect(list.body).toContain('locations_get_location');
    expect((await rawRequest(stateless.url, { method: 'GET', headers: { accept: 'text/event-stream', authorization: `Bearer ${ALICE}` } })).status).toBe(405);
    expect((await rawRequest(stateless.url, { method: 'DELETE', headers: { authorization: `Bearer ${ALICE}` } })).status).toBe(405);
    const { client } = await connectHttp(stateless.url, { token: ALICE });
    const result = await client.callTool({ name: 'locations_get_location', arguments: {} });
    expect(resultBody(result)).toEqual({ location: { id: 'loc-1' } });
    await client.close();
  });

  it("stateless --read-only: a session's URL cannot widen what the server allows", async () => {
    const { client } = await connectHttp(`${stateless.origin}/mcp/x/contacts`, { token: ALICE });
    const { tools } = await client.listTools();
    const catalogTools = tools.filter((tool) => !tool.name.startsWith('ghl_'));
    expect(catalogTools.length).toBeGreaterThan(3);
    expect(catalogTools.every((tool) => tool.name.startsWith('contacts_'))).toBe(true);
    expect(writersAmong(names(catalogTools))).toEqual([]);
    const result = await client.callTool({ name: 'contacts_create_contact', arguments: { firstName: 'Ann' } });
    expect(result.isError).toBe(true);
    await client.close();
  });
});
