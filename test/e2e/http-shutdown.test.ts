import { request } from 'node:http';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeGhl } from '../../src/sandbox/fake-ghl.js';
import { connectHttp, type HttpServerProcess, initializeBody, MCP_HEADERS, rawRequest, startHttpServer } from '../helpers/http.js';
import { resultBody } from '../helpers/results.js';

const GHL_TOKEN = 'pit-shutdown-secret-9999';

/** A promise the test resolves by hand: the fake holds a request until the test lets it go. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, opened };
}

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let attempt = 0; attempt < 400; attempt += 1) {
    if (condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`gave up waiting for ${what}`);
}

describe('streamable HTTP: graceful shutdown and per-request timeouts', () => {
  const fake = new FakeGhl({ tokens: [GHL_TOKEN] });
  const held = new Map<string, { arrived: ReturnType<typeof gate>; release: ReturnType<typeof gate> }>();
  let baseUrl: string;
  let timeoutServer: HttpServerProcess;
  /** No request timeout: only the client hanging up can end a held call early. */
  let plainServer: HttpServerProcess;

  beforeAll(async () => {
    fake.route('GET', '/locations/{locationId}', async (req) => {
      const hold = held.get(req.params.locationId!);
      if (hold) {
        hold.arrived.open();
        await hold.release.opened;
      }
      return { status: 200, body: { location: { id: req.params.locationId } } };
    });
    baseUrl = await fake.listen();
    [timeoutServer, plainServer] = await Promise.all([
      startHttpServer({ GHL_API_KEY: GHL_TOKEN, GHL_BASE_URL: baseUrl }, ['--request-timeout-ms', '800']),
      startHttpServer({ GHL_API_KEY: GHL_TOKEN, GHL_BASE_URL: baseUrl }),
    ]);
  });

  afterAll(async () => {
    for (const hold of held.values()) hold.release.open();
    await Promise.all([timeoutServer?.stop(), plainServer?.stop()]);
    await fake.close();
  });

  const hold = (locationId: string) => {
    const entry = { arrived: gate(), release: gate() };
    held.set(locationId, entry);
    return entry;
  };

  it('SIGTERM during a slow call: the call completes, new requests are refused, the process exits 0', async () => {
    const server = await startHttpServer({ GHL_API_KEY: GHL_TOKEN, GHL_BASE_URL: baseUrl });
    const { client } = await connectHttp(server.url);
    const slow = hold('loc-slow');
    const call = client.callTool({ name: 'locations_get_location', arguments: { locationId: 'loc-slow' } });
    await slow.arrived.opened;
    server.child.kill('SIGTERM');
    await until(() => server.stderr().includes('shutting down'), 'the server to start draining');
    const late = await fetch(server.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }).then(
      (response) => response.status,
      () => 'refused',
    );
    expect([503, 'refused']).toContain(late);
    slow.release.open();
    const result = await call;
    expect(result.isError).toBeFalsy();
    expect(resultBody(result)).toEqual({ location: { id: 'loc-slow' } });
    expect(await server.exited).toBe(0);
    expect(server.stderr()).not.toContain('shutdown timeout reached');
  });

  it('a request over --request-timeout-ms is answered with a timeout error and its GHL call aborted', async () => {
    const { client, close } = await connectHttp(timeoutServer.url);
    const stuck = hold('loc-stuck');
    const call = client.callTool({ name: 'locations_get_location', arguments: { locationId: 'loc-stuck' } });
    await stuck.arrived.opened;
    const recorded = fake.requests.at(-1)!;
    await expect(call).rejects.toThrow(/timed out after 800 ms/);
    await until(() => recorded.aborted === true, 'the GHL request to be aborted');
    // The session is still usable afterwards.
    const ok = await client.callTool({ name: 'locations_get_location', arguments: { locationId: 'loc-fine' } });
    expect(ok.isError).toBeFalsy();
    await close();
  });

  const callBody = (id: number, locationId: string) =>
    JSON.stringify({ jsonrpc: '2.0', id, method: 'tools/call', params: { name: 'locations_get_location', arguments: { locationId } } });

  it('a client hanging up mid-call aborts its GHL request, and the session goes on', async () => {
    // A session before 2025-11-25: its request streams are not resumable, so a hang-up is the end of the call (one
    // at 2025-11-25 may resume the stream elsewhere: test/unit/session-resumed-request.test.ts).
    const older = JSON.stringify({ ...JSON.parse(initializeBody()), params: { ...JSON.parse(initializeBody()).params, protocolVersion: '2025-06-18' } });
    const init = await rawRequest(plainServer.url, { headers: MCP_HEADERS, body: older });
    const session = { ...MCP_HEADERS, 'mcp-session-id': init.headers['mcp-session-id'] as string };
    expect((await rawRequest(plainServer.url, { headers: session, body: JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }) })).status).toBe(202);
    const gone = hold('loc-hung-up');
    const call = request(plainServer.url, { method: 'POST', headers: session });
    call.on('error', () => {});
    call.end(callBody(5, 'loc-hung-up'));
    await gone.arrived.opened;
    const recorded = fake.requests.at(-1)!;
    call.destroy();
    await until(() => recorded.aborted === true, 'the GHL request to be aborted');
    const after = await rawRequest(plainServer.url, { headers: session, body: callBody(6, 'loc-after') });
    expect(after.status).toBe(200);
    expect(after.body).toContain('loc-after');
  });

  it('draining: a request arriving on a connection already open is answered 503, while the call before it completes', async () => {
    const server = await startHttpServer({ GHL_API_KEY: GHL_TOKEN, GHL_BASE_URL: baseUrl }, ['--stateless']);
    const slow = hold('loc-draining');
    const { host, port } = new URL(server.url);
    const socket = connect(Number(port), '127.0.0.1');
    let answers = '';
    socket.on('data', (chunk: Buffer) => (answers += chunk.toString()));
    const closed = new Promise((resolve) => socket.on('close', resolve));
    const raw = (body: string) =>
      `POST /mcp HTTP/1.1\r\nHost: ${host}\r\nContent-Type: application/json\r\nAccept: application/json, text/event-stream\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
    socket.write(raw(callBody(1, 'loc-draining')));
    await slow.arrived.opened;
    server.child.kill('SIGTERM');
    await until(() => server.stderr().includes('shutting down'), 'the server to start draining');
    // The same keep-alive connection, pipelined behind the call in flight: handled at once, answered after it.
    socket.write(raw(JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'ping' })));
    slow.release.open();
    await closed;
    const statuses = [...answers.matchAll(/^HTTP\/1\.1 (\d{3})/gm)].map((match) => Number(match[1]));
    expect(statuses).toEqual([200, 503]);
    expect(answers).toContain('loc-draining');
    expect(answers).toContain('The server is shutting down');
    expect(await server.exited).toBe(0);
  });
});
