import type { EventIds } from './envelope.js';
import { cursorAfter, type EventLog, type LoggedEvent, matchesQuery } from './log.js';

/** Which events an agent asks for: any of these types (none: every type), naming all of these records. */
export interface EventFilter {
  types?: readonly string[];
  ids?: EventIds;
}

export interface WaitOptions {
  /** Only events logged after this cursor; without it, only events that arrive from now on. */
  after?: string;
  timeoutMs: number;
  /** The request's abort signal: a cancelled call stops waiting at once. */
  signal: AbortSignal;
  /** Told every `progressEveryMs` while nothing has matched yet. */
  progress?: (waitedMs: number, timeoutMs: number) => void;
}

export type WaitOutcome =
  | { event: LoggedEvent; next: string }
  /** Nothing matched in time (or the call was cancelled): `next` is where the next wait should start. */
  | { event?: undefined; next: string; waitedMs: number; cancelled: boolean };

export interface RecentPage {
  events: LoggedEvent[];
  /** Pass as `after` to read only what comes later. */
  next: string;
  /** With `after`: more matching events follow `next`. Without: older matching events were left out. */
  more: boolean;
}

interface Waiter {
  locationId: string;
  filter: EventFilter;
  after: string;
  found(event: LoggedEvent): void;
}

/**
 * What agents read from the event log: pages of recent events with a cursor, and a wait for the next event
 * matching a filter. Waits hear new events through the log's listeners (on every replica with the Redis log), and
 * read what is already logged after their cursor first, so an event stored between two waits is never lost.
 */
export class EventFeed {
  private readonly waiters = new Set<Waiter>();
  private readonly stopListening: () => void;
  private readonly progressEveryMs: number;

  constructor(
    private readonly log: EventLog & { listening?: () => Promise<void> },
    options: { progressEveryMs?: number } = {},
  ) {
    this.progressEveryMs = options.progressEveryMs ?? DEFAULT_PROGRESS_EVERY_MS;
    this.stopListening = log.onEvent((event) => {
      for (const waiter of this.waiters) {
        if ((event.locationId ?? '') === waiter.locationId && cursorAfter(event.cursor, waiter.after) && matchesQuery(event, waiter.filter)) waiter.found(event);
      }
    });
  }

  /** How many waits are open now (for tests and the log). */
  get waiting(): number {
    return this.waiters.size;
  }

  async recent(locationId: string, filter: EventFilter, page: { after?: string; limit: number }): Promise<RecentPage> {
    const matching = await this.log.recent(locationId, { ...filter, after: page.after });
    // Catching up reads forward from the cursor; a first look reads the newest.
    const events = page.after === undefined ? matching.slice(-page.limit) : matching.slice(0, page.limit);
    const next = events.at(-1)?.cursor ?? page.after ?? (await this.log.latestCursor(locationId));
    return { events, next, more: matching.length > events.length };
  }

  /** The first event after the cursor (or from now on) that matches, or nothing once the time is up or the call is cancelled. */
  async waitFor(locationId: string, filter: EventFilter, options: WaitOptions): Promise<WaitOutcome> {
    const started = Date.now();
    await this.log.listening?.();
    const after = options.after ?? (await this.log.latestCursor(locationId));
    const { signal } = options;
    if (signal.aborted) return { next: after, waitedMs: 0, cancelled: true };

    let settle!: (outcome: WaitOutcome) => void;
    const settled = new Promise<WaitOutcome>((resolve) => (settle = resolve));
    // Listening before reading: an event stored while the log is read is heard, not lost between the two.
    const waiter: Waiter = { locationId, filter, after, found: (event) => settle({ event, next: event.cursor }) };
    this.waiters.add(waiter);
    const stopped = (cancelled: boolean) => () => settle({ next: after, waitedMs: Date.now() - started, cancelled });
    const onAbort = stopped(true);
    signal.addEventListener('abort', onAbort, { once: true });
    const timer = setTimeout(stopped(false), options.timeoutMs);
    const ticker = options.progress && setInterval(() => options.progress!(Date.now() - started, options.timeoutMs), this.progressEveryMs);
    try {
      const [logged] = await this.log.recent(locationId, { ...filter, after });
      if (logged) settle({ event: logged, next: logged.cursor });
      // Said at once: the client knows the call is waiting, not stuck.
      else options.progress?.(Date.now() - started, options.timeoutMs);
      return await settled;
    } finally {
      this.waiters.delete(waiter);
      signal.removeEventListener('abort', onAbort);
      clearTimeout(timer);
      clearInterval(ticker);
    }
  }

  close(): void {
    this.stopListening();
    this.waiters.clear();
  }
}

/** Progress while waiting: often enough that a client resetting its timeout on progress never gives up. */
const DEFAULT_PROGRESS_EVERY_MS = 5_000;
