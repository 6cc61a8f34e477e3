import type { JSONRPCMessage } from '@modelcontextprotocol/server';

/** The SDK transport's name for a session's standalone (GET) stream: server→client notifications go there. */
export const STANDALONE_STREAM = '_GET_stream';

export type Replayed = (eventId: string, message: JSONRPCMessage) => Promise<void>;

/**
 * What a session's streams sent, kept so a client that lost its stream can reconnect with Last-Event-ID (to any
 * replica, with Redis) and get what it missed. Bounded: at most `maxEvents` per session, none older than `maxAgeMs`.
 */
export interface EventLog {
  /** Keeps a message of one of the session's streams; its event id. */
  append(session: string, stream: string, message: JSONRPCMessage): Promise<string>;
  /** Sends, in order, what the event's stream got after it; the stream, or undefined for an id that names none. */
  replayAfter(session: string, eventId: string, send: Replayed): Promise<string | undefined>;
  /** Forgets the session's events (it ended). */
  drop(session: string): Promise<void>;
  close(): Promise<void>;
}

export interface Retention {
  maxEvents: number;
  maxAgeMs: number;
}

/** Per session: the last 1,000 events of the last 10 minutes, enough for a reconnect or a rolling restart. */
export const DEFAULT_RETENTION: Retention = { maxEvents: 1_000, maxAgeMs: 10 * 60_000 };

/**
 * An event id names its stream and its place in the session's log: `<stream>:<ms>-<seq>` (the place is a Redis
 * stream entry id, or the same shape in memory). `<stream>:0-0` is "before everything", what a priming event needs.
 */
export function eventId(stream: string, position: string): string {
  return `${stream}:${position}`;
}

export function parseEventId(id: string): { stream: string; position: string } | undefined {
  const at = id.lastIndexOf(':');
  if (at <= 0) return undefined;
  const position = id.slice(at + 1);
  return POSITION.test(position) ? { stream: id.slice(0, at), position } : undefined;
}

const POSITION = /^\d+-\d+$/;

/** Compares two positions (`ms-seq`). */
export function comparePositions(a: string, b: string): number {
  const [aMs, aSeq] = a.split('-').map(Number) as [number, number];
  const [bMs, bSeq] = b.split('-').map(Number) as [number, number];
  return aMs - bMs || aSeq - bSeq;
}

interface Kept {
  position: string;
  stream: string;
  message: JSONRPCMessage;
  at: number;
}

/** The event log of a single process: a ring per session. */
export class MemoryEventLog implements EventLog {
  private readonly sessions = new Map<string, Kept[]>();
  private sequence = 0;

  constructor(
    private readonly retention: Retention = DEFAULT_RETENTION,
    private readonly now: () => number = Date.now,
  ) {}

  async append(session: string, stream: string, message: JSONRPCMessage): Promise<string> {
    const at = this.now();
    this.sequence += 1;
    // Ordered by arrival alone: the clock may step back, the sequence does not.
    const kept = { position: `0-${this.sequence}`, stream, message: structuredClone(message), at };
    const events = this.fresh(session);
    events.push(kept);
    if (events.length > this.retention.maxEvents) events.splice(0, events.length - this.retention.maxEvents);
    this.sessions.set(session, events);
    return eventId(stream, kept.position);
  }

  async replayAfter(session: string, id: string, send: Replayed): Promise<string | undefined> {
    const parsed = parseEventId(id);
    if (!parsed) return undefined;
    for (const kept of this.fresh(session)) {
      if (kept.stream === parsed.stream && comparePositions(kept.position, parsed.position) > 0) await send(eventId(kept.stream, kept.position), kept.message);
    }
    return parsed.stream;
  }

  async drop(session: string): Promise<void> {
    this.sessions.delete(session);
  }

  async close(): Promise<void> {
    this.sessions.clear();
  }

  /** The session's events young enough to keep. */
  private fresh(session: string): Kept[] {
    const cutoff = this.now() - this.retention.maxAgeMs;
    return (this.sessions.get(session) ?? []).filter((kept) => kept.at > cutoff);
  }
}
