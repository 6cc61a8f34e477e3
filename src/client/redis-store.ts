import { randomBytes } from 'node:crypto';
import type { Redis as RedisClient } from 'ioredis';
import type { Logger } from '../logger.js';
import type { Decision, Slot, SlotStore } from './limiter.js';
import type { LocalSlotStore } from './local-store.js';
import type { RateObservation } from './rate-headers.js';
import { burstOf, longestInterval, type TokenKind } from './rate-rules.js';
import { reportOf } from './rate-window.js';
import { defineScripts, type ScriptedRedis } from './redis-scripts.js';

export interface RedisStoreOptions {
  url: string;
  /** How long an in-flight request may hold its slot if its process dies: the call deadline plus a margin. */
  leaseMs: number;
  /**
   * This process's windows: kept up to date with every shared grant and answer, and used alone while Redis is
   * unreachable (each process then keeps its own budget, corrected by what GHL's headers say).
   */
  fallback: LocalSlotStore;
  logger?: Logger;
  prefix?: string;
  /** A limiter command slower than this counts as Redis being down (a hung Redis answers nothing at all). */
  commandTimeoutMs?: number;
  /** How often an unreachable Redis is tried again, in the background. */
  probeMs?: number;
}

const DEFAULT_COMMAND_TIMEOUT_MS = 250;
const DEFAULT_PROBE_MS = 250;

interface Keys {
  window: string;
  state: string;
  day: string;
}

/**
 * Slots in Redis, shared by every process pointed at it, behind a circuit: the first failed or timed-out
 * command switches every resource to the local windows at once (not one timeout per grant), a background probe
 * watches for Redis to answer again, and on its return this process's requests are handed over to the shared
 * window before it is used again, so neither a hang nor a restart with an empty Redis costs a window of budget.
 * Each switch is logged once.
 */
export class RedisSlotStore implements SlotStore {
  private readonly redis: Promise<ScriptedRedis>;
  private readonly owner = randomBytes(6).toString('hex');
  private counter = 0;
  private readonly timeoutMs: number;
  /** Redis is down or hung: slots come from the local windows. */
  private open = false;
  /** Handing this process's requests over to Redis: calls wait for it, it takes one round trip. */
  private closing?: Promise<void>;
  /** Set while a handover is sent: a finish after it goes to Redis too (after the handover, on the same connection). */
  private handingOver = false;
  private probe?: NodeJS.Timeout;
  /** Redis's clock minus ours, from the quickest recent exchange (a slow one says little about the clocks). */
  private offset = 0;
  private offsetRttMs = Infinity;
  /** Slots cancelled while Redis was away: removed from the shared window on the handover. */
  private readonly cancelled = new Map<string, string[]>();
  private readonly where: string;
  private stopped = false;

  constructor(private readonly options: RedisStoreOptions) {
    this.where = describeUrl(options.url);
    this.timeoutMs = options.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS;
    this.redis = this.connect();
  }

  /** True while calls are limited by this process's windows alone. */
  get degraded(): boolean {
    return this.open;
  }

  async acquire(key: string, kind: TokenKind): Promise<Decision> {
    const redis = await this.redis;
    if (this.closing) await this.closing;
    if (!this.open && redis.status !== 'ready') this.trip(new Error(`connection is ${redis.status}`));
    const local = this.options.fallback;
    const member = `f:${this.owner}:${this.counter++}`;
    if (this.open) {
      const decision = local.decide(key, kind, member);
      return 'slot' in decision ? { slot: this.slot(redis, key, member) } : decision;
    }
    const window = local.window(key, kind);
    const budget = window.budget();
    const keys = this.keys(key);
    const now = Date.now();
    const args = [member, this.options.leaseMs, budget.dailyMax, Math.max(1, window.dayEnds(now) - now), this.deadline(), budget.windows.length];
    for (const limit of budget.windows) args.push(limit.max, limit.intervalMs, burstOf(limit));
    let reply: [number, number, number];
    try {
      reply = await this.timed(redis.ghlAcquire(keys.window, keys.state, keys.day, ...args));
    } catch (error) {
      this.trip(error);
      return this.acquire(key, kind);
    }
    const [status, value, redisNow] = reply.map(Number) as [number, number, number];
    this.clockSample(redisNow, now, Date.now());
    if (status === 3) {
      this.trip(new Error('Redis answered after the command timeout'));
      return this.acquire(key, kind);
    }
    if (status === 2) return { dailyResetAt: value > 0 ? Date.now() + value : window.dayEnds(Date.now()), dailyMax: budget.dailyMax };
    if (status === 1) return { waitMs: value };
    local.record(key, kind, member);
    return { slot: this.slot(redis, key, member) };
  }

  async close(): Promise<void> {
    this.stopped = true;
    clearInterval(this.probe);
    (await this.redis).disconnect();
    await this.options.fallback.close();
  }

  /** A slot counted here and (while Redis answers) in the shared window. */
  private slot(redis: ScriptedRedis, key: string, member: string): Slot {
    const local = this.options.fallback;
    const shared = () => !this.open || this.handingOver;
    return {
      finish: (observation, sentAt) => {
        local.finish(key, member, observation, sentAt);
        if (shared()) void this.finish(redis, key, member, observation, sentAt);
      },
      cancel: () => {
        local.cancel(key, member);
        const keys = this.keys(key);
        if (shared()) void this.timed(redis.ghlCancel(keys.window, keys.day, member)).catch((error: unknown) => this.trip(error));
        else this.cancelled.set(key, [...(this.cancelled.get(key) ?? []), member]);
      },
    };
  }

  private async finish(redis: ScriptedRedis, key: string, member: string, observation: RateObservation | undefined, sentAt: number): Promise<void> {
    // The local window has seen the answer already: its budget has GHL's announced limits.
    const window = this.options.fallback.existing(key);
    if (!window) return;
    const now = Date.now();
    const budget = window.budget();
    const report = observation && reportOf(observation, budget);
    const dailyUsed = observation?.dailyRemaining !== undefined ? (observation.dailyMax ?? budget.dailyMax) - observation.dailyRemaining : -1;
    const keys = this.keys(key);
    try {
      const status = await this.timed(
        redis.ghlFinish(
          keys.window,
          keys.state,
          keys.day,
          member,
          this.deadline(),
          report?.intervalMs ?? 0,
          report?.used ?? -1,
          Math.floor(sentAt + this.offset),
          report?.limited ? 1 : 0,
          report?.blockMs !== undefined ? Math.ceil(report.blockMs) : -1,
          dailyUsed,
          Math.max(1, window.dayEnds(now) - now),
          observation?.dailyResetAt !== undefined ? 1 : 0,
        ),
      );
      if (Number(status) === 3) throw new Error('Redis answered after the command timeout');
    } catch (error) {
      // The slot's lease runs out on its own, and the handover corrects it when Redis is back.
      this.trip(error);
    }
  }

  /** Opens the circuit: from now on every resource uses its local window until a probe finds Redis again. */
  private trip(error: unknown): void {
    if (this.open || this.stopped) return;
    this.open = true;
    this.options.logger?.warn(
      { redis: this.where, err: (error as Error).message },
      'Redis is unreachable: calls continue with a rate limit kept in this process only, until Redis is back',
    );
    this.probe = setInterval(() => void this.tryClose(), this.options.probeMs ?? DEFAULT_PROBE_MS);
    this.probe.unref();
  }

  private async tryClose(): Promise<void> {
    const redis = await this.redis;
    if (!this.open || this.closing || redis.status !== 'ready') return;
    this.closing = this.handOver(redis)
      .then(() => {
        this.open = false;
        clearInterval(this.probe);
        this.options.logger?.warn({ redis: this.where }, 'Redis is reachable again: the rate limit is shared across processes once more');
      })
      .catch(() => undefined)
      .finally(() => {
        this.closing = undefined;
        this.handingOver = false;
      });
  }

  /** Puts this process's counting requests (and the slots it cancelled) into the shared windows. */
  private async handOver(redis: ScriptedRedis): Promise<void> {
    await this.calibrate(redis);
    const local = this.options.fallback;
    const deadline = this.deadline();
    const now = Date.now();
    const merges: Promise<number>[] = [];
    const entries = local.ownEntries();
    for (const key of this.cancelled.keys()) if (!entries.has(key)) entries.set(key, []);
    for (const [key, own] of entries) {
      const window = local.existing(key);
      if (!window) continue;
      const others = window.othersNow(now);
      const args: (string | number)[] = [deadline, this.options.leaseMs, longestInterval(window.budget()), Math.max(1, window.dayEnds(now) - now)];
      args.push(others ? Math.floor(others.at + this.offset) : 0, others?.count ?? 0, others?.intervalMs ?? 0, `f:${this.owner}:`);
      for (const entry of own) args.push(entry.id, entry.finishedAgoMs === undefined ? -1 : Math.round(entry.finishedAgoMs));
      for (const member of this.cancelled.get(key) ?? []) args.push(member, -2);
      const keys = this.keys(key);
      merges.push(this.timed(redis.ghlMerge(keys.window, keys.state, keys.day, ...args)));
    }
    this.cancelled.clear();
    this.handingOver = true;
    const results = await Promise.all(merges);
    if (results.some((added) => Number(added) < 0)) throw new Error('Redis answered after the command timeout');
  }

  /** Measures Redis's clock against ours (the scripts' deadlines are in Redis time). */
  private async calibrate(redis: ScriptedRedis): Promise<void> {
    const before = Date.now();
    const [seconds, micros] = await this.timed(redis.time());
    this.offsetRttMs = Infinity;
    this.clockSample(Number(seconds) * 1000 + Math.floor(Number(micros) / 1000), before, Date.now());
  }

  private clockSample(redisNow: number, sentAt: number, receivedAt: number): void {
    const rtt = receivedAt - sentAt;
    if (rtt > Math.max(20, this.offsetRttMs)) return;
    this.offset = redisNow - (sentAt + receivedAt) / 2;
    this.offsetRttMs = rtt;
  }

  /** The latest Redis time at which a command sent now is still wanted. */
  private deadline(): number {
    return Math.floor(Date.now() + this.offset + this.timeoutMs + Math.min(this.offsetRttMs, this.timeoutMs));
  }

  /**
   * A command's answer within the timeout, or an error. The verdict waits for the event loop's I/O phase, so an
   * answer that arrived while this process was busy (not Redis) is not taken for a hang.
   */
  private timed<T>(command: Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      let settled = false;
      const timer = setTimeout(
        () =>
          setImmediate(() => {
            if (settled) return;
            settled = true;
            reject(new Error(`Redis did not answer within ${this.timeoutMs} ms`));
          }),
        this.timeoutMs,
      );
      const settle = (done: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        done();
      };
      command.then(
        (value) => settle(() => resolve(value)),
        (error: unknown) => settle(() => reject(error)),
      );
    });
  }

  private keys(key: string): Keys {
    // One hash tag per resource keeps its keys on one cluster slot.
    const base = `${this.options.prefix ?? 'ghl-mcp:rl:'}{${key}}`;
    return { window: `${base}:window`, state: `${base}:state`, day: `${base}:day` };
  }

  private async connect(): Promise<ScriptedRedis> {
    const mod = await import('ioredis');
    const Redis = ((mod as { Redis?: unknown }).Redis ?? (mod as unknown as { default: unknown }).default) as typeof RedisClient;
    const redis = defineScripts(
      new Redis(this.options.url, {
        // Fail fast while disconnected so calls fall back to the local limiter instead of queueing behind Redis.
        enableOfflineQueue: false,
        maxRetriesPerRequest: 0,
        connectTimeout: 2_000,
        retryStrategy: (times: number) => Math.min(100 * times, 2_000),
      }),
    );
    redis.on('error', (error: Error) => this.trip(error));
    redis.on('close', () => this.trip(new Error('connection closed')));
    // The first calls wait briefly for the connection rather than starting on the local budget.
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 2_000);
      timer.unref();
      redis.once('ready', () => {
        clearTimeout(timer);
        resolve();
      });
    });
    if (redis.status === 'ready') await this.calibrate(redis).catch((error: unknown) => this.trip(error));
    return redis;
  }
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
