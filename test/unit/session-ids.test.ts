import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startInProcessHttp } from '../helpers/in-process-http.js';
import { unavailableAs503 } from '../../src/sessions/copies.js';
import { capturedLogger } from '../helpers/oauth.js';
import { redisMissing, TEST_REDIS_URL } from '../helpers/redis-server.js';

const TOKEN = 'session-ids-bearer-0123456789';
const GHL_TOKEN = 'pit-session-ids-1';

/** Session ids are part of Redis key names: one that names another key is no session (404), not a store failure. */
describe.skipIf(await redisMissing())('session ids from the client (REDIS_URL)', () => {
  let server: Awaited<ReturnType<typeof startInProcessHttp>>;
  let url = '';
  beforeAll(async () => {
    server = await startInProcessHttp(GHL_TOKEN, { MCP_AUTH_TOKENS: TOKEN, REDIS_URL: TEST_REDIS_URL });
    url = server.url;
  });
  afterAll(async () => server?.close());

  const post = (body: unknown, session?: string) =>
    fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', authorization: `Bearer ${TOKEN}`, 'mcp-protocol-version': '2025-06-18', ...(session && { 'mcp-session-id': session }) },
      body: JSON.stringify(body),
    });

  it("answers 404 for an id naming one of a session's other keys, on POST, GET and DELETE", async () => {
    const opened = await post({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 't', version: '1' } } });
    expect(opened.status).toBe(200);
    await opened.text();
    const id = opened.headers.get('mcp-session-id')!;
    for (const forged of [`${id}:replies`, `${id}:events`, 'client:x']) {
      const ping = await post({ jsonrpc: '2.0', id: 2, method: 'ping' }, forged);
      expect(ping.status, forged).toBe(404);
      const headers = { authorization: `Bearer ${TOKEN}`, 'mcp-session-id': forged, accept: 'text/event-stream', 'mcp-protocol-version': '2025-06-18' };
      expect((await fetch(url, { method: 'GET', headers })).status, forged).toBe(404);
      expect((await fetch(url, { method: 'DELETE', headers })).status, forged).toBe(404);
    }
    expect((await post({ jsonrpc: '2.0', id: 3, method: 'ping' }, id)).status).toBe(200);
  });
});

describe('a failing session store', () => {
  it("is answered 503 without Redis's own words (its address), which go to the log", async () => {
    const log = capturedLogger();
    const failing = unavailableAs503(() => Promise.reject(new Error('connect ECONNREFUSED 10.1.2.3:6379')), log.logger);
    await expect(failing).rejects.toMatchObject({ status: 503, headers: { 'retry-after': '2' } });
    await expect(failing).rejects.not.toThrow(/10\.1\.2\.3/);
    expect(log.text()).toContain('10.1.2.3');
  });
});
