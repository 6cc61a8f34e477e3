import type { Redis } from 'ioredis';

/**
 * One lazily opened Redis connection (session records and streams, sign-in records, webhook events). Commands
 * fail within COMMAND_TIMEOUT_MS rather than queueing: a request then fails fast instead of hanging on a hung
 * Redis (the webhook receiver answers 429, which GHL retries).
 */
export class RedisConnection {
  private client?: Promise<Redis>;

  constructor(
    private readonly url: string,
    private readonly onError: (error: unknown) => void = () => {},
  ) {}

  get(): Promise<Redis> {
    this.client ??= import('ioredis').then(async (mod) => {
      const RedisClient = ('Redis' in mod ? mod.Redis : (mod as unknown as { default: typeof Redis }).default) as typeof Redis;
      const redis = new RedisClient(this.url, { lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: COMMAND_TIMEOUT_MS, commandTimeout: COMMAND_TIMEOUT_MS });
      redis.on('error', this.onError);
      await redis.connect();
      return redis;
    });
    this.client.catch(() => {
      this.client = undefined;
    });
    return this.client;
  }

  async close(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    await client?.then((redis) => redis.quit()).catch(() => {});
  }
}

const COMMAND_TIMEOUT_MS = 2_000;
