import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type Sandbox, startSandbox } from '../../src/sandbox/sandbox.js';
import { connectHttp, type HttpSession, startHttpServer } from '../helpers/http.js';
import { redisServerMissing } from '../helpers/redis-server.js';
import { type ReplicaSet, startReplicas } from '../helpers/replicas.js';
import { resultBody, resultText } from '../helpers/results.js';
import { openStream, rawSession, type SseEvent } from '../helpers/sse.js';

type Json = any;
const REPLICAS = 3;

/** A client that records the notifications a session under test must get. */
async function watched(url: string) {
  const session = await connectHttp(url);
  const seen = { toolsChanged: 0, resourcesChanged: 0, updated: [] as string[] };
  session.client.setNotificationHandler('notifications/tools/list_changed', () => void (seen.toolsChanged += 1));
  session.client.setNotificationHandler('notifications/resources/list_changed', () => void (seen.resourcesChanged += 1));
  session.client.setNotificationHandler('notifications/resources/updated', (notification) => void seen.updated.push(notification.params.uri));
  return { session, seen };
}

async function call(session: HttpSession, name: string, args: Record<string, unknown> = {}): Promise<Json> {
  const result = await session.client.callTool({ name, arguments: args });
  expect(result.isError, `${name}: ${resultText(result)}`).toBeFalsy();
  return resultBody(result);
}

async function read(session: HttpSession, uri: string): Promise<Json> {
  return JSON.parse(((await session.client.readResource({ uri })).contents[0] as { text: string }).text);
}

describe.skipIf(redisServerMissing())('stateful sessions across three replicas behind a round-robin balancer (Redis)', () => {
  let sandbox: Sandbox;
  let set: ReplicaSet;
  let watcher: Awaited<ReturnType<typeof watched>>;
  /** Another client of the same GHL credentials: its writes go through other replicas than the watcher's requests. */
  let writer: HttpSession;
  let tags: string;
  const slotsOf = (session: HttpSession, method = 'POST') =>
    set.balancer.routed.filter((entry) => entry.session === session.transport.sessionId && entry.method === method).map((entry) => entry.slot);
  /**
   * The slot holding the session's GET stream (the last one it opened). The client opens it on its own after
   * initializing, so on a loaded machine it may still be on its way: wait for it rather than race it.
   */
  const streamSlot = async (session: HttpSession): Promise<number> => {
    let slot = -1;
    await vi.waitFor(
      () => {
        const streams = set.balancer.routed.filter((entry) => entry.session === session.transport.sessionId && entry.method === 'GET' && entry.status === 200);
        expect(streams.length).toBeGreaterThan(0);
        slot = streams.at(-1)!.slot;
      },
      { timeout: 15_000 },
    );
    return slot;
  };
  /** Requests without a session id: initializations (the client re-initializing would add one). */
  const initializations = () => set.balancer.routed.filter((entry) => entry.method === 'POST' && !entry.session).length;

  beforeAll(async () => {
    sandbox = await startSandbox({ token: 'sandbox-replica-sessions-01' });
    set = await startReplicas({
      count: REPLICAS,
      env: { GHL_API_KEY: sandbox.token, GHL_BASE_URL: sandbox.baseUrl, GHL_LOCATION_ID: sandbox.locationId, GHL_COMPANY_ID: sandbox.companyId },
    });
    tags = `ghl://locations/${sandbox.locationId}/tags`;
    watcher = await watched(set.url);
    writer = await connectHttp(set.url.replace(/\/mcp$/, '/mcp/x/locations,calendars'));
  }, 60_000);

  afterAll(async () => {
    await watcher?.session.close();
    await writer?.close();
    await set?.close();
    await sandbox?.close();
  });

  it('enables a toolset on one replica; the tool list change reaches the client and every replica lists the new tools', async () => {
    const before = (await watcher.session.client.listTools()).tools.map((tool) => tool.name);
    expect(before).not.toContain('locations_create_tag');
    // The call goes to a replica that does not hold the session's GET stream.
    const holder = await streamSlot(watcher.session);
    set.balancer.aim((holder + 1) % REPLICAS);
    expect(resultText(await watcher.session.client.callTool({ name: 'ghl_enable_toolset', arguments: { toolset: 'locations' } }))).toMatch(/Enabled locations/);
    expect(set.balancer.routed.filter((entry) => entry.method === 'POST').at(-1)!.slot).not.toBe(holder);
    await vi.waitFor(() => expect(watcher.seen.toolsChanged).toBeGreaterThan(0), { timeout: 10_000 });
    for (let replica = 0; replica < REPLICAS; replica += 1) {
      expect((await watcher.session.client.listTools()).tools.map((tool) => tool.name)).toContain('locations_create_tag');
    }
    expect((await call(watcher.session, 'locations_get_location')).id ?? '').toBeDefined();
  });

  it('a write through another replica drops the cached answer everywhere and tells the subscribed session', async () => {
    await watcher.session.client.subscribeResource({ uri: tags });
    const before = await read(watcher.session, tags);
    // Cached on several replicas: every one must drop it.
    for (let replica = 1; replica < REPLICAS; replica += 1) expect((await read(watcher.session, tags)).total).toBe(before.total);
    set.balancer.aim(((await streamSlot(watcher.session)) + 1) % REPLICAS);
    await call(writer, 'locations_create_tag', { name: 'Replica Rollout' });
    await vi.waitFor(() => expect(watcher.seen.updated).toEqual([tags]), { timeout: 10_000 });
    for (let replica = 0; replica < REPLICAS; replica += 1) {
      const after = await read(watcher.session, tags);
      expect(after.total).toBe(before.total + 1);
      expect(after.tags.map((tag: Json) => tag.name)).toContain('replica rollout');
    }
  });

  it('an item added through another replica changes the resource list (list_changed)', async () => {
    const changes = watcher.seen.resourcesChanged;
    await call(writer, 'calendars_create_calendar', { name: 'Replica Clinic', slotDuration: 30 });
    await vi.waitFor(() => expect(watcher.seen.resourcesChanged).toBeGreaterThan(changes), { timeout: 10_000 });
  });

  it('spread the session over every replica: no stickiness was needed', () => {
    expect(new Set(slotsOf(watcher.session)).size).toBe(REPLICAS);
    expect(initializations()).toBe(2);
  });

  it('keeps working through a rolling restart of the replica holding its stream, without re-initializing', async () => {
    const sessionId = watcher.session.transport.sessionId;
    const holder = await streamSlot(watcher.session);
    // Calls go on during the restart: they land on the other replicas.
    const during: Promise<Json>[] = [];
    const restarting = set.restart(holder);
    for (let index = 0; index < 4; index += 1) during.push(call(watcher.session, 'locations_get_location'));
    await restarting;
    await Promise.all(during);
    for (let replica = 0; replica < REPLICAS; replica += 1) await call(watcher.session, 'locations_get_location');

    // The stream came back (on any replica) and the subscription held: a write is announced again.
    watcher.seen.updated.length = 0;
    await call(writer, 'locations_create_tag', { name: 'After Restart' });
    await vi.waitFor(() => expect(watcher.seen.updated).toEqual([tags]), { timeout: 15_000 });
    // The enabled toolset held too, on every replica (the restarted one included).
    for (let replica = 0; replica < REPLICAS; replica += 1) await call(watcher.session, 'locations_get_tag_by_id', { tagId: (await read(watcher.session, tags)).tags[0].id });
    expect(watcher.session.transport.sessionId).toBe(sessionId);
    expect(initializations()).toBe(2);
  }, 60_000);

  it('survives a full rolling restart (every replica replaced in turn): same session, subscription and toolset', async () => {
    const sessionId = watcher.session.transport.sessionId;
    for (let slot = 0; slot < REPLICAS; slot += 1) {
      await set.restart(slot);
      await call(watcher.session, 'locations_get_location');
    }
    watcher.seen.updated.length = 0;
    await call(writer, 'locations_create_tag', { name: 'All New Replicas' });
    await vi.waitFor(() => expect(watcher.seen.updated).toEqual([tags]), { timeout: 15_000 });
    expect((await read(watcher.session, tags)).tags.map((tag: Json) => tag.name)).toContain('all new replicas');
    await call(watcher.session, 'locations_create_tag', { name: 'Still Enabled' });
    expect(watcher.session.transport.sessionId).toBe(sessionId);
    expect(initializations()).toBe(2);
  }, 90_000);

  it('a client that drops its GET stream and reconnects with Last-Event-ID to another replica gets what it missed', async () => {
    const raw = await rawSession(set.url);
    await raw.request('resources/subscribe', { uri: tags });
    const updated = (event: SseEvent) => event.data.includes('notifications/resources/updated');
    const first = await openStream(set.url, raw.headers);
    expect(first.status).toBe(200);
    const firstSlot = set.balancer.routed.at(-1)!.slot;
    await call(writer, 'locations_create_tag', { name: 'Seen Live' });
    const live = await first.next(updated);
    expect(live.id).toBeTruthy();
    first.close();

    await call(writer, 'locations_create_tag', { name: 'Missed While Away' });
    set.balancer.aim((firstSlot + 1) % REPLICAS);
    const again = await openStream(set.url, { ...raw.headers, 'last-event-id': live.id! });
    expect(set.balancer.routed.at(-1)!.slot).not.toBe(firstSlot);
    expect(again.status).toBe(200);
    const missed = await again.next((event) => updated(event) && event.id !== live.id);
    expect(JSON.parse(missed.data)).toMatchObject({ method: 'notifications/resources/updated', params: { uri: tags } });
    again.close();
  });
});

describe('the same session flow on a single process without Redis (what replicas must not break)', () => {
  it('a write by one session tells another subscribed session of the same credentials', async () => {
    const sandbox = await startSandbox({ token: 'sandbox-single-process-01' });
    const server = await startHttpServer({ GHL_API_KEY: sandbox.token, GHL_BASE_URL: sandbox.baseUrl, GHL_LOCATION_ID: sandbox.locationId, GHL_COMPANY_ID: sandbox.companyId });
    const watcher = await watched(server.url);
    const writer = await connectHttp(server.url.replace(/\/mcp$/, '/mcp/x/locations,calendars'));
    try {
      const tags = `ghl://locations/${sandbox.locationId}/tags`;
      await watcher.session.client.subscribeResource({ uri: tags });
      const before = await read(watcher.session, tags);
      await call(writer, 'locations_create_tag', { name: 'Single Process' });
      await vi.waitFor(() => expect(watcher.seen.updated).toEqual([tags]), { timeout: 10_000 });
      expect((await read(watcher.session, tags)).total).toBe(before.total + 1);
      await call(writer, 'calendars_create_calendar', { name: 'Single Clinic', slotDuration: 30 });
      await vi.waitFor(() => expect(watcher.seen.resourcesChanged).toBe(1), { timeout: 10_000 });
    } finally {
      await watcher.session.close();
      await writer.close();
      await server.stop();
      await sandbox.close();
    }
  }, 60_000);
});
