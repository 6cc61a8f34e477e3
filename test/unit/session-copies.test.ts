import { Server } from '@modelcontextprotocol/server';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { type Build, SessionCopies } from '../../src/sessions/copies.js';
import type { SessionRecord } from '../../src/sessions/records.js';
import { SessionService } from '../../src/sessions/service.js';
import type { SelectionRequest, ToolSelection } from '../../src/toolsets/selection.js';
import { SessionRegistry } from '../../src/transports/http/sessions.js';
import { redisMissing, TEST_REDIS_URL } from '../helpers/redis-server.js';
import { sharedBus } from '../helpers/shared-bus.js';

/** Stands for a ToolSelection: what a record keeps of one. */
const selectionOf = (request: SelectionRequest | null) =>
  ({ toolsets: request?.toolsets ?? ['default'], tools: [], excluded: new Set<string>(), readOnly: false }) as unknown as ToolSelection;

describe.skipIf(await redisMissing())('session copies: rebuilt from the record on a replica that never saw the session', () => {
  const logger = createLogger('silent');
  const bus = sharedBus();
  const keyPrefix = `test:session-copies:${Date.now()}:`;
  const replicas = ['A', 'B'].map((name) => {
    const sessions = new SessionRegistry({ idleMs: 60_000, max: 10 });
    const store = new SessionService({ redisUrl: TEST_REDIS_URL, idleMs: 60_000, bus: bus(name), held: () => undefined, logger, keyPrefix });
    const copies = new SessionCopies({ sessions, store, select: selectionOf, logger });
    return { sessions, store, copies };
  });
  let built = 0;
  const build: Build = () => {
    built += 1;
    return { server: new Server({ name: 'test', version: '1' }, { capabilities: { logging: {}, tools: {} } }), release: () => {} };
  };
  const record: SessionRecord = {
    id: `copies-${Date.now()}`,
    owner: 'auth:alice|',
    clients: [`auth:alice-${Date.now()}`],
    initialize: { protocolVersion: '2025-06-18', capabilities: { roots: { listChanged: true } }, clientInfo: { name: 'picky-client', version: '4.2' } },
    selection: { toolsets: ['contacts'], tools: [], excludeTools: [], readOnly: false },
    logLevel: 'error',
    version: 0,
  };

  afterAll(async () => {
    for (const replica of replicas) {
      await replica.sessions.closeAll();
      await replica.store.end(record.id).catch(() => {});
      await replica.store.close();
    }
  });

  it('replays the recorded handshake: the rebuilt server knows the client, its capabilities and selection', async () => {
    const [, b] = replicas;
    expect(await b!.store.create(record, 5)).toBeUndefined();
    const session = await b!.copies.open(record.id, 'auth:alice|', build);
    expect(session?.server.getClientVersion()).toEqual({ name: 'picky-client', version: '4.2' });
    expect(session?.server.getClientCapabilities()).toEqual({ roots: { listChanged: true } });
    expect(session?.transport.sessionId).toBe(record.id);
    expect(session?.selection.get().toolsets).toEqual(['contacts']);
    expect(session?.logLevel).toBe('error');
    expect(b!.sessions.get(record.id)).toBe(session);
  });

  it('builds one copy for concurrent first requests, and none for a stranger', async () => {
    const [a] = replicas;
    const before = built;
    const [one, two] = await Promise.all([a!.copies.open(record.id, 'auth:alice|', build), a!.copies.open(record.id, 'auth:alice|', build)]);
    expect(one).toBe(two);
    expect(built - before).toBe(1);
    expect(await a!.copies.open(record.id, 'auth:mallory|', build)).toBeUndefined();
    expect(built - before).toBe(1);
  });

  it("a copy follows a change another replica made (its selection replaced), and an end drops it", async () => {
    const [a, b] = replicas;
    const onA = a!.sessions.get(record.id)!;
    b!.sessions.get(record.id)!.selection.set(selectionOf({ toolsets: ['contacts', 'calendars'] }));
    await vi.waitFor(() => expect(onA.selection.get().toolsets).toEqual(['contacts', 'calendars']));
    expect(onA.version).toBe(1);
    await b!.store.end(record.id);
    await vi.waitFor(() => expect(a!.sessions.get(record.id)).toBeUndefined());
    expect(await a!.copies.open(record.id, 'auth:alice|', build)).toBeUndefined();
  });
});
