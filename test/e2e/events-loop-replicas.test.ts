import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { agent, eventsUri } from '../helpers/events-loop.js';
import { connectHttp, type HttpServerProcess, type HttpSession, rawRequest, startHttpServer } from '../helpers/http.js';
import { redisMissing, TEST_REDIS_URL } from '../helpers/redis-server.js';
import { delivery, ed25519Keys, signed } from '../helpers/webhooks.js';

/**
 * Two replicas sharing Redis: GHL's delivery lands on one, the agent's session lives on the other. The event must
 * reach that session all the same: a resources/updated, and the wait tool's answer.
 */
describe.skipIf(await redisMissing())('events across two replicas sharing Redis', () => {
  const ghl = ed25519Keys();
  const locationId = `loc-${randomUUID().slice(0, 8)}`;
  let receiving: HttpServerProcess;
  let holding: HttpServerProcess;
  let session: HttpSession;

  beforeAll(async () => {
    // Not the sandbox (each replica would have its own): credentials never used, as nothing here calls GHL.
    const env = { GHL_API_KEY: 'pit-unused', GHL_LOCATION_ID: locationId, REDIS_URL: TEST_REDIS_URL, GHL_WEBHOOKS: 'true', GHL_WEBHOOK_KEY: ghl.publicPem };
    [receiving, holding] = await Promise.all([startHttpServer(env, ['--toolsets', 'all']), startHttpServer(env, ['--toolsets', 'all'])]);
    session = await connectHttp(holding.url);
  });
  afterAll(async () => {
    await session?.close();
    await Promise.all([receiving?.stop(), holding?.stop()]);
  });

  it('an inbound SMS posted to one replica reaches the subscribed, waiting session on the other', async () => {
    const view = agent(session.client);
    const uri = eventsUri(locationId);
    await view.client.subscribeResource({ uri });
    const { next } = await view.read(uri);
    const waiting = view.call('ghl_wait_for_event', { locationId, types: ['InboundMessage'], ...(next && { after: next }), timeoutSeconds: 60 });

    const body = delivery({ type: 'InboundMessage', locationId, contactId: 'contact-r1', conversationId: 'conv-r1', messageId: 'msg-r1', body: 'Are you open Saturday?', direction: 'inbound', messageType: 'SMS' });
    const answer = await rawRequest(`${receiving.origin}/webhooks/ghl`, { headers: { 'content-type': 'application/json', ...signed(body, ghl) }, body });
    expect(answer).toMatchObject({ status: 200 });

    const { event } = await waiting;
    expect(event).toMatchObject({ id: JSON.parse(body).webhookId, type: 'InboundMessage', locationId, ids: { contactId: 'contact-r1', conversationId: 'conv-r1' }, payload: { body: 'Are you open Saturday?' } });
    await vi.waitFor(() => expect(view.updated).toContain(uri));
    // The holding replica never received the delivery itself: it heard of it through Redis.
    expect(holding.stderr()).not.toContain('"path":"/webhooks/ghl"');
    expect(receiving.stderr()).toMatch(/"path":"\/webhooks\/ghl","status":200,"ms":\d+,"event":"InboundMessage"/);
    const { events } = await view.call('ghl_list_events', { locationId });
    expect(events.map((item: { id: string }) => item.id)).toEqual([event.id]);
  });
});
