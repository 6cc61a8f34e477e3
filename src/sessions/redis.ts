import type { Redis } from 'ioredis';

/**
 * One lazily opened Redis connection for the session records and the event store. Commands fail within
 * COMMAND_TIMEOUT_MS rather than queueing: a request then fails fast instead of hanging on a hung Redis.
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

/** Key names of one deployment's sessions (tests use their own prefix). */
export class SessionKeys {
  constructor(readonly prefix = 'ghl-mcp:session:') {}

  record(id: string): string {
    return `${this.prefix}${id}`;
  }

  /** A session's kept notifications (GET stream) or replies (request streams). */
  events(id: string, kind: 'notifications' | 'replies' = 'notifications'): string {
    return `${this.prefix}${id}:${kind === 'notifications' ? 'events' : 'replies'}`;
  }

  client(client: string): string {
    return `${this.prefix}client:${client}`;
  }
}
