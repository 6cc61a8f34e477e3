import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

  beforeAll(async () => {
    fake.route('GET', '/locations/{locationId}', (req) => ({ status: 200, body: { location: { id: req.params.locationId } } }));
    const baseUrl = await fake.listen();
    const env = { GHL_API_KEY: GHL_TOKEN, GHL_BASE_URL: baseUrl, GHL_LOCATION_ID: 'loc-1', MCP_AUTH_TOKENS: MCP_TOKENS.join(',') };
    [server, corsServer] = await Promise.all([
      startHttpServer(env, ['--max-body-bytes', '4096']),
      startHttpServer(env, ['--cors-origins', 'https://app.example.com', '--client-rpm', '5']),
    ]);
  });

  afterAll(async () => {
    await Promise.all([server?.stop(), corsServer?.stop()]);
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

  it('logs one line per request without tokens or session IDs', async () => {
    const log = server.stderr();
    const lines = log.split('\n').filter((line) => line.includes('"msg":"http"'));
    expect(lines.length).toBeGreaterThan(10);
    expect(lines.some((line) => line.includes('"status":401'))).toBe(true);
    expect(lines.some((line) => line.includes('"tool":"locations_get_location"'))).toBe(true);
    // A session shows as one fingerprint, from the initialize that opened it to its later requests.
    const opened = lines.map((line) => /"rpc":"initialize".*"session":"([0-9a-f]{16})"/.exec(line)?.[1]).filter(Boolean);
    expect(opened.length).toBeGreaterThan(0);
    expect(lines.some((line) => line.includes(`"session":"${opened[0]}"`) && !line.includes('"rpc":"initialize"'))).toBe(true);
    for (const secret of [GHL_TOKEN, ...MCP_TOKENS]) expect(log).not.toContain(secret);
    expect(log).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/);
  });
});
