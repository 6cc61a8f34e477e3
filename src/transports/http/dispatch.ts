import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { NodeStreamableHTTPServerTransport } from '@modelcontextprotocol/node';
import { isInitializeRequest, type RequestId, type Server } from '@modelcontextprotocol/server';
import type { Logger } from '../../logger.js';
import type { ToolSelection } from '../../toolsets/selection.js';
import type { TenantCredentials } from './auth.js';
import { rpcError, RPC } from './responses.js';
import type { SessionRegistry } from './sessions.js';
import type { TenantContext, TenantRegistry } from './tenants.js';

/** What a session's server is built from besides the process-wide pieces. */
export interface SessionParts {
  /** The session's own toolsets / read-only; absent: the server's. */
  selection?: ToolSelection;
  /** Multi-tenant mode: the client's own GHL credentials and everything built on them. */
  tenant?: TenantContext;
}

/** Who is asking, as the HTTP layer established it. */
export interface Caller {
  /** Auth principal and tenant: a session answers only the owner that opened it. */
  owner: string;
  /** The keys of per-client caps: the inbound client (auth principal or address) and, in multi-tenant mode, the tenant. */
  clients: string[];
  tenant?: TenantCredentials;
  /** The session's selection (from URL and headers), computed when a server is built; throws on unknown names. */
  selection: () => ToolSelection | undefined;
  /** Told the id of a session this request opened (for the access log). */
  opened?: (sessionId: string) => void;
}

export interface DispatchOptions {
  stateless: boolean;
  requestTimeoutMs: number;
  newServer: (parts: SessionParts) => Server;
  sessions: SessionRegistry;
  tenants?: TenantRegistry;
  logger: Logger;
}

/**
 * Hands MCP requests to the SDK's streamable HTTP transport: in stateful mode one server and transport per
 * session, found by `Mcp-Session-Id` and owner; in stateless mode a fresh pair per request.
 */
export class McpDispatcher {
  constructor(private readonly options: DispatchOptions) {}

  async post(req: IncomingMessage, res: ServerResponse, caller: Caller, body: unknown): Promise<void> {
    const { sessions, stateless } = this.options;
    const sessionId = header(req, 'mcp-session-id');
    if (stateless) return this.oneShot(req, res, caller, body);
    if (sessionId) {
      const session = sessions.get(sessionId, caller.owner);
      if (!session) return rpcError(res, 404, RPC.sessionNotFound, 'Session not found');
      res.on('close', sessions.enter(session));
      return this.exchange(session.transport, req, res, body);
    }
    if (!isInitializeRequest(body)) {
      return rpcError(res, 400, RPC.serverError, 'Bad Request: Mcp-Session-Id header is required (initialize first)');
    }
    const refusal = sessions.refusal(caller.clients);
    if (refusal) return rpcError(res, 503, RPC.serverError, refusal, { 'retry-after': '30' });
    const built = this.build(res, caller);
    if (!built) return;
    let opened = false;
    const transport: NodeStreamableHTTPServerTransport = new NodeStreamableHTTPServerTransport({
      sessionIdGenerator: randomUUID,
      onsessioninitialized: (id) => {
        opened = true;
        caller.opened?.(id);
        sessions.add({ id, server: built.server, transport, owner: caller.owner, clients: caller.clients, active: 0, lastSeen: Date.now(), release: built.release });
      },
      onsessionclosed: (id) => void sessions.remove(id),
    });
    transport.onclose = () => {
      if (transport.sessionId) void sessions.remove(transport.sessionId);
    };
    await built.server.connect(transport);
    res.on('close', () => {
      if (opened) return;
      built.release();
      void built.server.close().catch(() => {});
    });
    return this.exchange(transport, req, res, body);
  }

  async get(req: IncomingMessage, res: ServerResponse, caller: Caller): Promise<void> {
    if (this.options.stateless) return notAllowed(res, 'This server is stateless: there is no session stream to open (GET).');
    const session = this.find(req, res, caller);
    if (!session) return;
    res.on('close', this.options.sessions.enter(session));
    await session.transport.handleRequest(req, res);
  }

  async delete(req: IncomingMessage, res: ServerResponse, caller: Caller): Promise<void> {
    if (this.options.stateless) return notAllowed(res, 'This server is stateless: there is no session to end (DELETE).');
    const session = this.find(req, res, caller);
    if (!session) return;
    await session.transport.handleRequest(req, res);
  }

  private find(req: IncomingMessage, res: ServerResponse, caller: Caller) {
    const sessionId = header(req, 'mcp-session-id');
    if (!sessionId) return void rpcError(res, 400, RPC.serverError, 'Bad Request: Mcp-Session-Id header is required');
    const session = this.options.sessions.get(sessionId, caller.owner);
    if (!session) return void rpcError(res, 404, RPC.sessionNotFound, 'Session not found');
    return session;
  }

  /** Stateless: a server and transport for this one request, closed when its response ends. */
  private async oneShot(req: IncomingMessage, res: ServerResponse, caller: Caller, body: unknown): Promise<void> {
    const built = this.build(res, caller);
    if (!built) return;
    const transport = new NodeStreamableHTTPServerTransport({ sessionIdGenerator: undefined });
    await built.server.connect(transport);
    res.on('close', () => {
      built.release();
      void built.server.close().catch(() => {});
    });
    return this.exchange(transport, req, res, body);
  }

  /** A server for the caller's selection and tenant; answers the refusal itself and returns undefined when it can't. */
  private build(res: ServerResponse, caller: Caller): { server: Server; release: () => void } | undefined {
    let selection: ToolSelection | undefined;
    try {
      selection = caller.selection();
    } catch (error) {
      return void rpcError(res, 400, RPC.invalidRequest, (error as Error).message);
    }
    let tenant: ReturnType<TenantRegistry['acquire']>;
    if (caller.tenant) {
      tenant = this.options.tenants?.acquire(caller.tenant);
      if (!tenant) return void rpcError(res, 503, RPC.serverError, 'The server is serving its maximum number of tenants; try again later.', { 'retry-after': '30' });
    }
    return { server: this.options.newServer({ selection, tenant: tenant?.context }), release: tenant?.release ?? (() => {}) };
  }

  /**
   * Runs one POST through the transport under the per-request timeout. A request still unanswered when it runs
   * out is cancelled (its upstream call aborted) and answered with a timeout error on its own stream; one whose
   * client hung up first is cancelled too, as nobody will read its answer.
   */
  private async exchange(transport: NodeStreamableHTTPServerTransport, req: IncomingMessage, res: ServerResponse, body: unknown): Promise<void> {
    const ids = requestIds(body);
    const { requestTimeoutMs, logger } = this.options;
    if (ids.length > 0) {
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        logger.warn({ ms: requestTimeoutMs, requests: ids.length }, 'request timed out; cancelling it');
        void timeOut(transport, ids, requestTimeoutMs).finally(() => setTimeout(() => res.destroy(), 1000).unref());
      }, requestTimeoutMs);
      res.on('close', () => {
        clearTimeout(timer);
        if (!timedOut && !res.writableFinished) cancel(transport, ids, 'The client closed the connection');
      });
    }
    await transport.handleRequest(req, res, body);
  }
}

/** Delivered as if the client had cancelled: the handlers' signals abort (their GHL calls too), and late results are dropped. */
function cancel(transport: NodeStreamableHTTPServerTransport, ids: RequestId[], reason: string): void {
  for (const requestId of ids) transport.onmessage?.({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId, reason } });
}

async function timeOut(transport: NodeStreamableHTTPServerTransport, ids: RequestId[], ms: number): Promise<void> {
  const message = `Request timed out after ${ms} ms`;
  cancel(transport, ids, message);
  for (const requestId of ids) {
    await transport
      .send({ jsonrpc: '2.0', id: requestId, error: { code: RPC.requestTimeout, message } }, { relatedRequestId: requestId })
      .catch(() => {});
  }
}

function requestIds(body: unknown): RequestId[] {
  const messages = Array.isArray(body) ? body : [body];
  return messages
    .filter((message): message is { id: RequestId; method: string } => {
      const candidate = message as { id?: unknown; method?: unknown } | null;
      return typeof candidate?.method === 'string' && (typeof candidate.id === 'string' || typeof candidate.id === 'number');
    })
    .map((message) => message.id);
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function notAllowed(res: ServerResponse, message: string): void {
  rpcError(res, 405, RPC.serverError, message, { allow: 'POST' });
}
