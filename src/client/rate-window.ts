import { DAY_MS, nextUtcMidnight, type RateObservation } from './rate-headers.js';
import { type Announced, type Budget, budgetOf, burstOf, longestInterval, type RateCap, type RateLimits, type WindowLimit } from './rate-rules.js';

/** Whether a request may go now: granted, wait this long, or the day's budget is spent until `dailyResetAt`. */
export type SlotDecision = { granted: true } | { waitMs: number } | { dailyResetAt: number };

/** A request this process made that the window still counts: in flight, or finished this long ago. */
export interface OwnEntry {
  id: string;
  finishedAgoMs?: number;
}

/** A finished request of ours: it counts in a window of interval I until `at + I`. */
interface Finished {
  id: string;
  grantedAt: number;
  at: number;
}

/** GHL's count beyond our own requests, as one of its answers told it. */
interface Reported {
  /** When the request whose answer said so was sent: GHL counted that usage before it arrived. */
  at: number;
  count: number;
  /** GHL's window: the usage is gone from it by `at + intervalMs`. */
  intervalMs: number;
  /** When a newer count arrived: this one holds a while longer (see `others`). */
  supersededAt?: number;
}

/**
 * One resource's budget in this process. Each window of the budget is its own constraint: a request counts from
 * the moment it is granted until one interval after its answer arrived (so GHL, which counts arrivals, never
 * sees more than `max` in a window), and requests are paced at each window's average rate with a small burst.
 * GHL's own window also holds the usage GHL reports beyond ours (other processes, other apps). Plus a daily count.
 */
export class RateWindow {
  /** Requests in flight, by id, with when they were granted. */
  private readonly inFlight = new Map<string, number>();
  /** Ascending by `at`. */
  private finished: Finished[] = [];
  /** GHL's counts of others' usage, oldest first (see `others`). */
  private reports: Reported[] = [];
  /** Retry-After: nothing goes before this. */
  private blockedUntil = 0;
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
    // GHL's count of others is in its own window: the first one enforced (the announced, or the assumed one).
    const waits = budget.windows.map((window, index) => this.waitFor(window, now, index === 0));
    const waitMs = Math.max(this.blockedUntil - now, ...waits);
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

  /**
   * The request's answer arrived (or it failed): it keeps counting for one more interval — unless GHL refused it
   * (429), so never counted it: kept, it would free a place one interval later that GHL never lent, and the next
   * request would be refused in its turn.
   */
  finish(id: string, now: number, refused = false): void {
    const grantedAt = this.inFlight.get(id);
    if (grantedAt === undefined) return;
    this.inFlight.delete(id);
    if (refused) return;
    let index = this.finished.length;
    while (index > 0 && this.finished[index - 1]!.at > now) index -= 1;
    this.finished.splice(index, 0, { id, grantedAt, at: now });
  }

  /** A granted slot that was never used (the call was cancelled before sending). */
  cancel(id: string): void {
    if (this.inFlight.delete(id)) this.usedToday = Math.max(0, this.usedToday - 1);
  }

  /**
   * Learns from GHL's headers on the answer to a request sent at `sentAt`. Announced limits replace the assumed
   * ones. GHL's count beyond our own requests is kept as others' usage until one interval after `sentAt` (GHL
   * counted it before our request arrived, so it is gone by then) or until a later answer counts again: the
   * newest count replaces older ones, so others' usage moves with what GHL says instead of leaving in clumps.
   * A 429 says the window is full; with Retry-After nothing goes before it ends.
   */
  observe(observation: RateObservation, sentAt: number, now: number): void {
    for (const name of ['max', 'intervalMs', 'dailyMax'] as const) {
      const value = observation[name];
      if (value !== undefined && value > 0) this.announced[name] = value;
    }
    const budget = this.budget();
    this.trim(now, budget);
    const report = reportOf(observation, budget);
    if (report.blockMs !== undefined) this.blockedUntil = Math.max(this.blockedUntil, now + report.blockMs);
    if (report.used !== undefined) {
      // Our requests GHL had counted: granted before this one went, still in its window.
      const own = this.ownAt(sentAt, report.intervalMs);
      let index = this.reports.length;
      while (index > 0 && this.reports[index - 1]!.at > sentAt) index -= 1;
      const older = this.reports[index - 1];
      if (older) older.supersededAt ??= now;
      const count = Math.max(0, report.used - own);
      this.reports.splice(index, 0, { at: sentAt, count, intervalMs: report.intervalMs, supersededAt: index < this.reports.length ? now : undefined });
    }
    this.rollDay(now);
    if (observation.dailyResetAt !== undefined && observation.dailyResetAt > now) {
      this.resetAt = observation.dailyResetAt;
      this.dayEndsAt = observation.dailyResetAt;
    }
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
    if (this.inFlight.size > 0 || this.blockedUntil > now) return false;
    if (this.others(now)) return false;
    const horizon = now - longestInterval(this.budget());
    if (this.finished.some((entry) => entry.at > horizon)) return false;
    return [...this.paceAt.values()].every((at) => at <= now);
  }

  /** GHL's newest count of others' usage that still holds, for handing over to the shared window. */
  othersNow(now: number): Reported | undefined {
    this.others(now);
    return this.reports.at(-1);
  }

  /** This process's own requests that still count, for handing over to the shared window. */
  ownEntries(now: number): OwnEntry[] {
    const horizon = now - longestInterval(this.budget());
    const finished = this.finished.filter((entry) => entry.at > horizon);
    return [...[...this.inFlight.keys()].map((id) => ({ id })), ...finished.map((entry) => ({ id: entry.id, finishedAgoMs: now - entry.at }))];
  }

  private waitFor(window: WindowLimit, now: number, ghl: boolean): number {
    const spacing = window.intervalMs / window.max;
    const first = this.firstCounting(now - window.intervalMs);
    const reported = ghl ? this.others(now) : undefined;
    const used = this.inFlight.size + this.finished.length - first + (reported?.count ?? 0);
    let waitMs = 0;
    if (used >= window.max) {
      // Our finished requests leave in order, others' usage all at once; in-flight ones only after they finish.
      let excess = used - window.max + 1;
      let index = first;
      let othersLeft = reported === undefined;
      while (excess > 0) {
        const ownLeaves = index < this.finished.length ? this.finished[index]!.at + window.intervalMs : Infinity;
        const othersLeave = othersLeft ? Infinity : reported!.leaves;
        if (othersLeave === Infinity && ownLeaves === Infinity) {
          waitMs = Math.max(waitMs, spacing);
          break;
        }
        if (othersLeave <= ownLeaves) {
          excess -= reported!.count;
          othersLeft = true;
        } else {
          excess -= 1;
          index += 1;
        }
        waitMs = Math.min(othersLeave, ownLeaves) - now;
      }
    }
    const paceAt = Math.max(this.paceAt.get(paceKey(window)) ?? 0, now);
    return Math.max(waitMs, paceAt - now - (burstOf(window) - 1) * spacing);
  }

  /**
   * Others' usage now, and when that figure can next fall. GHL's newest count holds, and an older one still holds
   * for a while after a newer one arrived (twice our slowest answer, at least a tenth of the window): a count that
   * rises counts at once, one that falls only once it has held that long. So a place that freed because someone's
   * request left GHL's window while its answer (which ends their own count of it) was still on the way is not
   * taken from under them. Usage is gone from GHL's window one interval after the request that saw it was sent.
   */
  private others(now: number): { count: number; leaves: number } | undefined {
    let holdMs = 0;
    for (const entry of this.finished) holdMs = Math.max(holdMs, 2 * (entry.at - entry.grantedAt));
    const holdsUntil = (report: Reported) =>
      Math.min(report.at + report.intervalMs, (report.supersededAt ?? Infinity) + Math.max(holdMs, report.intervalMs / 10));
    this.reports = this.reports.filter((report) => holdsUntil(report) > now);
    let highest: Reported | undefined;
    for (const report of this.reports) if (!highest || report.count >= highest.count) highest = report;
    return highest && { count: highest.count, leaves: holdsUntil(highest) };
  }

  /** Our requests granted by `at` that GHL's window still counted then. */
  private ownAt(at: number, intervalMs: number): number {
    let count = 0;
    for (const grantedAt of this.inFlight.values()) if (grantedAt <= at) count += 1;
    for (const entry of this.finished) if (entry.grantedAt <= at && entry.at > at - intervalMs) count += 1;
    return count;
  }

  private grant(id: string, budget: Budget, now: number): void {
    for (const window of budget.windows) {
      const key = paceKey(window);
      this.paceAt.set(key, Math.max(this.paceAt.get(key) ?? 0, now) + window.intervalMs / window.max);
    }
    this.usedToday += 1;
    this.inFlight.set(id, now);
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

/** What an answer says about GHL's window: how much of it is used, and how long to hold back after a 429. */
export interface Report {
  /** Requests GHL counts in its window (all of it after a 429); undefined when the answer did not say. */
  used?: number;
  /** GHL's window: the announced one, or (never announced) the first enforced. */
  intervalMs: number;
  limited: boolean;
  /** Retry-After. */
  blockMs?: number;
}

export function reportOf(observation: RateObservation, budget: Budget): Report {
  const window = budget.windows[0]!;
  const max = observation.max ?? window.max;
  const limited = observation.limited === true;
  const used = limited ? max : observation.remaining === undefined ? undefined : Math.max(0, max - observation.remaining);
  return { used, intervalMs: window.intervalMs, limited, blockMs: limited ? observation.blockMs : undefined };
}

function paceKey(window: WindowLimit): string {
  return `${window.max}/${window.intervalMs}`;
}
