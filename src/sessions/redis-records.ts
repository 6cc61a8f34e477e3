import type { RedisConnection } from '../redis/connection.js';
import type { SessionKeys } from './redis.js';
import { capRefusal, type RecordChange, type RecordStore, type SessionRecord } from './records.js';

/**
 * Session records in Redis, shared by every replica: one hash per session, which expires after the idle time
 * unless a request (or an open stream) touches it. Per-client caps count live sessions in a sorted set per client,
 * scored by expiry, so a session that expired stops counting without anyone removing it.
 */
export class RedisRecordStore implements RecordStore {
  constructor(
    private readonly connection: RedisConnection,
    private readonly keys: SessionKeys,
    private readonly idleMs: number,
  ) {}

  async create(record: SessionRecord, maxPerClient: number): Promise<string | undefined> {
    const redis = await this.connection.get();
    const fields = [
      'owner', record.owner,
      'clients', JSON.stringify(record.clients),
      'initialize', JSON.stringify(record.initialize),
      'selection', JSON.stringify(record.selection),
      ...(record.logLevel ? ['logLevel', record.logLevel] : []),
      'version', String(record.version),
    ];
    const clientKeys = record.clients.map((client) => this.keys.client(client));
    const full = (await redis.eval(CREATE, 1 + clientKeys.length, this.keys.record(record.id), ...clientKeys, record.id, Date.now(), this.idleMs, maxPerClient, ...fields)) as number;
    return full === 0 ? undefined : capRefusal(maxPerClient);
  }

  async touch(id: string, owner: string): Promise<SessionRecord | undefined> {
    const redis = await this.connection.get();
    const fields = (await redis.eval(TOUCH, 3, this.keys.record(id), this.keys.events(id), this.keys.events(id, 'replies'), owner, this.idleMs, Date.now(), this.keys.client(''), id)) as string[] | null;
    return fields ? parse(id, fields) : undefined;
  }

  async get(id: string): Promise<SessionRecord | undefined> {
    const redis = await this.connection.get();
    const hash = await redis.hgetall(this.keys.record(id));
    return hash.owner === undefined ? undefined : parse(id, Object.entries(hash).flat());
  }

  async exists(id: string): Promise<boolean> {
    return (await (await this.connection.get()).exists(this.keys.record(id))) === 1;
  }

  async update(id: string, change: RecordChange): Promise<number | undefined> {
    const fields = Object.entries(change)
      .filter(([, value]) => value !== undefined)
      .flatMap(([name, value]) => [name, name === 'selection' ? JSON.stringify(value) : String(value)]);
    const version = (await (await this.connection.get()).eval(UPDATE, 1, this.keys.record(id), ...fields)) as number | null;
    return version ?? undefined;
  }

  async delete(id: string): Promise<boolean> {
    const redis = await this.connection.get();
    return ((await redis.eval(DELETE, 3, this.keys.record(id), this.keys.events(id), this.keys.events(id, 'replies'), this.keys.client(''), id)) as number) === 1;
  }

  /** Redis expires records by itself, and tells nobody. */
  async expired(): Promise<string[]> {
    return [];
  }

  close(): Promise<void> {
    return this.connection.close();
  }
}

function parse(id: string, flat: string[]): SessionRecord {
  const hash: Record<string, string> = {};
  for (let index = 0; index + 1 < flat.length; index += 2) hash[flat[index]!] = flat[index + 1]!;
  return {
    id,
    owner: hash.owner!,
    clients: JSON.parse(hash.clients ?? '[]') as string[],
    initialize: JSON.parse(hash.initialize ?? '{}') as SessionRecord['initialize'],
    selection: JSON.parse(hash.selection ?? 'null') as SessionRecord['selection'],
    ...(hash.logLevel && { logLevel: hash.logLevel }),
    version: Number(hash.version ?? 0),
  };
}

// KEYS: record, client sets…; ARGV: id, now, idleMs, maxPerClient, field, value, …
// Returns 0 when stored, else the (1-based) client that is full.
const CREATE = `
local now, ttl, max = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
for i = 2, #KEYS do
  redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', now)
  if redis.call('ZCARD', KEYS[i]) >= max then return i - 1 end
end
for i = 2, #KEYS do
  redis.call('ZADD', KEYS[i], now + ttl, ARGV[1])
  redis.call('PEXPIRE', KEYS[i], ttl)
end
redis.call('HSET', KEYS[1], unpack(ARGV, 5))
redis.call('PEXPIRE', KEYS[1], ttl)
return 0`;

// KEYS: record, notifications, replies; ARGV: owner, idleMs, now, client key prefix, id. The record's fields, or nil.
const TOUCH = `
if redis.call('HGET', KEYS[1], 'owner') ~= ARGV[1] then return nil end
local ttl, now = tonumber(ARGV[2]), tonumber(ARGV[3])
redis.call('PEXPIRE', KEYS[1], ttl)
redis.call('PEXPIRE', KEYS[2], ttl)
redis.call('PEXPIRE', KEYS[3], ttl)
for _, client in ipairs(cjson.decode(redis.call('HGET', KEYS[1], 'clients'))) do
  local key = ARGV[4] .. client
  redis.call('ZADD', key, 'XX', now + ttl, ARGV[5])
  redis.call('PEXPIRE', key, ttl)
end
return redis.call('HGETALL', KEYS[1])`;

// KEYS: record; ARGV: field, value, …. The new version, or nil when the record is gone.
const UPDATE = `
if redis.call('EXISTS', KEYS[1]) == 0 then return nil end
redis.call('HSET', KEYS[1], unpack(ARGV))
return redis.call('HINCRBY', KEYS[1], 'version', 1)`;

// KEYS: record, notifications, replies; ARGV: client key prefix, id. 1 when the record was there.
const DELETE = `
local clients = redis.call('HGET', KEYS[1], 'clients')
if not clients then
  redis.call('DEL', KEYS[2], KEYS[3])
  return 0
end
for _, client in ipairs(cjson.decode(clients)) do redis.call('ZREM', ARGV[1] .. client, ARGV[2]) end
redis.call('DEL', KEYS[1], KEYS[2], KEYS[3])
return 1`;
