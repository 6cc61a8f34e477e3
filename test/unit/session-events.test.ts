import { randomUUID } from 'node:crypto';
import type { JSONRPCMessage } from '@modelcontextprotocol/server';
import { describe, expect, it } from 'vitest';
import { type EventLog, type Limit, MemoryEventLog, type Retention, STANDALONE_STREAM } from '../../src/sessions/events.js';
import { RedisEventLog } from '../../src/sessions/redis-events.js';
import { REPLAYED } from '../../src/sessions/restore.js';
import { SessionEvents } from '../../src/sessions/session-events.js';
import { redisMissing } from '../helpers/redis-server.js';
import { sessionRedis } from '../helpers/session-redis.js';

const note = (n: number): JSONRPCMessage => ({ jsonrpc: '2.0', method: 'notifications/message', params: { level: 'info', data: n } });

async function replay(log: EventLog, session: string, after: string) {
  const sent: { id: string; data: unknown }[] = [];
  const stream = await log.replayAfter(session, after, async (id, message) => void sent.push({ id, data: (message as unknown as { params: { data: unknown } }).params.data }));
  return { stream, sent };
}

/** The same limit for notifications and replies. */
const both = (limit: Limit): Retention => ({ notifications: limit, replies: limit });

function contract(name: string, make: (retention: Retention) => EventLog) {
  describe(`${name} event log`, () => {
    it('replays what a stream got after an event, in order, and nothing of other streams or sessions', async () => {
      const log = make(both({ maxEvents: 100, maxAgeMs: 60_000 }));
      const session = randomUUID();
      const first = await log.append(session, STANDALONE_STREAM, note(1));
      await log.append(session, 'post-1', note(2));
      const third = await log.append(session, STANDALONE_STREAM, note(3));
      await log.append(session, STANDALONE_STREAM, note(4));
      await log.append(randomUUID(), STANDALONE_STREAM, note(99));
      const { stream, sent } = await replay(log, session, first);
      expect(stream).toBe(STANDALONE_STREAM);
      expect(sent.map((event) => event.data)).toEqual([3, 4]);
      expect(sent[0]!.id).toBe(third);
      // "Before everything" (a priming event's id): the whole stream.
      expect((await replay(log, session, 'post-1:0-0')).sent.map((event) => event.data)).toEqual([2]);
    });

    it('refuses an id that names no stream, and replays nothing after the last event', async () => {
      const log = make(both({ maxEvents: 100, maxAgeMs: 60_000 }));
      const session = randomUUID();
      const last = await log.append(session, STANDALONE_STREAM, note(1));
      expect((await replay(log, session, 'garbage')).stream).toBeUndefined();
      expect((await replay(log, session, `${STANDALONE_STREAM}:not-a-position`)).stream).toBeUndefined();
      expect(await replay(log, session, last)).toEqual({ stream: STANDALONE_STREAM, sent: [] });
      await log.drop(session);
      expect((await replay(log, session, `${STANDALONE_STREAM}:0-0`)).sent).toEqual([]);
    });

    it('keeps at most maxEvents per session: a reconnect from before them gets the newest only', async () => {
      const log = make(both({ maxEvents: 3, maxAgeMs: 60_000 }));
      const session = randomUUID();
      const first = await log.append(session, STANDALONE_STREAM, note(1));
      for (const n of [2, 3, 4, 5]) await log.append(session, STANDALONE_STREAM, note(n));
      expect((await replay(log, session, first)).sent.map((event) => event.data)).toEqual([3, 4, 5]);
    });

    it("names the place of the latest notification (a new GET stream's starting id), replies aside", async () => {
      const log = make(both({ maxEvents: 100, maxAgeMs: 60_000 }));
      const session = randomUUID();
      expect(await log.lastNotification(session)).toBe('0-0');
      await log.append(session, STANDALONE_STREAM, note(1));
      const latest = await log.append(session, STANDALONE_STREAM, note(2));
      await log.append(session, 'post-1', note(3));
      expect(`${STANDALONE_STREAM}:${await log.lastNotification(session)}`).toBe(latest);
      expect((await replay(log, session, latest)).sent).toEqual([]);
    });

    it('keeps replies (request streams) by their own tighter limit, apart from notifications', async () => {
      const log = make({ notifications: { maxEvents: 10, maxAgeMs: 60_000 }, replies: { maxEvents: 2, maxAgeMs: 60_000 } });
      const session = randomUUID();
      for (const n of [1, 2, 3]) await log.append(session, 'post-9', note(n));
      for (const n of [4, 5, 6]) await log.append(session, STANDALONE_STREAM, note(n));
      expect((await replay(log, session, 'post-9:0-0')).sent.map((event) => event.data)).toEqual([2, 3]);
      expect((await replay(log, session, `${STANDALONE_STREAM}:0-0`)).sent.map((event) => event.data)).toEqual([4, 5, 6]);
    });
  });
}

contract('memory', (retention) => new MemoryEventLog(retention));

describe('memory event log: age', () => {
  it('forgets events older than maxAgeMs', async () => {
    let now = 1_000;
    const log = new MemoryEventLog(both({ maxEvents: 100, maxAgeMs: 500 }), () => now);
    await log.append('s', STANDALONE_STREAM, note(1));
    now = 1_400;
    await log.append('s', STANDALONE_STREAM, note(2));
    now = 1_600;
    expect((await replay(log, 's', `${STANDALONE_STREAM}:0-0`)).sent.map((event) => event.data)).toEqual([2]);
  });
});

describe.skipIf(await redisMissing())('Redis event log', () => {
  const { keys, raw, connection } = sessionRedis('session-events');
  const make = (retention: Retention) => new RedisEventLog(connection(), keys, 60_000, retention);

  contract('Redis', make);

  it('another replica replays what one kept; events past maxAgeMs are trimmed away', async () => {
    const session = randomUUID();
    const [a, b] = [make(both({ maxEvents: 100, maxAgeMs: 150 })), make(both({ maxEvents: 100, maxAgeMs: 150 }))];
    const first = await a.append(session, STANDALONE_STREAM, note(1));
    await a.append(session, STANDALONE_STREAM, note(2));
    expect((await replay(b, session, first)).sent.map((event) => event.data)).toEqual([2]);
    expect(await raw.pttl(keys.events(session))).toBeGreaterThan(50_000);
    // Time is what is under test here: wait past the age, then one more append trims the old ones.
    await new Promise((resolve) => setTimeout(resolve, 200));
    await a.append(session, STANDALONE_STREAM, note(3));
    expect(await raw.xlen(keys.events(session))).toBe(1);
    expect((await replay(b, session, `${STANDALONE_STREAM}:0-0`)).sent.map((event) => event.data)).toEqual([3]);
  });
});

describe("a session's event store, as the SDK transport uses it", () => {
  const setup = () => {
    const log = new MemoryEventLog();
    const announced: { id: string; message: JSONRPCMessage }[] = [];
    const events = new SessionEvents('s1', log, (id, message) => announced.push({ id, message }));
    return { log, announced, events };
  };

  it('keeps every message; announces only those for the GET stream; keeps no priming event nor replayed answer', async () => {
    const { log, announced, events } = setup();
    const standalone = await events.storeEvent(STANDALONE_STREAM, note(1));
    await events.storeEvent('post-1', { jsonrpc: '2.0', id: 5, result: {} });
    expect(announced).toEqual([{ id: standalone, message: note(1) }]);
    expect(await events.storeEvent('post-2', {} as JSONRPCMessage)).toBe('post-2:0-0');
    expect(await events.storeEvent('post-3', { jsonrpc: '2.0', id: REPLAYED, result: {} })).toBe('post-3:0-0');
    expect((await replay(log, 's1', 'post-2:0-0')).sent).toEqual([]);
    expect((await replay(log, 's1', 'post-3:0-0')).sent).toEqual([]);
    expect(await events.getStreamIdForEventId(standalone)).toBe(STANDALONE_STREAM);
    await expect(events.replayEventsAfter('nonsense', { send: async () => {} })).rejects.toThrow(/Invalid event ID/);
  });

  it('writes a message kept elsewhere through the transport under its kept id, keeping it no second time', async () => {
    const { log, announced, events } = setup();
    const kept = await log.append('s1', STANDALONE_STREAM, note(7));
    const written: string[] = [];
    // As the SDK transport does: asks the event store for an id before its first await, then writes.
    const transport = { send: async (message: JSONRPCMessage) => void written.push(await events.storeEvent(STANDALONE_STREAM, message)) };
    await events.writeStored(transport, kept, note(7));
    expect(written).toEqual([kept]);
    expect(announced).toEqual([]);
    expect((await replay(log, 's1', `${STANDALONE_STREAM}:0-0`)).sent).toHaveLength(1);
    // The adopted id is used once: the next message is kept and announced as usual.
    await transport.send(note(8));
    expect(written[1]).not.toBe(kept);
    expect(announced).toHaveLength(1);
  });
});
