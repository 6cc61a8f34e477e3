/**
 * How the fake GHL misbehaves on purpose, switched per test: GHL's rate limits (with its headers and 429s) and
 * faults — latency, error statuses, connection resets, slow bodies.
 */

/** The part of a recorded request these rules look at. */
export interface TrafficRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  time: number;
}

export interface RateLimitRules {
  /** Requests accepted per token and location in any window of `intervalMs` (GHL: 100 per 10 s). */
  max: number;
  intervalMs: number;
  /** Requests accepted per token and location per day (GHL: 200,000). */
  dailyMax?: number;
  /** Send Retry-After on 429s (GHL documents none): until the window frees a place, or a fixed number of seconds. */
  retryAfter?: true | number;
  /**
   * Send X-RateLimit-Daily-Reset, the milliseconds until the daily count starts again, as GHL does for Private
   * Integration Tokens. The fake's first day ends this long after the rules were set; later days last 24 hours.
   */
  dailyResetMs?: number;
  /** Enforce the limits without announcing them (no X-RateLimit-* headers). */
  silent?: boolean;
}

/** What GHL was seen to do for a Private Integration Token: 25 per 10 s, 10,000 a day, no Retry-After. */
export const PIT_RATE_LIMIT: RateLimitRules = { max: 25, intervalMs: 10_000, dailyMax: 10_000, dailyResetMs: 6 * 3_600_000 };

export interface RateVerdict {
  headers: Record<string, string>;
  /** Set when the request is refused with a 429. */
  refusal?: { status: 429; body: unknown };
}

const DAY_MS = 86_400_000;

/** GHL's limiter as the documents describe it: a sliding window and a daily count per token and location. */
export class FakeRateLimit {
  private readonly accepted = new Map<string, number[]>();
  private daily = new Map<string, number>();
  private dayEndsAt: number;
  /** Requests refused with 429, in total. */
  rejected = 0;

  constructor(readonly rules: RateLimitRules) {
    this.dayEndsAt = Date.now() + (rules.dailyResetMs ?? DAY_MS);
  }

  admit(token: string, request: TrafficRequest): RateVerdict {
    const { max, intervalMs, dailyMax = 200_000 } = this.rules;
    if (request.time >= this.dayEndsAt) {
      this.daily = new Map();
      while (this.dayEndsAt <= request.time) this.dayEndsAt += DAY_MS;
    }
    const key = `${token}|${locationOf(request) ?? ''}`;
    const times = (this.accepted.get(key) ?? []).filter((time) => time > request.time - intervalMs);
    const usedToday = this.daily.get(key) ?? 0;
    const dailyLeft = usedToday < dailyMax;
    const windowLeft = times.length < max;
    if (dailyLeft && windowLeft) {
      times.push(request.time);
      this.daily.set(key, usedToday + 1);
    }
    // A key whose window emptied is dropped: callers naming ever new locations do not grow the map.
    if (times.length > 0) this.accepted.set(key, times);
    else this.accepted.delete(key);
    const headers: Record<string, string> = this.rules.silent
      ? {}
      : {
          'X-RateLimit-Limit-Daily': String(dailyMax),
          'X-RateLimit-Daily-Remaining': String(dailyMax - (this.daily.get(key) ?? 0)),
          'X-RateLimit-Interval-Milliseconds': String(intervalMs),
          'X-RateLimit-Max': String(max),
          'X-RateLimit-Remaining': String(max - times.length),
          ...(this.rules.dailyResetMs !== undefined && { 'X-RateLimit-Daily-Reset': String(this.dayEndsAt - request.time) }),
        };
    if (dailyLeft && windowLeft) return { headers };
    this.rejected += 1;
    const { retryAfter } = this.rules;
    if (retryAfter !== undefined && dailyLeft) {
      const seconds = retryAfter === true ? Math.ceil((times[0]! + intervalMs - request.time) / 1000) : retryAfter;
      headers['Retry-After'] = String(Math.max(1, seconds));
    }
    return { headers, refusal: { status: 429, body: { statusCode: 429, message: 'Too many requests, please try again later.' } } };
  }
}

/** The location a request acts on, as GHL finds it: query, JSON body or a `/locations/{id}` path. */
function locationOf(request: TrafficRequest): string | undefined {
  const fromQuery = request.query.get('locationId') ?? request.query.get('location_id') ?? request.query.get('altId');
  if (fromQuery) return fromQuery;
  const fromPath = /^\/locations\/([^/]+)/.exec(request.path)?.[1];
  if (fromPath) return decodeURIComponent(fromPath);
  try {
    const body = JSON.parse(request.body) as { locationId?: unknown; altId?: unknown };
    const location = body.locationId ?? body.altId;
    return typeof location === 'string' ? location : undefined;
  } catch {
    return undefined;
  }
}

export type Fault =
  /** Wait before answering (a slow GHL). */
  | { kind: 'latency'; ms: number }
  /** Wait until `until` settles before answering (a GHL call held until a test lets it go). */
  | { kind: 'hold'; until: Promise<unknown> }
  /** Answer with this status; with `afterHandler` the route runs first (the change happened, the answer is lost). */
  | { kind: 'status'; status: number; afterHandler?: boolean }
  /** Destroy the connection once the request has arrived, without answering. */
  | { kind: 'reset' }
  /** Send the body in `chunks` pieces, `chunkDelayMs` apart. */
  | { kind: 'slow-body'; chunkDelayMs: number; chunks: number };

export interface FaultRule {
  fault: Fault;
  /** How many matching requests it applies to; Infinity until cleared. */
  times: number;
  method?: string;
  /** Matches the path (a string must be equal). */
  path?: string | RegExp;
}

/** Faults to inject, each for the next `times` matching requests. */
export class FakeFaults {
  private rules: FaultRule[] = [];

  add(fault: Fault, options: Omit<FaultRule, 'fault' | 'times'> & { times?: number } = {}): this {
    this.rules.push({ fault, times: options.times ?? 1, method: options.method, path: options.path });
    return this;
  }

  clear(): void {
    this.rules = [];
  }

  /**
   * The faults that apply to this request, in the order they were added: at most one outcome (a reset or a
   * status), one latency and one slow body. Each use counts against its rule's `times`.
   */
  take(request: TrafficRequest): Fault[] {
    const taken = new Map<string, Fault>();
    for (const rule of this.rules) {
      const slot = rule.fault.kind === 'reset' || rule.fault.kind === 'status' ? 'outcome' : rule.fault.kind;
      if (rule.times <= 0 || taken.has(slot) || !matches(rule, request)) continue;
      rule.times -= 1;
      taken.set(slot, rule.fault);
    }
    this.rules = this.rules.filter((rule) => rule.times > 0);
    return [...taken.values()];
  }
}

function matches(rule: FaultRule, request: TrafficRequest): boolean {
  if (rule.method && rule.method.toUpperCase() !== request.method) return false;
  if (rule.path === undefined) return true;
  return typeof rule.path === 'string' ? rule.path === request.path : rule.path.test(request.path);
}
