import { describe, expect, it } from 'vitest';
import { nextUtcMidnight, observeHeaders, resetTime, retryAfterMs } from '../../src/client/rate-headers.js';
import { ASSUMED_LIMITS, budgetOf, type RateCap, type RateLimits, tokenKind } from '../../src/client/rate-rules.js';
import { RateWindow } from '../../src/client/rate-window.js';
import type { RateObservation } from '../../src/client/rate-headers.js';

const DAY = 86_400_000;

interface Simulation {
  /** Grant times, in order. */
  granted: number[];
  /** Simulated time when the last grant happened. */
  end: number;
}

/**
 * Grants as fast as the window allows for `count` requests (or until `until`), each answered `latency` ms after
 * it was granted; `answer` may add GHL's headers to an answer.
 */
function simulate(
  window: RateWindow,
  count: number,
  latency: (index: number) => number,
  options: { until?: number; answer?: (sentAt: number) => RateObservation | undefined } = {},
): Simulation {
  const granted: number[] = [];
  const pending: { at: number; id: string; sentAt: number }[] = [];
  let now = 1_000 * DAY; // midnight UTC: the daily count starts empty
  const start = now;
  while (granted.length < count && (options.until === undefined || now - start < options.until)) {
    pending.sort((a, b) => a.at - b.at);
    while (pending.length > 0 && pending[0]!.at <= now) {
      const done = pending.shift()!;
      window.finish(done.id, done.at);
      const observation = options.answer?.(done.sentAt);
      if (observation) window.observe(observation, done.sentAt, done.at);
    }
    const id = `r${granted.length}`;
    const decision = window.tryAcquire(id, now);
    if ('granted' in decision) {
      granted.push(now);
      pending.push({ at: now + latency(granted.length), id, sentAt: now });
    } else if ('waitMs' in decision) {
      now += Math.max(1, Math.ceil(Math.min(decision.waitMs, pending[0] ? pending[0].at - now : Infinity)));
    } else {
      throw new Error('daily budget spent');
    }
  }
  return { granted, end: now };
}

function maxInAnyWindow(times: number[], intervalMs: number): number {
  let best = 0;
  for (let start = 0, end = 0; end < times.length; end += 1) {
    while (times[end]! - times[start]! >= intervalMs) start += 1;
    best = Math.max(best, end - start + 1);
  }
  return best;
}

const windowOf = (assumed: RateLimits, cap: RateCap = {}) => new RateWindow(assumed, cap);

describe('RateWindow', () => {
  const limits = { max: 100, intervalMs: 1_000, dailyMax: 200_000 };

  it('lets a tenth of the window go at once, then spaces requests at the average rate', () => {
    const window = windowOf(limits);
    const now = 5 * DAY;
    for (let index = 0; index < 10; index += 1) expect(window.tryAcquire(`r${index}`, now)).toEqual({ granted: true });
    expect(window.tryAcquire('r10', now)).toEqual({ waitMs: 10 });
    expect(window.tryAcquire('r10', now + 10)).toEqual({ granted: true });
  });

  it('never lets more than max requests into any window, and keeps close to the average rate', () => {
    const { granted } = simulate(windowOf(limits), 500, (index) => 1 + (index % 7));
    // Counting until answer + interval keeps even the slowest answers inside the window GHL sees.
    expect(maxInAnyWindow(granted, limits.intervalMs)).toBeLessThanOrEqual(limits.max);
    const span = granted.at(-1)! - granted[0]!;
    expect(span).toBeLessThan(5_000);
    expect(span).toBeGreaterThan(4_500);
  });

  it('spreads requests instead of releasing a whole window at its edge', () => {
    const { granted } = simulate(windowOf(limits), 300, () => 2);
    const sameInstant = new Map<number, number>();
    for (const time of granted) sameInstant.set(time, (sameInstant.get(time) ?? 0) + 1);
    expect(Math.max(...sameInstant.values())).toBeLessThanOrEqual(10);
    expect(maxInAnyWindow(granted, 100)).toBeLessThanOrEqual(20);
  });

  it('learns usage by others from X-RateLimit-Remaining and waits for it to leave the window', () => {
    const window = windowOf(limits);
    const now = 3 * DAY;
    window.tryAcquire('r', now);
    window.finish('r', now + 5);
    window.observe({ max: 100, intervalMs: 1_000, remaining: 0 }, now, now + 5);
    const decision = window.tryAcquire('next', now + 6);
    expect(decision).toHaveProperty('waitMs');
    expect((decision as { waitMs: number }).waitMs).toBeGreaterThan(900);
  });

  it("anchors GHL's count at when the request was sent: that usage leaves one interval after, not after the answer", () => {
    const window = windowOf({ max: 10, intervalMs: 1_000, dailyMax: 1_000 });
    const sentAt = 3 * DAY;
    window.tryAcquire('slow', sentAt);
    // A slow answer: GHL counted nine others before it, so the window was full when it arrived.
    window.finish('slow', sentAt + 400);
    window.observe({ max: 10, intervalMs: 1_000, remaining: 0 }, sentAt, sentAt + 400);
    expect(window.tryAcquire('early', sentAt + 999)).toHaveProperty('waitMs');
    // The nine left at sentAt + 1000; only our own request (finished at +400) still counts.
    expect(window.tryAcquire('next', sentAt + 1_000)).toEqual({ granted: true });
  });

  it("follows GHL's newest count of others' usage: a lower one once it has held a while, a late older one never", () => {
    const window = windowOf({ max: 20, intervalMs: 1_000, dailyMax: 1_000 });
    const t = 6 * DAY;
    const grant = (id: string, at: number) => expect(window.tryAcquire(id, at)).toEqual({ granted: true });
    grant('a', t);
    grant('b', t + 50);
    // b's answer: 17 used, 2 of them ours, so 15 are others'. a's answer, older, arrives late and is ignored.
    window.finish('b', t + 100);
    window.observe({ max: 20, intervalMs: 1_000, remaining: 3 }, t + 50, t + 100);
    window.finish('a', t + 110);
    window.observe({ max: 20, intervalMs: 1_000, remaining: 18 }, t, t + 110);
    grant('c', t + 200);
    grant('d', t + 250);
    grant('e', t + 300);
    expect(window.tryAcquire('f', t + 350)).toHaveProperty('waitMs');
    // e's answer: the others have nearly all gone. That holds once it has for twice our slowest answer (a took
    // 110 ms), not one interval after b was sent.
    window.finish('e', t + 340);
    window.observe({ max: 20, intervalMs: 1_000, remaining: 14 }, t + 300, t + 340);
    expect(window.tryAcquire('f', t + 360)).toEqual({ waitMs: 200 });
    grant('f', t + 560);
  });

  it('after a 429 without Retry-After, holds back until the usage GHL counted has left', () => {
    const window = windowOf({ max: 25, intervalMs: 10_000, dailyMax: 10_000 });
    const sentAt = 4 * DAY;
    window.tryAcquire('refused', sentAt);
    window.finish('refused', sentAt + 50, true);
    window.observe({ limited: true, max: 25, intervalMs: 10_000, remaining: 0 }, sentAt, sentAt + 50);
    expect((window.tryAcquire('retry', sentAt + 9_000) as { waitMs: number }).waitMs).toBeGreaterThan(900);
    expect(window.tryAcquire('retry', sentAt + 10_000)).toEqual({ granted: true });
  });

  it('after a 429 waits for Retry-After, not just the window', () => {
    const window = windowOf(limits);
    const now = 3 * DAY;
    window.tryAcquire('r', now);
    window.finish('r', now);
    window.observe({ limited: true, blockMs: 3_000 }, now, now);
    expect((window.tryAcquire('x', now + 2_000) as { waitMs: number }).waitMs).toBeGreaterThan(900);
    expect(window.tryAcquire('x', now + 3_001)).toEqual({ granted: true });
  });

  it('stops at the daily budget and says when it resets', () => {
    const window = windowOf({ max: 100, intervalMs: 1_000, dailyMax: 3 });
    const now = 7 * DAY + 3_600_000;
    for (let index = 0; index < 3; index += 1) window.tryAcquire(`r${index}`, now + index * 100);
    expect(window.tryAcquire('x', now + 1_000)).toEqual({ dailyResetAt: 8 * DAY });
    expect(window.tryAcquire('x', 8 * DAY)).toEqual({ granted: true });
  });

  it('takes the daily usage GHL reports', () => {
    const window = windowOf(limits);
    const now = 9 * DAY;
    window.observe({ dailyMax: 200_000, dailyRemaining: 0 }, now, now);
    expect(window.tryAcquire('x', now + 1)).toEqual({ dailyResetAt: nextUtcMidnight(now) });
  });

  it('honours the daily reset GHL gives as a duration: the budget comes back then, not at midnight', () => {
    const window = windowOf(ASSUMED_LIMITS.pit);
    const now = 9 * DAY + 3_600_000;
    const resetAt = now + 5 * 3_600_000;
    window.observe(observeHeaders({ 'x-ratelimit-daily-remaining': '0', 'x-ratelimit-limit-daily': '10000', 'x-ratelimit-daily-reset': String(5 * 3_600_000) }, 200, now)!, now, now);
    expect(window.tryAcquire('x', now + 1)).toEqual({ dailyResetAt: resetAt });
    expect(window.tryAcquire('x', resetAt)).toEqual({ granted: true });
    // The next day is a whole day later, not the next UTC midnight.
    expect(window.dayEnds(resetAt)).toBe(resetAt + DAY);
  });

  it('gives a cancelled slot back to the day', () => {
    const window = windowOf({ max: 100, intervalMs: 1_000, dailyMax: 1 });
    window.tryAcquire('r', DAY);
    window.cancel('r');
    expect(window.tryAcquire('s', DAY + 20)).toEqual({ granted: true });
  });

  it('is idle once nothing counts any more, and names its own requests for a handover', () => {
    const window = windowOf({ max: 10, intervalMs: 1_000, dailyMax: 100 });
    const now = 2 * DAY;
    window.tryAcquire('a', now);
    window.tryAcquire('b', now + 100);
    window.finish('a', now + 50);
    window.observe({ max: 10, intervalMs: 1_000, remaining: 5 }, now, now + 50);
    expect(window.ownEntries(now + 200)).toEqual([{ id: 'b' }, { id: 'a', finishedAgoMs: 150 }]);
    expect(window.idle(now + 200)).toBe(false);
    window.finish('b', now + 300);
    expect(window.idle(now + 1_299)).toBe(false);
    expect(window.idle(now + 1_300)).toBe(true);
  });
});

describe('combining limits', () => {
  const app = ASSUMED_LIMITS.app;

  it("lets GHL's announced window replace the assumed one, and keeps an operator's window as its own constraint", () => {
    expect(budgetOf(app, {}, {})).toEqual({ windows: [{ max: 100, intervalMs: 10_000 }], dailyMax: 200_000 });
    expect(budgetOf(app, {}, { max: 20, intervalMs: 1_000, dailyMax: 5_000 })).toEqual({ windows: [{ max: 20, intervalMs: 1_000 }], dailyMax: 5_000 });
    expect(budgetOf(app, { max: 10, intervalMs: 1_000 }, {})).toEqual({ windows: [{ max: 10, intervalMs: 1_000 }], dailyMax: 200_000 });
    expect(budgetOf(app, { max: 10, intervalMs: 1_000, dailyMax: 50 }, { max: 100, intervalMs: 10_000 })).toEqual({
      windows: [
        { max: 100, intervalMs: 10_000 },
        { max: 10, intervalMs: 1_000 },
      ],
      dailyMax: 50,
    });
  });

  it('uses a 20 per second announcement at 20 per second, where the assumption was 100 per 10 seconds', () => {
    const window = windowOf(app);
    const announce = () => ({ max: 20, intervalMs: 1_000, remaining: 19 });
    const { granted } = simulate(window, 120, () => 2, { answer: announce });
    expect(maxInAnyWindow(granted, 1_000)).toBeLessThanOrEqual(20);
    // Six windows' worth in about six seconds (20 per 10 s, field by field, took a minute).
    expect(granted[119]! - granted[0]!).toBeLessThan(6_100);
  });

  it("gives an operator's 10 per second against GHL's 100 per 10 seconds 10 per second, not 1", () => {
    const window = windowOf(app, { max: 10, intervalMs: 1_000 });
    const announce = () => ({ max: 100, intervalMs: 10_000, remaining: 99 });
    const { granted } = simulate(window, 10_000, () => 2, { until: 20_000, answer: announce });
    expect(granted.length).toBeGreaterThanOrEqual(190);
    expect(maxInAnyWindow(granted, 1_000)).toBeLessThanOrEqual(10);
    expect(maxInAnyWindow(granted, 10_000)).toBeLessThanOrEqual(100);
  });

  it('starts a Private Integration Token on its own budget: 25 per 10 seconds, 10,000 a day', () => {
    expect(tokenKind('pit-0123')).toBe('pit');
    expect(tokenKind('eyJhbGciOi.x.y')).toBe('app');
    const window = windowOf(ASSUMED_LIMITS.pit);
    expect(window.budget()).toEqual({ windows: [{ max: 25, intervalMs: 10_000 }], dailyMax: 10_000 });
    const { granted } = simulate(window, 75, () => 5);
    expect(maxInAnyWindow(granted, 10_000)).toBeLessThanOrEqual(25);
  });
});

describe('GHL rate-limit headers', () => {
  it('reads every X-RateLimit header and a 429 with Retry-After', () => {
    const headers = {
      'x-ratelimit-max': '100',
      'x-ratelimit-interval-milliseconds': '10000',
      'x-ratelimit-remaining': '7',
      'x-ratelimit-limit-daily': '200000',
      'x-ratelimit-daily-remaining': '199000',
      'x-ratelimit-daily-reset': '60000',
      'retry-after': '3',
    };
    expect(observeHeaders(headers, 429, 1_000)).toEqual({
      max: 100,
      intervalMs: 10_000,
      remaining: 7,
      dailyMax: 200_000,
      dailyRemaining: 199_000,
      dailyResetAt: 61_000,
      limited: true,
      blockMs: 3_000,
    });
    expect(observeHeaders({ 'content-type': 'application/json' }, 200)).toBeUndefined();
  });

  it('reads the daily reset as a duration, or as an epoch time in seconds or milliseconds', () => {
    const now = 1_700_000_000_000;
    expect(resetTime(3_600_000, now)).toBe(now + 3_600_000);
    expect(resetTime(1_700_003_600, now)).toBe(1_700_003_600_000);
    expect(resetTime(1_700_003_600_000, now)).toBe(1_700_003_600_000);
    expect(resetTime(5e11, now)).toBeUndefined();
  });

  it('reads Retry-After as seconds or an HTTP date', () => {
    expect(retryAfterMs('1.5')).toBe(1_500);
    expect(retryAfterMs(new Date(10_000).toUTCString(), 4_000)).toBe(6_000);
    expect(retryAfterMs('soon')).toBeUndefined();
    expect(retryAfterMs(undefined)).toBeUndefined();
  });
});
