import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { parseStoredTokens, sleep, type StoredTokens, type TokenStore, TokenStoreError } from './token-store.js';

export interface RedisStoreOptions {
  /** The lock expires by itself after this long, so a crashed holder never blocks the others for good. */
  lockTtlMs?: number;
  lockTimeoutMs?: number;
}

// Deletes the lock only if it is still ours: an expired lock may already belong to another process.
const RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";

/**
 * Tokens in one Redis key, shared by every replica: a SET replaces the whole record at once, and
 * SET NX PX is the refresh lock. Crash safety of the saved pair is Redis's persistence (use appendonly).
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
    const nonce = randomBytes(12).toString('hex');
    const deadline = Date.now() + (this.options.lockTimeoutMs ?? 90_000);
    for (let attempt = 0; ; attempt++) {
      if ((await redis.set(this.lockKey, nonce, 'PX', this.options.lockTtlMs ?? 60_000, 'NX')) === 'OK') break;
      if (Date.now() > deadline) throw new TokenStoreError(`Timed out waiting for the token refresh lock ${this.lockKey}.`);
      await sleep(Math.min(200, 10 * 2 ** Math.min(attempt, 4)) + Math.random() * 10);
    }
    try {
      return await work();
    } finally {
      await redis.eval(RELEASE, 1, this.lockKey, nonce).catch(() => {});
    }
  }

  async close(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (client) await (await client).quit().catch(() => {});
  }

  /** ioredis is loaded and connected on first use: a server that never refreshes never needs Redis. */
  private redis(): Promise<Redis> {
    this.client ??= import('ioredis').then(async (mod) => {
      const RedisClient = ('Redis' in mod ? mod.Redis : (mod as unknown as { default: typeof Redis }).default) as typeof Redis;
      const redis = new RedisClient(this.url, { lazyConnect: true, maxRetriesPerRequest: 2, connectTimeout: 5000 });
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
