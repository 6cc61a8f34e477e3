import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import type { EventEnvelope } from '../../src/events/envelope.js';
import type { LoggedEvent } from '../../src/events/log.js';
import { RedisDeliveryIds, RedisEventLog } from '../../src/events/redis-log.js';
import { redisMissing, TEST_REDIS_URL } from '../helpers/redis-server.js';

const skip = await redisMissing();

function event(id: string, fields: Partial<EventEnvelope> = {}): EventEnvelope {
  const at = new Date().toISOString();
  return { id, type: 'InboundMessage', locationId: 'loc1', time: at, receivedAt: at, ids: {}, payload: { n: id }, ...fields };
}

describe.skipIf(skip)('events in Redis (shared by replicas)', () => {
  // Each run has its own keys: the test Redis is shared.
  const prefix = `test:events:${randomUUID()}:`;
  const open: Array<{ close(): Promise<void> }> = [];
  const replica = (retention = { maxEvents: 100, maxAgeMs: 60_000 }) => {
    const log = new RedisEventLog({ url: TEST_REDIS_URL, retention, prefix });
    open.push(log);
    return log;
  };
  afterAll(async () => {
    await Promise.all(open.map((item) => item.close()));
  });
  const ids = (events: LoggedEvent[]) => events.map((logged) => logged.id);

  it('keeps events per location with stream cursors, filtered by type, contact and cursor, read by any replica', async () => {
    const [a, b] = [replica(), replica()];
    const first = await a.append(event('a', { ids: { contactId: 'c1' } }));
    await b.append(event('b', { type: 'ContactUpdate', ids: { contactId: 'c1' } }));
    await a.append(event('c', { locationId: 'loc2' }));
    await b.append(event('d', { ids: { contactId: 'c2' } }));
    expect(first.cursor).toMatch(/^\d+-\d+$/);
    expect(ids(await b.recent('loc1'))).toEqual(['a', 'b', 'd']);
    expect(await a.recent('loc1')).toEqual(await b.recent('loc1'));
    expect(ids(await a.recent('loc2'))).toEqual(['c']);
    expect(ids(await a.recent('loc1', { types: ['InboundMessage'] }))).toEqual(['a', 'd']);
    expect(ids(await a.recent('loc1', { contactId: 'c1' }))).toEqual(['a', 'b']);
    expect(ids(await a.recent('loc1', { after: first.cursor }))).toEqual(['b', 'd']);
    expect(ids(await a.recent('loc1', { limit: 1 }))).toEqual(['d']);
    expect((await a.recent('loc1'))[0]).toMatchObject({ payload: { n: 'a' }, ids: { contactId: 'c1' } });
    await expect(a.recent('loc1', { after: 'not-a-cursor' })).rejects.toThrow('"not-a-cursor" is not a cursor of this event log');
  });

  it('bounds each location by count and by age', async () => {
    const log = replica({ maxEvents: 3, maxAgeMs: 60_000 });
    for (const id of ['a', 'b', 'c', 'd']) await log.append(event(id, { locationId: 'bounded' }));
    expect(ids(await log.recent('bounded'))).toEqual(['b', 'c', 'd']);
    const old = new Date(Date.now() - 120_000).toISOString();
    await log.append(event('old', { locationId: 'aged', receivedAt: old }));
    expect(await log.recent('aged')).toEqual([]);
  });

  it('tells every replica’s listeners of an event stored by any one', async () => {
    const [a, b] = [replica(), replica()];
    const heard = new Promise<LoggedEvent>((resolve) => b.onEvent((logged) => logged.id === 'across' && resolve(logged)));
    await b.listening();
    const stored = await a.append(event('across', { locationId: 'loc3' }));
    expect(await heard).toEqual(stored);
  });

  it('refuses a delivery ID claimed on another replica until it is released or expires', async () => {
    const idPrefix = `${prefix}id:`;
    const [a, b] = [new RedisDeliveryIds(TEST_REDIS_URL, idPrefix), new RedisDeliveryIds(TEST_REDIS_URL, idPrefix)];
    open.push(a, b);
    expect(await a.claim('w1', 60_000)).toBe(true);
    expect(await b.claim('w1', 60_000)).toBe(false);
    await a.release('w1');
    expect(await b.claim('w1', 50)).toBe(true);
    await expect.poll(() => a.claim('w1', 60_000), { timeout: 2_000, interval: 25 }).toBe(true);
  });
});
