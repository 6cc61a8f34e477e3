import type { Redis } from 'ioredis';
import { RedisConnection } from '../redis/connection.js';

/**
 * Where the authorization server keeps its records (clients, pending sign-ins, codes, token families): Redis when
 * REDIS_URL is set, so any replica serves any user, memory otherwise. Values are JSON; every record expires.
 * Tokens and codes are keyed by their hash, never by their value.
 */
export interface AuthzStore {
  get<T>(key: string): Promise<T | undefined>;
  put(key: string, value: unknown, ttlMs: number): Promise<void>;
  /** Reads and deletes in one step: single-use records (codes, refresh tokens, pending sign-ins) are taken once. */
  take<T>(key: string): Promise<T | undefined>;
  delete(...keys: string[]): Promise<void>;
  /** Gives a record ttlMs more to live, only while it exists (a concurrent delete is never undone); false when gone. */
  extend(key: string, ttlMs: number): Promise<boolean>;
  /** Adds a member to a set that expires ttlMs after its latest addition. */
  addMember(key: string, member: string, ttlMs: number): Promise<void>;
  members(key: string): Promise<string[]>;
  close(): Promise<void>;
}

interface Held {
  text: string;
  expiresAt: number;
}

/** One process's records; a sweep every few hundred writes drops expired ones, so abandoned sign-ins never pile up. */
export class MemoryAuthzStore implements AuthzStore {
  private readonly values = new Map<string, Held>();
  private readonly sets = new Map<string, { members: Set<string>; expiresAt: number }>();
  private writes = 0;

  constructor(private readonly now: () => number = Date.now) {}

  async get<T>(key: string): Promise<T | undefined> {
    const held = this.values.get(key);
    if (!held) return undefined;
    if (held.expiresAt <= this.now()) {
      this.values.delete(key);
      return undefined;
    }
    return JSON.parse(held.text) as T;
  }

  async put(key: string, value: unknown, ttlMs: number): Promise<void> {
    this.values.set(key, { text: JSON.stringify(value), expiresAt: this.now() + ttlMs });
    if (++this.writes % 256 === 0) this.sweep();
  }

  async take<T>(key: string): Promise<T | undefined> {
    const value = await this.get<T>(key);
    this.values.delete(key);
    return value;
  }

  async delete(...keys: string[]): Promise<void> {
    for (const key of keys) {
      this.values.delete(key);
      this.sets.delete(key);
    }
  }

  async extend(key: string, ttlMs: number): Promise<boolean> {
    const held = this.values.get(key);
    if (!held || held.expiresAt <= this.now()) return false;
    held.expiresAt = this.now() + ttlMs;
    return true;
  }

  async addMember(key: string, member: string, ttlMs: number): Promise<void> {
    const held = this.sets.get(key);
    const members = held && held.expiresAt > this.now() ? held.members : new Set<string>();
    members.add(member);
    this.sets.set(key, { members, expiresAt: this.now() + ttlMs });
  }

  async members(key: string): Promise<string[]> {
    const held = this.sets.get(key);
    return held && held.expiresAt > this.now() ? [...held.members] : [];
  }

  async close(): Promise<void> {}

  private sweep(): void {
    const now = this.now();
    for (const [key, held] of this.values) if (held.expiresAt <= now) this.values.delete(key);
    for (const [key, held] of this.sets) if (held.expiresAt <= now) this.sets.delete(key);
  }
}

/** The same records in Redis under one prefix; GETDEL makes a take atomic across replicas. */
export class RedisAuthzStore implements AuthzStore {
  private readonly redis: RedisConnection;

  constructor(
    url: string,
    private readonly prefix = 'ghl-mcp:authz:',
  ) {
    this.redis = new RedisConnection(url);
  }

  async get<T>(key: string): Promise<T | undefined> {
    return parse<T>(await (await this.connection()).get(this.prefix + key));
  }

  async put(key: string, value: unknown, ttlMs: number): Promise<void> {
    await (await this.connection()).set(this.prefix + key, JSON.stringify(value), 'PX', Math.max(1, Math.ceil(ttlMs)));
  }

  async take<T>(key: string): Promise<T | undefined> {
    return parse<T>(await (await this.connection()).getdel(this.prefix + key));
  }

  async delete(...keys: string[]): Promise<void> {
    if (keys.length > 0) await (await this.connection()).del(...keys.map((key) => this.prefix + key));
  }

  async extend(key: string, ttlMs: number): Promise<boolean> {
    return (await (await this.connection()).pexpire(this.prefix + key, Math.max(1, Math.ceil(ttlMs)))) === 1;
  }

  async addMember(key: string, member: string, ttlMs: number): Promise<void> {
    await (await this.connection())
      .multi()
      .sadd(this.prefix + key, member)
      .pexpire(this.prefix + key, Math.max(1, Math.ceil(ttlMs)))
      .exec();
  }

  async members(key: string): Promise<string[]> {
    return (await this.connection()).smembers(this.prefix + key);
  }

  async close(): Promise<void> {
    await this.redis.close();
  }

  /** The one lazily opened connection (also the users' grant stores'): a failed one is opened again on the next call. */
  connection(): Promise<Redis> {
    return this.redis.get();
  }
}

function parse<T>(text: string | null): T | undefined {
  return text === null ? undefined : (JSON.parse(text) as T);
}
