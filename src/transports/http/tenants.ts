import type { ArgDefaults, Catalog } from '../../catalog/catalog.js';
import { GhlClient } from '../../client/ghl-client.js';
import type { SendPolicy } from '../../client/send-policy.js';
import type { Config } from '../../config.js';
import { discoveryDefinitions } from '../../discovery/definitions.js';
import { DiscoveryTools } from '../../discovery/handlers.js';
import { Executor } from '../../executor.js';
import type { Logger } from '../../logger.js';
import { tokenScope } from '../../resources/scope.js';
import type { ServerDeps } from '../../server.js';
import { ToolListing } from '../../toolsets/listing.js';
import type { TenantCredentials } from './auth.js';

/** Everything a tenant's sessions call through: built from its own credentials, shared with no other tenant. */
export interface TenantContext {
  id: string;
  executor: Executor;
  discovery: DiscoveryTools;
  listing: ToolListing;
  /** The ghl:// resources as the tenant's credentials see them (the shared cache keeps tenants apart by executor). */
  resources: ServerDeps['resources'];
  close(): Promise<void>;
}

/** The process-wide pieces a tenant context borrows: nothing in them holds a tenant's token or data. */
export interface TenantShared {
  catalog: Catalog;
  config: Pick<Config, 'baseUrl' | 'timeouts' | 'maxResultChars'>;
  /** The process's limiter (local, or shared through Redis); a tenant's keys are prefixed with its id. */
  policy: SendPolicy;
  /** The process's resource settings and cache; a tenant gets its own scope, location and secrets on top. */
  resources: ServerDeps['resources'];
  logger: Logger;
}

/**
 * Builds tenant contexts: a GHL client with the tenant's token, its own connection pool and its own limiter
 * slots, and an executor that fills the tenant's location and scrubs the tenant's token.
 */
export function tenantFactory(shared: TenantShared): (credentials: TenantCredentials) => TenantContext {
  // Listed schemas depend only on which defaults exist, never on their values, so tenants of one shape share them.
  const listings = new Map<string, ToolListing>();
  const listingFor = (defaults: ArgDefaults) => {
    const shape = `${defaults.locationId ? 'L' : '-'}${defaults.companyId ? 'C' : '-'}`;
    let listing = listings.get(shape);
    if (!listing) {
      listing = new ToolListing({ locationId: defaults.locationId && 'tenant', companyId: defaults.companyId && 'tenant' }, discoveryDefinitions);
      listings.set(shape, listing);
    }
    return listing;
  };
  return (credentials) => {
    const { token } = credentials;
    const client = new GhlClient(shared.config.baseUrl, { token: async () => token }, shared.config.timeouts, shared.policy, `tenant:${credentials.id}`);
    const defaults = { locationId: credentials.locationId, companyId: credentials.companyId };
    const executor = new Executor(client, { defaults, maxResultChars: shared.config.maxResultChars, secrets: () => [token] }, shared.logger);
    return {
      id: credentials.id,
      executor,
      discovery: new DiscoveryTools(shared.catalog, executor, defaults),
      listing: listingFor(defaults),
      resources: { ...shared.resources, scope: tokenScope(defaults), defaultLocationId: credentials.locationId, secrets: () => [token] },
      close: () => client.close(),
    };
  };
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
