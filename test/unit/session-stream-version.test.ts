import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startInProcessHttp } from '../helpers/in-process-http.js';
import { STREAM_RETRY_MS } from '../../src/sessions/copies.js';

const GHL_TOKEN = 'pit-stream-version-1';

/**
 * A request's SSE stream follows the version its session negotiated at initialize (priming event with retry, for
 * SEP-1699 polling), not an older MCP-Protocol-Version header on one request; a session that negotiated an older
 * version never gets a priming event.
 */
describe('stream behaviour follows the negotiated protocol version', () => {
  let server: Awaited<ReturnType<typeof startInProcessHttp>>;
  let url = '';
  beforeAll(async () => {
    server = await startInProcessHttp(GHL_TOKEN);
    url = server.url;
  });
  afterAll(async () => server?.close());

  const post = (body: unknown, headers: Record<string, string>) =>
    fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers }, body: JSON.stringify(body) });

  /** A session initialized at `version`, its `initialized` sent: its id. */
  async function open(version: string): Promise<string> {
    const opened = await post({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: version, capabilities: {}, clientInfo: { name: 't', version: '1' } } }, {});
    expect(opened.status).toBe(200);
    const answer = await opened.text();
    expect(answer).toContain(`"protocolVersion":"${version}"`);
    const session = opened.headers.get('mcp-session-id')!;
    expect((await post({ jsonrpc: '2.0', method: 'notifications/initialized' }, { 'mcp-session-id': session, 'mcp-protocol-version': version })).status).toBe(202);
    return session;
  }

  /** The SSE events of a tools/list answer, each as its lines. */
  async function listEvents(session: string, headers: Record<string, string>): Promise<string[][]> {
    const answer = await post({ jsonrpc: '2.0', id: 2, method: 'tools/list' }, { 'mcp-session-id': session, ...headers });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toContain('text/event-stream');
    return (await answer.text())
      .split('\n\n')
      .filter((event) => event.trim() !== '')
      .map((event) => event.split('\n'));
  }

  const isPriming = (event: string[]) => event.some((line) => line.startsWith('id: ')) && event.includes('data: ') && !event.some((line) => line.startsWith('data: {'));

  it('a 2025-11-25 session gets the priming event first, with retry, though the request says 2025-03-26', async () => {
    const session = await open('2025-11-25');
    const events = await listEvents(session, { 'mcp-protocol-version': '2025-03-26' });
    expect(isPriming(events[0]!), events[0]!.join('|').slice(0, 120)).toBe(true);
    expect(events[0]).toContain(`retry: ${STREAM_RETRY_MS}`);
    expect(events.at(-1)!.some((line) => line.startsWith('data: {') && line.includes('"tools"'))).toBe(true);
  });

  it('a 2025-11-25 session gets it with no header too (the transport would assume 2025-03-26)', async () => {
    const session = await open('2025-11-25');
    const events = await listEvents(session, {});
    expect(isPriming(events[0]!)).toBe(true);
  });

  it('a 2025-03-26 session gets no priming event, whatever it sends', async () => {
    const session = await open('2025-03-26');
    for (const headers of [{ 'mcp-protocol-version': '2025-03-26' }, {}] as Record<string, string>[]) {
      const events = await listEvents(session, headers);
      expect(events.some(isPriming)).toBe(false);
      expect(events.every((event) => !event.some((line) => line.startsWith('retry:')))).toBe(true);
      expect(events.at(-1)!.some((line) => line.includes('"tools"'))).toBe(true);
    }
  });

  it('an unsupported version on a request is still refused (not raised to the negotiated one)', async () => {
    const session = await open('2025-11-25');
    const answer = await post({ jsonrpc: '2.0', id: 3, method: 'tools/list' }, { 'mcp-session-id': session, 'mcp-protocol-version': '1999-01-01' });
    expect(answer.status).toBe(400);
  });
});
