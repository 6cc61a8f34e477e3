/** The budget GHL grants one resource (location, company or token): a burst window and a daily allowance. */
export interface RateLimits {
  /** Requests allowed in any window of `intervalMs`. */
  max: number;
  intervalMs: number;
  /** Requests allowed per UTC day. */
  dailyMax: number;
}

/** What GHL's X-RateLimit-* headers (or a 429) said about a resource's budget. */
export interface RateObservation {
  max?: number;
  intervalMs?: number;
  remaining?: number;
  dailyMax?: number;
  dailyRemaining?: number;
  /** GHL refused the request: treat the window as full for `blockMs` (Retry-After) or a whole interval. */
  limited?: boolean;
  blockMs?: number;
}

/** Whether a request may go now: granted (with the slot's id), wait this long, or the day's budget is spent. */
export type SlotDecision<Id> = { id: Id } | { waitMs: number } | { dailyResetAt: number };

const DAY_MS = 86_400_000;

/** GHL's day is assumed to be the UTC day; the result tells the agent when the budget comes back. */
export function nextUtcMidnight(now: number): number {
  return (Math.floor(now / DAY_MS) + 1) * DAY_MS;
}

/** A tenth of the window may go at once; beyond that, requests are spaced at the window's average rate. */
export function burstOf(limits: RateLimits): number {
  return Math.max(1, Math.floor(limits.max / 10));
}

/** The stricter of what is configured and what GHL announced: never more than either allows. */
export function effectiveLimits(configured: RateLimits, learned: Partial<RateLimits>): RateLimits {
  return {
    max: Math.min(configured.max, learned.max ?? Infinity),
    intervalMs: Math.max(configured.intervalMs, learned.intervalMs ?? 0),
    dailyMax: Math.min(configured.dailyMax, learned.dailyMax ?? Infinity),
  };
}

/** Reads GHL's rate-limit headers; a 429 marks the window as full for Retry-After or one interval. */
export function observeHeaders(headers: Record<string, string | string[] | undefined>, status: number): RateObservation | undefined {
  const number = (name: string) => {
    const raw = headers[name];
    const value = Number(Array.isArray(raw) ? raw[0] : raw);
    return raw === undefined || !Number.isFinite(value) || value < 0 ? undefined : value;
  };
  const observation: RateObservation = {
    max: number('x-ratelimit-max'),
    intervalMs: number('x-ratelimit-interval-milliseconds'),
    remaining: number('x-ratelimit-remaining'),
    dailyMax: number('x-ratelimit-limit-daily'),
    dailyRemaining: number('x-ratelimit-daily-remaining'),
  };
  if (status === 429) {
    observation.limited = true;
    observation.blockMs = retryAfterMs(headers['retry-after']);
  }
  const said = Object.values(observation).some((value) => value !== undefined);
  return said ? observation : undefined;
}

/** Retry-After in seconds or as an HTTP date. */
export function retryAfterMs(raw: string | string[] | undefined, now = Date.now()): number | undefined {
  const text = Array.isArray(raw) ? raw[0] : raw;
  if (!text) return undefined;
  const seconds = Number(text);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * One resource's budget in this process: a sliding window that counts each request from the moment it is granted
 * until `intervalMs` after its response arrived (so GHL, which counts arrivals, can never see more than `max` in
 * a window), paced at the window's average rate with a small burst, and a daily count.
 */
export class RateWindow {
  /** When each finished request stops counting, ascending. */
  private expiries: number[] = [];
  private readonly inFlight = new Set<number>();
  private nextId = 0;
  /** Theoretical arrival time of the next request at the average rate (GCRA). */
  private paceAt = 0;
  private day = -1;
  private usedToday = 0;
  private learned: Partial<RateLimits> = {};

  constructor(private readonly configured: RateLimits) {}

  limits(): RateLimits {
    return effectiveLimits(this.configured, this.learned);
  }

  /** Grants a slot (returning its id) or says how long to wait. */
  tryAcquire(now: number): SlotDecision<number> {
    const limits = this.limits();
    this.rollDay(now);
    if (this.usedToday >= limits.dailyMax) return { dailyResetAt: nextUtcMidnight(now) };
    this.expire(now);
    const used = this.expiries.length + this.inFlight.size;
    let waitMs = 0;
    if (used >= limits.max) {
      // Finished requests leave in expiry order; in-flight ones only after they finish, so poll at the pace.
      const leaving = this.expiries[used - limits.max];
      waitMs = leaving === undefined ? limits.intervalMs / limits.max : leaving - now;
    }
    const spacing = limits.intervalMs / limits.max;
    const paceAt = Math.max(this.paceAt, now);
    waitMs = Math.max(waitMs, paceAt - now - (burstOf(limits) - 1) * spacing);
    if (waitMs > 0) return { waitMs };
    this.paceAt = paceAt + spacing;
    this.usedToday += 1;
    const id = this.nextId++;
    this.inFlight.add(id);
    return { id };
  }

  /** The request's response arrived (or it failed): it keeps counting for one more interval. */
  finish(id: number, now: number): void {
    if (!this.inFlight.delete(id)) return;
    this.insertExpiry(now + this.limits().intervalMs);
  }

  /** A granted slot that was never used (the call was cancelled before sending). */
  cancel(id: number): void {
    if (this.inFlight.delete(id)) this.usedToday = Math.max(0, this.usedToday - 1);
  }

  /** Learns GHL's limits and usage from its headers: usage by others (or a 429) fills our window too. */
  observe(observation: RateObservation, now: number): void {
    for (const name of ['max', 'intervalMs', 'dailyMax'] as const) {
      const value = observation[name];
      if (value !== undefined && value > 0) this.learned[name] = value;
    }
    const limits = this.limits();
    this.expire(now);
    const until = now + (observation.blockMs ?? limits.intervalMs);
    // After a 429 the window stays full until `until`; otherwise GHL's count beyond ours is filled in.
    const counted = observation.limited
      ? this.inFlight.size + this.expiries.filter((expiry) => expiry >= until).length
      : this.inFlight.size + this.expiries.length;
    const serverUsed = observation.limited ? limits.max : limits.max - (observation.remaining ?? limits.max);
    for (let index = counted; index < serverUsed; index += 1) this.insertExpiry(until);
    this.rollDay(now);
    if (observation.dailyRemaining !== undefined) {
      const dailyMax = observation.dailyMax ?? limits.dailyMax;
      this.usedToday = Math.max(this.usedToday, dailyMax - observation.dailyRemaining);
    }
  }

  private expire(now: number): void {
    let drop = 0;
    while (drop < this.expiries.length && this.expiries[drop]! <= now) drop += 1;
    if (drop > 0) this.expiries = this.expiries.slice(drop);
  }

  private insertExpiry(at: number): void {
    let index = this.expiries.length;
    while (index > 0 && this.expiries[index - 1]! > at) index -= 1;
    this.expiries.splice(index, 0, at);
  }

  private rollDay(now: number): void {
    const day = Math.floor(now / DAY_MS);
    if (day !== this.day) {
      this.day = day;
      this.usedToday = 0;
    }
  }
}
