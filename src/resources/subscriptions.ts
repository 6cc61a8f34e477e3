/** A session the hub may tell about changes: its tenant and the URIs it subscribed to. */
export interface IndexedSession {
  id: string;
  tenant: string;
  uris: string[];
}

/**
 * Which sessions read resources under which tenant, and what each subscribed to: the record the hub fans changes
 * out from. In one process it is memory; with REDIS_URL it lives in Redis, so the replica that makes a change finds
 * every subscriber, whichever replica its session talks to.
 */
export interface SubscriptionIndex {
  /** Notes a session of a tenant (idempotent): it hears the tenant's resource list changes from now on. */
  register(id: string, tenant: string): Promise<void>;
  subscribe(id: string, tenant: string, uri: string): Promise<void>;
  unsubscribe(id: string, uri: string): Promise<void>;
  /** What one session subscribed to (a replica rebuilding the session's server reloads it). */
  uris(id: string): Promise<string[]>;
  /** The sessions of a tenant, or of every tenant. */
  sessions(tenant?: string): Promise<IndexedSession[]>;
  /** The session ended: it is told nothing more. */
  forget(id: string): Promise<void>;
  close(): Promise<void>;
}

/** The index of a single process. */
export class MemorySubscriptionIndex implements SubscriptionIndex {
  private readonly byId = new Map<string, { tenant: string; uris: Set<string> }>();

  async register(id: string, tenant: string): Promise<void> {
    if (!this.byId.has(id)) this.byId.set(id, { tenant, uris: new Set() });
  }

  async subscribe(id: string, tenant: string, uri: string): Promise<void> {
    await this.register(id, tenant);
    this.byId.get(id)!.uris.add(uri);
  }

  async unsubscribe(id: string, uri: string): Promise<void> {
    this.byId.get(id)?.uris.delete(uri);
  }

  async uris(id: string): Promise<string[]> {
    return [...(this.byId.get(id)?.uris ?? [])];
  }

  async sessions(tenant?: string): Promise<IndexedSession[]> {
    return [...this.byId]
      .filter(([, entry]) => tenant === undefined || entry.tenant === tenant)
      .map(([id, entry]) => ({ id, tenant: entry.tenant, uris: [...entry.uris] }));
  }

  async forget(id: string): Promise<void> {
    this.byId.delete(id);
  }

  async close(): Promise<void> {}
}
