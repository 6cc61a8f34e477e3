import type { NodeStreamableHTTPServerTransport } from '@modelcontextprotocol/node';
import type { Server } from '@modelcontextprotocol/server';

/** One stateful MCP session: its own server instance and transport, bound to whoever opened it. */
export interface Session {
  id: string;
  server: Server;
  transport: NodeStreamableHTTPServerTransport;
  /** The auth principal and tenant that opened it; requests from anyone else never reach it. */
  owner: string;
  /** The per-client keys its sessions are counted under (inbound client, and tenant in multi-tenant mode). */
  clients: string[];
  /** Requests (and GET streams) open right now; a session is idle only when this is 0. */
  active: number;
  lastSeen: number;
  /** Gives back what the session held (a tenant context). */
  release: () => void;
}

export interface SessionLimits {
  idleMs: number;
  max: number;
  maxPerClient: number;
}

/** The live stateful sessions of this process: lookup by id and owner, caps, idle expiry. */
export class SessionRegistry {
  private readonly sessions = new Map<string, Session>();
  private readonly perClient = new Map<string, number>();

  constructor(
    private readonly limits: SessionLimits,
    private readonly now: () => number = Date.now,
  ) {}

  get size(): number {
    return this.sessions.size;
  }

  /** The session, when it exists and belongs to this owner; a stranger learns nothing, not even that it exists. */
  get(id: string, owner: string): Session | undefined {
    const session = this.sessions.get(id);
    return session && session.owner === owner ? session : undefined;
  }

  /** Why a client (any of its keys) may not open one more session now, or undefined. */
  refusal(clients: readonly string[]): string | undefined {
    if (this.sessions.size >= this.limits.max) return `The server holds its maximum of ${this.limits.max} sessions; try again later.`;
    if (clients.some((client) => (this.perClient.get(client) ?? 0) >= this.limits.maxPerClient)) {
      return `This client holds its maximum of ${this.limits.maxPerClient} sessions; end one (DELETE) first.`;
    }
    return undefined;
  }

  add(session: Session): void {
    this.sessions.set(session.id, session);
    for (const client of session.clients) this.perClient.set(client, (this.perClient.get(client) ?? 0) + 1);
  }

  /** Marks a request on the session as started; the returned function marks it finished. */
  enter(session: Session): () => void {
    session.active += 1;
    session.lastSeen = this.now();
    let left = false;
    return () => {
      if (left) return;
      left = true;
      session.active -= 1;
      session.lastSeen = this.now();
    };
  }

  /** Forgets the session and closes its server; safe to call more than once. */
  async remove(id: string): Promise<void> {
    const session = this.sessions.get(id);
    if (!session) return;
    this.sessions.delete(id);
    for (const client of session.clients) {
      const count = (this.perClient.get(client) ?? 1) - 1;
      if (count > 0) this.perClient.set(client, count);
      else this.perClient.delete(client);
    }
    session.release();
    await session.server.close().catch(() => {});
  }

  /** Ends the sessions nobody has used for the idle time; returns their ids. */
  async expireIdle(): Promise<string[]> {
    const cutoff = this.now() - this.limits.idleMs;
    const idle = [...this.sessions.values()].filter((session) => session.active === 0 && session.lastSeen <= cutoff);
    await Promise.all(idle.map((session) => this.remove(session.id)));
    return idle.map((session) => session.id);
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.sessions.keys()].map((id) => this.remove(id)));
  }
}
