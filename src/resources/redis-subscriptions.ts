import type { Redis } from 'ioredis';
import type { IndexedSession, SubscriptionIndex } from './subscriptions.js';

const BACKSTOP_MS = 24 * 60 * 60_000;

export interface RedisSubscriptionOptions {
  url: string;
  /** Key names start with this; tests use their own. */
  prefix?: string;
  /** The sessions' idle time: the index keeps an untouched session for much longer (see below). */
  idleMs: number;
  onError?: (error: unknown) => void;
}

/**
 * The subscription index in Redis, shared by the replicas: `tenants` (a set of tenant keys), `t:<tenant>` (the
 * session ids of a tenant) and `s:<id>` (a hash: `tenant`, and one field per subscribed URI). A session leaves it when
 * it ends (DELETE), or when a change finds its session gone (delivery says so). A session may call tools for hours
 * without touching resources, so the keys' expiry is only a backstop for sessions nothing ever tells again: a day,
 * or four idle times when longer, renewed whenever the session is touched.
 */
export class RedisSubscriptionIndex implements SubscriptionIndex {
  private client?: Promise<Redis>;
  private readonly prefix: string;
  private readonly ttlSeconds: number;

  constructor(private readonly options: RedisSubscriptionOptions) {
    this.prefix = options.prefix ?? 'ghl-mcp:resources:';
    this.ttlSeconds = Math.ceil(Math.max(BACKSTOP_MS, 4 * options.idleMs) / 1000);
  }

  async register(id: string, tenant: string): Promise<void> {
    const redis = await this.redis();
    await this.touch(redis.multi(), id, tenant).exec();
  }

  async subscribe(id: string, tenant: string, uri: string): Promise<void> {
    const redis = await this.redis();
    await this.touch(redis.multi().hset(this.key('s', id), `uri:${uri}`, '1'), id, tenant).exec();
  }

  async unsubscribe(id: string, uri: string): Promise<void> {
    await (await this.redis()).hdel(this.key('s', id), `uri:${uri}`);
  }

  async uris(id: string): Promise<string[]> {
    return urisOf(await (await this.redis()).hgetall(this.key('s', id)));
  }

  async sessions(tenant?: string): Promise<IndexedSession[]> {
    const redis = await this.redis();
    const tenants = tenant === undefined ? await redis.smembers(this.key('tenants')) : [tenant];
    const ids = (await Promise.all(tenants.map((key) => redis.smembers(this.key('t', key))))).flat();
    if (ids.length === 0) return [];
    const pipeline = redis.pipeline();
    for (const id of ids) pipeline.hgetall(this.key('s', id));
    const records = (await pipeline.exec()) ?? [];
    const found: IndexedSession[] = [];
    const gone: string[] = [];
    records.forEach(([error, record], index) => {
      const fields = (error ? {} : record) as Record<string, string>;
      if (!fields.tenant) gone.push(ids[index]!);
      else found.push({ id: ids[index]!, tenant: fields.tenant, uris: urisOf(fields) });
    });
    // A session whose record expired is dropped from its tenant's set.
    if (gone.length > 0) void Promise.all(tenants.map((key) => redis.srem(this.key('t', key), ...gone))).catch(this.report);
    return found;
  }

  async forget(id: string): Promise<void> {
    const redis = await this.redis();
    const tenant = await redis.hget(this.key('s', id), 'tenant');
    const multi = redis.multi().del(this.key('s', id));
    if (tenant) multi.srem(this.key('t', tenant), id);
    await multi.exec();
  }

  async close(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    await client?.then((redis) => redis.quit()).catch(() => {});
  }

  private touch(multi: ReturnType<Redis['multi']>, id: string, tenant: string) {
    const ttl = this.ttlSeconds;
    return multi
      .hset(this.key('s', id), 'tenant', tenant)
      .expire(this.key('s', id), ttl)
      .sadd(this.key('t', tenant), id)
      .expire(this.key('t', tenant), ttl)
      .sadd(this.key('tenants'), tenant)
      .expire(this.key('tenants'), ttl);
  }

  private key(...parts: string[]): string {
    return this.prefix + parts.join(':');
  }

  private redis(): Promise<Redis> {
    this.client ??= import('ioredis').then(async (mod) => {
      const RedisClient = ('Redis' in mod ? mod.Redis : (mod as unknown as { default: typeof Redis }).default) as typeof Redis;
      const redis = new RedisClient(this.options.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
      redis.on('error', this.report);
      await redis.connect();
      return redis;
    });
    return this.client;
  }

  private readonly report = (error: unknown) => this.options.onError?.(error);
}

function urisOf(fields: Record<string, string>): string[] {
  return Object.keys(fields)
    .filter((field) => field.startsWith('uri:'))
    .map((field) => field.slice(4));
}
