import { spawn } from 'node:child_process';
import { request } from 'node:http';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { FakeGhl } from '../../src/sandbox/fake-ghl.js';
import { connectHttp, type HttpServerProcess, initializeBody, MCP_HEADERS, rawRequest, startHttpServer } from '../helpers/http.js';
import { CLI } from '../helpers/mcp.js';
import { resultBody } from '../helpers/results.js';

const GHL_TOKEN = 'pit-server-side-secret-1234';
const MCP_TOKENS = ['mcp-inbound-token-aaaa', 'mcp-inbound-token-bbbb'];

describe('streamable HTTP: inbound auth, DNS-rebinding guards, limits', () => {
  const fake = new FakeGhl({ tokens: [GHL_TOKEN] });
  let server: HttpServerProcess;
  let corsServer: HttpServerProcess;
  /** Its own budget for the batch and authentication-throttle tests: 10 requests per minute per client. */
  let limitServer: HttpServerProcess;

  beforeAll(async () => {
    fake.route('GET', '/locations/{locationId}', (req) => ({ status: 200, body: { location: { id: req.params.locationId } } }));
    const baseUrl = await fake.listen();
    const env = { GHL_API_KEY: GHL_TOKEN, GHL_BASE_URL: baseUrl, GHL_LOCATION_ID: 'loc-1', MCP_AUTH_TOKENS: MCP_TOKENS.join(',') };
    [server, corsServer, limitServer] = await Promise.all([
      startHttpServer(env, ['--max-body-bytes', '4096']),
      startHttpServer(env, ['--cors-origins', 'https://app.example.com', '--client-rpm', '5']),
      startHttpServer(env, ['--client-rpm', '10']),
    ]);
  });

  afterAll(async () => {
    await Promise.all([server?.stop(), corsServer?.stop(), limitServer?.stop()]);
    await fake.close();
  });

  const post = (target: HttpServerProcess, headers: Record<string, string>, body = initializeBody()) =>
    fetch(target.url, { method: 'POST', headers: { ...MCP_HEADERS, ...headers }, body });
  const postRaw = (headers: Record<string, string>) =>
    rawRequest(server.url, { headers: { ...MCP_HEADERS, authorization: `Bearer ${MCP_TOKENS[0]}`, ...headers }, body: initializeBody() });

  it('answers 401 with a WWW-Authenticate challenge without a token or with a wrong one', async () => {
    const missing = await post(server, {});
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toBe('Bearer realm="ghl-mcp"');
    const wrong = await post(server, { authorization: 'Bearer mcp-inbound-token-aaab' });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('www-authenticate')).toContain('error="invalid_token"');
    await expect(connectHttp(server.url)).rejects.toThrow();
  });

  it('serves a client with one of MCP_AUTH_TOKENS, calling GHL with the server-side credentials', async () => {
    for (const token of MCP_TOKENS) {
      const { client } = await connectHttp(server.url, { token });
      const { tools } = await client.listTools();
      expect(tools.map((tool) => tool.name)).toContain('locations_get_location');
      const result = await client.callTool({ name: 'locations_get_location', arguments: {} });
      expect(result.isError).toBeFalsy();
      expect(resultBody(result)).toEqual({ location: { id: 'loc-1' } });
      expect(fake.requests.at(-1)!.headers.authorization).toBe(`Bearer ${GHL_TOKEN}`);
      await client.close();
    }
  });

  it('warns at start that its MCP_AUTH_TOKENS are guessable, naming them by position only', () => {
    expect(server.stderr()).toContain('MCP_AUTH_TOKENS token #1 is weak');
    expect(server.stderr()).toContain('MCP_AUTH_TOKENS token #2 is weak');
    for (const token of MCP_TOKENS) expect(server.stderr()).not.toContain(token);
  });

  it('refuses to start on a non-loopback address without MCP_AUTH_TOKENS (nothing is bound)', async () => {
    const child = spawn(process.execPath, [CLI, '--http', '--host', '0.0.0.0', '--port', '0'], {
      env: { PATH: process.env.PATH ?? '', GHL_API_KEY: GHL_TOKEN },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise((resolve) => child.once('exit', resolve));
    expect(code).toBe(2);
    expect(stderr).toContain('MCP_AUTH_TOKENS');
    expect(stderr).not.toContain('serving MCP');
  });

  it.each([
    ['a foreign Host', { host: 'evil.example.com' }],
    ['a foreign Origin', { origin: 'http://evil.example.com' }],
    ['the opaque null Origin', { origin: 'null' }],
    ['a localhost look-alike Origin', { origin: 'http://localhost.evil.example.com' }],
  ])('rejects %s with 403 before authenticating or serving', async (_what, headers) => {
    const before = fake.requests.length;
    const response = await postRaw(headers);
    expect(response.status).toBe(403);
    expect(response.headers['mcp-session-id']).toBeUndefined();
    expect(fake.requests.length).toBe(before);
  });

  it('accepts localhost Host and Origin values on a loopback server', async () => {
    const port = new URL(server.url).port;
    for (const host of [`localhost:${port}`, `127.0.0.1:${port}`]) {
      const response = await postRaw({ host, origin: 'http://localhost:6274' });
      expect(response.status).toBe(200);
      expect(response.headers['mcp-session-id']).toMatch(/^[0-9a-f-]{36}$/);
      // CORS is off unless configured: no browser may read the answer.
      expect(response.headers['access-control-allow-origin']).toBeUndefined();
    }
  });

  it('refuses a body over --max-body-bytes with 413 and sends nothing to GHL', async () => {
    const { client } = await connectHttp(server.url, { token: MCP_TOKENS[0] });
    const before = fake.requests.length;
    await expect(client.callTool({ name: 'locations_get_location', arguments: { locationId: 'x'.repeat(5000) } })).rejects.toThrow(/413|larger/);
    const raw = await post(server, { authorization: `Bearer ${MCP_TOKENS[0]}` }, JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping', pad: 'y'.repeat(5000) }));
    expect(raw.status).toBe(413);
    expect(fake.requests.length).toBe(before);
    await client.close();
  });

  it('answers CORS preflights only for configured origins', async () => {
    const preflight = (target: HttpServerProcess, origin: string) =>
      fetch(target.url, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST' } });
    expect((await preflight(server, 'https://app.example.com')).status).toBe(403);
    const allowed = await preflight(corsServer, 'https://app.example.com');
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    expect(allowed.headers.get('access-control-allow-headers')).toContain('Mcp-Session-Id');
    expect((await preflight(corsServer, 'https://other.example.com')).status).toBe(403);
  });

  it('caps requests per client with 429 and Retry-After', async () => {
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let index = 0; index < 7; index += 1) {
      const response = await post(corsServer, { authorization: `Bearer ${MCP_TOKENS[1]}` });
      statuses.push(response.status);
      if (response.status === 429) retryAfter = response.headers.get('retry-after');
    }
    // The bucket holds five; the other token is another client with its own five.
    expect(statuses.slice(0, 5)).toEqual([200, 200, 200, 200, 200]);
    expect(statuses.slice(5)).toEqual([429, 429]);
    expect(Number(retryAfter)).toBeGreaterThan(0);
    expect((await post(corsServer, { authorization: `Bearer ${MCP_TOKENS[0]}` })).status).toBe(200);
  });

  it('serves /healthz and /readyz without auth, and nothing outside /mcp', async () => {
    expect(await (await fetch(`${server.origin}/healthz`)).json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${server.origin}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready' });
    expect((await fetch(`${server.origin}/admin`)).status).toBe(404);
  });

  const accessLines = (target: HttpServerProcess) => target.stderr().split('\n').filter((line) => line.includes('"msg":"http"'));

  it('logs one line per request without tokens or session IDs', async () => {
    // Its own traffic, so the test holds when run alone: a refusal, a session with a call, its end.
    const before = accessLines(server).length;
    expect((await post(server, {})).status).toBe(401);
    const session = await connectHttp(server.url, { token: MCP_TOKENS[0] });
    expect((await session.client.callTool({ name: 'locations_get_location', arguments: {} })).isError).toBeFalsy();
    await session.close();
    // A line is written once its response is over, which the client may see first.
    await vi.waitFor(() => expect(accessLines(server).slice(before).some((line) => line.includes('"method":"DELETE"'))).toBe(true));
    const log = server.stderr();
    const lines = accessLines(server).slice(before);
    expect(lines.length).toBeGreaterThanOrEqual(5);
    expect(lines.some((line) => line.includes('"status":401'))).toBe(true);
    expect(lines.some((line) => line.includes('"tool":"locations_get_location"'))).toBe(true);
    // A session shows as one fingerprint, from the initialize that opened it to its later requests.
    const opened = lines.map((line) => /"rpc":"initialize".*"session":"([0-9a-f]{16})"/.exec(line)?.[1]).filter(Boolean);
    expect(opened.length).toBeGreaterThan(0);
    expect(lines.some((line) => line.includes(`"session":"${opened[0]}"`) && !line.includes('"rpc":"initialize"'))).toBe(true);
    for (const secret of [GHL_TOKEN, ...MCP_TOKENS]) expect(log).not.toContain(secret);
    expect(log).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/);
  });

  it('cuts client-chosen names in the access log: a long tool name or path does not make a long line', async () => {
    const { client, close } = await connectHttp(server.url, { token: MCP_TOKENS[0] });
    await client.callTool({ name: `t${'x'.repeat(3500)}`, arguments: {} }).catch(() => undefined);
    await close();
    expect((await fetch(`${server.origin}/${'p'.repeat(6000)}`)).status).toBe(404);
    await vi.waitFor(() => expect(accessLines(server).some((line) => line.includes('"status":404') && line.includes('pppp'))).toBe(true));
    const lines = accessLines(server);
    const toolLine = lines.find((line) => line.includes('"tool":"txxx'))!;
    expect(JSON.parse(toolLine).tool).toBe(`t${'x'.repeat(119)}…`);
    expect(JSON.parse(lines.find((line) => line.includes('"path":"/pppp'))!).path).toHaveLength(121);
    expect(Math.max(...lines.map((line) => line.length))).toBeLessThan(1000);
  });

  it('refuses a chunked body over --max-body-bytes with 413 without reading it to the end, and sends nothing to GHL', async () => {
    const before = fake.requests.length;
    const status = await new Promise<number>((resolve, reject) => {
      // No Content-Length: the body arrives in chunks and is never ended, so only counting what arrives can stop it.
      const req = request(server.url, { method: 'POST', headers: { ...MCP_HEADERS, authorization: `Bearer ${MCP_TOKENS[0]}`, 'transfer-encoding': 'chunked' } }, (res) => {
        resolve(res.statusCode ?? 0);
        req.destroy();
      });
      req.on('error', reject);
      for (let chunk = 0; chunk < 5; chunk += 1) req.write('x'.repeat(1000));
    });
    expect(status).toBe(413);
    expect(fake.requests.length).toBe(before);
  }, 15_000);

  it('counts every message of a JSON-RPC batch against --client-rpm, and refuses batches over 20 messages', async () => {
    const token = MCP_TOKENS[0];
    const send = (body: unknown, headers: Record<string, string> = {}) =>
      rawRequest(limitServer.url, { headers: { ...MCP_HEADERS, authorization: `Bearer ${token}`, ...headers }, body: JSON.stringify(body) });
    const init = await send(JSON.parse(initializeBody()));
    const session = { 'mcp-session-id': init.headers['mcp-session-id'] as string };
    expect((await send({ jsonrpc: '2.0', method: 'notifications/initialized' }, session)).status).toBe(202);
    const calls = (count: number) =>
      Array.from({ length: count }, (_, index) => ({ jsonrpc: '2.0', id: 100 + index, method: 'tools/call', params: { name: 'locations_get_location', arguments: {} } }));
    const before = fake.requests.length;
    // 8 of 10 left: a batch of 12 is refused whole, unsent.
    const over = await send(calls(12), session);
    expect(over.status).toBe(429);
    expect(JSON.parse(over.body).error.message).toContain('a batch of 12 counts as 12');
    expect(fake.requests.length).toBe(before);
    // 7 left: a batch of 5 is served, and spends 5.
    const fits = await send(calls(5), session);
    expect(fits.status).toBe(200);
    expect(fake.requests.length).toBe(before + 5);
    const tooLong = await send(calls(21), session);
    expect(tooLong.status).toBe(400);
    expect(JSON.parse(tooLong.body).error.message).toContain('at most 20 messages');
    // The 2 left: one request, then none.
    expect((await send({ jsonrpc: '2.0', id: 1, method: 'ping' }, session)).status).toBe(200);
    expect((await send({ jsonrpc: '2.0', id: 2, method: 'ping' }, session)).status).toBe(429);
  });

  it('refuses an address outright after 60 failed authentications in a minute, whatever token it sends next', async () => {
    const from = (localAddress: string, token: string) =>
      rawRequest(limitServer.url, { localAddress, headers: { ...MCP_HEADERS, authorization: `Bearer ${token}` }, body: initializeBody() });
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 70; attempt += 1) statuses.push((await from('127.0.0.3', `guess-${attempt}`)).status);
    expect(statuses.slice(0, 60).every((status) => status === 401)).toBe(true);
    // Refilled at one a second, the budget lets a guess or two more through; going on keeps the address refused.
    expect(statuses.slice(60).filter((status) => status === 429).length).toBeGreaterThanOrEqual(7);
    expect(statuses.at(-1)).toBe(429);
    const right = await from('127.0.0.3', MCP_TOKENS[1]!);
    expect(right.status).toBe(429);
    expect(JSON.parse(right.body).error.message).toContain('failed authentication attempts');
    expect(Number(right.headers['retry-after'])).toBeGreaterThan(0);
    // Another address is not held back.
    expect((await from('127.0.0.4', MCP_TOKENS[1]!)).status).toBe(200);
  });

  it('drops a slow sender after 10 s without complete headers and 30 s without a complete request, as the README says', async () => {
    /** Seconds until the server closes a connection that sent `start` and then only trickles one byte every 2 s. */
    const secondsUntilDropped = (start: string) =>
      new Promise<number>((resolve, reject) => {
        const began = performance.now();
        const socket = connect(Number(new URL(limitServer.url).port), '127.0.0.1', () => socket.write(start));
        const trickle = setInterval(() => socket.write(start.endsWith('\r\n\r\n') ? 'x' : 'X-Slow: 1\r\n'), 2000);
        socket.on('data', () => {});
        socket.on('close', () => {
          clearInterval(trickle);
          resolve((performance.now() - began) / 1000);
        });
        socket.on('error', () => {});
        socket.setTimeout(50_000, () => reject(new Error('never dropped')));
      });
    const headers = `POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${MCP_TOKENS[1]}\r\n`;
    const [headersDropped, bodyDropped] = await Promise.all([
      secondsUntilDropped(headers),
      secondsUntilDropped(`${headers}Content-Type: application/json\r\nContent-Length: 100000\r\n\r\n`),
    ]);
    expect(headersDropped).toBeGreaterThan(9.5);
    expect(headersDropped).toBeLessThan(12.5);
    expect(bodyDropped).toBeGreaterThan(29.5);
    expect(bodyDropped).toBeLessThan(32.5);
  }, 60_000);
});
