import type { JSONRPCMessage } from '@modelcontextprotocol/server';
import { DEFAULT_RETENTION, type EventLog, eventId, kindOf, parseEventId, type Replayed, type Retention } from './events.js';
import type { RedisConnection } from '../redis/connection.js';
import type { SessionKeys } from './redis.js';

/**
 * The event log on Redis Streams: per session one stream of notifications and one of replies (entries carry their
 * SDK stream id), each trimmed to its count and age on every append, expiring with the session when nobody uses it.
 */
export class RedisEventLog implements EventLog {
  constructor(
    private readonly connection: RedisConnection,
    private readonly keys: SessionKeys,
    private readonly idleMs: number,
    private readonly retention: Retention = DEFAULT_RETENTION,
  ) {}

  async append(session: string, stream: string, message: JSONRPCMessage): Promise<string> {
    const kind = kindOf(stream);
    const key = this.keys.events(session, kind);
    const { maxEvents, maxAgeMs } = this.retention[kind];
    const oldest = Math.max(0, Date.now() - maxAgeMs);
    const results = await (await this.connection.get())
      .multi()
      .xadd(key, 'MAXLEN', maxEvents, '*', 's', stream, 'm', JSON.stringify(message))
      .xtrim(key, 'MINID', `${oldest}-0`)
      .pexpire(key, this.idleMs)
      .exec();
    const [error, position] = results?.[0] ?? [new Error('Redis refused the event')];
    if (error) throw error;
    return eventId(stream, position as string);
  }

  async replayAfter(session: string, id: string, send: Replayed): Promise<string | undefined> {
    const parsed = parseEventId(id);
    if (!parsed) return undefined;
    const kind = kindOf(parsed.stream);
    const oldest = Date.now() - this.retention[kind].maxAgeMs;
    const entries = await (await this.connection.get()).xrange(this.keys.events(session, kind), `(${parsed.position}`, '+');
    for (const [position, fields] of entries) {
      const entry = pairs(fields);
      if (entry.s !== parsed.stream || Number(position.split('-')[0]) <= oldest) continue;
      await send(eventId(parsed.stream, position), JSON.parse(entry.m!) as JSONRPCMessage);
    }
    return parsed.stream;
  }

  async lastNotification(session: string): Promise<string> {
    const [latest] = await (await this.connection.get()).xrevrange(this.keys.events(session), '+', '-', 'COUNT', 1);
    return latest?.[0] ?? '0-0';
  }

  async drop(session: string): Promise<void> {
    await (await this.connection.get()).del(this.keys.events(session, 'notifications'), this.keys.events(session, 'replies'));
  }

  /** The connection is the record store's: it closes it. */
  async close(): Promise<void> {}
}

function pairs(fields: string[]): Record<string, string> {
  const entry: Record<string, string> = {};
  for (let index = 0; index + 1 < fields.length; index += 2) entry[fields[index]!] = fields[index + 1]!;
  return entry;
}
