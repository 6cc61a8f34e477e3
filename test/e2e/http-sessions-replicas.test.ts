import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { FakeGhl } from '../../src/sandbox/fake-ghl.js';
import { connectHttp, type HttpServerProcess, initializeBody, MCP_HEADERS, rawRequest, startHttpServer } from '../helpers/http.js';
import { type OwnRedis, redisServerMissing, startOwnRedis } from '../helpers/redis-server.js';
import { type Balancer, roundRobin } from '../helpers/replicas.js';
import { resultBody } from '../helpers/results.js';
import { openStream } from '../helpers/sse.js';

const GHL_TOKEN = 'pit-sessions-replicas-7777';
const [ALICE, BOB, CAROL, DAVE, ERIN, FRANK] = ['mcp-alice-replicas-0001', 'mcp-bob-replicas-0002', 'mcp-carol-replicas-0003', 'mcp-dave-replicas-0004', 'mcp-erin-replicas-0005', 'mcp-frank-replicas-0006'];

/**
 * Two replicas sharing one Redis: a session opened on one is served by the other, which has never seen it, rebuilt
 * from its record; a crash or a drain of a replica costs the client nothing, not even a re-initialize.
 */
describe.skipIf(redisServerMissing())('stateful sessions on two replicas sharing Redis', () => {
  const fake = new FakeGhl({ tokens: [GHL_TOKEN] });
  let redis: OwnRedis;
  let env: Record<string, string>;
  const replicas: (HttpServerProcess | undefined)[] = [];
  /** Slots the balancer skips (a crashed or draining replica, as a health check would). */
  const down = new Set<number>();
  let balancer: Balancer;

  const start = () => startHttpServer(env, ['--max-sessions-per-client', '2']);
  const url = (slot: number, path = '/mcp') => `${replicas[slot]!.origin}${path}`;
  const rpc = (slot: number, token: string, body: unknown, sessionId?: string, path = '/mcp') =>
    rawRequest(url(slot, path), {
      headers: { ...MCP_HEADERS, authorization: `Bearer ${token}`, ...(sessionId && { 'mcp-session-id': sessionId }) },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  /** initialize (and initialized) on a replica; the session id. */
  const open = async (slot: number, token: string, path = '/mcp') => {
    const init = await rpc(slot, token, initializeBody(), undefined, path);
    expect(init.status).toBe(200);
    return init.headers['mcp-session-id'] as string;
  };
  const ping = (slot: number, token: string, id: string) => rpc(slot, token, { jsonrpc: '2.0', id: 9, method: 'ping' }, id);
  /** The JSON-RPC answer carried in an SSE response body. */
  const answer = (body: string) => JSON.parse(body.split('\n').find((line) => line.startsWith('data: {'))!.slice(6));
  const toolNames = async (slot: number, token: string, id: string) =>
    (answer((await rpc(slot, token, { jsonrpc: '2.0', id: 2, method: 'tools/list' }, id)).body).result.tools as { name: string }[]).map((tool) => tool.name);

  beforeAll(async () => {
    fake.route('GET', '/locations/{locationId}', (req) => ({ status: 200, body: { location: { id: req.params.locationId } } }));
    redis = await startOwnRedis();
    env = { GHL_API_KEY: GHL_TOKEN, GHL_BASE_URL: await fake.listen(), GHL_LOCATION_ID: 'loc-1', MCP_AUTH_TOKENS: [ALICE, BOB, CAROL, DAVE, ERIN, FRANK].join(','), REDIS_URL: redis.url };
    replicas.push(...(await Promise.all([start(), start()])));
    balancer = await roundRobin(() => replicas.map((replica, slot) => (down.has(slot) ? undefined : replica?.url)));
  }, 60_000);

  afterAll(async () => {
    await balancer?.close();
    await Promise.all(replicas.map((replica) => replica?.stop()));
    await redis?.stop();
    await fake.close();
  });

  it('initialize on A; B, which never saw it, serves it as opened: the URL selection (read-only, contacts) holds', async () => {
    const id = await open(0, ALICE, '/mcp/x/contacts/readonly');
    expect((await rpc(1, ALICE, { jsonrpc: '2.0', method: 'notifications/initialized' }, id)).status).toBe(202);
    const listed = await toolNames(1, ALICE, id);
    expect(listed).toContain('contacts_get_contact');
    expect(listed.filter((name) => name.startsWith('contacts_')).every((name) => !/create|update|delete/.test(name))).toBe(true);
    expect(listed.some((name) => name.startsWith('locations_'))).toBe(false);
    const before = fake.requests.length;
    const write = answer((await rpc(1, ALICE, { jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'contacts_create_contact', arguments: { firstName: 'X' } } }, id)).body);
    expect(write.result.isError).toBe(true);
    expect(write.result.content[0].text).toMatch(/read-only/);
    expect(fake.requests.length).toBe(before);
    // The log level set on B is in the record A or any other replica rebuilds the session from.
    expect((await rpc(1, ALICE, { jsonrpc: '2.0', id: 5, method: 'logging/setLevel', params: { level: 'warning' } }, id)).status).toBe(200);
    const raw = new Redis(redis.url);
    await vi.waitFor(async () => expect(await raw.hget(`ghl-mcp:session:${id}`, 'logLevel')).toBe('warning'));
    raw.disconnect();
  });

  it('a session presented by another principal is unknown on every replica, and its owner goes on', async () => {
    const id = await open(0, ALICE);
    for (const slot of [0, 1]) {
      expect((await ping(slot, BOB, id)).status).toBe(404);
      expect((await rawRequest(url(slot), { method: 'DELETE', headers: { authorization: `Bearer ${BOB}`, 'mcp-session-id': id } })).status).toBe(404);
    }
    expect((await ping(1, ALICE, id)).status).toBe(200);
    expect((await ping(0, ALICE, id)).status).toBe(200);
  });

  it('ghl_enable_toolset on B reaches the copy A holds; DELETE on A ends the session on B too', async () => {
    const id = await open(0, DAVE, '/mcp/x/contacts');
    expect(await toolNames(0, DAVE, id)).not.toContain('calendars_get_calendars');
    const enabled = answer((await rpc(1, DAVE, { jsonrpc: '2.0', id: 4, method: 'tools/call', params: { name: 'ghl_enable_toolset', arguments: { toolset: 'calendars' } } }, id)).body);
    expect(enabled.result.isError).toBeFalsy();
    await vi.waitFor(async () => expect(await toolNames(0, DAVE, id)).toContain('calendars_get_calendars'), { timeout: 5_000 });
    expect(await toolNames(1, DAVE, id)).toContain('calendars_get_calendars');
    expect((await rawRequest(url(0), { method: 'DELETE', headers: { authorization: `Bearer ${DAVE}`, 'mcp-session-id': id } })).status).toBe(200);
    expect((await ping(1, DAVE, id)).status).toBe(404);
    expect((await ping(0, DAVE, id)).status).toBe(404);
  });

  it('a hung Redis is answered 503 with a retry (not a server error), and the session is there when Redis is back', async () => {
    const id = await open(1, CAROL);
    redis.pause();
    try {
      const stalled = await ping(0, CAROL, id);
      expect(stalled.status).toBe(503);
      expect(stalled.headers['retry-after']).toBe('2');
      expect(JSON.parse(stalled.body).error.message).toMatch(/Sessions are unavailable right now/);
    } finally {
      redis.resume();
    }
    await vi.waitFor(async () => expect((await ping(0, CAROL, id)).status).toBe(200), { timeout: 10_000 });
    await rawRequest(url(0), { method: 'DELETE', headers: { authorization: `Bearer ${CAROL}`, 'mcp-session-id': id } });
  }, 30_000);

  it('a GET stream that received nothing yet starts with an id, so it resumes on the other replica without a gap', async () => {
    const id = await open(0, ERIN);
    const headers = { authorization: `Bearer ${ERIN}`, 'mcp-session-id': id };
    const first = await openStream(url(0), headers);
    expect(first.status).toBe(200);
    const priming = await first.next((event) => event.id !== undefined);
    expect(priming.data).toBe('');
    first.close();
    const enabled = answer((await rpc(1, ERIN, { jsonrpc: '2.0', id: 4, method: 'tools/call', params: { name: 'ghl_enable_toolset', arguments: { toolset: 'calendars' } } }, id)).body);
    expect(enabled.result.isError).toBeFalsy();
    const again = await openStream(url(1), { ...headers, 'last-event-id': priming.id! });
    const missed = await again.next((event) => event.data.includes('notifications/tools/list_changed'));
    expect(missed.id).not.toBe(priming.id);
    again.close();
  });

  it("a request's answer is replayed by the other replica to Last-Event-ID of the request's stream (no GET priming then)", async () => {
    const id = await open(0, FRANK);
    const headers = { authorization: `Bearer ${FRANK}`, 'mcp-session-id': id, 'mcp-protocol-version': '2025-11-25' };
    const call = await rawRequest(url(0), {
      headers: { ...MCP_HEADERS, ...headers },
      body: JSON.stringify({ jsonrpc: '2.0', id: 11, method: 'tools/call', params: { name: 'locations_get_location', arguments: {} } }),
    });
    // The request's stream starts with a priming event: the id a client that lost the stream resumes from (and when).
    const primed = /^id: (\S+)\nretry: 1000\ndata: \n/m.exec(call.body)![1]!;
    const resumed = await fetch(url(1), { headers: { ...headers, accept: 'text/event-stream', 'last-event-id': primed } });
    expect(resumed.status).toBe(200);
    const replayed = await resumed.text();
    const ids = [...replayed.matchAll(/^id: (\S+)$/gm)].map((match) => match[1]!);
    expect(ids.length).toBe(1);
    expect(ids[0]!.startsWith(primed.split(':')[0]!)).toBe(true);
    expect(answer(replayed)).toMatchObject({ id: 11, result: { content: [{ type: 'text' }] } });
    expect(replayed).toContain('loc-1');
  });

  it('caps the sessions of one client across replicas (--max-sessions-per-client 2)', async () => {
    const first = await open(0, CAROL);
    await open(1, CAROL);
    const refused = await rpc(0, CAROL, initializeBody());
    expect(refused.status).toBe(503);
    expect(JSON.parse(refused.body).error.message).toContain('maximum of 2 sessions');
    await rawRequest(url(1), { method: 'DELETE', headers: { authorization: `Bearer ${CAROL}`, 'mcp-session-id': first } });
    expect((await rpc(0, CAROL, initializeBody())).status).toBe(200);
  });

  it('the replica that opened the session crashes mid-session: the other serves it on, without a new initialize', async () => {
    const { client, transport, close } = await connectHttp(balancer.url, { token: BOB });
    for (let call = 0; call < 4; call += 1) expect(resultBody(await client.callTool({ name: 'locations_get_location', arguments: {} }))).toEqual({ location: { id: 'loc-1' } });
    const opener = balancer.routed.find((entry) => entry.method === 'POST' && entry.session === undefined && entry.status === 200)!.slot;
    const sessionId = transport.sessionId;
    down.add(opener);
    replicas[opener]!.child.kill('SIGKILL');
    await replicas[opener]!.exited;
    for (let call = 0; call < 3; call += 1) expect(resultBody(await client.callTool({ name: 'locations_get_location', arguments: {} }))).toEqual({ location: { id: 'loc-1' } });
    expect(transport.sessionId).toBe(sessionId);
    replicas[opener] = await start();
    down.delete(opener);
    // Back in the round: the new process serves the session too.
    for (let call = 0; call < 2; call += 1) expect((await client.listTools()).tools.length).toBeGreaterThan(0);
    expect(balancer.routed.filter((entry) => entry.session === sessionId && entry.slot === opener).at(-1)!.status).toBe(200);
    await close();
  }, 60_000);

  it("draining the replica holding the GET stream hands it over: the client reconnects to the other with Last-Event-ID and gets what was sent meanwhile", async () => {
    const { client, transport, close } = await connectHttp(balancer.url, { token: BOB });
    let changes = 0;
    client.setNotificationHandler('notifications/tools/list_changed', () => void (changes += 1));
    const sessionId = transport.sessionId;
    const streams = () => balancer.routed.filter((entry) => entry.session === sessionId && entry.method === 'GET');
    await vi.waitFor(() => expect(streams().some((entry) => entry.status === 200)).toBe(true));
    await client.callTool({ name: 'ghl_enable_toolset', arguments: { toolset: 'calendars' } });
    await vi.waitFor(() => expect(changes).toBe(1), { timeout: 5_000 });
    const holder = streams().at(-1)!.slot;
    const holding = replicas[holder]!;
    down.add(holder);
    const opened = streams().length;
    holding.child.kill('SIGTERM');
    await vi.waitFor(() => expect(holding.stderr()).toContain('shutting down'));
    // Sent while no stream is open anywhere (the client waits a second before reconnecting): kept in Redis.
    await client.callTool({ name: 'ghl_enable_toolset', arguments: { toolset: 'opportunities' } });
    expect(streams().length).toBe(opened);
    await vi.waitFor(() => expect(changes).toBe(2), { timeout: 10_000 });
    expect(streams().at(-1)).toMatchObject({ slot: 1 - holder, status: 200 });
    expect(await holding.exited).toBe(0);
    expect(holding.stderr()).toMatch(/"streams":1/);
    expect(transport.sessionId).toBe(sessionId);
    expect((await client.listTools()).tools.map((tool) => tool.name)).toContain('opportunities_get_pipelines');
    replicas[holder] = await start();
    down.delete(holder);
    await close();
  }, 60_000);
});
