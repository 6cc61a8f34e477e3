import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { RedisBus } from '../../src/bus/redis-bus.js';
import { Catalog } from '../../src/catalog/catalog.js';
import type { CallListener, Executor } from '../../src/executor.js';
import { createLogger } from '../../src/logger.js';
import type { SessionNotification } from '../../src/resources/changes.js';
import { ResourceHub, type ResourceSession } from '../../src/resources/hub.js';
import { RedisSubscriptionIndex } from '../../src/resources/redis-subscriptions.js';
import type { TokenScope } from '../../src/resources/types.js';
import { MODULES } from '../../tools/index.js';
import { OVERLAYS } from '../../tools/overlays/index.js';
import { redisMissing, TEST_REDIS_URL } from '../helpers/redis-server.js';

const skip = await redisMissing();
const catalog = new Catalog(MODULES, OVERLAYS);
const logger = createLogger('silent');

/** A GHL stand-in behind one tenant's executor: counts the tag reads, and lets a test fire a write's result. */
function fakeExecutor() {
  let listener: CallListener | undefined;
  const state = { reads: 0, tags: ['vip'] };
  const executor = {
    fetch: async () => {
      state.reads += 1;
      return { response: { status: 200, headers: {}, text: JSON.stringify({ tags: state.tags.map((name) => ({ id: name, name })) }) } };
    },
    onResult: (next: CallListener) => {
      listener = next;
      return () => undefined;
    },
  } as unknown as Executor;
  const write = (tool: string, args: Record<string, unknown>) =>
    listener!({ tool: catalog.get(tool)!, args, result: { content: [{ type: 'text', text: 'OK' }] } });
  return { executor, state, write };
}

describe.skipIf(skip)('resource changes across replicas (bus + subscription index in Redis)', () => {
  const prefix = `test:fanout:${randomUUID()}:`;
  const hubs: ResourceHub[] = [];
  const buses: RedisBus[] = [];
  afterAll(async () => {
    await Promise.all(hubs.map((hub) => hub.close()));
    await Promise.all(buses.map((bus) => bus.close()));
  });

  /** One replica: its own bus connection and index client, the shared Redis. */
  async function replica() {
    const bus = new RedisBus({ url: TEST_REDIS_URL, prefix: `${prefix}bus:` });
    const hub = new ResourceHub({ ttlMs: 60_000, logger, bus, index: new RedisSubscriptionIndex({ url: TEST_REDIS_URL, prefix: `${prefix}index:`, idleMs: 60_000 }) });
    await bus.ready();
    const delivered: Array<{ id: string; notification: SessionNotification }> = [];
    const gone = new Set<string>();
    hub.setDelivery(async (id, notification) => {
      if (gone.has(id)) return false;
      delivered.push({ id, notification });
      return true;
    });
    buses.push(bus);
    hubs.push(hub);
    return { hub, delivered, gone };
  }

  function session(hub: ResourceHub, tenantKey: string, executor: Executor, locationId = 'loc-1'): ResourceSession {
    const id = randomUUID();
    const scope = async (): Promise<TokenScope> => ({ kind: 'location', locationId });
    const resources = hub.tenant({ executor, tenantKey, catalog, scope, maxChars: 100_000, secrets: () => [] });
    const held: ResourceSession = { id: () => id, resources, subscriptions: new Set(), updated: () => undefined, listChanged: () => undefined };
    hub.attach(held);
    return held;
  }

  it('a write on one replica drops the answer another replica cached and tells its subscriber once, from the writing replica', async () => {
    const [a, b] = [await replica(), await replica()];
    const ghl = fakeExecutor();
    const watcher = session(b.hub, 'server:same', ghl.executor);
    const writerSide = session(a.hub, 'server:same', ghl.executor);
    await b.hub.subscribe(watcher, 'ghl://locations/loc-1/tags');
    await watcher.resources.read('ghl://locations/loc-1/tags');
    await vi.waitFor(() => expect(ghl.state.reads).toBe(1));
    await watcher.resources.read('ghl://locations/loc-1/tags');
    expect(ghl.state.reads).toBe(1);

    ghl.state.tags.push('spring');
    ghl.write('locations_create_tag', { locationId: 'loc-1', name: 'spring' });
    await vi.waitFor(() => expect(a.delivered.map((entry) => entry.id)).toEqual([watcher.id()]));
    expect(a.delivered[0]!.notification).toEqual({ method: 'notifications/resources/updated', params: { uri: 'ghl://locations/loc-1/tags' } });
    expect(b.delivered).toEqual([]);
    await vi.waitFor(async () => expect(JSON.parse(await watcher.resources.read('ghl://locations/loc-1/tags')).total).toBe(2));
    expect(writerSide.subscriptions.size).toBe(0);
  });

  it('keeps tenants apart: another tenant of the same location is neither told nor loses its cache', async () => {
    const [a, b] = [await replica(), await replica()];
    const ours = fakeExecutor();
    const theirs = fakeExecutor();
    const watcher = session(b.hub, 'tenant:theirs', theirs.executor);
    await b.hub.subscribe(watcher, 'ghl://locations/loc-1/tags');
    await watcher.resources.read('ghl://locations/loc-1/tags');
    session(a.hub, 'tenant:ours', ours.executor);
    ours.write('locations_create_tag', { locationId: 'loc-1', name: 'x' });
    await new Promise((resolve) => setTimeout(resolve, 200));
    await watcher.resources.read('ghl://locations/loc-1/tags');
    expect(theirs.state.reads).toBe(1);
    expect(a.delivered).toEqual([]);
  });

  it('invalidate (a webhook event) reaches every tenant reading that location, and only subscribers of that location', async () => {
    const [a, b] = [await replica(), await replica()];
    const one = fakeExecutor();
    const two = fakeExecutor();
    const here = session(b.hub, 'tenant:one', one.executor);
    const elsewhere = session(b.hub, 'tenant:two', two.executor, 'loc-2');
    await b.hub.subscribe(here, 'ghl://locations/loc-1/tags');
    await b.hub.subscribe(elsewhere, 'ghl://locations/loc-2/tags');
    await here.resources.read('ghl://locations/loc-1/tags');
    await elsewhere.resources.read('ghl://locations/loc-2/tags');
    await vi.waitFor(() => expect(one.state.reads + two.state.reads).toBe(2));

    await a.hub.invalidate({ locationId: 'loc-1', resources: ['tags'], listChanged: true });
    const told = (id: string) => a.delivered.filter((entry) => entry.id === id).map((entry) => entry.notification.method);
    expect(told(here.id()!)).toEqual(['notifications/resources/updated', 'notifications/resources/list_changed']);
    expect(told(elsewhere.id()!)).toEqual(['notifications/resources/list_changed']);
    await vi.waitFor(async () => {
      await here.resources.read('ghl://locations/loc-1/tags');
      expect(one.state.reads).toBe(2);
    });
    await elsewhere.resources.read('ghl://locations/loc-2/tags');
    expect(two.state.reads).toBe(1);
  });

  it('announce tells the subscribers of a URI; a session that is gone or ended is forgotten', async () => {
    const [a, b] = [await replica(), await replica()];
    const ghl = fakeExecutor();
    const [first, second, third] = [session(b.hub, 'server:x', ghl.executor), session(b.hub, 'server:x', ghl.executor), session(b.hub, 'server:x', ghl.executor)];
    for (const held of [first, second, third]) await b.hub.subscribe(held, 'ghl://locations/loc-1/events');
    a.gone.add(second.id()!);
    await a.hub.announce(['ghl://locations/loc-1/events']);
    expect(a.delivered.map((entry) => entry.id).sort()).toEqual([first.id(), third.id()].sort());
    await b.hub.sessionEnded(third.id()!);
    a.delivered.length = 0;
    await a.hub.announce(['ghl://locations/loc-1/events']);
    expect(a.delivered.map((entry) => entry.id)).toEqual([first.id()]);
  });

  it('a server rebuilt on another replica gets back what the session subscribed to', async () => {
    const [a, b] = [await replica(), await replica()];
    const ghl = fakeExecutor();
    const original = session(a.hub, 'server:y', ghl.executor);
    await a.hub.subscribe(original, 'ghl://locations/loc-1/tags');
    const rebuilt: ResourceSession = { ...session(b.hub, 'server:y', ghl.executor), id: original.id, subscriptions: new Set() };
    b.hub.attach(rebuilt);
    await b.hub.touch(rebuilt);
    expect([...rebuilt.subscriptions]).toEqual(['ghl://locations/loc-1/tags']);
  });

  it('keeps the subscriptions of an untouched session for a day (or four idle times), not one idle time: tool calls do not touch them', async () => {
    const index = new RedisSubscriptionIndex({ url: TEST_REDIS_URL, prefix: `${prefix}ttl:`, idleMs: 60_000 });
    const long = new RedisSubscriptionIndex({ url: TEST_REDIS_URL, prefix: `${prefix}ttl-long:`, idleMs: 12 * 60 * 60_000 });
    const { Redis } = await import('ioredis');
    const redis = new Redis(TEST_REDIS_URL);
    try {
      await index.subscribe('s1', 'server:z', 'ghl://locations/loc-1/tags');
      await long.subscribe('s1', 'server:z', 'ghl://locations/loc-1/tags');
      expect(await redis.ttl(`${prefix}ttl:s:s1`)).toBeGreaterThan(23 * 3600);
      expect(await redis.ttl(`${prefix}ttl:t:server:z`)).toBeGreaterThan(23 * 3600);
      expect(await redis.ttl(`${prefix}ttl-long:s:s1`)).toBeGreaterThan(47 * 3600);
      expect(await index.sessions('server:z')).toEqual([{ id: 's1', tenant: 'server:z', uris: ['ghl://locations/loc-1/tags'] }]);
      await index.forget('s1');
      expect(await index.sessions()).toEqual([]);
    } finally {
      redis.disconnect();
      await Promise.all([index.close(), long.close()]);
    }
  });
});
