/**
 * A record as GHL serves it: plain JSON. The sandbox reads and writes a handful of fields per record and hands the
 * rest back untouched, so records stay loosely typed instead of mirroring every DTO of the documents.
 */
export type Doc = Record<string, any>;

/** Every collection the sandbox keeps, with the field that holds the record's ID (Mongo-style `_id` where GHL uses it). */
export const COLLECTIONS = {
  locations: 'id',
  users: 'id',
  contacts: 'id',
  notes: 'id',
  tasks: 'id',
  tags: 'id',
  customFields: 'id',
  customValues: 'id',
  pipelines: 'id',
  opportunities: 'id',
  lostReasons: 'id',
  calendars: 'id',
  appointments: 'id',
  conversations: 'id',
  messages: 'id',
  products: '_id',
  prices: '_id',
  invoices: '_id',
  transactions: '_id',
} as const;

export type CollectionName = keyof typeof COLLECTIONS;

export interface StoreSnapshot {
  format: 'ghl-mcp-sandbox';
  version: 1;
  collections: Partial<Record<CollectionName, Doc[]>>;
}

export interface StoreOptions {
  /** The clock, in epoch milliseconds (tests fix it). */
  now?: () => number;
  /** A uniform number in [0, 1) for new IDs (tests seed it). */
  random?: () => number;
}

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const HEX = '0123456789abcdef';

/** One collection: records by ID, in insertion order. */
export class Collection {
  private readonly records = new Map<string, Doc>();

  constructor(readonly key: 'id' | '_id') {}

  get(id: string): Doc | undefined {
    return this.records.get(id);
  }

  all(): Doc[] {
    return [...this.records.values()];
  }

  filter(predicate: (record: Doc) => boolean): Doc[] {
    return this.all().filter(predicate);
  }

  find(predicate: (record: Doc) => boolean): Doc | undefined {
    return this.all().find(predicate);
  }

  insert(record: Doc): Doc {
    this.records.set(String(record[this.key]), record);
    return record;
  }

  remove(id: string): boolean {
    return this.records.delete(id);
  }

  clear(): void {
    this.records.clear();
  }
}

/** The sandbox's whole state: in-memory collections plus the ID and time sources every record is made with. */
export class SandboxStore {
  private readonly collections = new Map<CollectionName, Collection>();
  private readonly clock: () => number;
  private readonly random: () => number;

  constructor(options: StoreOptions = {}) {
    this.clock = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
    for (const [name, key] of Object.entries(COLLECTIONS)) this.collections.set(name as CollectionName, new Collection(key));
  }

  collection(name: CollectionName): Collection {
    return this.collections.get(name)!;
  }

  now(): number {
    return this.clock();
  }

  /** Now (or the given time) as GHL writes timestamps: ISO 8601 in UTC with milliseconds. */
  iso(ms = this.clock()): string {
    return new Date(ms).toISOString();
  }

  /** A 20-character ID like GHL's (`ocQHyuzHvysMo5N5VsXc`). */
  id(): string {
    return this.pick(ALPHANUMERIC, 20);
  }

  /** A 24-hex Mongo ObjectId (products, prices, invoices): creation seconds, then random bytes. */
  objectId(): string {
    const seconds = Math.floor(this.clock() / 1000).toString(16).padStart(8, '0');
    return seconds + this.pick(HEX, 16);
  }

  /** A v4-shaped UUID (pipeline stage IDs, trace IDs). */
  uuid(): string {
    const hex = this.pick(HEX, 32);
    const variant = HEX[8 + Math.floor(this.random() * 4)];
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20)}`;
  }

  snapshot(): StoreSnapshot {
    const collections: StoreSnapshot['collections'] = {};
    for (const [name, collection] of this.collections) collections[name] = collection.all();
    return { format: 'ghl-mcp-sandbox', version: 1, collections };
  }

  /** Replaces every collection with the snapshot's records. */
  restore(snapshot: StoreSnapshot): void {
    for (const [name, collection] of this.collections) {
      collection.clear();
      for (const record of snapshot.collections[name] ?? []) collection.insert(record);
    }
  }

  private pick(alphabet: string, length: number): string {
    let text = '';
    for (let index = 0; index < length; index += 1) text += alphabet[Math.floor(this.random() * alphabet.length)];
    return text;
  }
}

/** A small seeded generator (mulberry32): the demo data is the same on every start. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}
