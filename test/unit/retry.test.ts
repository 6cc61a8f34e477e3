import { describe, expect, it } from 'vitest';
import { backoffMs, errorCode, retryDelayForError, retryDelayForStatus } from '../../src/client/retry.js';

const policy = { maxRetries: 3, baseDelayMs: 100, maxDelayMs: 1_000 };
const failure = (code: string) => Object.assign(new Error(code), { code });

describe('retry policy', () => {
  it('retries a 429 for every method, honouring Retry-After', () => {
    expect(retryDelayForStatus('POST', 429, { 'retry-after': '2' }, 0, policy)).toBe(2_000);
    expect(retryDelayForStatus('PATCH', 429, {}, 0, policy)).toBeGreaterThanOrEqual(50);
  });

  it('retries a 429 without Retry-After at once when GHL sent its count: the limiter holds it back', () => {
    expect(retryDelayForStatus('GET', 429, { 'x-ratelimit-remaining': '0', 'x-ratelimit-max': '25' }, 0, policy)).toBe(0);
    expect(retryDelayForStatus('GET', 429, { 'x-ratelimit-remaining': '0', 'retry-after': '3' }, 0, policy)).toBe(3_000);
  });

  it('retries 502/503/504 only for GET, PUT and DELETE', () => {
    for (const method of ['GET', 'PUT', 'DELETE']) {
      for (const status of [502, 503, 504]) expect(retryDelayForStatus(method, status, {}, 0, policy)).toBeGreaterThan(0);
    }
    for (const method of ['POST', 'PATCH']) expect(retryDelayForStatus(method, 503, {}, 0, policy)).toBeUndefined();
    expect(retryDelayForStatus('GET', 500, {}, 0, policy)).toBeUndefined();
    expect(retryDelayForStatus('GET', 404, {}, 0, policy)).toBeUndefined();
  });

  it('retries a POST only when the connection was never made', () => {
    expect(retryDelayForError('POST', failure('ECONNREFUSED'), 0, policy)).toBeGreaterThan(0);
    expect(retryDelayForError('POST', failure('UND_ERR_CONNECT_TIMEOUT'), 0, policy)).toBeGreaterThan(0);
    expect(retryDelayForError('POST', failure('ENOTFOUND'), 0, policy)).toBeGreaterThan(0);
    for (const code of ['ECONNRESET', 'UND_ERR_SOCKET', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']) {
      expect(retryDelayForError('POST', failure(code), 0, policy)).toBeUndefined();
      expect(retryDelayForError('PATCH', failure(code), 0, policy)).toBeUndefined();
      expect(retryDelayForError('GET', failure(code), 0, policy)).toBeGreaterThan(0);
      expect(retryDelayForError('DELETE', failure(code), 0, policy)).toBeGreaterThan(0);
    }
    expect(retryDelayForError('GET', new Error('no code'), 0, policy)).toBeUndefined();
  });

  it('stops after maxRetries', () => {
    expect(retryDelayForStatus('GET', 503, {}, 3, policy)).toBeUndefined();
    expect(retryDelayForError('GET', failure('ECONNRESET'), 3, policy)).toBeUndefined();
    expect(retryDelayForStatus('GET', 429, { 'retry-after': '1' }, 3, policy)).toBeUndefined();
  });

  it('finds the code inside wrapped errors', () => {
    const wrapped = new Error('fetch failed', { cause: new AggregateError([failure('ECONNREFUSED')]) });
    expect(errorCode(wrapped)).toBe('ECONNREFUSED');
  });

  it('backs off exponentially with jitter, capped', () => {
    expect(backoffMs(0, policy, () => 0)).toBe(50);
    expect(backoffMs(0, policy, () => 1)).toBe(100);
    expect(backoffMs(2, policy, () => 0)).toBe(200);
    expect(backoffMs(10, policy, () => 1)).toBe(1_000);
  });
});
