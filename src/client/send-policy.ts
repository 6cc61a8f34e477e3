import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../logger.js';
import { CallCancelledError, CallDeadlineError, DailyBudgetError } from './errors.js';
import { DailyBudgetSpent, Limiter } from './limiter.js';
import { LocalSlotStore } from './local-store.js';
import { nextUtcMidnight, observeHeaders, type RateLimits } from './rate-window.js';
import { RedisSlotStore } from './redis-store.js';
import { DEFAULT_RETRY, isIdempotent, neverReachedGhl, retryDelayForError, retryDelayForStatus, type RetryPolicy } from './retry.js';

/** What one HTTP attempt returns; the policy only looks at the status and headers. */
export interface AttemptResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
}

/** How the client paces, caps and retries calls; from the configuration (flags and environment). */
export interface RateSettings {
  limits: RateLimits;
  /** Requests in flight at once, across all resources. */
  concurrency: number;
  maxRetries: number;
  callTimeoutMs: number;
  /** Shares the limiter state with every process pointed at the same Redis. */
  redisUrl?: string;
}

/** GHL's published budget: 100 requests per 10 seconds and 200,000 per day, per app and resource. */
export const DEFAULT_RATE_SETTINGS: RateSettings = {
  limits: { max: 100, intervalMs: 10_000, dailyMax: 200_000 },
  concurrency: 16,
  maxRetries: DEFAULT_RETRY.maxRetries,
  callTimeoutMs: 60_000,
};

export function createSendPolicy(settings: RateSettings = DEFAULT_RATE_SETTINGS, logger?: Logger): SendPolicy {
  const local = new LocalSlotStore(settings.limits);
  const store = settings.redisUrl
    ? new RedisSlotStore({ url: settings.redisUrl, limits: settings.limits, leaseMs: settings.callTimeoutMs + settings.limits.intervalMs, fallback: local, logger })
    : local;
  return new SendPolicy({
    limiter: new Limiter(store, settings.concurrency),
    retry: { ...DEFAULT_RETRY, maxRetries: settings.maxRetries },
    callTimeoutMs: settings.callTimeoutMs,
    logger,
  });
}

export interface SendPolicyOptions {
  limiter: Limiter;
  retry: RetryPolicy;
  /** The whole call: waiting for a slot, every attempt and every backoff. */
  callTimeoutMs: number;
  logger?: Logger;
}

/**
 * The limiter key of a request: its location or company, or (for calls that name none) a hash of the token,
 * which is the same budget and never reveals the token in Redis keys or logs.
 */
export function limiterKey(resource: string | undefined, token: string): string {
  return resource ?? `token:${createHash('sha256').update(token).digest('hex').slice(0, 16)}`;
}

/**
 * Runs a request's attempts inside the rate budget: each attempt waits for a slot of its resource, reports GHL's
 * rate headers back, and is retried only when repeating it cannot do something twice.
 */
export class SendPolicy {
  constructor(private readonly options: SendPolicyOptions) {}

  close(): Promise<void> {
    return this.options.limiter.close();
  }

  async run<R extends AttemptResponse>(
    method: string,
    key: string,
    signal: AbortSignal | undefined,
    attempt: (signal: AbortSignal) => Promise<R>,
  ): Promise<R> {
    const { limiter, retry, callTimeoutMs, logger } = this.options;
    // One controller for the caller's cancellation and the deadline, released when the call ends (no timer or
    // listener outlives it).
    const call = new AbortController();
    const combined = call.signal;
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      call.abort(new Error('call deadline passed'));
    }, callTimeoutMs);
    const cancel = () => call.abort(signal?.reason);
    if (signal?.aborted) cancel();
    signal?.addEventListener('abort', cancel, { once: true });
    const endsAt = Date.now() + callTimeoutMs;
    let reached = false;
    try {
      for (let retries = 0; ; retries += 1) {
        const lease = await limiter.acquire(key, combined);
        const reachedBefore: boolean = reached;
        reached = true;
        let response: R;
        try {
          response = await attempt(combined);
        } catch (error) {
          lease.finish();
          if (neverReachedGhl(error)) reached = reachedBefore;
          const delay = combined.aborted ? undefined : retryDelayForError(method, error, retries, retry);
          if (delay === undefined || Date.now() + delay >= endsAt) throw error;
          logger?.debug({ key, method, retry: retries + 1, delayMs: Math.round(delay), err: (error as Error).message }, 'retrying after a failure');
          await sleep(delay, undefined, { signal: combined });
          continue;
        }
        const observation = observeHeaders(response.headers, response.status);
        lease.finish(observation);
        if (response.status === 429 && observation?.dailyRemaining === 0) {
          throw new DailyBudgetError(describe(key), observation.dailyMax, nextUtcMidnight(Date.now()));
        }
        const delay = retryDelayForStatus(method, response.status, response.headers, retries, retry);
        if (delay === undefined || Date.now() + delay >= endsAt) return response;
        logger?.debug({ key, method, status: response.status, retry: retries + 1, delayMs: Math.round(delay) }, 'retrying');
        await sleep(delay, undefined, { signal: combined });
      }
    } catch (error) {
      if (signal?.aborted) throw new CallCancelledError(reached);
      if (timedOut) throw new CallDeadlineError(callTimeoutMs, reached, isIdempotent(method));
      if (error instanceof DailyBudgetSpent) throw new DailyBudgetError(describe(key), error.dailyMax, error.resetsAt);
      throw error;
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', cancel);
    }
  }
}

/** How a limiter key reads in a result; a tenant's scope (`tenant:x/`) is left out. */
function describe(key: string): string {
  const bare = key.slice(key.indexOf('/') + 1);
  if (bare.startsWith('location:')) return `location ${bare.slice('location:'.length)}`;
  if (bare.startsWith('company:')) return `company ${bare.slice('company:'.length)}`;
  return 'this token';
}
