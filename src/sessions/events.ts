import type { JSONRPCMessage } from '@modelcontextprotocol/server';

/** The SDK transport's name for a session's standalone (GET) stream: server→client notifications go there. */
export const STANDALONE_STREAM = '_GET_stream';

export type Replayed = (eventId: string, message: JSONRPCMessage) => Promise<void>;

/**
 * What a session's streams sent, kept so a client that lost its stream can reconnect with Last-Event-ID (to any
 * replica, with Redis) and get what it missed. Bounded per session, by count and age, apart for the two kinds of
 * stream (see Retention).
 */
export interface EventLog {
  /** Keeps a message of one of the session's streams; its event id. */
  append(session: string, stream: string, message: JSONRPCMessage): Promise<string>;
  /** Sends, in order, what the event's stream got after it; the stream, or undefined for an id that names none. */
  replayAfter(session: string, eventId: string, send: Replayed): Promise<string | undefined>;
  /** The place of the session's latest notification ('0-0' when none): a GET stream opened now starts after it. */
  lastNotification(session: string): Promise<string>;
  /** Forgets the session's events (it ended). */
  drop(session: string): Promise<void>;
  close(): Promise<void>;
}

export interface Limit {
  maxEvents: number;
  maxAgeMs: number;
}

/**
 * Notifications (the GET stream) are small and what a reconnecting client must not miss; replies (the streams of
 * POST requests: tool results of up to --max-result-chars each) are worth keeping only for the seconds a client
 * takes to resume a request whose response it lost, so they are kept few and briefly.
 */
export interface Retention {
  notifications: Limit;
  replies: Limit;
}

/**
 * Per session: the last 1,000 notifications of 10 minutes (a reconnect, a rolling restart); the last 10 replies of
 * 30 seconds (at most 10 × --max-result-chars per session: the price of resuming a request whose answer was lost).
 */
export const DEFAULT_RETENTION: Retention = { notifications: { maxEvents: 1_000, maxAgeMs: 10 * 60_000 }, replies: { maxEvents: 10, maxAgeMs: 30_000 } };

export type StreamKind = keyof Retention;

export function kindOf(stream: string): StreamKind {
  return stream === STANDALONE_STREAM ? 'notifications' : 'replies';
}

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

/** The event log of a single process: two rings per session. */
export class MemoryEventLog implements EventLog {
  private readonly sessions = new Map<string, Record<StreamKind, Kept[]>>();
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
    const kind = kindOf(stream);
    const events = this.fresh(session, kind);
    events.push(kept);
    const { maxEvents } = this.retention[kind];
    if (events.length > maxEvents) events.splice(0, events.length - maxEvents);
    this.sessions.set(session, { ...(this.sessions.get(session) ?? { notifications: [], replies: [] }), [kind]: events });
    return eventId(stream, kept.position);
  }

  async replayAfter(session: string, id: string, send: Replayed): Promise<string | undefined> {
    const parsed = parseEventId(id);
    if (!parsed) return undefined;
    for (const kept of this.fresh(session, kindOf(parsed.stream))) {
      if (kept.stream === parsed.stream && comparePositions(kept.position, parsed.position) > 0) await send(eventId(kept.stream, kept.position), kept.message);
    }
    return parsed.stream;
  }

  async lastNotification(session: string): Promise<string> {
    return this.fresh(session, 'notifications').at(-1)?.position ?? '0-0';
  }

  async drop(session: string): Promise<void> {
    this.sessions.delete(session);
  }

  async close(): Promise<void> {
    this.sessions.clear();
  }

  /** The session's events of a kind young enough to keep. */
  private fresh(session: string, kind: StreamKind): Kept[] {
    const cutoff = this.now() - this.retention[kind].maxAgeMs;
    return (this.sessions.get(session)?.[kind] ?? []).filter((kept) => kept.at > cutoff);
  }
}
