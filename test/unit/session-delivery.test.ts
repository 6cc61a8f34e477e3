import type { JSONRPCMessage } from '@modelcontextprotocol/server';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { SessionDelivery, type HeldStream } from '../../src/sessions/delivery.js';
import { MemoryEventLog, STANDALONE_STREAM } from '../../src/sessions/events.js';
import { MemoryRecordStore } from '../../src/sessions/records.js';
import { sharedBus } from '../helpers/shared-bus.js';

/** A stand-in for the SDK transport of a replica holding the GET stream: takes an id from the event store, then "writes". */
function stream(delivery: SessionDelivery, session: string) {
  const events = delivery.eventsFor(session);
  const written: { id: string; message: JSONRPCMessage }[] = [];
  let resolveNext: (() => void) | undefined;
  const held: HeldStream = {
    events,
    transport: {
      send: async (message) => {
        const id = await events.storeEvent(STANDALONE_STREAM, message);
        written.push({ id, message });
        resolveNext?.();
      },
    },
  };
  const next = () => new Promise<void>((resolve) => (resolveNext = resolve));
  return { held, written, next };
}

describe('delivery of a notification to the replica holding the GET stream', () => {
  const logger = createLogger('silent');
  const record = { id: 's1', owner: 'o', clients: ['c'], initialize: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: {} }, selection: null, version: 0 };

  const setup = async () => {
    const bus = sharedBus();
    const records = new MemoryRecordStore(60_000);
    const log = new MemoryEventLog();
    await records.create(record, 10);
    let holderB: HeldStream | undefined;
    const a = new SessionDelivery(records, log, bus('A'), () => undefined, logger);
    const b = new SessionDelivery(records, log, bus('B'), () => holderB, logger);
    return { records, log, a, b, holdB: (held?: HeldStream) => (holderB = held) };
  };

  it('deliver on one replica: written once, by the replica holding the stream, under the id it was kept with', async () => {
    const { log, a, b, holdB } = await setup();
    const onB = stream(b, 's1');
    holdB(onB.held);
    const arrived = onB.next();
    expect(await a.deliver('s1', { method: 'notifications/tools/list_changed' })).toBe(true);
    await arrived;
    expect(onB.written).toHaveLength(1);
    expect(onB.written[0]!.message).toEqual({ jsonrpc: '2.0', method: 'notifications/tools/list_changed' });
    const kept: string[] = [];
    await log.replayAfter('s1', `${STANDALONE_STREAM}:0-0`, async (id) => void kept.push(id));
    expect(kept).toEqual([onB.written[0]!.id]);
  });

  it("a server's own notification on a replica without the stream reaches the holder; the holder's own is not written twice", async () => {
    const { a, b, holdB } = await setup();
    const onB = stream(b, 's1');
    holdB(onB.held);
    // Replica A serves a request of the session (no GET stream there): its transport keeps and announces.
    const arrived = onB.next();
    await a.eventsFor('s1').storeEvent(STANDALONE_STREAM, { jsonrpc: '2.0', method: 'notifications/resources/list_changed' });
    await arrived;
    expect(onB.written.map((event) => event.message)).toEqual([{ jsonrpc: '2.0', method: 'notifications/resources/list_changed' }]);
    // B's own server sends while B holds the stream: the SDK writes it, and B's own announcement is not written again.
    await onB.held.transport.send({ jsonrpc: '2.0', method: 'notifications/tools/list_changed' });
    const later = onB.next();
    await a.deliver('s1', { method: 'notifications/prompts/list_changed' });
    await later;
    expect(onB.written.map((event) => (event.message as { method: string }).method)).toEqual([
      'notifications/resources/list_changed',
      'notifications/tools/list_changed',
      'notifications/prompts/list_changed',
    ]);
  });

  it('nobody holding the stream: kept for Last-Event-ID replay; an unknown or ended session: false, nothing kept', async () => {
    const { records, log, a } = await setup();
    expect(await a.deliver('s1', { method: 'notifications/resources/updated', params: { uri: 'ghl://x' } })).toBe(true);
    const kept: JSONRPCMessage[] = [];
    await log.replayAfter('s1', `${STANDALONE_STREAM}:0-0`, async (_id, message) => void kept.push(message));
    expect(kept).toEqual([{ jsonrpc: '2.0', method: 'notifications/resources/updated', params: { uri: 'ghl://x' } }]);
    expect(await a.deliver('unknown', { method: 'notifications/tools/list_changed' })).toBe(false);
    await records.delete('s1');
    expect(await a.deliver('s1', { method: 'notifications/tools/list_changed' })).toBe(false);
    const after: JSONRPCMessage[] = [];
    await log.replayAfter('s1', `${STANDALONE_STREAM}:0-0`, async (_id, message) => void after.push(message));
    expect(after).toHaveLength(1);
  });
});
