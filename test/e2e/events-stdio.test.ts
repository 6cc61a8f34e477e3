import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectStdio, type StdioSession } from '../helpers/mcp.js';
import { rawRequest } from '../helpers/http.js';
import { delivery, ed25519Keys, signed } from '../helpers/webhooks.js';

const LOCATION = 'loc-events-stdio';

/** Text and JSON (the line after the first) of a tool result. */
function answer(result: unknown): { head: string; body: any } {
  const text = (result as { content: { text: string }[] }).content.map((block) => block.text).join('\n');
  const [head, second] = text.split('\n');
  return { head: head!, body: second?.startsWith('{') ? JSON.parse(second) : undefined };
}

/** The URL the server's webhook listener announced on stderr (the listener starts before the MCP handshake ends). */
async function listenerUrl(session: StdioSession): Promise<string> {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const found = /"url":"(http:\/\/127\.0\.0\.1:\d+\/webhooks\/ghl)"/.exec(session.stderr());
    if (found) return found[1]!;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`no webhook listener announced:\n${session.stderr()}`);
}

describe('GHL events on a stdio server (its own webhook listener)', () => {
  const ghl = ed25519Keys();
  let session: StdioSession;
  let hook: string;
  const updated: string[] = [];

  beforeAll(async () => {
    session = await connectStdio(
      { GHL_API_KEY: 'pit-unused', GHL_LOCATION_ID: LOCATION, GHL_LOG_LEVEL: 'info', GHL_WEBHOOK_KEY: ghl.publicPem },
      ['--webhooks', '--webhook-port', '0', '--toolsets', 'default,events'],
    );
    session.client.setNotificationHandler('notifications/resources/updated', (notification) => void updated.push(notification.params.uri));
    hook = await listenerUrl(session);
  });
  afterAll(async () => {
    await session?.close();
  });

  const deliver = (payload: Record<string, unknown>, keys = ghl) => {
    const body = delivery({ locationId: LOCATION, ...payload });
    return rawRequest(hook, { headers: { 'content-type': 'application/json', ...signed(body, keys) }, body });
  };

  it('lists the event tools and the events resource template, and tells the agent about them', async () => {
    const names = (await session.client.listTools()).tools.map((tool) => tool.name);
    expect(names).toEqual(expect.arrayContaining(['ghl_wait_for_event', 'ghl_list_events']));
    const { resourceTemplates } = await session.client.listResourceTemplates();
    expect(resourceTemplates.map((template) => template.uriTemplate)).toContain('ghl://locations/{locationId}/events{?type,contactId,limit}');
    expect(session.client.getInstructions()).toMatch(/ghl:\/\/locations\/\{locationId\}\/events/);
  });

  it('a subscribed agent is told of a verified inbound message, the wait tool returns it, and a forged one changes nothing', async () => {
    const filtered = `ghl://locations/${LOCATION}/events?type=InboundMessage&contactId=c-1`;
    const all = `ghl://locations/${LOCATION}/events`;
    await session.client.subscribeResource({ uri: filtered });
    await session.client.subscribeResource({ uri: all });
    const progress: number[] = [];
    const waited = session.client.callTool(
      { name: 'ghl_wait_for_event', arguments: { types: ['InboundMessage'], contactId: 'c-1', timeoutSeconds: 60 } },
      { onprogress: (update) => progress.push(update.progress) },
    );
    // The wait has begun once it says so (progress 0): what arrives from now on is its to return.
    await expect.poll(() => progress.length).toBeGreaterThan(0);

    expect((await deliver({ type: 'InboundMessage', contactId: 'c-1', body: 'forged' }, ed25519Keys())).status).toBe(401);
    expect((await deliver({ type: 'ContactUpdate', id: 'c-1' })).status).toBe(200);
    await expect.poll(() => updated).toContain(all);
    // The filtered subscription hears only inbound messages of its contact.
    expect(updated).not.toContain(filtered);
    expect((await deliver({ type: 'InboundMessage', contactId: 'c-1', conversationId: 'conv-1', messageType: 'SMS', body: 'Can I move my appointment?' })).status).toBe(200);
    await expect.poll(() => updated).toContain(filtered);

    const { head, body } = answer(await waited);
    expect(head).toMatch(/^OK: InboundMessage event \S+ for location loc-events-stdio \(contactId c-1, conversationId conv-1\)/);
    expect(body.event).toMatchObject({ type: 'InboundMessage', locationId: LOCATION, ids: { contactId: 'c-1', conversationId: 'conv-1' }, payload: { body: 'Can I move my appointment?' } });
    expect(JSON.stringify(body)).not.toContain('forged');

    const read = await session.client.readResource({ uri: filtered });
    const view = JSON.parse((read.contents[0] as { text: string }).text);
    expect(view.events.map((event: { payload: { body: string } }) => event.payload.body)).toEqual(['Can I move my appointment?']);
    expect(view.next).toBe(body.next);
  });

  it('catches up with the recent tool from a cursor, and the wait returns at once what was logged after it', async () => {
    const { body: start } = answer(await session.client.callTool({ name: 'ghl_list_events', arguments: { limit: 1 } }));
    for (const text of ['one', 'two', 'three']) expect((await deliver({ type: 'InboundMessage', contactId: 'c-2', body: text })).status).toBe(200);
    await expect.poll(async () => answer(await session.client.callTool({ name: 'ghl_list_events', arguments: { after: start.next, contactId: 'c-2' } })).body.events.length).toBe(3);
    const page = answer(await session.client.callTool({ name: 'ghl_list_events', arguments: { after: start.next, contactId: 'c-2', limit: 2 } }));
    expect(page.head).toMatch(/^OK: 2 events for location loc-events-stdio after \S+; more follow: call again with after=/);
    expect(page.body.events.map((event: { payload: { body: string } }) => event.payload.body)).toEqual(['one', 'two']);
    const next = answer(await session.client.callTool({ name: 'ghl_wait_for_event', arguments: { contactId: 'c-2', after: page.body.next } }));
    expect(next.body.event.payload.body).toBe('three');
  });

  it('times out with the cursor to call again with; a cancelled wait is given up', async () => {
    const timedOut = answer(await session.client.callTool({ name: 'ghl_wait_for_event', arguments: { types: ['InvoicePaid'], timeoutSeconds: 1 } }));
    expect(timedOut.head).toMatch(/^Nothing matching arrived in 1 s; call ghl_wait_for_event again with after=\d{16}/);
    expect(timedOut.body).toMatchObject({ event: null, waitedSeconds: 1 });
    const controller = new AbortController();
    const progress: number[] = [];
    const cancelled = session.client.callTool(
      { name: 'ghl_wait_for_event', arguments: { types: ['InvoicePaid'], timeoutSeconds: 100 } },
      { signal: controller.signal, onprogress: (update) => progress.push(update.progress) },
    );
    await expect.poll(() => progress.length).toBeGreaterThan(0);
    controller.abort();
    // The client sends notifications/cancelled; the server's end of it (the wait stops) is in events-feed.test.ts.
    await expect(cancelled).rejects.toThrow(/abort/i);
    expect(answer(await session.client.callTool({ name: 'ghl_list_events', arguments: { limit: 1 } })).head).toMatch(/^OK: the 1 event most recent/);
  });

  it('refuses another location\'s events for a location token', async () => {
    const refused = await session.client.callTool({ name: 'ghl_list_events', arguments: { locationId: 'someone-else' } });
    expect(refused.isError).toBe(true);
    expect(answer(refused).head).toMatch(/^Error: the call was not made: locationId: someone-else is not the location these credentials are for/);
  });
});

describe('GHL events on a server that receives none', () => {
  it('the event tools, called by name, say how to turn webhooks on; no events resource is offered; the toolset can be enabled', async () => {
    const session = await connectStdio({ GHL_API_KEY: 'pit-unused', GHL_LOCATION_ID: LOCATION });
    try {
      expect((await session.client.listTools()).tools.map((tool) => tool.name)).not.toContain('ghl_wait_for_event');
      const result = await session.client.callTool({ name: 'ghl_wait_for_event', arguments: {} });
      expect(result.isError).toBe(true);
      expect(answer(result).head).toBe('Error: the call was not made: this server receives no GHL events (webhooks are off)');
      const { resourceTemplates } = await session.client.listResourceTemplates();
      expect(resourceTemplates.some((template) => template.uriTemplate.includes('/events'))).toBe(false);
      // The events toolset can be enabled at runtime like any other: the list changes, and says so.
      let listChanged = 0;
      session.client.setNotificationHandler('notifications/tools/list_changed', () => void (listChanged += 1));
      const enabled = await session.client.callTool({ name: 'ghl_enable_toolset', arguments: { toolset: 'events' } });
      expect(answer(enabled).head).toBe('Enabled events: ghl_wait_for_event and ghl_list_events added to your list. They work right now by name, whether or not your client re-reads its tool list.');
      await expect.poll(() => listChanged).toBe(1);
      expect((await session.client.listTools()).tools.map((tool) => tool.name)).toEqual(expect.arrayContaining(['ghl_wait_for_event', 'ghl_list_events']));
    } finally {
      await session.close();
    }
  });
});
