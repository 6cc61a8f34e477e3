import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { NodeStreamableHTTPServerTransport } from '@modelcontextprotocol/node';
import { type InitializeRequest, isInitializeRequest, type RequestId, type Server, SUPPORTED_PROTOCOL_VERSIONS } from '@modelcontextprotocol/server';
import type { Logger } from '../../logger.js';
import { type Build, type BuiltServer, Refusal, SessionCopies, unavailableAs503 } from '../../sessions/copies.js';
import type { SessionRecord } from '../../sessions/records.js';
import { type SessionSelection, selectionRequest } from '../../sessions/selection.js';
import type { SessionService } from '../../sessions/service.js';
import { STANDALONE_STREAM } from '../../sessions/events.js';
import { primeStream } from '../../sessions/session-events.js';
import { serveResumedRequest } from '../../sessions/resumed-stream.js';
import type { SelectionRequest, ToolSelection } from '../../toolsets/selection.js';
import type { TenantCredentials } from './auth.js';
import { rpcError, RPC } from './responses.js';
import type { Session, SessionRegistry } from './sessions.js';
import type { TenantContext, TenantRegistry } from './tenants.js';

/** What a session's server is built from besides the process-wide pieces. */
export interface SessionParts {
  /** The session's own toolsets / read-only; absent: the server's. */
  selection?: ToolSelection;
  /** Where a session's selection lives (stateful sessions): ghl_enable_toolset writes through it to the record. */
  selectionCell?: SessionSelection;
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
  /** A selection from a session record (null: the server's own). */
  select: (request: SelectionRequest | null) => ToolSelection;
  sessions: SessionRegistry;
  store: SessionService;
  maxSessionsPerClient: number;
  tenants?: TenantRegistry;
  logger: Logger;
}

/**
 * Hands MCP requests to the SDK's streamable HTTP transport: in stateful mode one server and transport per
 * session on this replica, found by `Mcp-Session-Id` and owner, or rebuilt from the session's record when another
 * replica opened it; in stateless mode a fresh pair per request.
 */
export class McpDispatcher {
  private readonly copies: SessionCopies;

  constructor(private readonly options: DispatchOptions) {
    this.copies = new SessionCopies({ sessions: options.sessions, store: options.store, select: options.select, logger: options.logger });
  }

  async post(req: IncomingMessage, res: ServerResponse, caller: Caller, body: unknown): Promise<void> {
    if (this.options.stateless) return this.oneShot(req, res, caller, body);
    try {
      if (header(req, 'mcp-session-id')) {
        const session = await this.find(req, res, caller);
        if (!session) return;
        res.on('close', this.options.sessions.enter(session));
        followNegotiatedVersion(req, session.server);
        return await this.exchange(session.transport, req, res, body, resumable(session.server));
      }
      if (!isInitializeRequest(body)) {
        return rpcError(res, 400, RPC.serverError, 'Bad Request: Mcp-Session-Id header is required (initialize first)');
      }
      return await this.initialize(req, res, caller, body);
    } catch (error) {
      if (error instanceof Refusal) return rpcError(res, error.status, error.code, error.message, error.headers);
      throw error;
    }
  }

  async get(req: IncomingMessage, res: ServerResponse, caller: Caller): Promise<void> {
    if (this.options.stateless) return notAllowed(res, 'This server is stateless: there is no session stream to open (GET).');
    const session = await this.find(req, res, caller).catch((error: unknown) => refused(res, error));
    if (!session) return;
    const resuming = header(req, 'last-event-id');
    const stream = resuming ? await session.events.getStreamIdForEventId(resuming) : undefined;
    if (resuming && stream && stream !== STANDALONE_STREAM && !session.events.answersHere(stream) && header(req, 'accept')?.includes('text/event-stream')) {
      // A request another replica answers (or answered): the SDK here would replay what is kept and close.
      res.on('close', this.options.sessions.enter(session));
      const { store, requestTimeoutMs } = this.options;
      return serveResumedRequest(res, { session: session.id, stream, lastEventId: resuming, events: session.events, delivery: store.delivery, maxWaitMs: requestTimeoutMs });
    }
    res.on('close', this.options.sessions.enter(session, true));
    // Not when resuming a request's stream: the client's next Last-Event-ID must stay on that stream.
    const priming = !resuming || stream === STANDALONE_STREAM ? await session.events.primingId().catch(() => undefined) : undefined;
    if (priming) primeStream(res, priming);
    await session.transport.handleRequest(req, res);
  }

  /** Ends the session on every replica: its record and events are deleted, every copy closes. */
  async delete(req: IncomingMessage, res: ServerResponse, caller: Caller): Promise<void> {
    if (this.options.stateless) return notAllowed(res, 'This server is stateless: there is no session to end (DELETE).');
    const id = header(req, 'mcp-session-id');
    if (!id) return rpcError(res, 400, RPC.serverError, 'Bad Request: Mcp-Session-Id header is required');
    if (!SESSION_ID.test(id)) return rpcError(res, 404, RPC.sessionNotFound, 'Session not found');
    const local = this.options.sessions.get(id);
    const record = local && local.owner !== caller.owner ? undefined : await unavailableAs503(() => this.options.store.touch(id, caller.owner), this.options.logger).catch((error: unknown) => refused(res, error));
    if (res.headersSent) return;
    if (!record) return rpcError(res, 404, RPC.sessionNotFound, 'Session not found');
    try {
      await unavailableAs503(() => this.options.store.end(id), this.options.logger);
    } catch (error) {
      return refused(res, error);
    }
    if (!local) return void res.writeHead(200).end();
    // The SDK answers and closes its transport (the copy here goes with it).
    await local.transport.handleRequest(req, res);
  }

  /** A new session: its record first (the client's next request may reach another replica), then the SDK's initialize. */
  private async initialize(req: IncomingMessage, res: ServerResponse, caller: Caller, body: InitializeRequest): Promise<void> {
    const { sessions, store } = this.options;
    const full = sessions.refusal();
    if (full) throw new Refusal(503, RPC.serverError, full, { 'retry-after': '30' });
    let selection: ToolSelection | undefined;
    try {
      selection = caller.selection();
    } catch (error) {
      throw new Refusal(400, RPC.invalidRequest, (error as Error).message);
    }
    const { protocolVersion, capabilities, clientInfo } = body.params;
    const record: SessionRecord = {
      id: randomUUID(),
      owner: caller.owner,
      clients: caller.clients,
      initialize: { protocolVersion, capabilities, clientInfo } as SessionRecord['initialize'],
      selection: selection ? selectionRequest(selection) : null,
      version: 0,
    };
    const capped = await unavailableAs503(() => store.create(record, this.options.maxSessionsPerClient), this.options.logger);
    if (capped) throw new Refusal(503, RPC.serverError, capped, { 'retry-after': '30' });
    let opened = false;
    const session = await this.copies
      .fresh(record, selection ?? this.options.select(null), this.builder(caller), () => {
        opened = true;
        caller.opened?.(record.id);
      })
      .catch(async (error: unknown) => {
        await store.end(record.id);
        throw error;
      });
    res.on('close', () => {
      if (opened) return;
      void sessions.remove(record.id, session);
      session.release();
      void session.server.close().catch(() => {});
      void store.end(record.id);
    });
    return this.exchange(session.transport, req, res, body);
  }

  /** The caller's session, rebuilt here when needed; answers 400/404 itself and returns undefined. */
  private async find(req: IncomingMessage, res: ServerResponse, caller: Caller): Promise<Session | undefined> {
    const sessionId = header(req, 'mcp-session-id');
    if (!sessionId) return void rpcError(res, 400, RPC.serverError, 'Bad Request: Mcp-Session-Id header is required');
    if (!SESSION_ID.test(sessionId)) return void rpcError(res, 404, RPC.sessionNotFound, 'Session not found');
    const session = await this.copies.open(sessionId, caller.owner, this.builder(caller));
    if (!session) return void rpcError(res, 404, RPC.sessionNotFound, 'Session not found');
    return session;
  }

  /** Stateless: a server and transport for this one request, closed when its response ends. */
  private async oneShot(req: IncomingMessage, res: ServerResponse, caller: Caller, body: unknown): Promise<void> {
    let selection: ToolSelection | undefined;
    try {
      selection = caller.selection();
    } catch (error) {
      return rpcError(res, 400, RPC.invalidRequest, (error as Error).message);
    }
    let built: BuiltServer;
    try {
      built = this.build(caller, { selection });
    } catch (error) {
      return refused(res, error);
    }
    const transport = new NodeStreamableHTTPServerTransport({ sessionIdGenerator: undefined });
    await built.server.connect(transport);
    res.on('close', () => {
      built.release();
      void built.server.close().catch(() => {});
    });
    return this.exchange(transport, req, res, body);
  }

  /** Builds a stateful session's server, with the caller's tenant. */
  private builder(caller: Caller): Build {
    return (selectionCell) => this.build(caller, { selection: selectionCell.get(), selectionCell });
  }

  /** A server for the caller's tenant; throws Refusal when no tenant place is free. */
  private build(caller: Caller, parts: Omit<SessionParts, 'tenant'>): BuiltServer {
    let tenant: ReturnType<TenantRegistry['acquire']>;
    if (caller.tenant) {
      tenant = this.options.tenants?.acquire(caller.tenant);
      if (!tenant) throw new Refusal(503, RPC.serverError, 'The server is serving its maximum number of tenants; try again later.', { 'retry-after': '30' });
    }
    return { server: this.options.newServer({ ...parts, tenant: tenant?.context }), release: tenant?.release ?? (() => {}) };
  }

  /**
   * Runs one POST through the transport under the per-request timeout. A request still unanswered when it runs
   * out is cancelled (its upstream call aborted) and answered with a timeout error on its own stream; one whose
   * client hung up first is cancelled too, as nobody will read its answer — unless its stream is resumable (the
   * client reconnects with Last-Event-ID, maybe to another replica, and reads the answer there): that one runs on
   * (its GHL call has its own timeout; a replica serving the resume waits at most the request timeout).
   */
  private async exchange(transport: NodeStreamableHTTPServerTransport, req: IncomingMessage, res: ServerResponse, body: unknown, resumable = false): Promise<void> {
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
        if (!timedOut && !resumable && !res.writableFinished) cancel(transport, ids, 'The client closed the connection');
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

/**
 * The ids this server gives (randomUUID). Anything else is no session, answered before it reaches the store: a
 * session id is part of Redis key names, and `<id>:replies` or `client:<key>` would name another session's keys.
 */
const SESSION_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The first version whose clients read a priming event (an id with empty data) and reconnect to poll (SEP-1699). */
const POLLING_VERSION = '2025-11-25';

/**
 * A request's stream behaves as the session negotiated at initialize (on a replica that rebuilt the session, as its
 * record negotiated it again): a session at 2025-11-25 or later gets the priming event, its `retry:` and streams the
 * server may close for polling, even when one request's MCP-Protocol-Version header (or no header) names an older
 * version. The SDK transport decides from the request's header alone, so the header it sees is raised to the
 * negotiated version; a session that negotiated an older version is left alone and gets no priming event (its
 * parser may not expect empty data). The session's negotiation is authoritative: a client that negotiated
 * 2025-11-25 reads these events whatever one header says (the conformance suite 0.1.13 sends 2025-03-26 on requests
 * of a 2025-11-25 session, a bug of the suite's).
 */
export function followNegotiatedVersion(req: IncomingMessage, server: Pick<Server, 'getNegotiatedProtocolVersion'>): void {
  // Deprecated for the 2026 per-request era only: on a 2025-era session it is the version initialize negotiated.
  const negotiated = server.getNegotiatedProtocolVersion();
  if (!negotiated || negotiated < POLLING_VERSION) return;
  const claimed = header(req, 'mcp-protocol-version');
  // An unsupported version stays as it came: the SDK answers it 400.
  if (claimed === undefined || (SUPPORTED_PROTOCOL_VERSIONS.includes(claimed) && claimed < negotiated)) req.headers['mcp-protocol-version'] = negotiated;
}

/** A session whose request streams start with a priming event: a client that loses one resumes it (SEP-1699). */
function resumable(server: Pick<Server, 'getNegotiatedProtocolVersion'>): boolean {
  const negotiated = server.getNegotiatedProtocolVersion();
  return negotiated !== undefined && negotiated >= POLLING_VERSION;
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Answers a Refusal (or a failing session store) as an error; rethrows anything else. */
function refused(res: ServerResponse, error: unknown): undefined {
  if (error instanceof Refusal) return void rpcError(res, error.status, error.code, error.message, error.headers);
  throw error;
}

function notAllowed(res: ServerResponse, message: string): void {
  rpcError(res, 405, RPC.serverError, message, { allow: 'POST' });
}
