import { initializeBody, MCP_HEADERS } from './http.js';

export interface SseEvent {
  id?: string;
  data: string;
}

export interface SseStream {
  status: number;
  /** Resolves with the first event (already received or to come) that matches; rejects after the timeout. */
  next(matches: (event: SseEvent) => boolean, timeoutMs?: number): Promise<SseEvent>;
  close(): void;
  /** Every event received so far. */
  events: SseEvent[];
  /** Resolves when the server ends the stream (or the test closes it). */
  ended: Promise<void>;
}

/** A GET event stream read by hand, the way a client that tracks event ids (Last-Event-ID) reads it. */
export async function openStream(url: string, headers: Record<string, string>): Promise<SseStream> {
  const abort = new AbortController();
  const response = await fetch(url, { method: 'GET', headers: { accept: 'text/event-stream', ...headers }, signal: abort.signal });
  const events: SseEvent[] = [];
  const waiters = new Set<() => void>();
  const ended = (async () => {
    if (!response.body) return;
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of response.body) {
        buffer += decoder.decode(chunk as Uint8Array, { stream: true });
        for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event: SseEvent = { data: '' };
          for (const line of block.split('\n')) {
            if (line.startsWith('id:')) event.id = line.slice(3).trim();
            else if (line.startsWith('data:')) event.data += line.slice(5).trim();
          }
          events.push(event);
          for (const wake of waiters) wake();
        }
      }
    } catch {
      // Closed by the test.
    }
  })();
  return {
    status: response.status,
    events,
    ended,
    next: (matches, timeoutMs = 10_000) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const found = events.find(matches);
          if (!found) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(found);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no matching event within ${timeoutMs} ms; got ${JSON.stringify(events)}`));
        }, timeoutMs);
        waiters.add(check);
        check();
      }),
    close: () => abort.abort(),
  };
}

/** A session opened by hand (initialize, initialized): its headers, and a way to send it JSON-RPC requests. */
export async function rawSession(url: string): Promise<{ headers: Record<string, string>; request(method: string, params?: object): Promise<string> }> {
  const opened = await fetch(url, { method: 'POST', headers: MCP_HEADERS, body: initializeBody() });
  await opened.text();
  const sessionId = opened.headers.get('mcp-session-id');
  if (!sessionId) throw new Error(`initialize answered ${opened.status} without a session id`);
  const headers = { 'mcp-session-id': sessionId, 'mcp-protocol-version': '2025-11-25' };
  const post = async (message: object) => {
    const answer = await fetch(url, { method: 'POST', headers: { ...MCP_HEADERS, ...headers }, body: JSON.stringify({ jsonrpc: '2.0', ...message }) });
    const text = await answer.text();
    if (answer.status >= 300) throw new Error(`${answer.status}: ${text}`);
    return text;
  };
  await post({ method: 'notifications/initialized' });
  let id = 1;
  return { headers, request: (method, params = {}) => post({ id: (id += 1), method, params }) };
}
