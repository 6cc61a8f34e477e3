import type { EventEnvelope, EventIds } from './envelope.js';

/** An event as the log holds it: the envelope and its place in the log. */
export interface LoggedEvent extends EventEnvelope {
  /** Opaque and increasing within a location: pass it back as `after` to read only what came later. */
  cursor: string;
}

export interface EventQuery {
  /** Only these types (e.g. InboundMessage). */
  types?: readonly string[];
  contactId?: string;
  /** Only events naming all of these records (contactId here and above are the same filter). */
  ids?: EventIds;
  /** Only events logged after this cursor. */
  after?: string;
  /** At most this many, the newest ones. */
  limit?: number;
}

export interface EventRetention {
  /** Events kept per location; the oldest go first. */
  maxEvents: number;
  /** Events older than this (by arrival) are dropped. */
  maxAgeMs: number;
  /** Locations tracked at most; the one written longest ago goes first. */
  maxLocations: number;
}

/**
 * Where received events are kept per location, and who hears of new ones. An in-memory ring now; a Redis Streams
 * implementation (shared by replicas) fills the same contract: append stores before it resolves, listeners hear of
 * an event after it is stored.
 */
export interface EventLog {
  append(event: EventEnvelope): Promise<LoggedEvent>;
  /** Matching events of one location ('' for events without one), oldest first. */
  recent(locationId: string, query?: EventQuery): Promise<LoggedEvent[]>;
  /** A cursor every event stored after this call in the location follows (`after` for "from now on"). */
  latestCursor(locationId: string): Promise<string>;
  /** Calls `listener` for every event stored from now on; returns the unsubscribe. */
  onEvent(listener: (event: LoggedEvent) => void): () => void;
  close(): Promise<void>;
}

/** A bounded ring per location, in this process only. */
export class MemoryEventLog implements EventLog {
  private readonly locations = new Map<string, LoggedEvent[]>();
  private readonly listeners = new Set<(event: LoggedEvent) => void>();
  /**
   * Starts from the clock (in microseconds, still 16 digits): a cursor an agent kept from before a restart is below
   * every cursor of the new process, so events stored after the restart are not skipped.
   */
  private sequence: number;

  private readonly now: () => number;
  private readonly onListenerError: (error: unknown) => void;

  constructor(
    private readonly retention: EventRetention,
    options: { now?: () => number; onListenerError?: (error: unknown) => void } = {},
  ) {
    this.now = options.now ?? Date.now;
    this.onListenerError = options.onListenerError ?? (() => {});
    this.sequence = this.now() * 1000;
  }

  async append(event: EventEnvelope): Promise<LoggedEvent> {
    const key = event.locationId ?? '';
    const ring = this.locations.get(key) ?? [];
    // Re-inserted so the map's order is "written longest ago" first.
    this.locations.delete(key);
    this.locations.set(key, ring);
    this.sequence += 1;
    const logged: LoggedEvent = { ...event, cursor: cursorOf(this.sequence) };
    ring.push(logged);
    if (ring.length > this.retention.maxEvents) ring.splice(0, ring.length - this.retention.maxEvents);
    this.dropExpired(ring);
    if (this.locations.size > this.retention.maxLocations) this.locations.delete(this.locations.keys().next().value!);
    // Listeners run after the delivery is acknowledged: a slow or failing one never delays or fails a delivery.
    for (const listener of this.listeners) setImmediate(() => this.tell(listener, logged));
    return logged;
  }

  async recent(locationId: string, query: EventQuery = {}): Promise<LoggedEvent[]> {
    const ring = this.locations.get(locationId);
    if (!ring) return [];
    this.dropExpired(ring);
    return selectEvents(query.after === undefined ? ring : ring.filter((event) => cursorAfter(event.cursor, query.after!)), query);
  }

  async latestCursor(): Promise<string> {
    // One sequence for every location: a later event anywhere has a higher cursor.
    return cursorOf(this.sequence);
  }

  onEvent(listener: (event: LoggedEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    this.listeners.clear();
    this.locations.clear();
  }

  /** A listener that throws is reported, never allowed to crash the process: the event is stored all the same. */
  private tell(listener: (event: LoggedEvent) => void, event: LoggedEvent): void {
    try {
      listener(event);
    } catch (error) {
      this.onListenerError(error);
    }
  }

  private dropExpired(ring: LoggedEvent[]): void {
    const oldest = this.now() - this.retention.maxAgeMs;
    let expired = 0;
    while (expired < ring.length && Date.parse(ring[expired]!.receivedAt) < oldest) expired += 1;
    if (expired > 0) ring.splice(0, expired);
  }
}

/** The events of `events` (oldest first) that match the query's types and IDs, the newest `limit` of them. */
export function selectEvents(events: readonly LoggedEvent[], query: EventQuery): LoggedEvent[] {
  const matching = events.filter((event) => matchesQuery(event, query));
  return query.limit === undefined ? matching : matching.slice(Math.max(0, matching.length - query.limit));
}

/** Whether an event has one of the query's types (when it names some) and every record ID it names. */
export function matchesQuery(event: EventEnvelope, query: Pick<EventQuery, 'types' | 'contactId' | 'ids'>): boolean {
  if (query.types && query.types.length > 0 && !query.types.includes(event.type)) return false;
  if (query.contactId !== undefined && event.ids.contactId !== query.contactId) return false;
  for (const [key, value] of Object.entries(query.ids ?? {})) {
    if (value !== undefined && event.ids[key as keyof EventIds] !== value) return false;
  }
  return true;
}

/**
 * Whether cursor `a` comes after `b`. Both logs' cursors compare this way: the memory log's are fixed-width
 * numbers, Redis stream IDs are `<ms>-<seq>` (compared as numbers, part by part).
 */
export function cursorAfter(a: string, b: string): boolean {
  const streamA = STREAM_ID.exec(a);
  const streamB = STREAM_ID.exec(b);
  if (streamA && streamB) {
    const [msA, seqA, msB, seqB] = [streamA[1]!, streamA[2]!, streamB[1]!, streamB[2]!].map(BigInt) as [bigint, bigint, bigint, bigint];
    return msA > msB || (msA === msB && seqA > seqB);
  }
  return a > b;
}

/** A cursor either log could have made: its text is checked before it reaches a log. */
export function isCursor(text: string): boolean {
  return STREAM_ID.test(text) || MEMORY_CURSOR.test(text);
}

function cursorOf(sequence: number): string {
  return String(sequence).padStart(CURSOR_DIGITS, '0');
}

/** Cursors are compared as text: fixed width keeps that order numeric. */
const CURSOR_DIGITS = 16;
const MEMORY_CURSOR = /^\d{16}$/;
const STREAM_ID = /^(\d+)-(\d+)$/;
