import { describe, expect, it } from 'vitest';
import { type EventEnvelope } from '../../src/events/envelope.js';
import { type LoggedEvent, MemoryEventLog } from '../../src/events/log.js';
import { MemoryDeliveryIds, ReplayGuard } from '../../src/events/replay.js';

let clock = Date.parse('2026-11-30T12:00:00.000Z');
const now = () => clock;

function event(id: string, fields: Partial<EventEnvelope> = {}): EventEnvelope {
  const at = new Date(clock).toISOString();
  return { id, type: 'InboundMessage', locationId: 'loc1', time: at, receivedAt: at, ids: {}, payload: {}, ...fields };
}

describe('in-memory event log', () => {
  it('keeps events per location, oldest first, filtered by type, contact and cursor', async () => {
    const log = new MemoryEventLog({ maxEvents: 10, maxAgeMs: 60_000, maxLocations: 10 }, { now });
    const first = await log.append(event('a', { ids: { contactId: 'c1' } }));
    await log.append(event('b', { type: 'ContactUpdate', ids: { contactId: 'c1' } }));
    await log.append(event('c', { locationId: 'loc2' }));
    await log.append(event('d', { ids: { contactId: 'c2' } }));
    const ids = (events: LoggedEvent[]) => events.map((logged) => logged.id);
    expect(ids(await log.recent('loc1'))).toEqual(['a', 'b', 'd']);
    expect(ids(await log.recent('loc2'))).toEqual(['c']);
    expect(ids(await log.recent('loc1', { types: ['InboundMessage'] }))).toEqual(['a', 'd']);
    expect(ids(await log.recent('loc1', { contactId: 'c1' }))).toEqual(['a', 'b']);
    expect(ids(await log.recent('loc1', { after: first.cursor }))).toEqual(['b', 'd']);
    expect(ids(await log.recent('loc1', { limit: 2 }))).toEqual(['b', 'd']);
    expect(await log.recent('nowhere')).toEqual([]);
  });

  it('orders cursors past ten events (they compare as text)', async () => {
    const log = new MemoryEventLog({ maxEvents: 50, maxAgeMs: 60_000, maxLocations: 10 }, { now });
    const logged = [];
    for (let index = 0; index < 12; index += 1) logged.push(await log.append(event(`e${index}`)));
    expect((await log.recent('loc1', { after: logged[9]!.cursor })).map((item) => item.id)).toEqual(['e10', 'e11']);
  });

  it('bounds each location by count and age, and the number of locations', async () => {
    const log = new MemoryEventLog({ maxEvents: 3, maxAgeMs: 60_000, maxLocations: 2 }, { now });
    for (const id of ['a', 'b', 'c', 'd']) await log.append(event(id));
    expect((await log.recent('loc1')).map((logged) => logged.id)).toEqual(['b', 'c', 'd']);
    clock += 30_000;
    await log.append(event('e'));
    clock += 40_000;
    expect((await log.recent('loc1')).map((logged) => logged.id)).toEqual(['e']);
    await log.append(event('x', { locationId: 'loc2' }));
    await log.append(event('y', { locationId: 'loc3' }));
    expect(await log.recent('loc1')).toEqual([]);
    expect(await log.recent('loc3')).toHaveLength(1);
  });

  it('tells listeners of each stored event after append has resolved', async () => {
    const log = new MemoryEventLog({ maxEvents: 3, maxAgeMs: 60_000, maxLocations: 2 }, { now });
    const heard: string[] = [];
    const stop = log.onEvent((logged) => heard.push(logged.id));
    const got = new Promise<LoggedEvent>((resolve) => log.onEvent(resolve));
    await log.append(event('a'));
    expect(heard).toEqual([]);
    expect((await got).id).toBe('a');
    expect(heard).toEqual(['a']);
    stop();
    await log.append(event('b'));
    await new Promise((resolve) => setImmediate(resolve));
    expect(heard).toEqual(['a']);
  });
  it('reports a listener that throws, and still tells the others', async () => {
    const errors: unknown[] = [];
    const log = new MemoryEventLog({ maxEvents: 3, maxAgeMs: 60_000, maxLocations: 2 }, { now, onListenerError: (error) => errors.push(error) });
    log.onEvent(() => {
      throw new Error('listener broke');
    });
    const got = new Promise<LoggedEvent>((resolve) => log.onEvent(resolve));
    await log.append(event('a'));
    expect((await got).id).toBe('a');
    expect(errors).toEqual([new Error('listener broke')]);
    expect(await log.recent('loc1')).toHaveLength(1);
  });
});

describe('replay guard', () => {
  const at = (offsetMs: number) => new Date(clock + offsetMs).toISOString();
  const guard = (ids = new MemoryDeliveryIds(100, now)) => new ReplayGuard(ids, 300_000, now);

  it('admits a fresh delivery once, and refuses its ID again until released', async () => {
    const replay = guard();
    expect(await replay.admit({ webhookId: 'w1', timestamp: at(-1_000) })).toEqual({ ok: true, webhookId: 'w1' });
    expect(await replay.admit({ webhookId: 'w1', timestamp: at(0) })).toEqual({ ok: false, status: 409, reason: 'this webhookId was already received' });
    await replay.release('w1');
    expect(await replay.admit({ webhookId: 'w1', timestamp: at(0) })).toMatchObject({ ok: true });
  });

  it('refuses a timestamp outside the window either way, in ISO or epoch seconds or milliseconds', async () => {
    const replay = guard();
    expect(await replay.admit({ webhookId: 'old', timestamp: at(-301_000) })).toEqual({ ok: false, status: 401, reason: 'timestamp is 301 s from now (allowed ±300 s)' });
    expect(await replay.admit({ webhookId: 'future', timestamp: at(301_000) })).toMatchObject({ ok: false, status: 401 });
    expect(await replay.admit({ webhookId: 's', timestamp: Math.floor(clock / 1000) - 10 })).toMatchObject({ ok: true });
    expect(await replay.admit({ webhookId: 'ms', timestamp: clock - 10_000 })).toMatchObject({ ok: true });
    expect(await replay.admit({ webhookId: 'ms-old', timestamp: String(clock - 400_000) })).toMatchObject({ ok: false, status: 401 });
  });

  it('refuses a delivery without webhookId or timestamp, claiming nothing', async () => {
    const ids = new MemoryDeliveryIds(100, now);
    const replay = guard(ids);
    expect(await replay.admit({ timestamp: at(0) })).toMatchObject({ ok: false, status: 400, reason: 'the body has no webhookId' });
    expect(await replay.admit({ webhookId: 'w', timestamp: 'yesterday' })).toMatchObject({ ok: false, status: 400 });
    expect(await replay.admit({ webhookId: 'x'.repeat(201), timestamp: at(0) })).toMatchObject({ ok: false, status: 400 });
    expect(ids.size).toBe(0);
  });

  it('forgets IDs once their claim runs out, and never holds more than its bound', async () => {
    const ids = new MemoryDeliveryIds(3, now);
    for (const id of ['a', 'b', 'c', 'd']) expect(await ids.claim(id, 1_000)).toBe(true);
    expect(ids.size).toBe(3);
    expect(await ids.claim('d', 1_000)).toBe(false);
    clock += 1_001;
    expect(await ids.claim('e', 1_000)).toBe(true);
    expect(ids.size).toBe(1);
    expect(await ids.claim('d', 1_000)).toBe(true);
  });
});
