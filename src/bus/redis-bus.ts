import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { type Bus, Handlers } from './bus.js';

export interface RedisBusOptions {
  url: string;
  /** Channel names start with this; tests use their own. */
  prefix?: string;
  onError?: (error: unknown) => void;
}

/**
 * The bus over Redis pub/sub: one connection publishes, one subscribes (a subscribed connection can do nothing
 * else). Channels are subscribed while a handler listens to them and again after a reconnect (ioredis resubscribes
 * by itself). Pub/sub is at most once: a replica that is disconnected misses messages, which is why what must not be
 * lost (events, stream replay) lives in Redis streams and the bus only says "look again".
 */
export class RedisBus implements Bus {
  readonly origin = randomUUID();
  private readonly handlers = new Handlers();
  private readonly prefix: string;
  private publisher?: Promise<Redis>;
  private subscriber?: Promise<Redis>;

  constructor(private readonly options: RedisBusOptions) {
    this.prefix = options.prefix ?? 'ghl-mcp:bus:';
  }

  async publish(topic: string, message: unknown): Promise<void> {
    this.publisher ??= connect(this.options.url, this.report);
    await (await this.publisher).publish(this.prefix + topic, JSON.stringify(message ?? null));
  }

  subscribe(topic: string, handler: (message: unknown) => void): () => void {
    const { first, remove } = this.handlers.add(topic, handler);
    if (first) void this.channel('subscribe', topic);
    return () => {
      if (remove().last) void this.channel('unsubscribe', topic);
    };
  }

  /** Resolves once every topic subscribed so far is live in Redis: a test (or a replica starting) can wait on it. */
  async ready(): Promise<void> {
    const topics = this.handlers.topics();
    if (topics.length > 0) await (await this.listening()).subscribe(...topics.map((topic) => this.prefix + topic));
  }

  async close(): Promise<void> {
    const clients = [this.publisher, this.subscriber];
    this.publisher = this.subscriber = undefined;
    await Promise.all(clients.map((client) => client?.then((redis) => redis.quit()).catch(() => {})));
  }

  private listening(): Promise<Redis> {
    this.subscriber ??= connect(this.options.url, this.report).then((redis) => {
      redis.on('message', (channel: string, text: string) => {
        if (!channel.startsWith(this.prefix)) return;
        let message: unknown;
        try {
          message = JSON.parse(text);
        } catch (error) {
          this.report(error);
          return;
        }
        this.handlers.deliver(channel.slice(this.prefix.length), message, this.report);
      });
      return redis;
    });
    return this.subscriber;
  }

  private async channel(action: 'subscribe' | 'unsubscribe', topic: string): Promise<void> {
    try {
      const redis = await this.listening();
      await (action === 'subscribe' ? redis.subscribe(this.prefix + topic) : redis.unsubscribe(this.prefix + topic));
    } catch (error) {
      this.report(error);
    }
  }

  private readonly report = (error: unknown) => this.options.onError?.(error);
}

async function connect(url: string, onError: (error: unknown) => void): Promise<Redis> {
  const mod = await import('ioredis');
  const RedisClient = ('Redis' in mod ? mod.Redis : (mod as unknown as { default: typeof Redis }).default) as typeof Redis;
  const redis = new RedisClient(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  redis.on('error', onError);
  await redis.connect();
  return redis;
}
