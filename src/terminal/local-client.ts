import {
  type ElicitRequestFormParams,
  type ElicitResult,
  InMemoryTransport,
  type JSONRPCMessage,
  LATEST_PROTOCOL_VERSION,
  type Server,
} from '@modelcontextprotocol/server';

export interface LocalClient {
  /** One MCP request; a JSON-RPC error becomes a thrown Error with the server's message. */
  request<T>(method: string, params?: Record<string, unknown>): Promise<T>;
  close(): Promise<void>;
}

export interface LocalClientOptions {
  version: string;
  /** Answers the server's elicitations (a confirmation); without it the client declares no elicitation. */
  elicit?: (params: ElicitRequestFormParams) => Promise<ElicitResult>;
}

type Pending = { resolve: (result: unknown) => void; reject: (error: Error) => void };

/**
 * A person's terminal as an MCP client of the server in this process: initialize, then the same tools/list and
 * tools/call an MCP client sends, so a call tried here behaves as it will for an agent (selection, discovery,
 * confirmation, results). Only what the terminal commands need: requests, and the server's elicitations.
 */
export async function connectLocal(server: Server, options: LocalClientOptions): Promise<LocalClient> {
  const [mine, theirs] = InMemoryTransport.createLinkedPair();
  const pending = new Map<number, Pending>();
  let nextId = 1;

  mine.onmessage = (message: JSONRPCMessage) => {
    const incoming = message as { id?: number | string; method?: string; params?: unknown; result?: unknown; error?: { message: string } };
    if (incoming.method === undefined && typeof incoming.id === 'number') {
      const waiting = pending.get(incoming.id);
      pending.delete(incoming.id);
      if (incoming.error) waiting?.reject(new Error(incoming.error.message));
      else waiting?.resolve(incoming.result);
      return;
    }
    // A request from the server (notifications need no answer).
    if (incoming.method !== undefined && incoming.id !== undefined) void answer(incoming.id, incoming.method, incoming.params);
  };

  const answer = async (id: number | string, method: string, params: unknown) => {
    const reply = (body: { result: unknown } | { error: { code: number; message: string } }) => mine.send({ jsonrpc: '2.0', id, ...body } as JSONRPCMessage);
    if (method === 'ping') return reply({ result: {} });
    if (method === 'elicitation/create' && options.elicit) return reply({ result: await options.elicit(params as ElicitRequestFormParams) });
    return reply({ error: { code: -32601, message: `${method} is not supported by this terminal` } });
  };

  await server.connect(theirs);
  await mine.start();
  const request = <T>(method: string, params?: Record<string, unknown>) =>
    new Promise<T>((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve: resolve as (result: unknown) => void, reject });
      mine.send({ jsonrpc: '2.0', id, method, ...(params && { params }) } as JSONRPCMessage).catch(reject);
    });
  await request('initialize', {
    protocolVersion: LATEST_PROTOCOL_VERSION,
    capabilities: options.elicit ? { elicitation: { form: {} } } : {},
    clientInfo: { name: 'ghl-mcp terminal', version: options.version },
  });
  await mine.send({ jsonrpc: '2.0', method: 'notifications/initialized' } as JSONRPCMessage);
  return { request, close: () => mine.close() };
}
