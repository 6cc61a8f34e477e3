import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startInProcessHttp } from '../helpers/in-process-http.js';
import { initializeBody, MCP_HEADERS } from '../helpers/http.js';
import { redisMissing, TEST_REDIS_URL } from '../helpers/redis-server.js';
import { openStream, type SseEvent } from '../helpers/sse.js';

const GHL_TOKEN = 'pit-resumed-request-1';

/**
 * A client whose POST stream is cut mid-call (a proxy) resumes it with GET and Last-Event-ID on the OTHER replica
 * while the first one still waits for GHL: the answer, kept once GHL answers, arrives on the resumed stream, which
 * then ends as the SDK ends a request stream.
 */
describe.skipIf(await redisMissing())('a request stream resumed on another replica while the call runs (REDIS_URL)', () => {
  let a: Awaited<ReturnType<typeof startInProcessHttp>>;
  let b: Awaited<ReturnType<typeof startInProcessHttp>>;
  beforeAll(async () => {
    [a, b] = await Promise.all([startInProcessHttp(GHL_TOKEN, { REDIS_URL: TEST_REDIS_URL }), startInProcessHttp(GHL_TOKEN, { REDIS_URL: TEST_REDIS_URL })]);
  });
  afterAll(async () => Promise.all([a?.close(), b?.close()]));

  const post = (url: string, body: string, headers: Record<string, string> = {}, signal?: AbortSignal) => fetch(url, { method: 'POST', headers: { ...MCP_HEADERS, ...headers }, body, signal });

  it('the reply kept after the client resumed on B is written there, once, and the stream ends', async () => {
    const opened = await post(a.url, initializeBody());
    await opened.text();
    const headers = { 'mcp-session-id': opened.headers.get('mcp-session-id')!, 'mcp-protocol-version': '2025-11-25' };
    expect((await post(a.url, JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }), headers)).status).toBe(202);

    a.fake.route('POST', '/contacts/', () => ({ status: 201, body: { contact: { id: 'c-held', firstName: 'Held' } } }));
    let release!: () => void;
    a.fake.faults.add({ kind: 'hold', until: new Promise<void>((resolve) => (release = resolve)) }, { path: /contacts/ });
    const cut = new AbortController();
    const call = await post(a.url, JSON.stringify({ jsonrpc: '2.0', id: 7, method: 'tools/call', params: { name: 'contacts_create_contact', arguments: { firstName: 'Held' } } }), headers, cut.signal);
    expect(call.headers.get('content-type')).toContain('text/event-stream');
    const reader = call.body!.getReader();
    const first = new TextDecoder().decode((await reader.read()).value);
    const primingId = /^id: (.+)$/m.exec(first)?.[1];
    expect(primingId, first).toBeDefined();
    // The call reached GHL and is held there; only then is the client's stream cut.
    await waitFor(() => a.fake.requests.some((request) => request.path.includes('contacts')));
    cut.abort();

    const resumed = await openStream(b.url, { ...headers, 'last-event-id': primingId! });
    expect(resumed.status).toBe(200);
    release();
    const reply = await resumed.next((event: SseEvent) => event.data.includes('"id":7'));
    expect(JSON.parse(reply.data)).toMatchObject({ jsonrpc: '2.0', id: 7, result: { content: expect.anything() } });
    expect(JSON.parse(reply.data).result.isError).toBeFalsy();
    expect(reply.data).toContain('c-held');
    await resumed.ended;
    expect(resumed.events.filter((event) => event.data.includes('"id":7'))).toHaveLength(1);
    // The call ran to its end on A (it was not cancelled when the client's stream was cut).
    expect(a.fake.requests.find((request) => request.path.includes('contacts'))?.aborted).toBeFalsy();
  });
});

async function waitFor(condition: () => boolean): Promise<void> {
  for (let tries = 0; !condition(); tries += 1) {
    if (tries > 500) throw new Error('condition never met');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
