import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Server } from '@modelcontextprotocol/server';
import type { Bus } from '../bus/index.js';
import { createAuthz } from '../authz/index.js';
import type { GrantStores } from '../authz/grants.js';
import type { Config, HttpConfig } from '../config.js';
import type { DeliveryNote, WebhookReceiver } from '../events/receiver.js';
import type { Logger } from '../logger.js';
import type { ServerDeps } from '../server.js';
import { SessionService } from '../sessions/service.js';
import type { SelectionRequest, ToolSelection } from '../toolsets/selection.js';
import { challenge, fingerprint, type HeaderTenant, InboundAuth, type SignedInUser, tenantCredentials } from './http/auth.js';
import { type Caller, McpDispatcher } from './http/dispatch.js';
import { RequestGuards } from './http/guards.js';
import { BodyTooLargeError, ClientRequestCaps, readBody } from './http/limits.js';
import { json, rpcError, RPC } from './http/responses.js';
import { parseMcpPath, SelectionHeaderError, sessionAsk, sessionSelection } from './http/selection.js';
import { SessionRegistry } from './http/sessions.js';
import { type TenantContext, TenantRegistry } from './http/tenants.js';

/** The pieces of the app the HTTP transport builds sessions from (see createApp). */
export interface HttpApp {
  /** A new MCP server instance sharing the process-wide pieces, with a session's own parts swapped in. */
  newServer(parts: Partial<Pick<ServerDeps, 'selection' | 'selectionCell' | 'executor' | 'discovery' | 'listing' | 'notices' | 'resources'>>): Server;
  /** A session's own selection; throws SelectionError on unknown names. */
  select(request: SelectionRequest): ToolSelection;
  /** Multi-tenant mode: everything one tenant's sessions are served through, built from its credentials alone. */
  forTenant(credentials: HeaderTenant): TenantContext;
  /** Sign-in mode: everything a signed-in user's sessions are served through, built from their stored GHL grant. */
  forUser(user: SignedInUser, grants: GrantStores): TenantContext;
  /** Between replicas: session records changed or ended, notifications for a stream another replica holds. */
  bus: Bus;
  /** Resource subscriptions: told how to reach a session's stream, and when a session ends. */
  hub?: { setDelivery(deliver: SessionService['delivery']['deliver']): void; sessionEnded(sessionId: string): void };
  /** --webhooks: the process's receiver (its event log is the app's, closed with the app). */
  events?: { receiver?: WebhookReceiver };
}

export interface HttpHandle {
  /** The MCP endpoint, e.g. http://127.0.0.1:3000/mcp. */
  url: string;
  /** Stops taking requests, lets in-flight calls finish (up to the shutdown timeout), then closes everything. */
  shutdown(reason: string): Promise<void>;
}

/**
 * Serves MCP over streamable HTTP at /mcp (and /mcp/readonly, /mcp/x/{toolsets}[/readonly]), with /healthz and
 * /readyz beside it. Every request passes, in order: Host/Origin guards, inbound auth, the client's request cap,
 * the body limit; then the SDK transport of its session (or of the request alone, when stateless).
 */
export async function serveHttp(app: HttpApp, config: Config & { http: HttpConfig }, logger: Logger, onClose: () => Promise<void>): Promise<HttpHandle> {
  const options = config.http;
  const guards = new RequestGuards({ allowedHosts: options.allowedHosts, corsOrigins: options.corsOrigins, loopback: options.loopback });
  const auth = new InboundAuth(options.authTokens);
  // --signin: MCP authorization (OAuth 2.1) with "Sign in with HighLevel"; each user runs on their own GHL grant.
  const authz = config.signin && createAuthz({ ...config, signin: config.signin }, logger);
  const caps = new ClientRequestCaps(options.clientRequestsPerMinute);
  // Wrong or missing inbound tokens, per address: past this budget an address is refused before its token is checked.
  const authFailures = new ClientRequestCaps(AUTH_FAILURES_PER_MINUTE);
  /** Takes `count` requests from every key of a caller (all or none): 0 when admitted, else the wait. */
  const takeRequests = (clients: readonly string[], count: number): number => {
    const waitMs = Math.max(...clients.map((client) => caps.wait(client, count)));
    if (waitMs === 0) for (const client of clients) caps.take(client, count);
    return waitMs;
  };
  const tooMany = (res: ServerResponse, waitMs: number, what: string) =>
    rpcError(res, 429, RPC.serverError, `Too many requests from this client (limit ${options.clientRequestsPerMinute} per minute)${what}`, {
      'retry-after': String(Math.ceil(waitMs / 1000)),
    });
  const sessions = new SessionRegistry({ idleMs: options.sessionIdleMs, max: options.maxSessions });
  // Session records and stream events: in Redis with REDIS_URL (any replica serves any session), else in memory.
  const store = new SessionService({
    redisUrl: options.stateless ? undefined : config.redisUrl,
    idleMs: options.sessionIdleMs,
    bus: app.bus,
    held: (id) => {
      const session = sessions.get(id);
      return session && session.streams > 0 ? session : undefined;
    },
    onEnded: (id) => app.hub?.sessionEnded(id),
    logger,
  });
  if (!options.stateless) app.hub?.setDelivery((id, notification) => store.delivery.deliver(id, notification));
  const tenants = options.multiTenant || authz
    ? new TenantRegistry((credentials) => (credentials.kind === 'user' ? app.forUser(credentials, authz!.grants) : app.forTenant(credentials)), { idleMs: options.sessionIdleMs, max: options.maxSessions })
    : undefined;
  const dispatcher = new McpDispatcher({
    stateless: options.stateless,
    requestTimeoutMs: options.requestTimeoutMs,
    sessions,
    store,
    maxSessionsPerClient: options.maxSessionsPerClient,
    select: (request) => app.select(request ?? config.selection),
    tenants,
    logger,
    newServer: ({ selection, selectionCell, tenant }) =>
      app.newServer({
        ...(selection && { selection }),
        ...(selectionCell && { selectionCell }),
        ...(tenant && { executor: tenant.executor, discovery: tenant.discovery, listing: tenant.listing, resources: tenant.resources, selfUpdate: tenant.selfUpdate, notices: [] }),
      }),
  });

  // GHL's deliveries carry no MCP token and no browser Origin: their signature is their authentication.
  const webhooks = app.events?.receiver;

  let draining = false;
  let inFlight = 0;

  const handle = async (req: IncomingMessage, res: ServerResponse, note: AccessNote): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname === '/healthz') return json(res, 200, { status: 'ok' });
    // Unauthenticated: says ready or draining, nothing about who is connected.
    if (url.pathname === '/readyz') return json(res, draining ? 503 : 200, { status: draining ? 'draining' : 'ready' });
    if (webhooks && url.pathname === webhooks.path) {
      // Refused while draining with 429, the one answer GHL retries (api-facts §5).
      if (draining) return json(res, 429, { error: 'The server is shutting down' }, { connection: 'close', 'retry-after': '60' });
      inFlight += 1;
      res.on('close', () => {
        inFlight -= 1;
      });
      return webhooks.handle(req, res, note);
    }
    if (authz && (await authz.routes.handle(req, res, url))) return;
    const path = parseMcpPath(url.pathname);
    if (!path) return json(res, 404, { error: 'Not found: the MCP endpoint is /mcp' });
    if (draining) return rpcError(res, 503, RPC.serverError, 'The server is shutting down', { connection: 'close', 'retry-after': '1' });
    const refused = guards.refusal(req);
    if (refused) return rpcError(res, 403, RPC.serverError, `Forbidden: ${refused}`);
    if (req.method === 'OPTIONS') return guards.preflight(req, res);
    guards.applyCors(req, res);
    const address = `ip:${req.socket.remoteAddress ?? '?'}`;
    const lockedOutMs = auth.enabled || authz ? authFailures.wait(address) : 0;
    if (lockedOutMs > 0) {
      authFailures.charge(address);
      return rpcError(res, 429, RPC.serverError, 'Too many failed authentication attempts from this address', {
        'retry-after': String(Math.ceil(lockedOutMs / 1000)),
      });
    }
    const signedIn = authz ? await authz.guard.check(req, url.pathname, path.readOnly) : undefined;
    if (signedIn && 'refuse' in signedIn) {
      // A client discovering how to sign in sends no token: only a wrong token counts as a failed attempt.
      if (signedIn.presented) authFailures.charge(address);
      return signedIn.refuse(res);
    }
    const user = signedIn?.user;
    const outcome = auth.check(req);
    if ('refusal' in outcome) {
      authFailures.charge(address);
      return rpcError(res, 401, RPC.serverError, 'Unauthorized: send Authorization: Bearer <one of MCP_AUTH_TOKENS>', {
        'www-authenticate': challenge(outcome.refusal),
      });
    }
    const tenant = user ?? (options.multiTenant ? tenantCredentials(req) : undefined);
    if (options.multiTenant && !tenant) {
      return rpcError(res, 400, RPC.invalidRequest, 'This server serves each client with its own GHL token: send it in the X-GHL-Token header (and the location in X-GHL-Location-Id).');
    }
    // Who is capped: the inbound client (auth principal, or address without auth) and, in multi-tenant mode, the
    // tenant as well: a made-up X-GHL-Token buys no requests or sessions beyond the inbound client's own.
    const inbound = user ? user.id : auth.enabled ? `auth:${outcome.principal.id}` : address;
    const clients = tenant && !user ? [`tenant:${tenant.id}`, inbound] : [inbound];
    note.client = clients[0];
    const waitMs = takeRequests(clients, 1);
    if (waitMs > 0) return tooMany(res, waitMs, '');
    let ask: ReturnType<typeof sessionAsk>;
    try {
      ask = sessionAsk(path, req);
    } catch (error) {
      if (error instanceof SelectionHeaderError) return rpcError(res, 400, RPC.invalidRequest, error.message);
      throw error;
    }
    const caller: Caller = {
      owner: user ? user.id : `${outcome.principal.id}|${tenant?.id ?? ''}`,
      clients,
      tenant,
      opened: (sessionId) => (note.session = fingerprint(sessionId, 'session')),
      selection: () => {
        const request = sessionSelection(config.selection, ask);
        return request && app.select(request);
      },
    };
    if (req.method === 'GET') return dispatcher.get(req, res, caller);
    if (req.method === 'DELETE') return dispatcher.delete(req, res, caller);
    if (req.method !== 'POST') return rpcError(res, 405, RPC.serverError, 'Method not allowed', { allow: 'GET, POST, DELETE' });
    let body: unknown;
    try {
      body = JSON.parse(await readBody(req, options.maxBodyBytes));
    } catch (error) {
      if (error instanceof BodyTooLargeError) return rpcError(res, 413, RPC.serverError, error.message, { connection: 'close' });
      return rpcError(res, 400, RPC.parseError, 'Parse error: Invalid JSON');
    }
    Object.assign(note, describeRpc(body));
    if (Array.isArray(body)) {
      if (body.length > MAX_BATCH_MESSAGES) {
        return rpcError(res, 400, RPC.invalidRequest, `A JSON-RPC batch may hold at most ${MAX_BATCH_MESSAGES} messages; send ${body.length} in smaller batches`);
      }
      // Every message of a batch is a request against --client-rpm; the first was counted on arrival.
      const batchWaitMs = body.length > 1 ? takeRequests(clients, body.length - 1) : 0;
      if (batchWaitMs > 0) return tooMany(res, batchWaitMs, `: a batch of ${body.length} counts as ${body.length}`);
    }
    inFlight += 1;
    res.on('close', () => {
      inFlight -= 1;
    });
    await dispatcher.post(req, res, caller, body);
  };

  // Node checks the slow-sender limits below only every connectionsCheckingInterval (30 s by default), which let a
  // slow client hold a connection for up to 60 s; checked every second, they hold to within a second.
  const httpServer = createHttpServer({ connectionsCheckingInterval: 1_000 }, (req, res) => {
    const started = performance.now();
    const note: AccessNote = {};
    res.on('close', () => accessLog(logger, req, res, started, note));
    handle(req, res, note).catch((error: unknown) => {
      logger.error({ err: (error as Error).message }, 'request failed');
      rpcError(res, 500, -32603, 'Internal server error');
    });
  });
  // Slow senders cannot hold a connection: headers within 10 s, the whole request within 30 s.
  httpServer.headersTimeout = 10_000;
  httpServer.requestTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(options.port, options.host, resolve);
  });
  const address = httpServer.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const endpoint = `http://${host}:${address.port}/mcp`;
  if (authz) authz.listening(endpoint);

  const sweeper = setInterval(() => {
    void sweepSessions(store, sessions, logger);
    void tenants?.expireIdle();
  }, Math.min(60_000, Math.max(1_000, Math.floor(options.sessionIdleMs / 2))));
  sweeper.unref();

  let closing: Promise<void> | undefined;
  const shutdown = (reason: string) => {
    closing ??= (async () => {
      draining = true;
      // Handed over, not ended: their clients reconnect elsewhere with Last-Event-ID; the records stay.
      const streams = sessions.closeStreams();
      logger.info({ reason, inFlight, sessions: sessions.size, streams }, 'shutting down: finishing in-flight requests');
      httpServer.close();
      const deadline = Date.now() + options.shutdownTimeoutMs;
      while (inFlight > 0 && Date.now() < deadline) {
        httpServer.closeIdleConnections();
        await sleep(25);
      }
      if (inFlight > 0) logger.warn({ inFlight }, 'shutdown timeout reached with requests still running');
      clearInterval(sweeper);
      await sessions.closeAll();
      await store.close();
      await tenants?.closeAll();
      if (authz) await authz.close();
      httpServer.closeAllConnections();
      await onClose();
    })();
    return closing;
  };

  logger.info(
    {
      url: endpoint,
      stateless: options.stateless,
      auth: auth.enabled,
      multiTenant: options.multiTenant,
      ...(authz && { signin: authz.endpoints.issuer }),
      cors: options.corsOrigins.length > 0,
      ...(webhooks && { webhooks: webhooks.path, legacySignatures: config.webhooks!.legacyRsaKey !== undefined, eventStore: config.redisUrl ? 'redis' : 'memory' }),
    },
    'serving MCP over streamable HTTP',
  );
  return { url: endpoint, shutdown };
}

/**
 * Session upkeep, every sweep: records whose idle time ran out end (a memory store notices; Redis expires them by
 * itself), copies unused here for the idle time are dropped (the record stays), and a session whose GET stream is
 * open here is kept alive: a listening client is not idle.
 */
async function sweepSessions(store: SessionService, sessions: SessionRegistry, logger: Logger): Promise<void> {
  try {
    const ended = await store.endExpired();
    await Promise.all(ended.map((id) => sessions.remove(id)));
    const dropped = await sessions.expireIdle();
    await Promise.all(sessions.streaming().map((session) => store.touch(session.id, session.owner)));
    if (ended.length > 0) {
      // As the access log shows sessions: fingerprints, a few of them.
      const named = ended.slice(0, 20).map((id) => fingerprint(id, 'session'));
      logger.info({ expired: ended.length, ended: named, sessions: sessions.size }, 'idle sessions ended');
    }
    if (dropped.length > 0) logger.debug({ dropped: dropped.length, sessions: sessions.size }, 'idle session copies dropped (their records stay)');
  } catch (error) {
    logger.warn({ err: (error as Error).message }, 'session upkeep failed; trying again at the next sweep');
  }
}

/** Failed inbound authentications per address and minute before the address is refused outright (429). */
const AUTH_FAILURES_PER_MINUTE = 60;
/** Messages in one JSON-RPC batch; each also counts against --client-rpm. */
const MAX_BATCH_MESSAGES = 20;
/** Names in an access-log line (path, JSON-RPC method, tool) are cut here: a client chooses them, at any length. */
const MAX_LOGGED_NAME = 120;

/** What the access log says about a request besides method, path and status. */
interface AccessNote extends DeliveryNote {
  client?: string;
  /** Fingerprint of the session a request opened. */
  session?: string;
  rpc?: string;
  tool?: string;
  batch?: number;
}

/** The JSON-RPC method (and tool) of a POST, for the access log; arguments are never logged. */
function describeRpc(body: unknown): AccessNote {
  if (Array.isArray(body)) return { rpc: 'batch', batch: body.length };
  const message = body as { method?: unknown; params?: { name?: unknown } } | null;
  const method = typeof message?.method === 'string' ? message.method : undefined;
  const tool = method === 'tools/call' && typeof message?.params?.name === 'string' ? message.params.name : undefined;
  return { rpc: clip(method), tool: clip(tool) };
}

function clip(text: string | undefined): string | undefined {
  return text !== undefined && text.length > MAX_LOGGED_NAME ? `${text.slice(0, MAX_LOGGED_NAME)}…` : text;
}

/** One structured line per request, on stderr: no tokens, no session IDs (a fingerprint of them), no arguments. */
function accessLog(logger: Logger, req: IncomingMessage, res: ServerResponse, started: number, note: AccessNote): void {
  const sessionId = req.headers['mcp-session-id'] as string | undefined;
  logger.info(
    {
      method: req.method,
      path: clip(new URL(req.url ?? '/', 'http://localhost').pathname),
      status: res.statusCode,
      ms: Math.round(performance.now() - started),
      ...note,
      ...(sessionId && { session: fingerprint(sessionId, 'session') }),
      ...(!res.writableFinished && { aborted: true }),
    },
    'http',
  );
}
