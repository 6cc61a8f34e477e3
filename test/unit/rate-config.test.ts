import { describe, expect, it } from 'vitest';
import { ConfigError, parseCli } from '../../src/config.js';

describe('rate-limit options', () => {
  it("caps nothing by default: GHL's announced budget is learned from its headers", () => {
    expect(parseCli([], {}).config!.rate).toEqual({
      cap: {},
      concurrency: 16,
      maxRetries: 4,
      callTimeoutMs: 60_000,
    });
  });

  it('takes flags over the environment', () => {
    const env = { GHL_RATE_LIMIT_MAX: '50', GHL_RATE_LIMIT_INTERVAL_MS: '5000', GHL_DAILY_LIMIT: '1000', GHL_MAX_CONCURRENCY: '4' };
    const { rate } = parseCli(['--rate-limit-max', '20', '--max-retries', '0', '--call-timeout-ms', '1500'], env).config!;
    expect(rate).toEqual({ cap: { max: 20, intervalMs: 5_000, dailyMax: 1_000 }, concurrency: 4, maxRetries: 0, callTimeoutMs: 1_500 });
    expect(parseCli(['--rate-limit-max', '10'], {}).config!.rate.cap).toEqual({ max: 10 });
  });

  it('refuses values that are not whole numbers in range', () => {
    expect(() => parseCli(['--rate-limit-max', '0'], {})).toThrow(ConfigError);
    expect(() => parseCli([], { GHL_MAX_RETRIES: '-1' })).toThrow(/GHL_MAX_RETRIES must be a whole number \(0 or more\)/);
    expect(() => parseCli([], { GHL_DAILY_LIMIT: '1.5' })).toThrow(/--daily-limit \/ GHL_DAILY_LIMIT must be a positive whole number/);
  });

  it('reads REDIS_URL from the environment only', () => {
    expect(parseCli([], { REDIS_URL: 'redis://:secret@127.0.0.1:6390' }).config!.redisUrl).toBe('redis://:secret@127.0.0.1:6390');
    expect(() => parseCli(['--redis-url', 'redis://x'], {})).toThrow(ConfigError);
  });
});
