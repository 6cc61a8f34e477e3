import type { Bus } from '../bus/index.js';
import type { Logger } from '../logger.js';
import { SessionDelivery, type HeldStream } from './delivery.js';
import { DEFAULT_RETENTION, type EventLog, MemoryEventLog, type Retention } from './events.js';
import { MemoryRecordStore, type RecordChange, type RecordStore, type SessionRecord } from './records.js';
import { RedisEventLog } from './redis-events.js';
import { RedisRecordStore } from './redis-records.js';
import { RedisConnection } from '../redis/connection.js';
import { SessionKeys } from './redis.js';

export interface SessionServiceOptions {
  /** Records and events in Redis (every replica sees them); in this process's memory without it. */
  redisUrl?: string;
  /** A session nobody uses for this long ends. */
  idleMs: number;
  bus: Bus;
  /** This replica's copy of a session holding a GET stream, if any: where delivered notifications are written. */
  held: (session: string) => HeldStream | undefined;
  /** Told once per session that ends (DELETE, or idle expiry this store noticed) — not when a copy closes. */
  onEnded?: (session: string) => void;
  logger: Logger;
  retention?: Retention;
  keyPrefix?: string;
}

const CHANGED_TOPIC = 'sessions:changed';
const ENDED_TOPIC = 'sessions:ended';

/**
 * The sessions of a deployment: their records, their streams' events, and the news between replicas (a record
 * changed, a session ended, a notification to write). A single process without Redis keeps it all in memory.
 */
export class SessionService {
  readonly delivery: SessionDelivery;
  private readonly records: RecordStore;
  private readonly log: EventLog;
  private readonly subscriptions: (() => void)[] = [];

  constructor(private readonly options: SessionServiceOptions) {
    const retention = options.retention ?? DEFAULT_RETENTION;
    if (options.redisUrl) {
      const connection = new RedisConnection(options.redisUrl);
      const keys = new SessionKeys(options.keyPrefix);
      this.records = new RedisRecordStore(connection, keys, options.idleMs);
      this.log = new RedisEventLog(connection, keys, options.idleMs, retention);
    } else {
      this.records = new MemoryRecordStore(options.idleMs);
      this.log = new MemoryEventLog(retention);
    }
    this.delivery = new SessionDelivery(this.records, this.log, options.bus, options.held, options.logger);
  }

  create(record: SessionRecord, maxPerClient: number): Promise<string | undefined> {
    return this.records.create(record, maxPerClient);
  }

  touch(id: string, owner: string): Promise<SessionRecord | undefined> {
    return this.records.touch(id, owner);
  }

  get(id: string): Promise<SessionRecord | undefined> {
    return this.records.get(id);
  }

  /** Writes a change to the record and tells the replicas holding a copy; the new version (undefined: gone). */
  async change(id: string, change: RecordChange): Promise<number | undefined> {
    const version = await this.records.update(id, change);
    if (version !== undefined) await this.publish(CHANGED_TOPIC, { session: id, version });
    return version;
  }

  /** Ends the session everywhere: record and events gone, every replica drops its copy. */
  async end(id: string): Promise<boolean> {
    const existed = await this.records.delete(id);
    await this.log.drop(id);
    await this.publish(ENDED_TOPIC, { session: id });
    if (existed) this.options.onEnded?.(id);
    return existed;
  }

  /** Ends the sessions whose idle time ran out (a memory store notices; Redis expires them by itself). */
  async endExpired(): Promise<string[]> {
    const expired = await this.records.expired();
    for (const id of expired) {
      await this.log.drop(id);
      await this.publish(ENDED_TOPIC, { session: id });
      this.options.onEnded?.(id);
    }
    return expired;
  }

  /** Calls `handler` when another replica changed a session's record. */
  onChanged(handler: (session: string, version: number) => void): void {
    this.listen(CHANGED_TOPIC, (news) => handler(news.session, Number(news.version)));
  }

  /** Calls `handler` when another replica ended a session (this one closes its own copy as it ends one). */
  onEnded(handler: (session: string) => void): void {
    this.listen(ENDED_TOPIC, (news) => handler(news.session));
  }

  async close(): Promise<void> {
    for (const unsubscribe of this.subscriptions) unsubscribe();
    this.delivery.close();
    await this.log.close();
    await this.records.close();
  }

  private listen(topic: string, handler: (news: { session: string; version?: number }) => void): void {
    this.subscriptions.push(
      this.options.bus.subscribe(topic, (message) => {
        const news = message as { session?: unknown; origin?: unknown };
        if (typeof news.session === 'string' && news.origin !== this.options.bus.origin) handler(news as { session: string });
      }),
    );
  }

  private async publish(topic: string, news: Record<string, unknown>): Promise<void> {
    await this.options.bus
      .publish(topic, { ...news, origin: this.options.bus.origin })
      .catch((error: unknown) => this.options.logger.warn({ err: (error as Error).message, topic }, 'session news not sent to the other replicas'));
  }
}
