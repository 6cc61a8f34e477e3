import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agent } from '../helpers/events-loop.js';
import { connectHttp, type HttpServerProcess, type HttpSession, rawRequest, startHttpServer } from '../helpers/http.js';
import { redisMissing, TEST_REDIS_URL } from '../helpers/redis-server.js';
import { delivery, ed25519Keys, signed } from '../helpers/webhooks.js';

const DELIVERIES = 1000;
const SENDERS = 25;

/**
 * A burst of 1,000 signed deliveries (25 overlapping senders, as GHL's workers overlap): every one acknowledged, and
 * the event log holds each exactly once — read back page by page through the recent-events tool, compared by
 * webhookId and content. How fast is for bench/webhooks.mjs; here, only that nothing is lost or doubled.
 */
const stores = [{ store: 'memory' }, ...((await redisMissing()) ? [] : [{ store: 'redis' }])];

describe.each(stores)('a burst of $store deliveries', ({ store }) => {
  const ghl = ed25519Keys();
  const locationId = `loc-burst-${randomUUID().slice(0, 8)}`;
  let server: HttpServerProcess;
  let session: HttpSession;

  beforeAll(async () => {
    server = await startHttpServer(
      {
        GHL_API_KEY: 'pit-unused',
        GHL_LOCATION_ID: locationId,
        GHL_WEBHOOKS: 'true',
        GHL_WEBHOOK_KEY: ghl.publicPem,
        GHL_WEBHOOK_LOG_MAX_EVENTS: String(2 * DELIVERIES),
        ...(store === 'redis' && { REDIS_URL: TEST_REDIS_URL }),
      },
      ['--toolsets', 'all'],
    );
    session = await connectHttp(server.url);
  });
  afterAll(async () => {
    await session?.close();
    await server?.stop();
  });

  it(`acknowledges ${DELIVERIES} deliveries and logs each exactly once, as sent (${store} log)`, { timeout: 120_000 }, async () => {
    const bodies = Array.from({ length: DELIVERIES }, (_, index) =>
      delivery({ type: 'InboundMessage', locationId, contactId: `contact-${index % 40}`, conversationId: `conv-${index % 40}`, body: `message ${index}`, direction: 'inbound', messageType: 'SMS' }),
    );
    const deliver = (body: string) => rawRequest(`${server.origin}/webhooks/ghl`, { headers: { 'content-type': 'application/json', ...signed(body, ghl) }, body });
    const view = agent(session.client);
    // A first event marks where the burst starts: its cursor is where reading back begins.
    expect((await deliver(delivery({ type: 'ContactCreate', locationId, id: 'marker' }))).status).toBe(200);
    let after: string = (await view.call('ghl_list_events', { locationId, limit: 1 })).next;
    const statuses: number[] = [];
    await Promise.all(
      Array.from({ length: SENDERS }, async (_, sender) => {
        for (let index = sender; index < DELIVERIES; index += SENDERS) statuses.push((await deliver(bodies[index]!)).status);
      }),
    );
    expect(statuses.filter((status) => status === 200)).toHaveLength(DELIVERIES);
    // GHL's retry of a delivery already stored is refused, and stores nothing more.
    const again = await Promise.all(bodies.slice(0, 50).map(deliver));
    expect(again.map((answer) => answer.status)).toEqual(Array(50).fill(409));

    const logged: { id: string; payload: Record<string, unknown> }[] = [];
    for (let page = 0; page <= DELIVERIES / 50; page += 1) {
      const answer = await view.call('ghl_list_events', { locationId, limit: 50, after });
      logged.push(...answer.events);
      after = answer.next;
      if (!answer.more) break;
    }
    const sent = new Map(bodies.map((body) => [JSON.parse(body).webhookId as string, JSON.parse(body) as Record<string, unknown>]));
    const ids = logged.map((event) => event.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBe(DELIVERIES);
    for (const event of logged) expect(event.payload).toEqual(sent.get(event.id));
  });
});
