import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { EventEnvelope } from '../../src/events/envelope.js';
import { EventFeed } from '../../src/events/feed.js';
import { cursorAfter, MemoryEventLog } from '../../src/events/log.js';
import { RedisEventLog } from '../../src/events/redis-log.js';
import { redisMissing, TEST_REDIS_URL } from '../helpers/redis-server.js';

function event(id: string, fields: Partial<EventEnvelope> = {}): EventEnvelope {
  const at = new Date().toISOString();
  return { id, type: 'InboundMessage', locationId: 'loc1', time: at, receivedAt: at, ids: { contactId: 'c1' }, payload: {}, ...fields };
}

const memoryLog = () => new MemoryEventLog({ maxEvents: 100, maxAgeMs: 60_000, maxLocations: 10 });
const open = () => new AbortController().signal;

/** Resolves once the feed has `count` waits open (turns of the event loop, no timers): the test then stores events. */
async function waitingOn(feed: EventFeed, count = 1): Promise<void> {
  for (let turn = 0; feed.waiting < count; turn += 1) {
    if (turn > 10_000) throw new Error(`the feed never had ${count} waits open`);
    await new Promise(setImmediate);
  }
}

describe('waiting for an event', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('returns the next matching event to arrive, skipping other types, contacts and locations', async () => {
    const log = memoryLog();
    const feed = new EventFeed(log);
    await log.append(event('before'));
    const waited = feed.waitFor('loc1', { types: ['InboundMessage'], ids: { contactId: 'c1' } }, { timeoutMs: 60_000, signal: open() });
    await waitingOn(feed);
    await log.append(event('other-type', { type: 'ContactUpdate' }));
    await log.append(event('other-contact', { ids: { contactId: 'c2' } }));
    await log.append(event('other-location', { locationId: 'loc2' }));
    const match = await log.append(event('match'));
    const outcome = await waited;
    expect(outcome.event?.id).toBe('match');
    expect(outcome.next).toBe(match.cursor);
    expect(feed.waiting).toBe(0);
  });

  it('with a cursor, returns at once the oldest matching event logged after it', async () => {
    const log = memoryLog();
    const feed = new EventFeed(log);
    const first = await log.append(event('first'));
    await log.append(event('skip', { type: 'OutboundMessage' }));
    await log.append(event('second'));
    await log.append(event('third'));
    const outcome = await feed.waitFor('loc1', { types: ['InboundMessage'] }, { after: first.cursor, timeoutMs: 60_000, signal: open() });
    expect(outcome.event?.id).toBe('second');
    const next = await feed.waitFor('loc1', { types: ['InboundMessage'] }, { after: outcome.next, timeoutMs: 60_000, signal: open() });
    expect(next.event?.id).toBe('third');
  });

  it('times out with a cursor that misses nothing stored after the wait began', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
    const log = memoryLog();
    const feed = new EventFeed(log);
    await log.append(event('old'));
    const waited = feed.waitFor('loc1', { types: ['AppointmentCreate'] }, { timeoutMs: 30_000, signal: open() });
    await waitingOn(feed);
    await log.append(event('not-it'));
    await vi.advanceTimersByTimeAsync(30_000);
    const outcome = await waited;
    expect(outcome.event).toBeUndefined();
    expect(outcome).toMatchObject({ cancelled: false, waitedMs: 30_000 });
    const booked = await log.append(event('booked', { type: 'AppointmentCreate' }));
    const again = await feed.waitFor('loc1', { types: ['AppointmentCreate'] }, { after: outcome.next, timeoutMs: 30_000, signal: open() });
    expect(again.event?.cursor).toBe(booked.cursor);
  });

  it('stops at once when the call is cancelled, and never starts when it already was', async () => {
    const log = memoryLog();
    const feed = new EventFeed(log);
    const controller = new AbortController();
    const waited = feed.waitFor('loc1', {}, { timeoutMs: 60_000, signal: controller.signal });
    await waitingOn(feed);
    controller.abort();
    const outcome = await waited;
    expect(outcome.event).toBeUndefined();
    expect(outcome).toMatchObject({ cancelled: true });
    expect(feed.waiting).toBe(0);
    expect(await feed.waitFor('loc1', {}, { timeoutMs: 60_000, signal: controller.signal })).toMatchObject({ cancelled: true, waitedMs: 0 });
  });

  it('reports progress every interval while waiting, and no more once an event matched', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
    const log = memoryLog();
    const feed = new EventFeed(log, { progressEveryMs: 5_000 });
    const progress: Array<[number, number]> = [];
    const waited = feed.waitFor('loc1', {}, { timeoutMs: 60_000, signal: open(), progress: (waited, total) => progress.push([waited, total]) });
    await waitingOn(feed);
    await vi.advanceTimersByTimeAsync(15_000);
    expect(progress).toEqual([
      [0, 60_000],
      [5_000, 60_000],
      [10_000, 60_000],
      [15_000, 60_000],
    ]);
    await log.append(event('arrived'));
    expect((await waited).event?.id).toBe('arrived');
    await vi.advanceTimersByTimeAsync(15_000);
    expect(progress).toHaveLength(4);
  });

  it('serves several waits at once, each with its own filter', async () => {
    const log = memoryLog();
    const feed = new EventFeed(log);
    const messages = feed.waitFor('loc1', { types: ['InboundMessage'] }, { timeoutMs: 60_000, signal: open() });
    const deals = feed.waitFor('loc1', { types: ['OpportunityStageUpdate'], ids: { opportunityId: 'o1' } }, { timeoutMs: 60_000, signal: open() });
    await waitingOn(feed, 2);
    await log.append(event('deal-other', { type: 'OpportunityStageUpdate', ids: { opportunityId: 'o2' } }));
    await log.append(event('deal', { type: 'OpportunityStageUpdate', ids: { opportunityId: 'o1' } }));
    await log.append(event('message'));
    expect((await deals).event?.id).toBe('deal');
    expect((await messages).event?.id).toBe('message');
  });
});

describe('recent events with a cursor', () => {
  it('reads the newest first time, then catches up forward from the cursor, page by page', async () => {
    const log = memoryLog();
    const feed = new EventFeed(log);
    for (const id of ['a', 'b', 'c', 'd']) await log.append(event(id));
    const first = await feed.recent('loc1', {}, { limit: 2 });
    expect(first.events.map((item) => item.id)).toEqual(['c', 'd']);
    expect(first.more).toBe(true);
    for (const id of ['e', 'f', 'g']) await log.append(event(id));
    const page = await feed.recent('loc1', {}, { after: first.next, limit: 2 });
    expect(page.events.map((item) => item.id)).toEqual(['e', 'f']);
    expect(page.more).toBe(true);
    const last = await feed.recent('loc1', {}, { after: page.next, limit: 2 });
    expect(last).toMatchObject({ more: false, next: last.events[0]!.cursor });
    expect(last.events.map((item) => item.id)).toEqual(['g']);
    const nothing = await feed.recent('loc1', {}, { after: last.next, limit: 2 });
    expect(nothing).toEqual({ events: [], next: last.next, more: false });
  });

  it('gives a cursor for a location with no events yet, which the first later event follows', async () => {
    const log = memoryLog();
    const feed = new EventFeed(log);
    await log.append(event('elsewhere', { locationId: 'loc2' }));
    const empty = await feed.recent('loc1', {}, { limit: 5 });
    expect(empty.events).toEqual([]);
    await log.append(event('later'));
    expect((await feed.recent('loc1', {}, { after: empty.next, limit: 5 })).events.map((item) => item.id)).toEqual(['later']);
  });
});

describe('cursors', () => {
  it('of a restarted process follow those an agent kept from before (the memory log starts from the clock)', async () => {
    let clock = Date.parse('2026-11-30T12:00:00Z');
    const retention = { maxEvents: 100, maxAgeMs: 3_600_000, maxLocations: 10 };
    const before = new MemoryEventLog(retention, { now: () => clock });
    for (const id of ['a', 'b', 'c']) await before.append(event(id));
    const kept = (await new EventFeed(before).recent('loc1', {}, { limit: 5 })).next;
    clock += 1_000;
    const restarted = new MemoryEventLog(retention, { now: () => clock });
    await restarted.append(event('after-restart'));
    expect((await new EventFeed(restarted).recent('loc1', {}, { after: kept, limit: 5 })).events.map((item) => item.id)).toEqual(['after-restart']);
  });

  it('compare stream IDs as numbers and memory cursors as fixed-width text', () => {
    expect(cursorAfter('1700000000001-0', '1700000000000-5')).toBe(true);
    expect(cursorAfter('1700000000000-10', '1700000000000-9')).toBe(true);
    expect(cursorAfter('1700000000000-9', '1700000000000-10')).toBe(false);
    expect(cursorAfter('0000000000000011', '0000000000000009')).toBe(true);
    expect(cursorAfter('0000000000000009', '0000000000000009')).toBe(false);
  });
});

describe.skipIf(await redisMissing())('waiting across replicas (Redis event log)', () => {
  it('a wait on one replica returns the event another replica stored, and its cursor starts the next wait', async () => {
    const prefix = `test:events-feed:${randomUUID()}:`;
    const retention = { maxEvents: 100, maxAgeMs: 60_000 };
    const [receiving, serving] = [new RedisEventLog({ url: TEST_REDIS_URL, retention, prefix }), new RedisEventLog({ url: TEST_REDIS_URL, retention, prefix })];
    const feed = new EventFeed(serving);
    try {
      const start = await feed.recent('loc1', {}, { limit: 1 });
      expect(start.next).toBe('0-0');
      const waited = feed.waitFor('loc1', { types: ['InboundMessage'] }, { timeoutMs: 10_000, signal: open() });
      await waitingOn(feed);
      await receiving.append(event('skip', { type: 'OutboundMessage' }));
      const stored = await receiving.append(event('inbound'));
      const outcome = await waited;
      expect(outcome.event).toMatchObject({ id: 'inbound', cursor: stored.cursor });
      const next = await receiving.append(event('inbound-2'));
      expect((await feed.waitFor('loc1', { types: ['InboundMessage'] }, { after: outcome.next, timeoutMs: 10_000, signal: open() })).event?.cursor).toBe(next.cursor);
      expect(await serving.latestCursor('loc1')).toBe(next.cursor);
    } finally {
      feed.close();
      await Promise.all([receiving.close(), serving.close()]);
    }
  });
});
