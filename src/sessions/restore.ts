import type { NodeStreamableHTTPServerTransport } from '@modelcontextprotocol/node';
import type { SessionRecord } from './records.js';

/** The id of every request replayed: their answers are kept by no event store and written to no record. */
export const REPLAYED = 'ghl-mcp:replayed';

/** The web-standard transport the Node one wraps: it takes a `Request`, which can be made without a socket. */
interface WebTransport {
  handleRequest(request: Request): Promise<Response>;
}

/**
 * Brings a fresh server and transport (created with the session's id as their id generator) to where the session
 * was: the client's initialize and initialized are replayed from the record, then its log level. The SDK has no
 * call to adopt a session it did not initialise; replaying the handshake through its own request path keeps every
 * piece of its state (negotiated version, client capabilities, session id checks) set exactly as the first time.
 * Their answers go nowhere.
 */
export async function replayHandshake(transport: NodeStreamableHTTPServerTransport, record: SessionRecord): Promise<void> {
  await replay(transport, { id: REPLAYED, method: 'initialize', params: record.initialize });
  await replay(transport, { method: 'notifications/initialized' }, record.id);
  if (record.logLevel) await replayLogLevel(transport, record.id, record.logLevel);
}

/** The level a client set with logging/setLevel (here or on another replica), set on this replica's server too. */
export function replayLogLevel(transport: NodeStreamableHTTPServerTransport, sessionId: string, level: string): Promise<void> {
  return replay(transport, { id: REPLAYED, method: 'logging/setLevel', params: { level } }, sessionId);
}

async function replay(transport: NodeStreamableHTTPServerTransport, message: Record<string, unknown>, sessionId?: string): Promise<void> {
  const web = (transport as unknown as { _webStandardTransport?: WebTransport })._webStandardTransport;
  if (typeof web?.handleRequest !== 'function') throw new Error('This version of the MCP SDK cannot rebuild a session: its transport changed');
  const response = await web.handleRequest(
    new Request('http://session.local/mcp', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...(sessionId && { 'mcp-session-id': sessionId }) },
      body: JSON.stringify({ jsonrpc: '2.0', ...message }),
    }),
  );
  const text = await response.text();
  const answer = text.split('\n').find((line) => line.startsWith('data: {'));
  const failure = answer ? (JSON.parse(answer.slice('data: '.length)) as { error?: { message: string } }).error : undefined;
  if (response.status >= 300 || failure) throw new Error(`replaying ${String(message.method)} failed: ${failure?.message ?? `HTTP ${response.status}`}`);
}
