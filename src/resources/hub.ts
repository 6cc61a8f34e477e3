import type { Bus } from '../bus/index.js';
import type { CatalogTool } from '../catalog/catalog.js';
import type { Executor } from '../executor.js';
import type { Logger } from '../logger.js';
import type { ToolResult } from '../results.js';
import { RESOURCES, VARIABLE_SOURCES } from '../../resources/index.js';
import { ResourceCache } from './cache.js';
import { asChangeMessage, CHANGES_TOPIC, notificationsFor, type ResourceChange, type SessionNotification } from './changes.js';
import { type TenantOptions, TenantResources } from './reader.js';
import { ResourceRegistry } from './registry.js';
import { MemorySubscriptionIndex, type SubscriptionIndex } from './subscriptions.js';
import type { ResourceDefinition, Vars } from './types.js';

export type { ResourceChange } from './changes.js';

/** One MCP session's server on this replica: its tenant, what it subscribed to here, and how to tell it. */
export interface ResourceSession {
  /** The MCP session id (a local one in stdio mode); undefined when the session cannot be told anything (stateless). */
  id(): string | undefined;
  resources: TenantResources;
  subscriptions: Set<string>;
  updated(uri: string): void;
  listChanged(): void;
}

/**
 * Sends a notification to a session wherever its stream is held (SESSIONS' delivery across replicas); false when the
 * session no longer exists.
 */
export type Deliver = (sessionId: string, notification: SessionNotification) => Promise<boolean | void>;

export interface HubOptions {
  /** How long a GHL answer behind a resource is reused; 0 reads GHL every time (and never polls). */
  ttlMs: number;
  logger: Logger;
  /** The process's bus: changes made here drop the same cached answers on every replica. */
  bus?: Bus;
  /** Who subscribed to what; in Redis when replicas share it. Default: this process's memory. */
  index?: SubscriptionIndex;
}

/**
 * Resource state shared by every session: the cache, and who subscribed to what. A change (a successful write through
 * any tool, a poll finding a new answer, a webhook event through `invalidate`) drops the cached answers it may have
 * changed on every replica (over the bus), and the replica that saw it tells every subscribed session of the tenant,
 * wherever that session's stream is held (through the subscription index and `deliver`).
 */
export class ResourceHub {
  readonly registry: ResourceRegistry;
  readonly cache: ResourceCache;
  private readonly sessions = new Set<ResourceSession>();
  private readonly index: SubscriptionIndex;
  /** Executors whose writes are watched, each under its tenant key. */
  private readonly watched = new WeakSet<Executor>();
  /** Sessions already in the index, by the id they were registered under. */
  private readonly registered = new WeakMap<ResourceSession, string>();
  /** The last item IDs seen per listed source (`tenant|pipelines|loc`), to notice a changed resource list. */
  private readonly itemSets = new Map<string, string>();
  private deliver?: Deliver;
  private poller?: NodeJS.Timeout;
  private polling = false;
  private readonly stopListening: () => void;

  constructor(
    private readonly options: HubOptions,
    definitions: ResourceDefinition[] = RESOURCES,
    sources = VARIABLE_SOURCES,
  ) {
    this.registry = new ResourceRegistry(definitions, sources);
    this.cache = new ResourceCache(options.ttlMs);
    this.index = options.index ?? new MemorySubscriptionIndex();
    this.stopListening =
      options.bus?.subscribe(CHANGES_TOPIC, (message) => {
        const parsed = asChangeMessage(message);
        if (parsed && parsed.origin !== options.bus!.origin) this.drop(parsed.change);
      }) ?? (() => {});
  }

  /** How notifications reach sessions held by any replica (SESSIONS); without it, only sessions served here are told. */
  setDelivery(deliver: Deliver): void {
    this.deliver = deliver;
  }

  /** The resource definition names `invalidate` takes. */
  resourceNames(): string[] {
    return this.registry.definitions().map((definition) => definition.name);
  }

  /**
   * Something changed in GHL (EVENTS: a webhook; tools: a write): every replica drops the cached answers concerned,
   * and every session subscribed to a concerned URI is told (`resources/updated`; `list_changed` when items came or went).
   */
  async invalidate(change: ResourceChange): Promise<void> {
    this.drop(change);
    const { bus } = this.options;
    await bus?.publish(CHANGES_TOPIC, { origin: bus.origin, change }).catch((error: unknown) => this.warn('resource change not published', error));
    await this.tell(change);
  }

  /** These URIs changed (EVENTS serves them, or a poll found new answers): their subscribers are told, on every replica. */
  announce(uris: string[], options: { tenant?: string } = {}): Promise<void> {
    return this.invalidate({ tenant: options.tenant, resources: [], uris });
  }

  /** The session ended for good (DELETE, idle expiry): it is forgotten by every replica. */
  async sessionEnded(sessionId: string): Promise<void> {
    await this.index.forget(sessionId).catch((error: unknown) => this.warn('subscriptions not forgotten', error));
  }

  /** A reader for one tenant; the writes its executor makes invalidate what they change. */
  tenant(options: TenantOptions): TenantResources {
    const tenant = options.tenantKey;
    if (!this.watched.has(options.executor)) {
      this.watched.add(options.executor);
      options.executor.onResult(({ tool, args, result }) => this.afterCall(tenant, tool, args, result));
    }
    return new TenantResources(options, tenant, this.registry, this.cache, (definition, vars, ids) => this.noteItems(tenant, definition, vars, ids));
  }

  attach(session: ResourceSession): void {
    this.sessions.add(session);
    // In one process a session is known from the start; with a shared index, from its first resource request.
    if (this.options.index === undefined) void this.touch(session);
  }

  /** This replica's server for the session is gone (the session may live on elsewhere). */
  detach(session: ResourceSession): void {
    this.sessions.delete(session);
    if (this.options.index === undefined) {
      const id = this.registered.get(session);
      if (id) void this.index.forget(id);
    }
  }

  /**
   * Notes the session in the index, under the first id it gives (once per server; a server rebuilt on another
   * replica reloads what the session subscribed to, for its poll).
   */
  async touch(session: ResourceSession): Promise<void> {
    if (this.registered.has(session)) return;
    const id = session.id();
    if (!id) return;
    this.registered.set(session, id);
    try {
      await this.index.register(id, session.resources.tenant);
      if (this.options.index) for (const uri of await this.index.uris(id)) session.subscriptions.add(uri);
    } catch (error) {
      this.registered.delete(session);
      this.warn('session not indexed', error);
    }
  }

  async subscribe(session: ResourceSession, uri: string): Promise<void> {
    session.subscriptions.add(uri);
    await this.touch(session);
    const id = this.registered.get(session);
    if (id) await this.index.subscribe(id, session.resources.tenant, uri);
    // A first read gives the poll an answer to compare with.
    session.resources.read(uri).catch(() => undefined);
    if (!this.poller && this.cache.ttlMs > 0) {
      this.poller = setInterval(() => void this.poll(), this.cache.ttlMs);
      this.poller.unref();
    }
  }

  async unsubscribe(session: ResourceSession, uri: string): Promise<void> {
    session.subscriptions.delete(uri);
    const id = this.registered.get(session);
    if (id) await this.index.unsubscribe(id, uri);
  }

  async close(): Promise<void> {
    clearInterval(this.poller);
    this.poller = undefined;
    this.stopListening();
    await this.index.close();
  }

  /** Drops what the change made stale, here. */
  private drop(change: ResourceChange): void {
    const resources = change.resources === 'all' ? 'all' : new Set(change.resources);
    if (resources === 'all' || resources.size > 0) this.cache.invalidate(change.tenant, resources, change.locationId);
    if (change.tenant) for (const key of change.keys ?? []) this.cache.forget(change.tenant, key);
    // Announced already: the next read of the items is the new baseline, not another change.
    if (change.listChanged) {
      for (const key of this.itemSets.keys()) if (change.tenant === undefined || key.startsWith(`${change.tenant}|`)) this.itemSets.delete(key);
    }
  }

  /** Tells every session concerned, wherever it is served. */
  private async tell(change: ResourceChange): Promise<void> {
    let targets: Awaited<ReturnType<SubscriptionIndex['sessions']>>;
    try {
      targets = await this.index.sessions(change.tenant);
    } catch (error) {
      return this.warn('subscribers not found', error);
    }
    await Promise.all(
      targets.flatMap((target) =>
        notificationsFor(change, this.registry, target.uris).map(async (notification) => {
          try {
            if ((await this.send(target.id, notification)) === false) await this.index.forget(target.id);
          } catch (error) {
            this.warn(`${notification.method} not sent`, error);
          }
        }),
      ),
    );
  }

  /**
   * A session served here is told through its own server (whose transport reaches the stream wherever it is held,
   * and debounces list_changed); any other through `deliver`.
   */
  private async send(id: string, notification: SessionNotification): Promise<boolean | void> {
    const session = [...this.sessions].find((candidate) => this.registered.get(candidate) === id);
    if (!session) return this.deliver?.(id, notification);
    if (notification.params) session.updated(notification.params.uri);
    else session.listChanged();
    return true;
  }

  private afterCall(tenant: string, tool: CatalogTool, args: Record<string, unknown>, result: ToolResult): void {
    if (result.isError) return;
    const changed = this.registry.changedBy(tool, args).map((definition) => definition.name);
    const listChanged = this.registry.changesList(tool);
    if (changed.length === 0 && !listChanged) return;
    const locationId = locationOf(args);
    this.options.logger.debug({ tool: tool.name, resources: changed, locationId }, 'resources invalidated');
    void this.invalidate({ tenant, resources: changed, locationId, listChanged });
  }

  private noteItems(tenant: string, definition: ResourceDefinition, vars: Vars, ids: string[]): void {
    if (!Object.values(this.registry.sources).some((source) => source.listed && source.resource === definition.name)) return;
    const key = `${tenant}|${definition.name}|${vars.locationId ?? ''}`;
    const seen = [...ids].sort().join(',');
    const before = this.itemSets.get(key);
    this.itemSets.set(key, seen);
    if (before === undefined || before === seen) return;
    void this.tell({ tenant, resources: [], listChanged: true });
  }

  /** Reads every answer subscribed here again; the subscribers of those that changed are told. */
  private async poll(): Promise<void> {
    if (this.polling) return;
    const subscribed = [...this.sessions].filter((session) => session.subscriptions.size > 0);
    if (subscribed.length === 0) {
      clearInterval(this.poller);
      this.poller = undefined;
      return;
    }
    this.polling = true;
    try {
      const changed = new Map<string, { tenant: string; key: string; uris: Set<string> }>();
      const refreshed = new Set<string>();
      for (const session of subscribed) {
        for (const uri of session.subscriptions) {
          const key = await session.resources.keyOf(uri).catch(() => undefined);
          if (!key) continue;
          const tenantKey = `${session.resources.tenant}\u0000${key}`;
          if (!refreshed.has(tenantKey)) {
            refreshed.add(tenantKey);
            const outcome = await session.resources.refresh(uri).catch(() => undefined);
            if (outcome?.changed) changed.set(tenantKey, { tenant: session.resources.tenant, key, uris: new Set() });
          }
          changed.get(tenantKey)?.uris.add(uri);
        }
      }
      for (const { tenant, key, uris } of changed.values()) {
        // Other replicas drop their copy: their own poll then reads it fresh rather than announce it again.
        await this.invalidate({ tenant, resources: [], uris: [...uris], keys: [key] });
      }
    } finally {
      this.polling = false;
    }
  }

  private warn(what: string, error: unknown): void {
    this.options.logger.warn({ err: (error as Error).message }, what);
  }
}

/** The location a call acted on, as the executor filled it. */
function locationOf(args: Record<string, unknown>): string | undefined {
  const location = args.locationId ?? args.location_id ?? (args.altType === 'location' ? args.altId : undefined);
  return typeof location === 'string' && location ? location : undefined;
}
