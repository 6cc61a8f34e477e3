import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DEMO_LOCATION_ID } from '../../src/sandbox/seed-data.js';
import { agent, eventsUri, ownConfigHome, simulateCli } from '../helpers/events-loop.js';
import { connectHttp, type HttpServerProcess, type HttpSession, startHttpServer } from '../helpers/http.js';
import { connectSandbox, type SandboxSession } from '../helpers/sandbox.js';

type Json = any;
const TEXT = 'Hi, can I move my cleaning to Friday morning?';
const REPLY = 'Of course: Friday 9:00 is yours. See you then!';

/**
 * The whole loop, offline: the agent subscribes to its location's events and waits; a person plays the contact
 * with `ghl-mcp sandbox simulate inbound-sms`; the sandbox stores the message and delivers a signed InboundMessage
 * to the server's receiver; the agent is told, reads it, and replies with the send-message tool.
 */
async function theLoop(view: ReturnType<typeof agent>, configHome: string): Promise<void> {
  const uri = eventsUri(DEMO_LOCATION_ID);
  const { contacts } = await view.call('contacts_search_contacts_advanced', { query: '', pageLimit: 5 });
  const contact = contacts.find((candidate: Json) => candidate.phone && !candidate.dnd);
  await view.client.subscribeResource({ uri });
  // Where the log stands now (no cursor while it is empty: then the wait takes the first event from now on).
  const { next } = await view.read(uri);
  const since = next ? { after: next } : {};

  // The agent waits for the next inbound message from this contact while the person sends it.
  const waiting = view.call('ghl_wait_for_event', { types: ['InboundMessage'], contactId: contact.id, ...since, timeoutSeconds: 60 });
  const sent = await simulateCli(['inbound-sms', '--contact', contact.id, '--body', TEXT], configHome);
  expect(sent, sent.stderr).toMatchObject({ code: 0 });
  expect(sent.stdout).toMatch(new RegExp(`sent an SMS: message \\w+ in conversation \\w+\\n  InboundMessage delivered to http://127\\.0\\.0\\.1:\\d+/webhooks/ghl`));

  const { event } = await waiting;
  expect(event).toMatchObject({ type: 'InboundMessage', locationId: DEMO_LOCATION_ID, ids: { contactId: contact.id }, payload: { body: TEXT, direction: 'inbound', messageType: 'SMS' } });
  await vi.waitFor(() => expect(view.updated).toContain(uri));
  const listed = await view.read(uri);
  expect(listed.events.map((item: Json) => item.id)).toContain(event.id);

  // The message is in the sandbox's conversation, where the conversations tools find it.
  const { messages } = await view.call('conversations_get_messages', { conversationId: event.ids.conversationId });
  expect(messages.messages[0]).toMatchObject({ id: event.ids.messageId, direction: 'inbound', body: TEXT });

  const reply = await view.call('conversations_send_a_new_message', { type: 'SMS', contactId: contact.id, message: REPLY });
  expect(reply.conversationId).toBe(event.ids.conversationId);
  const { messages: after } = await view.call('conversations_get_messages', { conversationId: event.ids.conversationId });
  expect(after.messages.slice(0, 2).map((message: Json) => [message.direction, message.body])).toEqual([
    ['outbound', REPLY],
    ['inbound', TEXT],
  ]);
  // The agent's own reply comes back as GHL would send it: an OutboundMessage event.
  const { event: outbound } = await view.call('ghl_wait_for_event', { types: ['OutboundMessage'], contactId: contact.id, after: event.cursor, timeoutSeconds: 30 });
  expect(outbound).toMatchObject({ ids: { messageId: reply.messageId }, payload: { body: REPLY, direction: 'outbound' } });
}

describe('events loop on the sandbox over HTTP (--sandbox --http)', () => {
  const configHome = ownConfigHome();
  let server: HttpServerProcess;
  let session: HttpSession;

  beforeAll(async () => {
    server = await startHttpServer({ GHL_SANDBOX: '1', XDG_CONFIG_HOME: configHome }, ['--toolsets', 'all']);
    session = await connectHttp(server.url);
  });
  afterAll(async () => {
    await session?.close();
    await server?.stop();
    rmSync(configHome, { recursive: true, force: true });
  });

  it('an inbound SMS reaches the subscribed, waiting agent, which reads it and replies', async () => {
    await theLoop(agent(session.client), configHome);
  });

  it('the simulate command says plainly what it refused', async () => {
    const refused = await simulateCli(['inbound-sms', '--contact', 'noSuchContact000001', '--body', 'hello'], configHome);
    expect(refused).toMatchObject({ code: 1, stderr: 'ghl-mcp sandbox: refused (404): Contact noSuchContact000001 not found\n' });
    expect((await simulateCli(['inbound-fax'], configHome)).code).toBe(2);
    const empty = ownConfigHome();
    const nowhere = await simulateCli(['inbound-sms', '--body', 'hello'], empty);
    rmSync(empty, { recursive: true, force: true });
    expect(nowhere).toMatchObject({ code: 1, stderr: expect.stringMatching(/^ghl-mcp sandbox: no running sandbox found/) });
  });
});

describe('events loop on the sandbox over stdio (--sandbox)', () => {
  const configHome = ownConfigHome();
  let session: SandboxSession;

  beforeAll(async () => {
    session = await connectSandbox(['--sandbox'], { XDG_CONFIG_HOME: configHome });
  });
  afterAll(async () => {
    await session?.close();
    rmSync(configHome, { recursive: true, force: true });
  });

  it('the same loop through the stdio server and its local receiver', async () => {
    // The person at the client learns how to play the customer.
    expect(session.client.getInstructions()).toContain('ghl-mcp sandbox simulate inbound-sms --body');
    await theLoop(agent(session.client), configHome);
  });
});
