import type { Redis } from 'ioredis';
import { newLockOwner, ownerIsDead, parseLockOwner } from './lock-owner.js';
import { parseStoredTokens, sleep, type StoredTokens, type TokenStore, TokenStoreError } from './token-store.js';

export interface RedisStoreOptions {
  /**
   * The lock expires this long after its holder last renewed it (a third of it apart, for as long as the refresh
   * runs), so a holder that died blocks the others for seconds, not for the length of a refresh.
   */
  lockTtlMs?: number;
  /** How long a process waits for the lock before giving up (the refresh it waits for has its own timeout). */
  lockTimeoutMs?: number;
  /** A Redis command slower than this fails (a hung Redis must not hang every call waiting for a token). */
  commandTimeoutMs?: number;
  /** A connection shared with other stores (one per signed-in user would be one per user); this store never closes it. */
  connection?: () => Promise<Redis>;
}

const DEFAULT_LOCK_TTL_MS = 4_000;

// Deletes the lock only if it still holds `ARGV[1]`: an expired lock may already belong to another process.
const RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";
// Extends the lock only while it is still ours.
const RENEW = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end";

/**
 * Tokens in one Redis key, shared by every replica: a SET replaces the whole record at once, and
 * SET NX PX is the refresh lock. The lock names its holder (host, PID namespace, PID, nonce) and is renewed while
 * the holder works: a waiter on the same machine sees at once that the holder died, any other once the short TTL
 * runs out. Crash safety of the saved pair is Redis's persistence (use appendonly).
 */
export class RedisTokenStore implements TokenStore {
  readonly location: string;
  private readonly lockKey: string;
  private client?: Promise<Redis>;

  constructor(
    private readonly url: string,
    private readonly key: string,
    private readonly options: RedisStoreOptions = {},
  ) {
    this.location = `${redactedUrl(url)} key ${key}`;
    this.lockKey = `${key}:lock`;
  }

  async load(): Promise<StoredTokens | undefined> {
    const text = await (await this.redis()).get(this.key);
    return text === null ? undefined : parseStoredTokens(text, this.location);
  }

  async save(tokens: StoredTokens): Promise<void> {
    await (await this.redis()).set(this.key, JSON.stringify(tokens));
  }

  async clear(): Promise<void> {
    await (await this.redis()).del(this.key);
  }

  async withLock<T>(work: () => Promise<T>): Promise<T> {
    const redis = await this.redis();
    const owner = JSON.stringify(newLockOwner());
    const ttl = this.options.lockTtlMs ?? DEFAULT_LOCK_TTL_MS;
    const deadline = Date.now() + (this.options.lockTimeoutMs ?? 90_000);
    for (let attempt = 0; ; attempt++) {
      if ((await redis.set(this.lockKey, owner, 'PX', ttl, 'NX')) === 'OK') break;
      await this.breakIfHolderDied(redis);
      if (Date.now() > deadline) throw new TokenStoreError(`Timed out waiting for the token refresh lock ${this.lockKey}.`);
      await sleep(Math.min(200, 10 * 2 ** Math.min(attempt, 4)) + Math.random() * 10);
    }
    const renewal = setInterval(() => void redis.eval(RENEW, 1, this.lockKey, owner, ttl).catch(() => {}), Math.max(1, Math.floor(ttl / 3)));
    renewal.unref();
    try {
      return await work();
    } finally {
      clearInterval(renewal);
      await redis.eval(RELEASE, 1, this.lockKey, owner).catch(() => {});
    }
  }

  /** Removes the lock when its holder ran on this machine and its process is gone (it was killed mid-refresh). */
  private async breakIfHolderDied(redis: Redis): Promise<void> {
    const held = await redis.get(this.lockKey);
    if (held !== null && ownerIsDead(parseLockOwner(held), true)) await redis.eval(RELEASE, 1, this.lockKey, held);
  }

  async close(): Promise<void> {
    if (this.options.connection) return;
    const client = this.client;
    this.client = undefined;
    if (client) await (await client).quit().catch(() => {});
  }

  /** ioredis is loaded and connected on first use: a server that never refreshes never needs Redis. */
  private redis(): Promise<Redis> {
    if (this.options.connection) return this.options.connection();
    this.client ??= import('ioredis').then(async (mod) => {
      const RedisClient = ('Redis' in mod ? mod.Redis : (mod as unknown as { default: typeof Redis }).default) as typeof Redis;
      const redis = new RedisClient(this.url, {
        lazyConnect: true,
        maxRetriesPerRequest: 2,
        connectTimeout: 5000,
        commandTimeout: this.options.commandTimeoutMs ?? 5000,
      });
      redis.on('error', () => {});
      await redis.connect();
      return redis;
    });
    this.client.catch(() => {
      this.client = undefined;
    });
    return this.client;
  }
}

function redactedUrl(raw: string): string {
  try {
    const url = new URL(raw);
    url.username = '';
    url.password = '';
    return url.toString();
  } catch {
    return 'redis';
  }
}
