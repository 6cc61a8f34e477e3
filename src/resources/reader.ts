import type { Catalog } from '../catalog/catalog.js';
import type { Executor } from '../executor.js';
import { scrubSecrets } from '../logger.js';
import { type CachedAnswer, ResourceCache } from './cache.js';
import { fitText } from './project.js';
import type { ResourceRegistry } from './registry.js';
import type { FetchSpec, Json, ResourceDefinition, TokenScope, Vars } from './types.js';

export const UNKNOWN_URI = 'no resource has this URI; resources/templates/list shows the URIs this server serves.';

/** Why a resource could not be read: it does not exist (GHL's 404, an unknown ID), or GHL or the call failed. */
export class ResourceReadError extends Error {
  constructor(
    message: string,
    readonly kind: 'not-found' | 'failed',
    readonly details: { status?: number; hint?: string } = {},
  ) {
    super(message);
  }
}

/** What one tenant (one set of GHL credentials) reads resources with. */
export interface TenantOptions {
  /**
   * The executor reads go through; its successful writes are changes the hub announces under `tenantKey`.
   */
  executor: Executor;
  /**
   * The tenant's stable key (location/company and a fingerprint of the credentials, never a per-process counter):
   * the cache partition and the audience of change notifications, the same on every replica.
   */
  tenantKey: string;
  catalog: Catalog;
  /** Which locations the credentials reach; asked on every read, as an OAuth login can change it. */
  scope: () => Promise<TokenScope>;
  /** The configured location: the one whose pipelines and calendars are listed item by item. */
  defaultLocationId?: string;
  /** Resource text longer than this is cut (the largest list loses items). */
  maxChars: number;
  secrets: () => readonly string[];
}

/** A read resource: the view agents see and the GHL answer it came from. */
export interface ReadView {
  view: Json;
  /** The cache key of the answer (absent for fixed views): resources sharing it change together. */
  key?: string;
}

/**
 * Reads resources for one tenant: the definition's catalog read goes through the executor (validation, rate
 * limiter, auth: the same path as a tool call) and the shared cache, then the definition projects GHL's answer.
 */
export class TenantResources {
  constructor(
    readonly options: TenantOptions,
    /** The cache partition of the credentials (`tenantKey`). */
    readonly tenant: string,
    readonly registry: ResourceRegistry,
    private readonly cache: ResourceCache,
    /** Told about every view with items, so a changed set of items can be announced. */
    private readonly onItems: (definition: ResourceDefinition, vars: Vars, ids: string[]) => void = () => {},
  ) {}

  /** The resource's text (JSON), within the size limit and without secrets. */
  async read(uri: string): Promise<string> {
    const matched = this.registry.match(uri);
    if (!matched) throw new ResourceReadError(UNKNOWN_URI, 'not-found');
    const { view } = await this.view(matched.definition, matched.vars);
    return scrubSecrets(fitText(view, this.options.maxChars), this.options.secrets());
  }

  async view(definition: ResourceDefinition, vars: Vars, fresh = false): Promise<ReadView> {
    const spec = await definition.fetch(vars, await this.options.scope());
    if ('answer' in spec) return { view: spec.answer };
    const key = ResourceCache.key(spec);
    const reader = { name: definition.name, locationId: vars.locationId };
    const answer = fresh
      ? await this.loadFresh(key, spec, reader)
      : await this.cache.get(this.tenant, key, reader, () => this.load(spec));
    const view = definition.project(answer.body, vars, answer.fetched);
    if (!view) throw new ResourceReadError(`GHL lists no ${definition.name} with these IDs (${spec.tool} answered without it).`, 'not-found');
    if (definition.items) this.onItems(definition, vars, definition.items(view).map((item) => item.id));
    return { view, key };
  }

  /** The cache key a URI reads, for telling which subscriptions a changed answer concerns. */
  async keyOf(uri: string): Promise<string | undefined> {
    const matched = this.registry.match(uri);
    if (!matched || matched.definition.live) return undefined;
    const spec = await matched.definition.fetch(matched.vars, await this.options.scope());
    return 'answer' in spec ? undefined : ResourceCache.key(spec);
  }

  /** Reads the answer again, bypassing the cache; true when it differs from the one held (a poll of subscriptions). */
  async refresh(uri: string): Promise<{ key: string; changed: boolean } | undefined> {
    const matched = this.registry.match(uri);
    if (!matched) return undefined;
    const before = await this.keyOf(uri);
    const held = before ? this.cache.peek(this.tenant, before) : undefined;
    const { key } = await this.view(matched.definition, matched.vars, true);
    if (!key) return undefined;
    const now = this.cache.peek(this.tenant, key);
    return { key, changed: held !== undefined && now !== undefined && held.text !== now.text };
  }

  private async loadFresh(key: string, spec: FetchSpec, reader: { name: string; locationId?: string }): Promise<CachedAnswer> {
    const answer = await this.load(spec);
    this.cache.store(this.tenant, key, answer, reader);
    return answer;
  }

  private async load(spec: FetchSpec): Promise<CachedAnswer> {
    try {
      return await this.call(spec);
    } catch (error) {
      const fallback = spec.fallback;
      if (!fallback || !(error instanceof ResourceReadError) || !fallback.statuses.includes(error.details.status ?? 0)) throw error;
      return this.call(fallback.fetch);
    }
  }

  private async call(spec: FetchSpec): Promise<CachedAnswer> {
    const tool = this.options.catalog.get(spec.tool);
    if (!tool) throw new Error(`The resource reads ${spec.tool}, which is not in the catalog`);
    const fetched = await this.options.executor.fetch(tool, spec.args);
    if (fetched.result) {
      const error: { status?: number; hint?: string } = fetched.result.details?.error ?? {};
      const text = fetched.result.content.map((block) => block.text).join('\n');
      const kind = error.status === 404 ? 'not-found' : 'failed';
      throw new ResourceReadError(`${spec.tool}: ${text}`, kind, { status: error.status, hint: error.hint });
    }
    const text = fetched.response.text;
    let body: unknown;
    try {
      body = text.trim() ? JSON.parse(text) : {};
    } catch {
      throw new ResourceReadError(`${spec.tool} answered HTTP ${fetched.response.status} with a body that is not JSON.`, 'failed', { status: fetched.response.status });
    }
    const object = typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Json) : { result: body };
    return { body: object, text, fetched: spec };
  }
}
