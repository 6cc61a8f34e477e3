import type { NodeStreamableHTTPServerTransport } from '@modelcontextprotocol/node';
import type { Server } from '@modelcontextprotocol/server';
import type { SessionEvents } from '../../sessions/session-events.js';
import type { SessionSelection } from '../../sessions/selection.js';

/**
 * A stateful MCP session as this replica holds it: its own server instance and transport, built when the session
 * was opened here or rebuilt from its record. The record (src/sessions) is the session; this is a live copy of it,
 * which other replicas may hold too.
 */
export interface Session {
  id: string;
  server: Server;
  transport: NodeStreamableHTTPServerTransport;
  /** The auth principal and tenant that opened it; requests from anyone else never reach it. */
  owner: string;
  /** The SDK transport's event store: what its streams send is kept for Last-Event-ID replay. */
  events: SessionEvents;
  selection: SessionSelection;
  /** The record version this copy matches. */
  version: number;
  logLevel?: string;
  /** Requests (and GET streams) open right now; a copy is idle only when this is 0. */
  active: number;
  /** GET streams open right now: notifications for the session are written here. */
  streams: number;
  lastSeen: number;
  /** Gives back what the session held (a tenant context). */
  release: () => void;
}

export interface SessionLimits {
  idleMs: number;
  /** Live copies this process holds at most. */
  max: number;
}

/** The live session copies of this process: lookup by id, the process-wide cap, idle eviction. */
export class SessionRegistry {
  private readonly sessions = new Map<string, Session>();

  constructor(
    private readonly limits: SessionLimits,
    private readonly now: () => number = Date.now,
  ) {}

  get size(): number {
    return this.sessions.size;
  }

  /** This replica's copy of the session, whoever owns it (callers compare owners). */
  get(id: string): Session | undefined {
    return this.sessions.get(id);
  }

  /** Why this process may not hold one more session now, or undefined. */
  refusal(): string | undefined {
    return this.sessions.size >= this.limits.max ? `The server holds its maximum of ${this.limits.max} sessions; try again later.` : undefined;
  }

  add(session: Session): void {
    this.sessions.set(session.id, session);
  }

  /** Marks a request on the session as started; the returned function marks it finished. */
  enter(session: Session, stream = false): () => void {
    session.active += 1;
    if (stream) session.streams += 1;
    session.lastSeen = this.now();
    let left = false;
    return () => {
      if (left) return;
      left = true;
      session.active -= 1;
      if (stream) session.streams -= 1;
      session.lastSeen = this.now();
    };
  }

  /** The copies holding a GET stream. */
  streaming(): Session[] {
    return [...this.sessions.values()].filter((session) => session.streams > 0);
  }

  /** Drops this copy and closes its server (the session itself lives on in its record); safe to call more than once. */
  async remove(id: string, only?: Session): Promise<void> {
    const session = this.sessions.get(id);
    if (!session || (only && session !== only)) return;
    this.sessions.delete(id);
    session.release();
    await session.server.close().catch(() => {});
  }

  /** Drops the copies nobody has used here for the idle time; returns their ids. */
  async expireIdle(): Promise<string[]> {
    const cutoff = this.now() - this.limits.idleMs;
    const idle = [...this.sessions.values()].filter((session) => session.active === 0 && session.lastSeen <= cutoff);
    await Promise.all(idle.map((session) => this.remove(session.id)));
    return idle.map((session) => session.id);
  }

  /** Closes every GET stream: their clients reconnect (to another replica, with Last-Event-ID). */
  closeStreams(): number {
    const open = this.streaming();
    for (const session of open) session.transport.closeStandaloneSSEStream();
    return open.length;
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.sessions.keys()].map((id) => this.remove(id)));
  }
}
