import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { MemoryRecordStore, type RecordStore, type SessionRecord } from '../../src/sessions/records.js';
import { RedisRecordStore } from '../../src/sessions/redis-records.js';
import { redisMissing } from '../helpers/redis-server.js';
import { sessionRedis } from '../helpers/session-redis.js';

const record = (id: string, owner = 'auth:alice|', clients = ['auth:alice']): SessionRecord => ({
  id,
  owner,
  clients,
  initialize: { protocolVersion: '2025-11-25', capabilities: { roots: {} }, clientInfo: { name: 'test', version: '1' } },
  selection: { toolsets: [], tools: ['contacts_get_contact'], excludeTools: [], readOnly: true },
  version: 0,
});

/** The rules every record store keeps, memory or Redis. */
function contract(name: string, make: (idleMs: number) => RecordStore) {
  describe(`${name} session records`, () => {
    it('answers a session to its owner only, as stored (empty lists stay lists)', async () => {
      const store = make(60_000);
      expect(await store.create(record('s1'), 5)).toBeUndefined();
      expect(await store.touch('s1', 'auth:alice|')).toEqual(record('s1'));
      expect(await store.touch('s1', 'auth:bob|')).toBeUndefined();
      expect(await store.touch('nope', 'auth:alice|')).toBeUndefined();
      expect(await store.exists('s1')).toBe(true);
      await store.close();
    });

    it('applies changes and bumps the version; a gone session takes none', async () => {
      const store = make(60_000);
      await store.create(record('s2'), 5);
      const selection = { toolsets: ['default', 'contacts'], tools: [], excludeTools: ['x'], readOnly: false };
      expect(await store.update('s2', { selection })).toBe(1);
      expect(await store.update('s2', { logLevel: 'warning' })).toBe(2);
      expect(await store.get('s2')).toMatchObject({ selection, logLevel: 'warning', version: 2, owner: 'auth:alice|' });
      expect(await store.update('gone', { logLevel: 'debug' })).toBeUndefined();
      await store.close();
    });

    it('caps the live sessions of each client key, and a deleted one stops counting', async () => {
      const store = make(60_000);
      const clients = [`tenant:${randomUUID()}`, 'auth:carol'];
      expect(await store.create(record('c1', 'o', clients), 2)).toBeUndefined();
      expect(await store.create(record('c2', 'o', clients), 2)).toBeUndefined();
      expect(await store.create(record('c3', 'o', clients), 2)).toMatch(/maximum of 2 sessions/);
      // Another tenant of the same inbound client shares the inbound client's cap.
      expect(await store.create(record('c4', 'o', [`tenant:${randomUUID()}`, 'auth:carol']), 2)).toMatch(/maximum of 2 sessions/);
      expect(await store.create(record('c5', 'o', [`tenant:${randomUUID()}`, 'auth:dave']), 2)).toBeUndefined();
      expect(await store.delete('c1')).toBe(true);
      expect(await store.delete('c1')).toBe(false);
      expect(await store.touch('c1', 'o')).toBeUndefined();
      expect(await store.create(record('c3', 'o', clients), 2)).toBeUndefined();
      await store.close();
    });
  });
}

contract('memory', (idleMs) => new MemoryRecordStore(idleMs));

describe('memory session records: idle expiry', () => {
  it('ends a session unused for the idle time, restarts the time on each touch by its owner only', async () => {
    let now = 0;
    const store = new MemoryRecordStore(100, () => now);
    await store.create(record('a'), 5);
    await store.create(record('b'), 5);
    now = 80;
    await store.touch('a', 'auth:alice|');
    await store.touch('b', 'auth:mallory|');
    now = 150;
    expect(await store.expired()).toEqual(['b']);
    expect(await store.touch('b', 'auth:alice|')).toBeUndefined();
    expect(await store.touch('a', 'auth:alice|')).toBeDefined();
    now = 1_000;
    expect(await store.expired()).toEqual(['a']);
    // Expired sessions stop counting against the cap.
    expect(await store.create(record('c'), 1)).toBeUndefined();
  });
});

describe.skipIf(await redisMissing())('Redis session records', () => {
  const { keys, raw, connection } = sessionRedis('session-records');
  const make = (idleMs: number) => new RedisRecordStore(connection(), keys, idleMs);

  contract('Redis', make);

  it('two replicas see one record: a change on one is what the other reads', async () => {
    const [a, b] = [make(60_000), make(60_000)];
    await a.create(record('shared'), 5);
    await b.update('shared', { logLevel: 'error' });
    expect(await a.touch('shared', 'auth:alice|')).toMatchObject({ logLevel: 'error', version: 1 });
  });

  it('expires by TTL: the idle time restarts on a touch by the owner (record and events), not a stranger', async () => {
    const store = make(5_000);
    await store.create(record('ttl'), 5);
    await raw.xadd(keys.events('ttl'), '*', 's', 'x', 'm', '{}');
    await raw.xadd(keys.events('ttl', 'replies'), '*', 's', 'y', 'm', '{}');
    await raw.pexpire(keys.record('ttl'), 1_000);
    await store.touch('ttl', 'auth:mallory|');
    expect(await raw.pttl(keys.record('ttl'))).toBeLessThanOrEqual(1_000);
    await store.touch('ttl', 'auth:alice|');
    expect(await raw.pttl(keys.record('ttl'))).toBeGreaterThan(4_000);
    expect(await raw.pttl(keys.events('ttl'))).toBeGreaterThan(4_000);
    expect(await raw.pttl(keys.events('ttl', 'replies'))).toBeGreaterThan(4_000);
    // Gone from Redis: gone for everyone.
    await raw.del(keys.record('ttl'));
    expect(await store.touch('ttl', 'auth:alice|')).toBeUndefined();
  });

  it('deleting a session deletes its events and frees its place under the cap', async () => {
    const store = make(60_000);
    const clients = [`auth:${randomUUID()}`];
    await store.create(record('d1', 'o', clients), 1);
    await raw.xadd(keys.events('d1'), '*', 's', 'x', 'm', '{}');
    await raw.xadd(keys.events('d1', 'replies'), '*', 's', 'y', 'm', '{}');
    expect(await store.delete('d1')).toBe(true);
    expect(await raw.exists(keys.events('d1'), keys.events('d1', 'replies'), keys.record('d1'))).toBe(0);
    expect(await raw.zcard(keys.client(clients[0]!))).toBe(0);
  });
});
