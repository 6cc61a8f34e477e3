import type { JSONRPCMessage } from '@modelcontextprotocol/server';
import { DEFAULT_RETENTION, type EventLog, eventId, parseEventId, type Replayed, type Retention } from './events.js';
import type { RedisConnection, SessionKeys } from './redis.js';

/**
 * The event log on Redis Streams: one stream per session (entries carry their SDK stream id), trimmed to the last
 * `maxEvents` and to `maxAgeMs` on every append, and expiring with the session when nobody touches it.
 */
export class RedisEventLog implements EventLog {
  constructor(
    private readonly connection: RedisConnection,
    private readonly keys: SessionKeys,
    private readonly idleMs: number,
    private readonly retention: Retention = DEFAULT_RETENTION,
  ) {}

  async append(session: string, stream: string, message: JSONRPCMessage): Promise<string> {
    const key = this.keys.events(session);
    const oldest = Math.max(0, Date.now() - this.retention.maxAgeMs);
    const results = await (await this.connection.get())
      .multi()
      .xadd(key, 'MAXLEN', this.retention.maxEvents, '*', 's', stream, 'm', JSON.stringify(message))
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
    const oldest = Date.now() - this.retention.maxAgeMs;
    const entries = await (await this.connection.get()).xrange(this.keys.events(session), `(${parsed.position}`, '+');
    for (const [position, fields] of entries) {
      const entry = pairs(fields);
      if (entry.s !== parsed.stream || Number(position.split('-')[0]) <= oldest) continue;
      await send(eventId(parsed.stream, position), JSON.parse(entry.m!) as JSONRPCMessage);
    }
    return parsed.stream;
  }

  async drop(session: string): Promise<void> {
    await (await this.connection.get()).del(this.keys.events(session));
  }

  /** The connection is the record store's: it closes it. */
  async close(): Promise<void> {}
}

function pairs(fields: string[]): Record<string, string> {
  const entry: Record<string, string> = {};
  for (let index = 0; index + 1 < fields.length; index += 2) entry[fields[index]!] = fields[index + 1]!;
  return entry;
}
