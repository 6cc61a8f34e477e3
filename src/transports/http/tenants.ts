import type { DiscoveryTools } from '../../discovery/handlers.js';
import type { Executor } from '../../executor.js';
import type { ServerDeps } from '../../server.js';
import type { ToolListing } from '../../toolsets/listing.js';
import type { TenantCredentials } from './auth.js';

/** What a tenant's sessions are served through: built by the app from the tenant's own credentials alone. */
export interface TenantContext {
  executor: Executor;
  discovery: DiscoveryTools;
  listing: ToolListing;
  /** The ghl:// resources as the tenant's credentials see them (the shared cache keeps tenants apart by executor). */
  resources: ServerDeps['resources'];
  /** Check-only: a tenant never changes the catalog every tenant shares. */
  selfUpdate: ServerDeps['selfUpdate'];
  close(): Promise<void>;
}

interface Held {
  context: TenantContext;
  users: number;
  lastUsed: number;
}

/**
 * The tenant contexts alive in this process, shared by the sessions and requests of one tenant and closed once
 * none has used them for the idle time. At most `max` at once: the least recently used unused one makes room.
 */
export class TenantRegistry {
  private readonly held = new Map<string, Held>();

  constructor(
    private readonly build: (credentials: TenantCredentials) => TenantContext,
    private readonly limits: { idleMs: number; max: number },
    private readonly now: () => number = Date.now,
  ) {}

  get size(): number {
    return this.held.size;
  }

  /** The tenant's context, held until `release`; undefined when every place is taken by a tenant in use. */
  acquire(credentials: TenantCredentials): { context: TenantContext; release: () => void } | undefined {
    let held = this.held.get(credentials.id);
    if (!held) {
      if (this.held.size >= this.limits.max && !this.evictOne()) return undefined;
      held = { context: this.build(credentials), users: 0, lastUsed: this.now() };
      this.held.set(credentials.id, held);
    }
    const entry = held;
    entry.users += 1;
    entry.lastUsed = this.now();
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      entry.users -= 1;
      entry.lastUsed = this.now();
    };
    return { context: entry.context, release };
  }

  /** Closes the contexts no session or request has used for the idle time. */
  async expireIdle(): Promise<void> {
    const cutoff = this.now() - this.limits.idleMs;
    const idle = [...this.held.entries()].filter(([, held]) => held.users === 0 && held.lastUsed <= cutoff);
    for (const [id] of idle) this.held.delete(id);
    await Promise.all(idle.map(([, held]) => held.context.close().catch(() => {})));
  }

  async closeAll(): Promise<void> {
    const all = [...this.held.values()];
    this.held.clear();
    await Promise.all(all.map((held) => held.context.close().catch(() => {})));
  }

  private evictOne(): boolean {
    let oldest: [string, Held] | undefined;
    for (const entry of this.held) {
      if (entry[1].users === 0 && (!oldest || entry[1].lastUsed < oldest[1].lastUsed)) oldest = entry;
    }
    if (!oldest) return false;
    this.held.delete(oldest[0]);
    void oldest[1].context.close().catch(() => {});
    return true;
  }
}
