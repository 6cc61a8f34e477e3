import { randomBytes } from 'node:crypto';
import type { Redis as RedisClient } from 'ioredis';
import type { Logger } from '../logger.js';
import type { Decision, SlotStore } from './limiter.js';
import type { LocalSlotStore } from './local-store.js';
import { burstOf, effectiveLimits, nextUtcMidnight, type RateLimits, type RateObservation } from './rate-window.js';

/**
 * The same window as RateWindow, kept in Redis so every replica shares one budget. Times come from Redis's
 * clock, so replicas whose clocks disagree still agree on the window. Entries: `f:` requests in flight (scored
 * with a lease, in case their process dies), finished requests (scored with when they stop counting), and `p:`
 * placeholders for usage GHL reported that no replica made.
 */
const ACQUIRE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local max, interval, burst = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local lease, dailyMax = tonumber(ARGV[5]), tonumber(ARGV[6])
if tonumber(redis.call('GET', KEYS[3]) or '0') >= dailyMax then return {2, 0} end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
local used = redis.call('ZCARD', KEYS[1])
local spacing = interval / max
local wait = 0
if used >= max then
  local nth = redis.call('ZRANGE', KEYS[1], used - max, used - max, 'WITHSCORES')
  if string.sub(nth[1], 1, 2) == 'f:' then wait = spacing else wait = tonumber(nth[2]) - now end
end
local pace = math.max(tonumber(redis.call('GET', KEYS[2]) or '0'), now)
wait = math.max(wait, pace - now - (burst - 1) * spacing)
if wait > 0 then return {1, math.ceil(wait)} end
redis.call('ZADD', KEYS[1], now + lease, ARGV[1])
if redis.call('PTTL', KEYS[1]) < lease + interval then redis.call('PEXPIRE', KEYS[1], lease + interval) end
redis.call('SET', KEYS[2], string.format('%.3f', pace + spacing), 'PX', math.ceil(pace + spacing - now) + interval)
redis.call('INCR', KEYS[3])
redis.call('PEXPIRE', KEYS[3], 172800000)
return {0, 0}
`;

/** Ends a request's slot, and records usage GHL reported beyond ours (placeholders) and its daily count. */
const FINISH = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local interval, serverUsed, block, dailyUsed = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
redis.call('ZADD', KEYS[1], 'XX', now + interval, ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
-- After a 429 (ARGV[6] = 1) the window stays full until now + block; otherwise GHL's count beyond ours is filled in.
local counted
if ARGV[6] == '1' then counted = redis.call('ZCOUNT', KEYS[1], now + block, '+inf') else counted = redis.call('ZCARD', KEYS[1]) end
for i = counted + 1, serverUsed do redis.call('ZADD', KEYS[1], now + block, 'p:' .. ARGV[1] .. ':' .. i) end
if serverUsed > counted and redis.call('PTTL', KEYS[1]) < block then redis.call('PEXPIRE', KEYS[1], block) end
if dailyUsed > tonumber(redis.call('GET', KEYS[2]) or '0') then redis.call('SET', KEYS[2], dailyUsed, 'PX', 172800000) end
return 0
`;

/** A slot that was never used gives its place (and its daily count) back. */
const CANCEL = `
if redis.call('ZREM', KEYS[1], ARGV[1]) == 1 then redis.call('DECR', KEYS[2]) end
return 0
`;

interface ScriptedRedis extends RedisClient {
  ghlAcquire(window: string, pace: string, day: string, ...args: (string | number)[]): Promise<[number, number]>;
  ghlFinish(window: string, day: string, ...args: (string | number)[]): Promise<number>;
  ghlCancel(window: string, day: string, member: string): Promise<number>;
}

export interface RedisStoreOptions {
  url: string;
  limits: RateLimits;
  /** How long an in-flight request may hold its slot if its process dies: the call deadline plus a margin. */
  leaseMs: number;
  /** Used while Redis is unreachable, so calls go on (each process then keeps its own budget). */
  fallback: LocalSlotStore;
  logger?: Logger;
  prefix?: string;
}

/** Slots in Redis, shared by every process pointed at it; falls back to the local store while Redis is away. */
export class RedisSlotStore implements SlotStore {
  private readonly redis: Promise<ScriptedRedis>;
  private readonly learned = new Map<string, Partial<RateLimits>>();
  private readonly owner = randomBytes(6).toString('hex');
  private counter = 0;
  private degraded = false;
  private readonly where: string;

  constructor(private readonly options: RedisStoreOptions) {
    this.where = describeUrl(options.url);
    this.redis = this.connect();
  }

  async acquire(key: string): Promise<Decision> {
    const redis = await this.redis;
    const limits = this.limits(key);
    const member = `f:${this.owner}:${this.counter++}`;
    const keys = this.keys(key);
    let reply: [number, number];
    try {
      if (redis.status !== 'ready') throw new Error(`connection is ${redis.status}`);
      reply = await redis.ghlAcquire(keys.window, keys.pace, keys.day, member, limits.max, limits.intervalMs, burstOf(limits), this.options.leaseMs, limits.dailyMax);
    } catch (error) {
      this.warnDegraded(error);
      return this.options.fallback.decide(key);
    }
    const [status, waitMs] = reply.map(Number) as [number, number];
    if (status === 2) return { dailyResetAt: nextUtcMidnight(Date.now()), dailyMax: limits.dailyMax };
    if (status === 1) return { waitMs };
    return {
      slot: {
        finish: (observation) => void this.finish(redis, key, keys, member, observation),
        cancel: () => void redis.ghlCancel(keys.window, keys.day, member).catch(() => undefined),
      },
    };
  }

  async close(): Promise<void> {
    const redis = await this.redis;
    redis.disconnect();
  }

  private async finish(redis: ScriptedRedis, key: string, keys: Keys, member: string, observation?: RateObservation): Promise<void> {
    if (observation) this.learn(key, observation);
    const limits = this.limits(key);
    const serverUsed = observation?.limited ? limits.max : observation?.remaining !== undefined ? limits.max - observation.remaining : 0;
    const dailyUsed = observation?.dailyRemaining !== undefined ? (observation.dailyMax ?? limits.dailyMax) - observation.dailyRemaining : -1;
    const blockMs = Math.ceil(observation?.blockMs ?? limits.intervalMs);
    try {
      await redis.ghlFinish(keys.window, keys.day, member, limits.intervalMs, serverUsed, blockMs, dailyUsed, observation?.limited ? 1 : 0);
    } catch (error) {
      // The slot's lease runs out on its own; meanwhile it only makes the shared window stricter.
      this.warnDegraded(error);
    }
  }

  private limits(key: string): RateLimits {
    return effectiveLimits(this.options.limits, this.learned.get(key) ?? {});
  }

  private learn(key: string, observation: RateObservation): void {
    const learned = this.learned.get(key) ?? {};
    for (const name of ['max', 'intervalMs', 'dailyMax'] as const) {
      const value = observation[name];
      if (value !== undefined && value > 0) learned[name] = value;
    }
    this.learned.set(key, learned);
  }

  private keys(key: string): Keys {
    // One hash tag per resource keeps its keys on one cluster slot.
    const base = `${this.options.prefix ?? 'ghl-mcp:rl:'}{${key}}`;
    return { window: `${base}:window`, pace: `${base}:pace`, day: `${base}:day:${Math.floor(Date.now() / 86_400_000)}` };
  }

  private async connect(): Promise<ScriptedRedis> {
    const mod = await import('ioredis');
    const Redis = ((mod as { Redis?: unknown }).Redis ?? (mod as unknown as { default: unknown }).default) as typeof RedisClient;
    const redis = new Redis(this.options.url, {
      // Fail fast while disconnected so calls fall back to the local limiter instead of queueing behind Redis.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: 1_000,
      connectTimeout: 2_000,
      retryStrategy: (times: number) => Math.min(100 * times, 2_000),
    }) as ScriptedRedis;
    redis.defineCommand('ghlAcquire', { numberOfKeys: 3, lua: ACQUIRE });
    redis.defineCommand('ghlFinish', { numberOfKeys: 2, lua: FINISH });
    redis.defineCommand('ghlCancel', { numberOfKeys: 2, lua: CANCEL });
    redis.on('error', (error: Error) => this.warnDegraded(error));
    redis.on('ready', () => {
      if (this.degraded) this.options.logger?.warn({ redis: this.where }, 'Redis is reachable again: the rate limit is shared across processes once more');
      this.degraded = false;
    });
    // The first calls wait briefly for the connection rather than starting on the local budget.
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 2_000);
      timer.unref();
      redis.once('ready', () => {
        clearTimeout(timer);
        resolve();
      });
    });
    return redis;
  }

  private warnDegraded(error: unknown): void {
    if (this.degraded) return;
    this.degraded = true;
    this.options.logger?.warn(
      { redis: this.where, err: (error as Error).message },
      'Redis is unreachable: calls continue with a rate limit kept in this process only, until Redis is back',
    );
  }
}

interface Keys {
  window: string;
  pace: string;
  day: string;
}

/** host:port only: a Redis URL may carry a password. */
function describeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}:${parsed.port || '6379'}`;
  } catch {
    return 'the configured Redis';
  }
}
