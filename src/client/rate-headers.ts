/** What GHL's X-RateLimit-* headers (or a 429) said about a resource's budget. */
export interface RateObservation {
  max?: number;
  intervalMs?: number;
  /** Requests GHL will still accept in the current window (this one counted). */
  remaining?: number;
  dailyMax?: number;
  dailyRemaining?: number;
  /** When GHL's daily count starts again (epoch ms), from X-RateLimit-Daily-Reset. */
  dailyResetAt?: number;
  /** GHL refused the request: the window is full. */
  limited?: boolean;
  /** Retry-After, when GHL sent one (it does not for Private Integration Tokens). */
  blockMs?: number;
}

export const DAY_MS = 86_400_000;

/** Without word from GHL, its day is assumed to be the UTC day. */
export function nextUtcMidnight(now: number): number {
  return (Math.floor(now / DAY_MS) + 1) * DAY_MS;
}

/** Reads GHL's rate-limit headers; undefined when the answer carried none. */
export function observeHeaders(headers: Record<string, string | string[] | undefined>, status: number, now = Date.now()): RateObservation | undefined {
  const number = (name: string) => {
    const raw = headers[name];
    const value = Number(Array.isArray(raw) ? raw[0] : raw);
    return raw === undefined || !Number.isFinite(value) || value < 0 ? undefined : value;
  };
  const reset = number('x-ratelimit-daily-reset');
  const observation: RateObservation = {
    max: number('x-ratelimit-max'),
    intervalMs: number('x-ratelimit-interval-milliseconds'),
    remaining: number('x-ratelimit-remaining'),
    dailyMax: number('x-ratelimit-limit-daily'),
    dailyRemaining: number('x-ratelimit-daily-remaining'),
    dailyResetAt: reset === undefined ? undefined : resetTime(reset, now),
  };
  if (status === 429) {
    observation.limited = true;
    observation.blockMs = retryAfterMs(headers['retry-after'], now);
  }
  const said = Object.values(observation).some((value) => value !== undefined);
  return said ? observation : undefined;
}

/**
 * X-RateLimit-Daily-Reset as a moment. GHL was seen sending a duration in milliseconds; an epoch time (seconds
 * or milliseconds) is read as such, since no day lasts long enough to be confused with one.
 */
export function resetTime(value: number, now: number): number | undefined {
  if (value <= 2 * DAY_MS) return now + value;
  if (value >= 1e12) return value;
  if (value >= 1e9 && value < 1e11) return value * 1000;
  return undefined;
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
