import type { SelectionRequest } from '../toolsets/selection.js';

/** What the client's initialize asked for: replayed on a replica that rebuilds the session, so it negotiates the same. */
export interface InitializeParams {
  protocolVersion: string;
  capabilities: Record<string, unknown>;
  clientInfo: Record<string, unknown>;
}

/**
 * Everything a replica needs to rebuild a session's server on the first request it sees for it. No credentials:
 * every request carries its own, and the rebuilt server is built from those.
 */
export interface SessionRecord {
  id: string;
  /** The principal (and tenant) that opened it: anyone else is answered as if it did not exist. */
  owner: string;
  /** The keys of per-client caps it counts against. */
  clients: string[];
  initialize: InitializeParams;
  /** The session's toolsets/tools/read-only, grown by ghl_enable_toolset; null: the server's own selection. */
  selection: SelectionRequest | null;
  /** The level the client set with logging/setLevel, if it did. */
  logLevel?: string;
  /** Bumped by every change, so a replica holding the session notices that another one changed it. */
  version: number;
}

export type RecordChange = Partial<Pick<SessionRecord, 'selection' | 'logLevel'>>;

/** Where session records live: Redis with REDIS_URL (shared by the replicas), this process's memory otherwise. */
export interface RecordStore {
  /** Stores a new session, unless one of its clients already holds `maxPerClient` live ones: then says why not. */
  create(record: SessionRecord, maxPerClient: number): Promise<string | undefined>;
  /** The record, when it exists and belongs to `owner`, with its idle time started again; undefined otherwise. */
  touch(id: string, owner: string): Promise<SessionRecord | undefined>;
  /** The record whoever owns it, without touching it (a replica syncing its copy). */
  get(id: string): Promise<SessionRecord | undefined>;
  exists(id: string): Promise<boolean>;
  /** Applies a change; the new version, or undefined when the session is gone. */
  update(id: string, change: RecordChange): Promise<number | undefined>;
  /** Ends the session everywhere; false when it was not there. */
  delete(id: string): Promise<boolean>;
  /** Sessions whose idle time ran out since the last call (only a store that keeps time itself knows). */
  expired(): Promise<string[]>;
  close(): Promise<void>;
}

export function capRefusal(max: number): string {
  return `This client holds its maximum of ${max} sessions; end one (DELETE) first.`;
}

/** The records of a single process: the same rules as in Redis, with time kept here. */
export class MemoryRecordStore implements RecordStore {
  private readonly records = new Map<string, { record: SessionRecord; expiresAt: number }>();

  constructor(
    private readonly idleMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  async create(record: SessionRecord, maxPerClient: number): Promise<string | undefined> {
    await this.expired();
    const held = (client: string) => [...this.records.values()].filter((entry) => entry.record.clients.includes(client)).length;
    if (record.clients.some((client) => held(client) >= maxPerClient)) return capRefusal(maxPerClient);
    this.records.set(record.id, { record: structuredClone(record), expiresAt: this.now() + this.idleMs });
    return undefined;
  }

  async touch(id: string, owner: string): Promise<SessionRecord | undefined> {
    const entry = this.live(id);
    if (!entry || entry.record.owner !== owner) return undefined;
    entry.expiresAt = this.now() + this.idleMs;
    return structuredClone(entry.record);
  }

  async get(id: string): Promise<SessionRecord | undefined> {
    const entry = this.live(id);
    return entry && structuredClone(entry.record);
  }

  async exists(id: string): Promise<boolean> {
    return this.live(id) !== undefined;
  }

  async update(id: string, change: RecordChange): Promise<number | undefined> {
    const entry = this.live(id);
    if (!entry) return undefined;
    entry.record = { ...entry.record, ...structuredClone(change), version: entry.record.version + 1 };
    return entry.record.version;
  }

  async delete(id: string): Promise<boolean> {
    return this.records.delete(id);
  }

  async expired(): Promise<string[]> {
    const now = this.now();
    const gone = [...this.records.entries()].filter(([, entry]) => entry.expiresAt <= now).map(([id]) => id);
    for (const id of gone) this.records.delete(id);
    return gone;
  }

  async close(): Promise<void> {
    this.records.clear();
  }

  private live(id: string) {
    const entry = this.records.get(id);
    return entry && entry.expiresAt > this.now() ? entry : undefined;
  }
}
