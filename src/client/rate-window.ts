import { DAY_MS, nextUtcMidnight, type RateObservation } from './rate-headers.js';
import { type Announced, type Budget, budgetOf, burstOf, longestInterval, type RateCap, type RateLimits, type WindowLimit } from './rate-rules.js';

/** Whether a request may go now: granted, wait this long, or the day's budget is spent until `dailyResetAt`. */
export type SlotDecision = { granted: true } | { waitMs: number } | { dailyResetAt: number };

/** A request this process made that the window still counts: in flight, or finished this long ago. */
export interface OwnEntry {
  id: string;
  finishedAgoMs?: number;
}

/** A finished request (ours, with its id) or usage GHL reported that we did not make (no id). */
interface Finished {
  id?: string;
  /** When it finished: it counts in a window of interval I until `at + I`. */
  at: number;
}

/**
 * One resource's budget in this process. Each window of the budget is its own constraint: a request counts from
 * the moment it is granted until one interval after its answer arrived (so GHL, which counts arrivals, never
 * sees more than `max` in a window), and requests are paced at each window's average rate with a small burst.
 * Plus a daily count.
 */
export class RateWindow {
  private readonly inFlight = new Set<string>();
  /** Ascending by `at`. */
  private finished: Finished[] = [];
  /** Per window (`max/interval`): the theoretical arrival time of the next request at its average rate (GCRA). */
  private readonly paceAt = new Map<string, number>();
  private readonly announced: Announced = {};
  private usedToday = 0;
  private dayEndsAt = 0;
  /** When GHL said its day starts again (X-RateLimit-Daily-Reset); later days follow 24 hours apart. */
  private resetAt?: number;

  constructor(
    private readonly assumed: RateLimits,
    private readonly cap: RateCap,
  ) {}

  budget(): Budget {
    return budgetOf(this.assumed, this.cap, this.announced);
  }

  /** Grants a slot to request `id` or says how long to wait. */
  tryAcquire(id: string, now: number): SlotDecision {
    const budget = this.budget();
    this.rollDay(now);
    if (this.usedToday >= budget.dailyMax) return { dailyResetAt: this.dayEndsAt };
    this.trim(now, budget);
    const waitMs = Math.max(...budget.windows.map((window) => this.waitFor(window, now)));
    if (waitMs > 0) return { waitMs };
    this.grant(id, budget, now);
    return { granted: true };
  }

  /** A request granted elsewhere (the window shared in Redis): counted here too, so this window can take over. */
  record(id: string, now: number): void {
    const budget = this.budget();
    this.rollDay(now);
    this.trim(now, budget);
    this.grant(id, budget, now);
  }

  /** The request's answer arrived (or it failed): it keeps counting for one more interval. */
  finish(id: string, now: number): void {
    if (this.inFlight.delete(id)) this.insert({ id, at: now });
  }

  /** A granted slot that was never used (the call was cancelled before sending). */
  cancel(id: string): void {
    if (this.inFlight.delete(id)) this.usedToday = Math.max(0, this.usedToday - 1);
  }

  /**
   * Learns from GHL's headers on the answer to a request sent at `sentAt`. Announced limits replace the assumed
   * ones. GHL's count beyond ours (other processes, other apps) is filled in as usage that leaves the window one
   * interval after `sentAt`: GHL counted it before our request arrived, so it is gone by then. After a 429 with
   * Retry-After the window stays full until then; without one, the count says when places come back.
   */
  observe(observation: RateObservation, sentAt: number, now: number): void {
    for (const name of ['max', 'intervalMs', 'dailyMax'] as const) {
      const value = observation[name];
      if (value !== undefined && value > 0) this.announced[name] = value;
    }
    const budget = this.budget();
    this.trim(now, budget);
    const fill = fillOf(observation, budget, sentAt, now);
    if (fill) {
      const known = this.inFlight.size + this.finished.length - this.firstCounting(fill.countedAfter);
      for (let index = known; index < fill.used; index += 1) this.insert({ at: fill.until - fill.window.intervalMs });
    }
    if (observation.dailyResetAt !== undefined && observation.dailyResetAt > now) {
      this.rollDay(now);
      this.resetAt = observation.dailyResetAt;
      this.dayEndsAt = observation.dailyResetAt;
    }
    this.rollDay(now);
    if (observation.dailyRemaining !== undefined) {
      this.usedToday = Math.max(this.usedToday, (observation.dailyMax ?? budget.dailyMax) - observation.dailyRemaining);
    }
  }

  /** When the current day's budget starts again. */
  dayEnds(now: number): number {
    this.rollDay(now);
    return this.dayEndsAt;
  }

  /** Nothing in flight, counting or paced ahead: forgetting this window changes no decision but the daily count. */
  idle(now: number): boolean {
    if (this.inFlight.size > 0) return false;
    const horizon = now - longestInterval(this.budget());
    if (this.finished.some((entry) => entry.at > horizon)) return false;
    return [...this.paceAt.values()].every((at) => at <= now);
  }

  /** This process's own requests that still count, for handing over to the shared window. */
  ownEntries(now: number): OwnEntry[] {
    const horizon = now - longestInterval(this.budget());
    const finished = this.finished.filter((entry) => entry.id !== undefined && entry.at > horizon);
    return [...[...this.inFlight].map((id) => ({ id })), ...finished.map((entry) => ({ id: entry.id!, finishedAgoMs: now - entry.at }))];
  }

  private waitFor(window: WindowLimit, now: number): number {
    const spacing = window.intervalMs / window.max;
    const first = this.firstCounting(now - window.intervalMs);
    const used = this.inFlight.size + this.finished.length - first;
    let waitMs = 0;
    if (used >= window.max) {
      // Finished requests leave in order; in-flight ones only after they finish, so poll at the pace.
      const leaving = this.finished[first + used - window.max];
      waitMs = leaving === undefined ? spacing : leaving.at + window.intervalMs - now;
    }
    const paceAt = Math.max(this.paceAt.get(paceKey(window)) ?? 0, now);
    return Math.max(waitMs, paceAt - now - (burstOf(window) - 1) * spacing);
  }

  private grant(id: string, budget: Budget, now: number): void {
    for (const window of budget.windows) {
      const key = paceKey(window);
      this.paceAt.set(key, Math.max(this.paceAt.get(key) ?? 0, now) + window.intervalMs / window.max);
    }
    this.usedToday += 1;
    this.inFlight.add(id);
  }

  /** Index of the first finished entry with `at` after `since`. */
  private firstCounting(since: number): number {
    let low = 0;
    let high = this.finished.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (this.finished[middle]!.at <= since) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  private insert(entry: Finished): void {
    let index = this.finished.length;
    while (index > 0 && this.finished[index - 1]!.at > entry.at) index -= 1;
    this.finished.splice(index, 0, entry);
  }

  /** Forgets what no window counts any more. */
  private trim(now: number, budget: Budget): void {
    const drop = this.firstCounting(now - longestInterval(budget));
    if (drop > 0) this.finished = this.finished.slice(drop);
    for (const [key, at] of this.paceAt) if (at <= now - longestInterval(budget)) this.paceAt.delete(key);
  }

  private rollDay(now: number): void {
    if (now < this.dayEndsAt) return;
    this.usedToday = 0;
    if (this.resetAt === undefined) {
      this.dayEndsAt = nextUtcMidnight(now);
      return;
    }
    while (this.resetAt <= now) this.resetAt += DAY_MS;
    this.dayEndsAt = this.resetAt;
  }
}

/**
 * What GHL's count says to fill in: `used` requests count in GHL's window until `until`; ours that count after
 * `countedAfter` are among them. GHL's window is the announced one, or (never announced) the first enforced.
 */
export interface Fill {
  window: WindowLimit;
  used: number;
  until: number;
  countedAfter: number;
}

export function fillOf(observation: RateObservation, budget: Budget, sentAt: number, now: number): Fill | undefined {
  const window = budget.windows[0]!;
  const max = observation.max ?? window.max;
  if (observation.limited && observation.blockMs !== undefined) {
    // Retry-After: the window stays full until then.
    const until = now + observation.blockMs;
    return { window, used: max, until, countedAfter: until - window.intervalMs };
  }
  if (!observation.limited && observation.remaining === undefined) return undefined;
  // GHL counted this usage before our request arrived: it is gone one interval after we sent it.
  const used = observation.limited ? max : max - observation.remaining!;
  return { window, used, until: sentAt + window.intervalMs, countedAfter: now - window.intervalMs };
}

function paceKey(window: WindowLimit): string {
  return `${window.max}/${window.intervalMs}`;
}
