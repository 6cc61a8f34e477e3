import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../logger.js';
import { CallScope } from './call-scope.js';
import { AuthPendingError, CallCancelledError, CallDeadlineError, DailyBudgetError } from './errors.js';
import { DailyBudgetSpent, Limiter } from './limiter.js';
import { LocalSlotStore } from './local-store.js';
import { nextUtcMidnight, observeHeaders } from './rate-headers.js';
import { ASSUMED_LIMITS, type RateCap, type TokenKind } from './rate-rules.js';
import { RedisSlotStore } from './redis-store.js';
import { DEFAULT_RETRY, isIdempotent, neverReachedGhl, retryDelayForError, retryDelayForStatus, type RetryPolicy } from './retry.js';

/** What one HTTP attempt returns; the policy only looks at the status and headers. */
export interface AttemptResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
}

/** How the client paces, caps and retries calls; from the configuration (flags and environment). */
export interface RateSettings {
  /**
   * Limits the operator set explicitly; each caps GHL's announced budget. Unset values are learned from GHL's
   * headers, assuming GHL's published budget (or a Private Integration Token's) until the first answer.
   */
  cap: RateCap;
  /** Requests in flight at once, across all resources. */
  concurrency: number;
  maxRetries: number;
  callTimeoutMs: number;
  /** Shares the limiter state with every process pointed at the same Redis. */
  redisUrl?: string;
}

export const DEFAULT_RATE_SETTINGS: RateSettings = {
  cap: {},
  concurrency: 16,
  maxRetries: DEFAULT_RETRY.maxRetries,
  callTimeoutMs: 60_000,
};

export function createSendPolicy(settings: RateSettings = DEFAULT_RATE_SETTINGS, logger?: Logger): SendPolicy {
  const local = new LocalSlotStore(settings.cap);
  // A slot whose process died stops counting after the call deadline plus the longest window it may count in.
  const longest = Math.max(settings.cap.intervalMs ?? 0, ...Object.values(ASSUMED_LIMITS).map((limits) => limits.intervalMs));
  const store = settings.redisUrl
    ? new RedisSlotStore({ url: settings.redisUrl, leaseMs: settings.callTimeoutMs + longest, fallback: local, logger })
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
  /** The whole call: waiting for credentials, for a slot, every attempt and every backoff. */
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

/** Which budget a request is held to: its limiter key and the kind of token it is sent with. */
export interface Budgeted {
  method: string;
  key: string;
  kind: TokenKind;
}

/**
 * Runs calls under their deadline and the caller's cancellation, and each call's attempts inside the rate
 * budget: each attempt waits for a slot of its resource, reports GHL's rate headers back, and is retried only
 * when repeating it cannot do something twice.
 */
export class SendPolicy {
  constructor(private readonly options: SendPolicyOptions) {}

  close(): Promise<void> {
    return this.options.limiter.close();
  }

  /** The same windows and retry rules with a concurrency cap of its own: one tenant's slow calls never hold another's places. */
  withOwnConcurrency(): SendPolicy {
    return new SendPolicy({ ...this.options, limiter: this.options.limiter.sharingWindows() });
  }

  /** Runs `body` as one call; its failures come out as errors that say what happened and whether anything was sent. */
  async call<R>(signal: AbortSignal | undefined, body: (call: CallScope) => Promise<R>): Promise<R> {
    const { callTimeoutMs } = this.options;
    const call = new CallScope(callTimeoutMs, signal);
    try {
      return await body(call);
    } catch (error) {
      if (call.cancelled) throw new CallCancelledError(call.reached);
      if (call.timedOut && call.stoppedForCredentials) throw new AuthPendingError(callTimeoutMs);
      if (call.timedOut) throw new CallDeadlineError(callTimeoutMs, call.reached, isIdempotent(call.method));
      throw error;
    } finally {
      call.dispose();
    }
  }

  /** One request of a call, attempt after attempt. */
  async run<R extends AttemptResponse>(call: CallScope, request: Budgeted, attempt: (signal: AbortSignal) => Promise<R>): Promise<R> {
    const { limiter, retry, logger } = this.options;
    const { method, key, kind } = request;
    call.method = method;
    for (let retries = 0; ; retries += 1) {
      let lease;
      try {
        lease = await limiter.acquire(key, kind, call.signal);
      } catch (error) {
        if (error instanceof DailyBudgetSpent) throw new DailyBudgetError(describe(key), error.dailyMax, error.resetsAt);
        throw error;
      }
      const reachedBefore = call.reached;
      call.reached = true;
      let response: R;
      try {
        response = await attempt(call.signal);
      } catch (error) {
        lease.finish();
        if (neverReachedGhl(error)) call.reached = reachedBefore;
        const delay = call.signal.aborted ? undefined : retryDelayForError(method, error, retries, retry);
        if (delay === undefined || Date.now() + delay >= call.endsAt) throw error;
        logger?.debug({ key, method, retry: retries + 1, delayMs: Math.round(delay), err: (error as Error).message }, 'retrying after a failure');
        await sleep(delay, undefined, { signal: call.signal });
        continue;
      }
      const observation = observeHeaders(response.headers, response.status);
      lease.finish(observation);
      if (response.status === 429 && observation?.dailyRemaining === 0) {
        throw new DailyBudgetError(describe(key), observation.dailyMax, observation.dailyResetAt ?? nextUtcMidnight(Date.now()));
      }
      const delay = retryDelayForStatus(method, response.status, response.headers, retries, retry);
      if (delay === undefined || Date.now() + delay >= call.endsAt) return response;
      logger?.debug({ key, method, status: response.status, retry: retries + 1, delayMs: Math.round(delay) }, 'retrying');
      if (delay > 0) await sleep(delay, undefined, { signal: call.signal });
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
