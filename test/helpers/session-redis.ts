import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll } from 'vitest';
import { RedisConnection } from '../../src/redis/connection.js';
import { SessionKeys } from '../../src/sessions/redis.js';
import { TEST_REDIS_URL } from './redis-server.js';

/**
 * Session keys of this test file alone (a prefix of its own in the shared test Redis), connections for the stores
 * under test, and a raw client to look at what they wrote; all closed, and the keys deleted, after the file.
 */
export function sessionRedis(name: string) {
  const prefix = `test:${name}:${randomUUID()}:`;
  const keys = new SessionKeys(prefix);
  const raw = new Redis(TEST_REDIS_URL);
  const connections: RedisConnection[] = [];
  afterAll(async () => {
    await Promise.all(connections.map((connection) => connection.close()));
    const leftover = await raw.keys(`${prefix}*`);
    if (leftover.length > 0) await raw.del(...leftover);
    raw.disconnect();
  });
  const connection = () => {
    const made = new RedisConnection(TEST_REDIS_URL);
    connections.push(made);
    return made;
  };
  return { keys, raw, connection };
}
