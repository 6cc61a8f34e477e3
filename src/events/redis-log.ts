import type { Redis } from 'ioredis';
import { RedisConnection } from '../redis/connection.js';
import type { EventEnvelope } from './envelope.js';
import { type EventLog, type EventQuery, type EventRetention, type LoggedEvent, selectEvents } from './log.js';
import type { DeliveryIds } from './replay.js';

export interface RedisEventOptions {
  url: string;
  retention: Omit<EventRetention, 'maxLocations'>;
  /** Keys start with this; tests use their own. */
  prefix?: string;
  onListenerError?: (error: unknown) => void;
}

/**
 * The event log in Redis, shared by every replica: one stream per location (XADD, trimmed to `maxEvents` and to
 * `maxAgeMs`, and expiring when a location has been quiet that long, so locations need no bound of their own), and
 * a channel on which every replica hears of every stored event. The stream entry ID is the cursor.
 */
export class RedisEventLog implements EventLog {
  private readonly prefix: string;
  private readonly listeners = new Set<(event: LoggedEvent) => void>();
  private readonly commands: RedisConnection;
  private subscriber?: Promise<Redis>;

  constructor(private readonly options: RedisEventOptions) {
    this.prefix = options.prefix ?? DEFAULT_PREFIX;
    this.commands = new RedisConnection(options.url);
  }

  async append(event: EventEnvelope): Promise<LoggedEvent> {
    const redis = await this.commands.get();
    const key = this.streamKey(event.locationId ?? '');
    const { maxEvents, maxAgeMs } = this.options.retention;
    const cursor = await redis.xadd(key, 'MAXLEN', String(maxEvents), '*', FIELD, JSON.stringify(event));
    const logged: LoggedEvent = { ...event, cursor: cursor! };
    await redis
      .multi()
      .xtrim(key, 'MINID', `${Date.now() - maxAgeMs}-0`)
      .pexpire(key, maxAgeMs)
      .publish(this.channel, JSON.stringify(logged))
      .exec();
    return logged;
  }

  async recent(locationId: string, query: EventQuery = {}): Promise<LoggedEvent[]> {
    if (query.after !== undefined && !STREAM_ID.test(query.after)) throw new Error(`"${query.after}" is not a cursor of this event log`);
    const redis = await this.commands.get();
    const entries = await redis.xrange(this.streamKey(locationId), query.after === undefined ? '-' : `(${query.after}`, '+');
    // Trimming by age happens on append: a quiet location's stream may still hold events past it.
    const oldest = Date.now() - this.options.retention.maxAgeMs;
    const events = entries.map(([cursor, fields]) => ({ ...(JSON.parse(fields[1]!) as EventEnvelope), cursor }));
    return selectEvents(events.filter((event) => Date.parse(event.receivedAt) >= oldest), query);
  }

  async latestCursor(locationId: string): Promise<string> {
    const redis = await this.commands.get();
    const [last] = await redis.xrevrange(this.streamKey(locationId), '+', '-', 'COUNT', 1);
    // An empty stream: every later entry's ID is above 0-0.
    return last?.[0] ?? '0-0';
  }

  onEvent(listener: (event: LoggedEvent) => void): () => void {
    this.listeners.add(listener);
    this.subscriber ??= this.subscribe().catch((error: unknown) => {
      // Not heard now; the next listener to come tries again.
      this.subscriber = undefined;
      this.options.onListenerError?.(error);
      throw error;
    });
    this.subscriber.catch(() => {});
    return () => this.listeners.delete(listener);
  }

  /** Resolves once this log hears the channel: events stored after that reach its listeners. */
  async listening(): Promise<void> {
    await this.subscriber;
  }

  async close(): Promise<void> {
    this.listeners.clear();
    const subscriber = this.subscriber;
    this.subscriber = undefined;
    await Promise.all([this.commands.close(), subscriber?.then((redis) => redis.quit()).catch(() => {})]);
  }

  private async subscribe(): Promise<Redis> {
    const redis = await new RedisConnection(this.options.url).get();
    redis.on('message', (_channel: string, message: string) => {
      const event = JSON.parse(message) as LoggedEvent;
      for (const listener of this.listeners) {
        try {
          listener(event);
        } catch (error) {
          this.options.onListenerError?.(error);
        }
      }
    });
    await redis.subscribe(this.channel);
    return redis;
  }

  private get channel(): string {
    return `${this.prefix}stored`;
  }

  private streamKey(locationId: string): string {
    return `${this.prefix}{${locationId || '-'}}`;
  }
}

/** Delivery IDs in Redis (SET NX PX): a duplicate is refused whichever replica received the first copy. */
export class RedisDeliveryIds implements DeliveryIds {
  private readonly connection: RedisConnection;

  constructor(
    url: string,
    private readonly prefix = 'ghl-mcp:webhook-id:',
  ) {
    this.connection = new RedisConnection(url);
  }

  async claim(webhookId: string, ttlMs: number): Promise<boolean> {
    return (await (await this.connection.get()).set(`${this.prefix}${webhookId}`, '1', 'PX', ttlMs, 'NX')) === 'OK';
  }

  async release(webhookId: string): Promise<void> {
    await (await this.connection.get()).del(`${this.prefix}${webhookId}`);
  }

  close(): Promise<void> {
    return this.connection.close();
  }
}

const DEFAULT_PREFIX = 'ghl-mcp:events:';
const FIELD = 'event';
const STREAM_ID = /^\d+-\d+$/;
