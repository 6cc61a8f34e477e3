import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../src/sandbox/sandbox.js';
import { seededRandom } from '../../src/sandbox/state.js';
import { sandboxRequester } from '../helpers/sandbox-http.js';

const NOW = Date.parse('2026-03-05T16:00:00Z');
const CONVERSATIONS = { version: '2021-04-15' };
const CALENDARS = { version: '2021-04-15' };

/** The sandbox answers where the documents and the live API disagree the way the live API does (doc-errata.md). */
describe('the sandbox behaves like the live API, not like the documents', () => {
  let sandbox: Sandbox;
  const request = sandboxRequester(() => sandbox);
  const location = () => sandbox.locationId;
  const newContact = async (fields: Record<string, unknown>) => {
    const answer = await request('POST', '/contacts/', { body: { locationId: location(), ...fields } });
    if (answer.status !== 201) throw new Error(`contact not created: ${JSON.stringify(answer.body)}`);
    return answer.body.contact as { id: string };
  };

  beforeAll(async () => {
    sandbox = await startSandbox({ now: () => NOW, random: seededRandom(11), token: 'sandbox-errata-token' });
  });

  afterAll(async () => {
    await sandbox?.close();
  });

  it('refuses undeclared body properties and query parameters with 422 "property X should not exist"', async () => {
    const body = await request('POST', '/contacts/', { body: { locationId: location(), firstName: 'Ada', additionalEmails: ['a@b.co'] } });
    expect(body).toMatchObject({ status: 422, body: { statusCode: 422, message: ['property additionalEmails should not exist'] } });
    const query = await request('GET', `/locations/${location()}/customFields?locationId=${location()}`);
    expect(query).toMatchObject({ status: 422, body: { message: ['property locationId should not exist'] } });
    // Fields the errata show the live API accepts are declared: appointment userId.
    const { calendars } = (await request('GET', `/calendars/?locationId=${location()}`, CALENDARS)).body;
    const contact = await newContact({ firstName: 'Grace', phone: '+15125559101' });
    const booked = await request('POST', '/calendars/events/appointments', {
      ...CALENDARS,
      body: { calendarId: calendars[0].id, locationId: location(), contactId: contact.id, startTime: '2026-03-09T10:00:00-05:00', userId: 'someone', ignoreFreeSlotValidation: true },
    });
    expect(booked.status).toBe(200);
    expect(booked.body.assignedUserId).toBe('someone');
    const read = await request('GET', `/calendars/events/appointments/${booked.body.id}`, CALENDARS);
    expect(read.body).toEqual({ appointment: expect.objectContaining({ id: booked.body.id }), traceId: expect.any(String) });
  });

  it('refuses a contact search without locationId and pageLimit', async () => {
    const answer = await request('POST', '/contacts/search', { body: { query: 'Ada' } });
    expect(answer).toMatchObject({ status: 422, body: { message: ['locationId should not be empty', 'pageLimit should not be empty'] } });
    const found = await request('POST', '/contacts/search', { body: { locationId: location(), pageLimit: 5, query: 'Ada' } });
    expect(found.status).toBe(200);
  });

  it('refuses a contact create that names nobody: HTTP 400 whose body says 422', async () => {
    const answer = await request('POST', '/contacts/', { body: { locationId: location() } });
    expect(answer).toMatchObject({ status: 400, body: { statusCode: 422, message: [expect.stringContaining('firstName, lastName, name, email, phone, companyName')] } });
  });

  it('sends without subType and status, lists messages wrapped, and takes an email body only from html', async () => {
    const contact = await newContact({ firstName: 'Hedy', phone: '+15125559102', email: 'hedy.errata@example.com' });
    const sms = await request('POST', '/conversations/messages', { ...CONVERSATIONS, body: { type: 'SMS', contactId: contact.id, message: 'Hi Hedy' } });
    expect(sms).toMatchObject({ status: 200, body: { messageId: expect.any(String), conversationId: expect.any(String) } });
    await request('POST', '/conversations/messages', { ...CONVERSATIONS, body: { type: 'Email', contactId: contact.id, subject: 'Plain', message: 'Body in message only' } });
    const thread = await request('GET', `/conversations/${sms.body.conversationId}/messages`, CONVERSATIONS);
    expect(Object.keys(thread.body)).toEqual(['messages']);
    expect(thread.body.messages).toMatchObject({ lastMessageId: expect.any(String), nextPage: false });
    // Both were sent at the same (fixed) instant: compare without their order.
    const sent = thread.body.messages.messages.map((message: { messageType: string; body: string }) => `${message.messageType}: ${message.body}`);
    expect(sent.sort()).toEqual(['TYPE_EMAIL: ', 'TYPE_SMS: Hi Hedy']);
  });

  it('wants exactly one of calendarId, userId or groupId for events', async () => {
    const window = `locationId=${location()}&startTime=${NOW}&endTime=${NOW + 86_400_000}`;
    expect((await request('GET', `/calendars/events?${window}`, CALENDARS)).body.message).toEqual(['exactly one of calendarId, userId or groupId is required (got 0)']);
    expect((await request('GET', `/calendars/events?${window}&userId=u1&groupId=g1`, CALENDARS)).status).toBe(422);
    expect((await request('GET', `/calendars/events?${window}&userId=u1`, CALENDARS)).status).toBe(200);
  });

  it('stores custom field values sent as field_value, fieldValue or value', async () => {
    const { customFields } = (await request('GET', `/locations/${location()}/customFields`)).body;
    const [first, second, third] = customFields as { id: string }[];
    const contact = await newContact({
      firstName: 'Mary',
      customFields: [
        { id: first!.id, field_value: 'one' },
        { id: second!.id, fieldValue: 'two' },
        { id: third!.id, value: 'three' },
      ],
    });
    const stored = (await request('GET', `/contacts/${contact.id}`)).body.contact.customFields;
    expect(stored).toEqual([
      { id: first!.id, value: 'one' },
      { id: second!.id, value: 'two' },
      { id: third!.id, value: 'three' },
    ]);
  });
});
