import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LoggedEvent } from '../../src/events/log.js';
import { createWebhookReceiver, type WebhookReceiver } from '../../src/events/receiver.js';
import { createLogger } from '../../src/logger.js';
import { type Sandbox, startSandbox } from '../../src/sandbox/sandbox.js';
import { seededRandom } from '../../src/sandbox/state.js';
import { announceSandbox, findRunningSandbox } from '../../src/sandbox/webhooks/control-file.js';
import { sandboxWebhookConfig } from '../../src/sandbox/webhooks/config.js';
import { WebhookEmitter } from '../../src/sandbox/webhooks/emitter.js';
import { sandboxRequester } from '../helpers/sandbox-http.js';

/** The server's real receiver, configured as sandbox mode configures it, on a loopback port. */
async function startReceiver(publicKeyPem: string): Promise<{ url: string; receiver: WebhookReceiver; statuses: number[]; server: Server; hold?: Promise<void> }> {
  const receiver = createWebhookReceiver(sandboxWebhookConfig(publicKeyPem), createLogger('silent'));
  const statuses: number[] = [];
  const server = createServer((req, res) => {
    res.on('finish', () => statuses.push(res.statusCode));
    void receiver.handle(req, res, {});
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/ghl`, receiver, statuses, server };
}

describe('sandbox webhooks: signed GHL events for its writes, verified by the real receiver', () => {
  let sandbox: Sandbox;
  let hook: Awaited<ReturnType<typeof startReceiver>>;
  const controlDir = mkdtempSync(path.join(tmpdir(), 'ghl-sandbox-control-'));
  const request = sandboxRequester(() => sandbox);
  const events = () => hook.receiver.log.recent(sandbox.locationId);
  const eventsOf = async (type: string): Promise<LoggedEvent[]> => (await events()).filter((event) => event.type === type);

  beforeAll(async () => {
    sandbox = await startSandbox({ random: seededRandom(11), token: 'sandbox-test-token', controlDir });
    hook = await startReceiver(sandbox.webhooks.publicKeyPem);
    sandbox.webhooks.deliverTo(hook.url);
  });
  afterAll(async () => {
    await sandbox?.close();
    hook?.server.close();
    await hook?.receiver.close();
  });

  it('delivers ContactCreate, ContactTagUpdate and ContactDelete with the documented fields, each accepted', async () => {
    const made = await request('POST', '/contacts/', { body: { locationId: sandbox.locationId, firstName: 'Ada', lastName: 'Quinn', phone: '+15125550188', email: 'ada@example.com', tags: ['new'] } });
    expect(made.status).toBe(201);
    const id = made.body.contact.id;
    expect((await request('POST', `/contacts/${id}/tags`, { body: { tags: ['VIP'] } })).status).toBe(201);
    // Adding a tag it already has changes nothing: no event.
    expect((await request('POST', `/contacts/${id}/tags`, { body: { tags: ['vip'] } })).status).toBe(201);
    expect((await request('DELETE', `/contacts/${id}`)).status).toBe(200);
    await sandbox.webhooks.idle();
    const [create] = await eventsOf('ContactCreate');
    expect(create).toMatchObject({ locationId: sandbox.locationId, ids: { contactId: id } });
    expect(create!.payload).toMatchObject({ type: 'ContactCreate', locationId: sandbox.locationId, id, firstName: 'Ada', lastName: 'Quinn', name: 'Ada Quinn', phone: '+15125550188', email: 'ada@example.com', tags: ['new'] });
    expect(typeof create!.payload.webhookId).toBe('string');
    expect(Date.parse(String(create!.payload.timestamp))).toBeGreaterThan(Date.now() - 60_000);
    const tagged = await eventsOf('ContactTagUpdate');
    expect(tagged.map((event) => event.payload.tags)).toEqual([['new', 'vip']]);
    expect((await eventsOf('ContactDelete'))[0]!.payload).toMatchObject({ id, name: 'Ada Quinn' });
    expect(hook.statuses.every((status) => status === 200)).toBe(true);
    expect(sandbox.webhooks.counts).toMatchObject({ refused: 0, failed: 0, dropped: 0 });
  });

  it('tells a stage move from a status change, and an outbound SMS, a note and a paid invoice', async () => {
    const { body } = await request('GET', `/opportunities/search?location_id=${sandbox.locationId}&status=open`);
    const deal = body.opportunities[0];
    const { body: pipelines } = await request('GET', `/opportunities/pipelines?locationId=${sandbox.locationId}`);
    const stages = pipelines.pipelines.find((pipeline: { id: string }) => pipeline.id === deal.pipelineId).stages;
    const otherStage = stages.find((stage: { id: string }) => stage.id !== deal.pipelineStageId).id;
    expect((await request('PUT', `/opportunities/${deal.id}`, { body: { pipelineStageId: otherStage } })).status).toBe(200);
    expect((await request('PUT', `/opportunities/${deal.id}/status`, { body: { status: 'won' } })).status).toBe(200);
    const contactId = deal.contactId;
    expect((await request('POST', '/conversations/messages', { version: '2021-04-15', body: { type: 'SMS', contactId, message: 'See you Tuesday' } })).status).toBe(200);
    expect((await request('POST', `/contacts/${contactId}/notes`, { body: { body: 'Prefers mornings' } })).status).toBe(201);
    const { body: invoices } = await request('GET', `/invoices/?altId=${sandbox.locationId}&altType=location&limit=100&offset=0`);
    const due = invoices.invoices.find((invoice: { amountDue: number; status: string }) => invoice.amountDue > 0 && invoice.status !== 'void');
    expect((await request('POST', `/invoices/${due._id}/record-payment`, { body: { altId: sandbox.locationId, altType: 'location', mode: 'cash' } })).status).toBe(200);
    await sandbox.webhooks.idle();
    expect((await eventsOf('OpportunityStageUpdate')).map((event) => event.payload)).toEqual([expect.objectContaining({ id: deal.id, pipelineStageId: otherStage, status: 'open' })]);
    expect((await eventsOf('OpportunityStatusUpdate')).map((event) => event.payload)).toEqual([expect.objectContaining({ id: deal.id, status: 'won' })]);
    expect((await eventsOf('OpportunityUpdate')).length).toBe(1);
    const [outbound] = await eventsOf('OutboundMessage');
    expect(outbound!.payload).toMatchObject({ direction: 'outbound', messageType: 'SMS', body: 'See you Tuesday', contactId });
    expect(outbound!.ids).toMatchObject({ contactId, conversationId: expect.any(String), messageId: expect.any(String) });
    expect((await eventsOf('NoteCreate'))[0]!.payload).toMatchObject({ body: 'Prefers mornings', contactId });
    const [paid] = await eventsOf('InvoicePaid');
    expect(paid).toMatchObject({ ids: { invoiceId: due._id }, payload: { status: 'paid', amountDue: 0, altId: sandbox.locationId } });
  });

  it('raises the appointment, task, DND and invoice events, each once, about the right record', async () => {
    const contact = sandbox.store.collection('contacts').find((record) => Boolean(record.phone) && !record.dnd)!;
    const calendar = sandbox.store.collection('calendars').all()[0]!;
    const start = new Date(Date.now() + 3 * 86_400_000).toISOString();
    const booked = await request('POST', '/calendars/events/appointments', {
      version: '2021-04-15',
      body: { calendarId: calendar.id, locationId: sandbox.locationId, contactId: contact.id, startTime: start, ignoreFreeSlotValidation: true },
    });
    expect(booked.status).toBe(200);
    expect((await request('PUT', `/calendars/events/appointments/${booked.body.id}`, { version: '2021-04-15', body: { title: 'Whitening' } })).status).toBe(200);
    expect((await request('DELETE', `/calendars/events/${booked.body.id}`, { version: '2021-04-15' })).status).toBe(201);
    const task = await request('POST', `/contacts/${contact.id}/tasks`, { body: { title: 'Call back', dueDate: start, completed: false } });
    expect(task.status).toBe(201);
    expect((await request('PUT', `/contacts/${contact.id}/tasks/${task.body.task.id}/completed`, { body: { completed: true } })).status).toBe(200);
    // Completed already: no second TaskComplete.
    expect((await request('PUT', `/contacts/${contact.id}/tasks/${task.body.task.id}/completed`, { body: { completed: true } })).status).toBe(200);
    expect((await request('PUT', `/contacts/${contact.id}`, { body: { dnd: true } })).status).toBe(200);
    const invoice = await request('POST', '/invoices/', {
      body: { altId: sandbox.locationId, altType: 'location', name: 'Cleaning', currency: 'USD', issueDate: '2026-12-01', contactDetails: { id: contact.id, name: contact.contactName }, items: [{ name: 'Cleaning', amount: 120, qty: 1 }] },
    });
    expect(invoice.status).toBe(200);
    expect((await request('POST', `/invoices/${invoice.body._id}/void`, { body: { altId: sandbox.locationId, altType: 'location' } })).status).toBe(200);
    await sandbox.webhooks.idle();
    const appointmentEvents = (await events()).filter((event) => event.ids.appointmentId === booked.body.id);
    expect(appointmentEvents.map((event) => event.type)).toEqual(['AppointmentCreate', 'AppointmentUpdate', 'AppointmentDelete']);
    expect(appointmentEvents[0]!.payload.appointment).toMatchObject({ id: booked.body.id, calendarId: calendar.id, contactId: contact.id, startTime: expect.any(String) });
    expect(appointmentEvents[1]!.payload.appointment).toMatchObject({ title: 'Whitening' });
    expect((await eventsOf('TaskCreate')).map((event) => event.payload)).toEqual([expect.objectContaining({ id: task.body.task.id, title: 'Call back', contactId: contact.id })]);
    expect((await eventsOf('TaskComplete')).map((event) => event.payload.id)).toEqual([task.body.task.id]);
    expect((await eventsOf('ContactDndUpdate')).map((event) => [event.payload.id, event.payload.dnd])).toEqual([[contact.id, true]]);
    const invoiceEvents = (await events()).filter((event) => event.ids.invoiceId === invoice.body._id);
    expect(invoiceEvents.map((event) => event.type)).toEqual(['InvoiceCreate', 'InvoiceVoid']);
    expect(invoiceEvents[1]).toMatchObject({ locationId: sandbox.locationId, ids: { contactId: contact.id }, payload: { status: 'void', invoiceNumber: expect.any(String) } });
  });

  it('raises nothing for a refused write or a read', async () => {
    const before = (await events()).length;
    expect((await request('POST', '/contacts/', { body: { locationId: sandbox.locationId } })).status).toBe(400);
    expect((await request('GET', `/contacts/?locationId=${sandbox.locationId}`)).status).toBe(200);
    await sandbox.webhooks.idle();
    expect((await events()).length).toBe(before);
  });

  it('simulates an inbound SMS: the message is in the conversation and InboundMessage is delivered', async () => {
    const simulate = (kind: string, body: unknown, token = 'sandbox-test-token') =>
      fetch(`${sandbox.baseUrl}/sandbox/simulate/${kind}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const contact = sandbox.store.collection('contacts').find((record) => Boolean(record.phone))!;
    const answer = await simulate('inbound-sms', { contactId: contact.id, body: 'Can I move my cleaning to Friday?' });
    expect(answer.status).toBe(200);
    const result = (await answer.json()) as { summary: string; receiver: string; events: { type: string; status: number; webhookId: string }[] };
    expect(result.receiver).toBe(hook.url);
    expect(result.events).toEqual([
      { type: 'InboundMessage', webhookId: expect.any(String), status: 200 },
      { type: 'ConversationUnreadUpdate', webhookId: expect.any(String), status: 200 },
    ]);
    const [inbound] = await eventsOf('InboundMessage');
    expect(inbound!.id).toBe(result.events[0]!.webhookId);
    expect(inbound!.payload).toMatchObject({ direction: 'inbound', messageType: 'SMS', body: 'Can I move my cleaning to Friday?', contactId: contact.id });
    const [unread] = await eventsOf('ConversationUnreadUpdate');
    expect(unread).toMatchObject({ ids: { conversationId: inbound!.ids.conversationId, contactId: contact.id }, payload: { unreadCount: expect.any(Number) } });
    expect((unread!.payload.unreadCount as number) > 0).toBe(true);
    const conversation = await request('GET', `/conversations/${inbound!.ids.conversationId}/messages`, { version: '2021-04-15' });
    expect(conversation.body.messages.messages[0]).toMatchObject({ id: inbound!.ids.messageId, direction: 'inbound', body: 'Can I move my cleaning to Friday?' });
    expect((await simulate('inbound-sms', { body: 'x' }, 'wrong')).status).toBe(401);
    expect((await simulate('inbound-fax', { body: 'x' })).status).toBe(404);
    expect((await simulate('constructor', { body: 'x' })).status).toBe(404);
    const noBody = await simulate('inbound-sms', { contactId: contact.id });
    expect(noBody.status).toBe(400);
    expect(((await noBody.json()) as { message: string }).message).toMatch(/^body is required/);
  });

  it('simulates a form submission and a payment through the API operations that make them', async () => {
    const simulate = async (kind: string, body: unknown) =>
      (await (await fetch(`${sandbox.baseUrl}/sandbox/simulate/${kind}`, { method: 'POST', headers: { authorization: 'Bearer sandbox-test-token' }, body: JSON.stringify(body) })).json()) as {
        summary: string;
        events: { type: string; status: number }[];
      };
    const form = await simulate('form', { name: 'Lena Ortiz', email: 'lena@example.com', form: 'New patient' });
    expect(form.events).toEqual([expect.objectContaining({ type: 'ContactCreate', status: 200 })]);
    expect((await eventsOf('ContactCreate')).at(-1)!.payload).toMatchObject({ email: 'lena@example.com', firstName: 'Lena', source: 'form: New patient' });
    const payment = await simulate('payment', { amount: 1, mode: 'cash' });
    expect(payment.events).toEqual([expect.objectContaining({ type: 'InvoicePartiallyPaid', status: 200 })]);
  });

  it('leaves its address for the simulate command while it runs, and removes it when it stops', async () => {
    expect(findRunningSandbox(controlDir)).toMatchObject({ url: sandbox.baseUrl, token: 'sandbox-test-token', pid: process.pid, locationId: sandbox.locationId });
    const other = await startSandbox({ controlDir });
    expect(readdirSync(controlDir)).toHaveLength(1);
    await other.close();
    expect(existsSync(controlDir)).toBe(true);
  });
});

describe('sandbox webhooks: delivery never slows the API and stays bounded', () => {
  let release!: () => void;
  let hanging: Server;
  let url: string;
  beforeAll(async () => {
    const held = new Promise<void>((resolve) => (release = resolve));
    hanging = createServer((req, res) => void held.then(() => res.end('{"received":true}')));
    await new Promise<void>((resolve) => hanging.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(hanging.address() as AddressInfo).port}/webhooks/ghl`;
  });
  afterAll(() => {
    release();
    hanging.close();
  });

  it('answers writes while the receiver has answered no delivery yet, then delivers each in order', async () => {
    const sandbox = await startSandbox({ controlDir: mkdtempSync(path.join(tmpdir(), 'ghl-sandbox-control-')) });
    sandbox.webhooks.deliverTo(url);
    const request = sandboxRequester(() => sandbox);
    for (let index = 0; index < 20; index += 1) {
      expect((await request('POST', '/contacts/', { body: { locationId: sandbox.locationId, firstName: `Burst${index}` } })).status).toBe(201);
    }
    expect(sandbox.webhooks.counts.delivered).toBe(0);
    release();
    await sandbox.webhooks.idle();
    expect(sandbox.webhooks.counts).toMatchObject({ delivered: 20, dropped: 0, failed: 0 });
    await sandbox.close();
  });

  it('keeps at most maxQueue deliveries waiting: the oldest waiting one is dropped and says so', async () => {
    let hold!: () => void;
    const stuck = new Promise<void>((resolve) => (hold = resolve));
    const slow = createServer((req, res) => void stuck.then(() => res.end('{}')));
    await new Promise<void>((resolve) => slow.listen(0, '127.0.0.1', resolve));
    const emitter = new WebhookEmitter({ maxQueue: 3 });
    emitter.deliverTo(`http://127.0.0.1:${(slow.address() as AddressInfo).port}/`);
    // One in flight, three waiting; the fifth and sixth push the two oldest waiting out.
    const outcomes = Array.from({ length: 6 }, (_, index) => emitter.emit({ type: 'ContactCreate', n: index }));
    expect(await outcomes[1]).toMatchObject({ type: 'ContactCreate', problem: 'dropped: more than 3 deliveries were waiting' });
    expect(await outcomes[2]).toMatchObject({ problem: expect.stringMatching(/^dropped/) });
    hold();
    expect((await Promise.all(outcomes)).map((outcome) => outcome.status)).toEqual([200, undefined, undefined, 200, 200, 200]);
    expect(emitter.counts).toEqual({ delivered: 4, refused: 0, failed: 0, dropped: 2 });
    slow.close();
  });

  it('tries again after a 429 or 5xx (as GHL retries a 429), and gives up after the last try, saying why', async () => {
    const answers = [429, 200, 503, 500, 500];
    const bodies: string[] = [];
    const flaky = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        bodies.push(body);
        res.writeHead(answers.shift() ?? 500).end();
      });
    });
    await new Promise<void>((resolve) => flaky.listen(0, '127.0.0.1', resolve));
    const emitter = new WebhookEmitter({ retryDelayMs: 5 });
    emitter.deliverTo(`http://127.0.0.1:${(flaky.address() as AddressInfo).port}/`);
    expect(await emitter.emit({ type: 'ContactCreate' })).toMatchObject({ status: 200 });
    // The retry is the same delivery: the same bytes, so the same webhookId and signature.
    expect(bodies[1]).toBe(bodies[0]);
    expect(await emitter.emit({ type: 'ContactUpdate' })).toMatchObject({ problem: 'the receiver answered 500' });
    expect(emitter.counts).toEqual({ delivered: 1, refused: 0, failed: 1, dropped: 0 });
    expect(bodies).toHaveLength(5);
    flaky.close();
  });

  it('with no receiver builds nothing, and says why', async () => {
    const emitter = new WebhookEmitter();
    expect(await emitter.emit({ type: 'ContactCreate' })).toMatchObject({ problem: expect.stringMatching(/^no receiver/) });
    expect(emitter.counts).toEqual({ delivered: 0, refused: 0, failed: 0, dropped: 0 });
  });
});

describe('the control file: how `ghl-mcp sandbox simulate` finds a running sandbox', () => {
  it('picks the one started last among running processes, clears the files of stopped ones, and keeps them owner-only', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ghl-sandbox-control-'));
    const stopped = spawnSync(process.execPath, ['-e', '']).pid!;
    const base = { token: 't', locationId: 'loc' };
    const dead = announceSandbox(dir, { ...base, url: 'http://127.0.0.1:1001', pid: stopped, startedAt: '2026-11-30T12:00:00.000Z' });
    announceSandbox(dir, { ...base, url: 'http://127.0.0.1:1002', pid: process.pid, startedAt: '2026-11-30T10:00:00.000Z' });
    const newest = announceSandbox(dir, { ...base, url: 'http://127.0.0.1:1003', pid: process.pid, startedAt: '2026-11-30T11:00:00.000Z' });
    expect(statSync(newest).mode & 0o777).toBe(0o600);
    expect(findRunningSandbox(dir)?.url).toBe('http://127.0.0.1:1003');
    expect(existsSync(dead)).toBe(false);
    expect(findRunningSandbox(path.join(dir, 'missing'))).toBeUndefined();
  });
});
