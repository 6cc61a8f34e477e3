import type { FetchSpec, Json } from './types.js';

/** One GHL answer behind one or more resources, as read (the fallback read, when the first was refused). */
export interface CachedAnswer {
  body: Json;
  /** GHL's text, to tell a changed answer from the same one. */
  text: string;
  fetched: FetchSpec;
}

interface Entry {
  answer: CachedAnswer;
  expiresAt: number;
  /** The resources that read this answer, and the location they read it for: what a write invalidates. */
  readers: Set<string>;
  locationId?: string;
}

const MAX_ENTRIES_PER_TENANT = 500;
const SWEEP_EVERY = 100;

/**
 * GHL answers behind resources, per tenant (whose credentials read them) and per catalog read, for `ttlMs`.
 * Concurrent reads of the same answer make one request. A tenant's entries are never served to another.
 */
export class ResourceCache {
  private readonly tenants = new Map<string, Map<string, Entry>>();
  private readonly inflight = new Map<string, Promise<CachedAnswer>>();
  private stores = 0;

  constructor(
    readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  static key(spec: FetchSpec): string {
    return `${spec.tool}?${JSON.stringify(Object.entries(spec.args).sort(([a], [b]) => a.localeCompare(b)))}`;
  }

  async get(tenant: string, key: string, reader: { name: string; locationId?: string }, load: () => Promise<CachedAnswer>): Promise<CachedAnswer> {
    const entries = this.entries(tenant);
    const entry = entries.get(key);
    if (entry && entry.expiresAt > this.now()) {
      entry.readers.add(reader.name);
      return entry.answer;
    }
    const flight = `${tenant}\u0000${key}`;
    let pending = this.inflight.get(flight);
    if (!pending) {
      pending = load().finally(() => this.inflight.delete(flight));
      this.inflight.set(flight, pending);
    }
    const answer = await pending;
    this.store(tenant, key, answer, reader);
    return answer;
  }

  /** The answer held now, fresh or not (a poll compares against it). */
  peek(tenant: string, key: string): CachedAnswer | undefined {
    return this.tenants.get(tenant)?.get(key)?.answer;
  }

  store(tenant: string, key: string, answer: CachedAnswer, reader: { name: string; locationId?: string }): void {
    if (this.ttlMs <= 0) return;
    const entries = this.entries(tenant);
    const previous = entries.get(key);
    const readers = previous?.readers ?? new Set<string>();
    readers.add(reader.name);
    entries.delete(key);
    entries.set(key, { answer, expiresAt: this.now() + this.ttlMs, readers, locationId: reader.locationId ?? previous?.locationId });
    // Oldest first: Map keeps insertion order, and a store re-inserts.
    for (const oldest of entries.keys()) {
      if (entries.size <= MAX_ENTRIES_PER_TENANT) break;
      entries.delete(oldest);
    }
    if ((this.stores += 1) % SWEEP_EVERY === 0) this.sweep();
  }

  /** Forgets expired answers, and tenants left with none (sessions of a multi-tenant server come and go). */
  private sweep(): void {
    const now = this.now();
    for (const [tenant, entries] of this.tenants) {
      for (const [key, entry] of entries) if (entry.expiresAt <= now) entries.delete(key);
      if (entries.size === 0) this.tenants.delete(tenant);
    }
  }

  /**
   * Drops the answers read by these resources (`all`: every answer) for one location, or for all when the change
   * named none; for one tenant, or (undefined) for every tenant whose credentials read that location.
   */
  invalidate(tenant: string | undefined, resources: Set<string> | 'all', locationId?: string): number {
    let dropped = 0;
    for (const [name, entries] of this.tenants) {
      if (tenant !== undefined && name !== tenant) continue;
      for (const [key, entry] of entries) {
        const read = resources === 'all' || [...entry.readers].some((reader) => resources.has(reader));
        const sameLocation = !locationId || !entry.locationId || entry.locationId === locationId;
        if (read && sameLocation) {
          entries.delete(key);
          dropped += 1;
        }
      }
    }
    return dropped;
  }

  /** Drops one answer (another replica found it changed). */
  forget(tenant: string, key: string): void {
    this.tenants.get(tenant)?.delete(key);
  }

  private entries(tenant: string): Map<string, Entry> {
    let entries = this.tenants.get(tenant);
    if (!entries) {
      entries = new Map();
      this.tenants.set(tenant, entries);
    }
    return entries;
  }
}
