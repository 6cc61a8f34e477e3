import type { CatalogTool } from '../catalog/catalog.js';
import type { Executor } from '../executor.js';
import type { Logger } from '../logger.js';
import type { ToolResult } from '../results.js';
import { RESOURCES, VARIABLE_SOURCES } from '../../resources/index.js';
import { ResourceCache } from './cache.js';
import { type TenantOptions, TenantResources } from './reader.js';
import { ResourceRegistry } from './registry.js';
import type { ResourceDefinition, Vars } from './types.js';

/** One MCP session's view of the hub: its tenant, what it subscribed to, and how to tell it. */
export interface ResourceSession {
  resources: TenantResources;
  subscriptions: Set<string>;
  updated(uri: string): void;
  listChanged(): void;
}

export interface HubOptions {
  /** How long a GHL answer behind a resource is reused; 0 reads GHL every time (and never polls). */
  ttlMs: number;
  logger: Logger;
}

/**
 * Process-wide resource state shared by every session: the cache, and which sessions subscribed to what. A
 * successful write through any tool drops the cached answers it may have changed and tells the subscribed
 * sessions of the same tenant; subscribed resources are also read again every TTL, so changes made outside this
 * server (GHL's UI, other apps) are announced too.
 */
export class ResourceHub {
  readonly registry: ResourceRegistry;
  readonly cache: ResourceCache;
  private readonly sessions = new Set<ResourceSession>();
  /** A cache partition per executor (per set of credentials), named on first use. */
  private readonly tenants = new WeakMap<Executor, string>();
  /** The last item IDs seen per listed source (`tenant|pipelines|loc`), to notice a changed resource list. */
  private readonly itemSets = new Map<string, string>();
  private tenantCount = 0;
  private poller?: NodeJS.Timeout;
  private polling = false;

  constructor(
    private readonly options: HubOptions,
    definitions: ResourceDefinition[] = RESOURCES,
    sources = VARIABLE_SOURCES,
  ) {
    this.registry = new ResourceRegistry(definitions, sources);
    this.cache = new ResourceCache(options.ttlMs);
  }

  /** A reader for one tenant; the writes its executor makes invalidate what they change. */
  tenant(options: TenantOptions): TenantResources {
    const tenant = this.tenants.get(options.executor) ?? this.watch(options.executor);
    return new TenantResources(options, tenant, this.registry, this.cache, (definition, vars, ids) => this.noteItems(tenant, definition, vars, ids));
  }

  private watch(executor: Executor): string {
    this.tenantCount += 1;
    const tenant = `tenant-${this.tenantCount}`;
    this.tenants.set(executor, tenant);
    executor.onResult(({ tool, args, result }) => this.afterCall(tenant, tool, args, result));
    return tenant;
  }

  attach(session: ResourceSession): void {
    this.sessions.add(session);
  }

  detach(session: ResourceSession): void {
    this.sessions.delete(session);
  }

  subscribe(session: ResourceSession, uri: string): void {
    session.subscriptions.add(uri);
    // A first read gives the poll an answer to compare with.
    session.resources.read(uri).catch(() => undefined);
    if (!this.poller && this.cache.ttlMs > 0) {
      this.poller = setInterval(() => void this.poll(), this.cache.ttlMs);
      this.poller.unref();
    }
  }

  close(): void {
    clearInterval(this.poller);
    this.poller = undefined;
  }

  private afterCall(tenant: string, tool: CatalogTool, args: Record<string, unknown>, result: ToolResult): void {
    if (result.isError) return;
    const changed = this.registry.changedBy(tool, args);
    const listChanged = this.registry.changesList(tool);
    if (changed.length === 0 && !listChanged) return;
    const locationId = locationOf(args);
    this.cache.invalidate(tenant, new Set(changed.map((definition) => definition.name)), locationId);
    this.options.logger.debug({ tool: tool.name, resources: changed.map((definition) => definition.name), locationId }, 'resources invalidated');
    for (const session of this.sessionsOf(tenant)) {
      for (const uri of session.subscriptions) {
        const matched = this.safeMatch(uri);
        if (!matched || !changed.includes(matched.definition)) continue;
        if (locationId && matched.vars.locationId && matched.vars.locationId !== locationId) continue;
        session.updated(uri);
      }
      if (listChanged) session.listChanged();
    }
    // Announced already: the next read of the items is the new baseline, not another change.
    if (listChanged) for (const key of this.itemSets.keys()) if (key.startsWith(`${tenant}|`)) this.itemSets.delete(key);
  }

  private noteItems(tenant: string, definition: ResourceDefinition, vars: Vars, ids: string[]): void {
    if (!Object.values(this.registry.sources).some((source) => source.listed && source.resource === definition.name)) return;
    const key = `${tenant}|${definition.name}|${vars.locationId ?? ''}`;
    const seen = [...ids].sort().join(',');
    const before = this.itemSets.get(key);
    this.itemSets.set(key, seen);
    if (before === undefined || before === seen) return;
    for (const session of this.sessionsOf(tenant)) session.listChanged();
  }

  /** Reads every subscribed answer again; subscribers of the answers that changed are told. */
  private async poll(): Promise<void> {
    if (this.polling) return;
    const subscribed = [...this.sessions].filter((session) => session.subscriptions.size > 0);
    if (subscribed.length === 0) return this.close();
    this.polling = true;
    try {
      const changed = new Set<string>();
      const refreshed = new Set<string>();
      for (const session of subscribed) {
        for (const uri of session.subscriptions) {
          const key = await session.resources.keyOf(uri).catch(() => undefined);
          const tenantKey = `${session.resources.tenant}\u0000${key}`;
          if (!key || refreshed.has(tenantKey)) continue;
          refreshed.add(tenantKey);
          const outcome = await session.resources.refresh(uri).catch(() => undefined);
          if (outcome?.changed) changed.add(tenantKey);
        }
      }
      if (changed.size === 0) return;
      for (const session of subscribed) {
        for (const uri of session.subscriptions) {
          const key = await session.resources.keyOf(uri).catch(() => undefined);
          if (key && changed.has(`${session.resources.tenant}\u0000${key}`)) session.updated(uri);
        }
      }
    } finally {
      this.polling = false;
    }
  }

  private sessionsOf(tenant: string): ResourceSession[] {
    return [...this.sessions].filter((session) => session.resources.tenant === tenant);
  }

  private safeMatch(uri: string) {
    try {
      return this.registry.match(uri);
    } catch {
      return undefined;
    }
  }
}

/** The location a call acted on, as the executor filled it. */
function locationOf(args: Record<string, unknown>): string | undefined {
  const location = args.locationId ?? args.location_id ?? (args.altType === 'location' ? args.altId : undefined);
  return typeof location === 'string' && location ? location : undefined;
}
