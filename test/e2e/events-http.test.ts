import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_LOCATION_ID } from '../../src/sandbox/seed-data.js';
import { connectHttp, type HttpServerProcess, type HttpSession, rawRequest, startHttpServer, textOf } from '../helpers/http.js';
import { delivery, ed25519Keys, signed } from '../helpers/webhooks.js';

const LOCATION = DEMO_LOCATION_ID;

describe('GHL events over HTTP (--http --webhooks, sandbox credentials)', () => {
  const ghl = ed25519Keys();
  let server: HttpServerProcess;
  let session: HttpSession;
  const updated: string[] = [];

  beforeAll(async () => {
    server = await startHttpServer({ GHL_SANDBOX: '1', GHL_WEBHOOKS: 'true', GHL_WEBHOOK_KEY: ghl.publicPem });
    // The events toolset chosen in the URL, beside the default one.
    session = await connectHttp(`${server.url}/x/default,events`);
    session.client.setNotificationHandler('notifications/resources/updated', (notification) => void updated.push(notification.params.uri));
  });
  afterAll(async () => {
    await session?.close();
    await server?.stop();
  });

  const deliver = (payload: Record<string, unknown>) => {
    const body = delivery({ locationId: LOCATION, ...payload });
    return rawRequest(`${server.origin}/webhooks/ghl`, { headers: { 'content-type': 'application/json', ...signed(body, ghl) }, body });
  };
  const call = async (name: string, args: Record<string, unknown>, options: Parameters<HttpSession['client']['callTool']>[1] = {}) => {
    const text = textOf(await session.client.callTool({ name, arguments: args }, options));
    const [head, json] = text.split('\n');
    return { head: head!, body: JSON.parse(json!) };
  };

  it('lists the event tools for a session that chose the events toolset, and not for one that did not', async () => {
    expect((await session.client.listTools()).tools.map((tool) => tool.name)).toEqual(expect.arrayContaining(['ghl_wait_for_event', 'ghl_list_events']));
    const plain = await connectHttp(server.url);
    try {
      expect((await plain.client.listTools()).tools.map((tool) => tool.name)).not.toContain('ghl_wait_for_event');
    } finally {
      await plain.close();
    }
  });

  it('a waiting, subscribed session gets resources/updated and the wait\'s answer, with progress on the request\'s stream', async () => {
    const uri = `ghl://locations/${LOCATION}/events?type=AppointmentCreate`;
    await session.client.subscribeResource({ uri });
    const progress: number[] = [];
    const waited = call('ghl_wait_for_event', { types: ['AppointmentCreate'], timeoutSeconds: 60 }, { onprogress: (update) => progress.push(update.progress) });
    await expect.poll(() => progress.length).toBeGreaterThan(0);
    const booked = { type: 'AppointmentCreate', appointment: { id: 'apt-1', contactId: 'c-9', calendarId: 'cal-1', startTime: '2026-12-03T10:30:00-06:00', appointmentStatus: 'confirmed' } };
    expect((await deliver(booked)).status).toBe(200);
    await expect.poll(() => updated).toContain(uri);
    const { head, body } = await waited;
    expect(head).toMatch(/^OK: AppointmentCreate event \S+ for location \S+ \(contactId c-9, appointmentId apt-1\)/);
    expect(body.event.payload.appointment).toMatchObject({ id: 'apt-1', calendarId: 'cal-1' });
  });

  it('a tag event drops the cached tags and tells their subscribers', async () => {
    const tags = `ghl://locations/${LOCATION}/tags`;
    await session.client.readResource({ uri: tags });
    await session.client.subscribeResource({ uri: tags });
    const before = updated.filter((uri) => uri === tags).length;
    expect((await deliver({ type: 'ContactTagUpdate', id: 'c-9', tags: ['vip-from-ghl'] })).status).toBe(200);
    await expect.poll(() => updated.filter((uri) => uri === tags).length).toBeGreaterThan(before);
  });
});
