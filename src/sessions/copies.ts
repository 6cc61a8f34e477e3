import { NodeStreamableHTTPServerTransport } from '@modelcontextprotocol/node';
import type { JSONRPCMessage, Server } from '@modelcontextprotocol/server';
import type { Logger } from '../logger.js';
import type { SelectionRequest, ToolSelection } from '../toolsets/selection.js';
import type { Session, SessionRegistry } from '../transports/http/sessions.js';
import type { SessionRecord } from './records.js';
import { replayHandshake, replayLogLevel, REPLAYED } from './restore.js';
import { SessionSelection, selectionRequest } from './selection.js';
import type { SessionService } from './service.js';

/** Clients reconnect a closed stream after a second (the SDK client's own default delay). */
export const STREAM_RETRY_MS = 1000;

/** A refusal to serve, answered by the HTTP layer as a JSON-RPC error. */
export class Refusal extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/** A server for a session, with what it holds (a tenant context) and how to give it back. */
export interface BuiltServer {
  server: Server;
  release: () => void;
}

/** A server for the given selection, with the caller's tenant; throws Refusal when it can't. */
export type Build = (selection: SessionSelection) => BuiltServer;

export interface CopiesOptions {
  sessions: SessionRegistry;
  store: SessionService;
  /** A selection from a record (null: the server's own). */
  select: (request: SelectionRequest | null) => ToolSelection;
  logger: Logger;
}

/**
 * The live copies of sessions on this replica: made for a new session, rebuilt from the record for a session this
 * replica has not seen (or no longer holds), brought up to date when another replica changed the record.
 */
export class SessionCopies {
  private readonly pending = new Map<string, Promise<Session>>();

  constructor(private readonly options: CopiesOptions) {
    options.store.onChanged((id) => void this.refresh(id));
    options.store.onEnded((id) => void options.sessions.remove(id));
  }

  /**
   * A copy for a brand-new session (its record stored already), registered once the SDK has taken the client's
   * initialize; `initialized` is told then.
   */
  async fresh(record: SessionRecord, selection: ToolSelection, build: Build, initialized: () => void): Promise<Session> {
    const session = this.make(record, selection, build, (made) => {
      this.options.sessions.add(made);
      initialized();
    });
    await session.server.connect(session.transport);
    this.observe(session);
    return session;
  }

  /** This replica's copy of a session the caller owns, up to date with its record; undefined: no such session. */
  async open(id: string, owner: string, build: Build): Promise<Session | undefined> {
    const { sessions, store } = this.options;
    const local = sessions.get(id);
    if (local && local.owner !== owner) return undefined;
    const record = await unavailableAs503(() => store.touch(id, owner), this.options.logger);
    if (!record) {
      if (local) void sessions.remove(id);
      return undefined;
    }
    // Looked up again: a concurrent first request may have finished rebuilding it while the store answered.
    const held = local ?? sessions.get(id);
    if (held) {
      if (held.owner !== owner) return undefined;
      await this.sync(held, record);
      return held;
    }
    let rebuilding = this.pending.get(id);
    if (!rebuilding) {
      rebuilding = this.rebuild(record, build).finally(() => this.pending.delete(id));
      this.pending.set(id, rebuilding);
    }
    return rebuilding;
  }

  private async rebuild(record: SessionRecord, build: Build): Promise<Session> {
    const refusal = this.options.sessions.refusal();
    if (refusal) throw new Refusal(503, -32000, refusal, { 'retry-after': '30' });
    const session = this.make(record, this.options.select(record.selection), build);
    await session.server.connect(session.transport);
    this.observe(session);
    try {
      await replayHandshake(session.transport, record);
    } catch (error) {
      session.release();
      await session.server.close().catch(() => {});
      this.options.logger.error({ err: (error as Error).message }, 'a session could not be rebuilt');
      throw new Refusal(500, -32603, 'The session could not be restored on this server');
    }
    this.options.sessions.add(session);
    this.options.logger.debug({ version: record.version }, 'session rebuilt from its record');
    return session;
  }

  private make(record: SessionRecord, initial: ToolSelection, build: Build, initialized?: (session: Session) => void): Session {
    const { store } = this.options;
    const selection = new SessionSelection(initial, (next) => void this.write(session, { selection: selectionRequest(next) }));
    const built = build(selection);
    const events = store.delivery.eventsFor(record.id);
    const transport: NodeStreamableHTTPServerTransport = new NodeStreamableHTTPServerTransport({
      sessionIdGenerator: () => record.id,
      eventStore: events,
      // The `retry:` of a stream's priming event: how long a client waits before it reconnects to a stream the server
      // closed (polling, a replica draining), with Last-Event-ID, to any replica.
      retryInterval: STREAM_RETRY_MS,
      ...(initialized && { onsessioninitialized: () => initialized(session) }),
    });
    const session: Session = {
      id: record.id,
      server: built.server,
      transport,
      owner: record.owner,
      events,
      selection,
      version: record.version,
      logLevel: record.logLevel,
      active: 0,
      streams: 0,
      lastSeen: Date.now(),
      release: built.release,
    };
    // A copy whose transport closed (server closed, DELETE) is gone from this replica; the record stays.
    transport.onclose = () => void this.options.sessions.remove(record.id, session);
    return session;
  }

  /** Once connected: the log levels a client sets are written to the record. */
  private observe(session: Session): void {
    const { transport } = session;
    const asked = new Map<string | number, string>();
    const receive = transport.onmessage;
    transport.onmessage = (message, extra) => {
      const request = message as { id?: string | number; method?: string; params?: { level?: unknown } };
      if (request.method === 'logging/setLevel' && request.id !== undefined && request.id !== REPLAYED && typeof request.params?.level === 'string') {
        asked.set(request.id, request.params.level);
      }
      receive?.(message, extra);
    };
    const send = transport.send.bind(transport);
    transport.send = (message: JSONRPCMessage, options) => {
      const answer = message as { id?: string | number; result?: unknown };
      const level = answer.id !== undefined && 'result' in answer ? asked.get(answer.id) : undefined;
      if (level !== undefined) {
        asked.delete(answer.id!);
        session.logLevel = level;
        void this.write(session, { logLevel: level });
      }
      return send(message, options);
    };
  }

  private async write(session: Session, change: Parameters<SessionService['change']>[1]): Promise<void> {
    try {
      const version = await this.options.store.change(session.id, change);
      if (version !== undefined) session.version = version;
    } catch (error) {
      this.options.logger.warn({ err: (error as Error).message }, 'session record not updated; other replicas keep the previous state');
    }
  }

  /** Another replica changed the record: the copy here follows, if there is one. */
  private async refresh(id: string): Promise<void> {
    const local = this.options.sessions.get(id);
    if (!local) return;
    const record = await this.options.store.get(id).catch(() => undefined);
    if (record) await this.sync(local, record);
  }

  private async sync(session: Session, record: SessionRecord): Promise<void> {
    if (record.version <= session.version) return;
    session.version = record.version;
    session.selection.replace(this.options.select(record.selection));
    if (record.logLevel && record.logLevel !== session.logLevel) {
      session.logLevel = record.logLevel;
      await replayLogLevel(session.transport, session.id, record.logLevel).catch((error: unknown) =>
        this.options.logger.warn({ err: (error as Error).message }, 'log level from another replica not applied'),
      );
    }
  }
}

/**
 * The session store failing (Redis down or hung) is answered 503 with a retry, not as a server error. What Redis
 * said (its address, say) is for the operator's log, not for the client.
 */
export async function unavailableAs503<T>(use: () => Promise<T>, logger?: Logger): Promise<T> {
  try {
    return await use();
  } catch (error) {
    logger?.warn({ err: (error as Error).message }, 'session store unavailable');
    throw new Refusal(503, -32000, 'Sessions are unavailable right now (the session store did not answer); try again shortly.', { 'retry-after': '2' });
  }
}
