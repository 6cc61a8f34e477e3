import { retryAfterMs } from './rate-headers.js';

export interface RetryPolicy {
  /** Retries after the first attempt; 0 turns retrying off. */
  maxRetries: number;
  /** First backoff step; each retry doubles it, up to `maxDelayMs`, half of it random. */
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxRetries: 4, baseDelayMs: 250, maxDelayMs: 8_000 };

/** Methods whose repetition has the same effect as one call: safe to send again whatever happened. */
const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']);

/** No connection was made, so the request never reached GHL: safe to send again, even a POST. */
const CONNECT_FAILURES = new Set(['ECONNREFUSED', 'UND_ERR_CONNECT_TIMEOUT', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH']);

/** The request may have reached GHL before this happened: only idempotent requests are sent again. */
const INTERRUPTED = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

const RETRYABLE_STATUS = new Set([502, 503, 504]);

export function isIdempotent(method: string): boolean {
  return IDEMPOTENT.has(method.toUpperCase());
}

/** The error code of a failed request, looking through undici's and Node's wrappers. */
export function errorCode(error: unknown): string | undefined {
  let current = error as { code?: unknown; cause?: unknown; errors?: unknown[] } | undefined;
  for (let depth = 0; current && depth < 4; depth += 1) {
    if (typeof current.code === 'string') return current.code;
    current = (current.cause ?? current.errors?.[0]) as typeof current;
  }
  return undefined;
}

export function neverReachedGhl(error: unknown): boolean {
  const code = errorCode(error);
  return code !== undefined && CONNECT_FAILURES.has(code);
}

/** Exponential backoff with jitter: half of each step fixed, half random, so retries of many calls spread out. */
export function backoffMs(retry: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const step = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** retry);
  return step / 2 + random() * (step / 2);
}

/** How long to wait before sending again after this answer, or undefined to give the answer to the agent. */
export function retryDelayForStatus(
  method: string,
  status: number,
  headers: Record<string, string | string[] | undefined>,
  retry: number,
  policy: RetryPolicy,
): number | undefined {
  if (retry >= policy.maxRetries) return undefined;
  // Without Retry-After (GHL sends none for Private Integration Tokens) the limiter, told by the 429 that the
  // window is full, holds the retry back until GHL's count frees a place; with no rate headers either, back off.
  if (status === 429) return retryAfterMs(headers['retry-after']) ?? (headers['x-ratelimit-remaining'] !== undefined ? 0 : backoffMs(retry, policy));
  if (RETRYABLE_STATUS.has(status) && isIdempotent(method)) return backoffMs(retry, policy);
  return undefined;
}

/** How long to wait before sending again after this failure, or undefined to report it. */
export function retryDelayForError(method: string, error: unknown, retry: number, policy: RetryPolicy): number | undefined {
  if (retry >= policy.maxRetries) return undefined;
  const code = errorCode(error);
  if (code === undefined) return undefined;
  if (CONNECT_FAILURES.has(code)) return backoffMs(retry, policy);
  if (INTERRUPTED.has(code) && isIdempotent(method)) return backoffMs(retry, policy);
  return undefined;
}
