import { describe, expect, it } from 'vitest';
import { effectiveLimits, nextUtcMidnight, observeHeaders, RateWindow, retryAfterMs } from '../../src/client/rate-window.js';

const DAY = 86_400_000;

/** Grants as fast as the window allows for `count` requests, each answered `latency` ms after it was granted. */
function simulate(window: RateWindow, count: number, latency: (index: number) => number) {
  const granted: number[] = [];
  const finishes: { at: number; id: number }[] = [];
  let now = 1_000 * DAY; // midnight UTC: the daily count starts empty
  while (granted.length < count) {
    finishes.sort((a, b) => a.at - b.at);
    while (finishes.length > 0 && finishes[0]!.at <= now) {
      const done = finishes.shift()!;
      window.finish(done.id, done.at);
    }
    const decision = window.tryAcquire(now);
    if ('id' in decision) {
      granted.push(now);
      finishes.push({ at: now + latency(granted.length), id: decision.id });
    } else if ('waitMs' in decision) {
      now += Math.max(1, Math.ceil(Math.min(decision.waitMs, finishes[0] ? finishes[0].at - now : Infinity)));
    } else {
      throw new Error('daily budget spent');
    }
  }
  return granted;
}

function maxInAnyWindow(times: number[], intervalMs: number): number {
  let best = 0;
  for (let start = 0, end = 0; end < times.length; end += 1) {
    while (times[end]! - times[start]! >= intervalMs) start += 1;
    best = Math.max(best, end - start + 1);
  }
  return best;
}

describe('RateWindow', () => {
  const limits = { max: 100, intervalMs: 1_000, dailyMax: 200_000 };

  it('lets a tenth of the window go at once, then spaces requests at the average rate', () => {
    const window = new RateWindow(limits);
    const now = 5 * DAY;
    for (let index = 0; index < 10; index += 1) expect(window.tryAcquire(now)).toHaveProperty('id');
    expect(window.tryAcquire(now)).toEqual({ waitMs: 10 });
    expect(window.tryAcquire(now + 10)).toHaveProperty('id');
  });

  it('never lets more than max requests into any window, and keeps close to the average rate', () => {
    const window = new RateWindow(limits);
    const granted = simulate(window, 500, (index) => 1 + (index % 7));
    // Counting until answer + interval keeps even the slowest answers inside the window GHL sees.
    expect(maxInAnyWindow(granted, limits.intervalMs)).toBeLessThanOrEqual(limits.max);
    const span = granted.at(-1)! - granted[0]!;
    expect(span).toBeLessThan(5_000);
    expect(span).toBeGreaterThan(4_500);
  });

  it('spreads requests instead of releasing a whole window at its edge', () => {
    const window = new RateWindow(limits);
    const granted = simulate(window, 300, () => 2);
    const sameInstant = new Map<number, number>();
    for (const time of granted) sameInstant.set(time, (sameInstant.get(time) ?? 0) + 1);
    expect(Math.max(...sameInstant.values())).toBeLessThanOrEqual(10);
    expect(maxInAnyWindow(granted, 100)).toBeLessThanOrEqual(20);
  });

  it('learns usage by others from X-RateLimit-Remaining and waits for it to leave the window', () => {
    const window = new RateWindow(limits);
    const now = 3 * DAY;
    const first = window.tryAcquire(now) as { id: number };
    window.finish(first.id, now + 5);
    window.observe({ max: 100, intervalMs: 1_000, remaining: 0 }, now + 5);
    const decision = window.tryAcquire(now + 6);
    expect(decision).toHaveProperty('waitMs');
    expect((decision as { waitMs: number }).waitMs).toBeGreaterThan(900);
  });

  it('after a 429 waits for Retry-After, not just the window', () => {
    const window = new RateWindow(limits);
    const now = 3 * DAY;
    const slot = window.tryAcquire(now) as { id: number };
    window.finish(slot.id, now);
    window.observe({ limited: true, blockMs: 3_000 }, now);
    expect((window.tryAcquire(now + 2_000) as { waitMs: number }).waitMs).toBeGreaterThan(900);
    expect(window.tryAcquire(now + 3_001)).toHaveProperty('id');
  });

  it('adopts a stricter limit announced by GHL', () => {
    const window = new RateWindow(limits);
    window.observe({ max: 10, intervalMs: 2_000 }, 0);
    expect(window.limits()).toEqual({ max: 10, intervalMs: 2_000, dailyMax: 200_000 });
    expect(effectiveLimits(limits, { max: 500, intervalMs: 100 })).toEqual(limits);
  });

  it('stops at the daily budget and says when it resets', () => {
    const window = new RateWindow({ max: 100, intervalMs: 1_000, dailyMax: 3 });
    const now = 7 * DAY + 3_600_000;
    for (let index = 0; index < 3; index += 1) window.tryAcquire(now + index * 100);
    expect(window.tryAcquire(now + 1_000)).toEqual({ dailyResetAt: 8 * DAY });
    expect(window.tryAcquire(8 * DAY)).toHaveProperty('id');
  });

  it('takes the daily usage GHL reports', () => {
    const window = new RateWindow(limits);
    const now = 9 * DAY;
    window.observe({ dailyMax: 200_000, dailyRemaining: 0 }, now);
    expect(window.tryAcquire(now + 1)).toEqual({ dailyResetAt: nextUtcMidnight(now) });
  });

  it('gives a cancelled slot back to the day', () => {
    const window = new RateWindow({ max: 100, intervalMs: 1_000, dailyMax: 1 });
    const slot = window.tryAcquire(DAY) as { id: number };
    window.cancel(slot.id);
    expect(window.tryAcquire(DAY + 20)).toHaveProperty('id');
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
      'retry-after': '3',
    };
    expect(observeHeaders(headers, 429)).toEqual({
      max: 100,
      intervalMs: 10_000,
      remaining: 7,
      dailyMax: 200_000,
      dailyRemaining: 199_000,
      limited: true,
      blockMs: 3_000,
    });
    expect(observeHeaders({ 'content-type': 'application/json' }, 200)).toBeUndefined();
  });

  it('reads Retry-After as seconds or an HTTP date', () => {
    expect(retryAfterMs('1.5')).toBe(1_500);
    expect(retryAfterMs(new Date(10_000).toUTCString(), 4_000)).toBe(6_000);
    expect(retryAfterMs('soon')).toBeUndefined();
    expect(retryAfterMs(undefined)).toBeUndefined();
  });
});
