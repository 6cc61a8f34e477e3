import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectSandbox, type SandboxSession } from '../helpers/sandbox.js';
import { resultBody, resultText } from '../helpers/results.js';

type Json = any;

/**
 * The agent path where the documents are wrong (doc-errata.md): the server on --sandbox, called through MCP
 * with the arguments the live API takes, not the ones the documents require.
 */
describe('errata on the agent path (ghl-mcp --sandbox over stdio)', () => {
  let sandbox: SandboxSession;
  let contactId: string;

  beforeAll(async () => {
    sandbox = await connectSandbox();
    const { contact } = await sandbox.call('contacts_create_contact', { firstName: 'Rosalind', lastName: 'Franklin', email: 'rosalind.errata@example.com', phone: '+15125559201' });
    contactId = contact.id;
  });

  afterAll(async () => {
    await sandbox?.close();
  });

  it('sends an SMS without subType or status, and an email whose body is only in message (sent as html)', async () => {
    const sms = await sandbox.call('conversations_send_a_new_message', { type: 'SMS', contactId, message: 'Your results are in.' });
    const email = await sandbox.client.callTool({ name: 'conversations_send_a_new_message', arguments: { type: 'Email', contactId, subject: 'Results', message: 'Please call the office.' } });
    expect(email.isError, resultText(email)).toBeFalsy();
    // The copy is said in the result, as every change to what is sent is.
    expect((email.content as { text: string }[]).at(-1)!.text).toBe('Notes:\n- message sent as html too (type is Email)');
    const { messages } = await sandbox.call('conversations_get_messages', { conversationId: sms.conversationId });
    // The sandbox, like GHL, takes an email's body from html only: the body arrived because message was copied there.
    expect(messages.messages.map((message: Json) => message.body).sort()).toEqual(['Please call the office.', 'Your results are in.']);
    const empty = await sandbox.fail('conversations_send_a_new_message', { type: 'Email', contactId, subject: 'Nothing' });
    expect(empty).toContain('html: give at least one of html, message, templateId when type is Email');
  });

  it('follows the wrapped messages list page by page', async () => {
    const { conversationId } = await sandbox.call('conversations_send_a_new_message', { type: 'SMS', contactId, message: 'One more thing.' });
    const result = await sandbox.client.callTool({ name: 'ghl_call_tool', arguments: { name: 'conversations_get_messages', arguments: { conversationId, limit: 1 }, maxPages: 10 } });
    expect(result.isError, resultText(result)).toBeFalsy();
    const merged = resultBody(result);
    expect(merged.messages.messages).toHaveLength(3);
    expect(merged._paging).toMatchObject({ pages: 3, complete: true });
  });

  it('searches contacts with flat arguments and the configured location, and still takes the old body wrapper', async () => {
    const flat = await sandbox.call('contacts_search_contacts_advanced', { query: 'Franklin', pageLimit: 5 });
    expect(flat.contacts.map((contact: Json) => contact.id)).toEqual([contactId]);
    const wrapped = await sandbox.call('contacts_search_contacts_advanced', { body: { query: 'Franklin', pageLimit: 5 } });
    expect(wrapped.contacts.map((contact: Json) => contact.id)).toEqual([contactId]);
  });

  it('sets a custom field given by key with the value under "value"', async () => {
    const { customFields } = await sandbox.call('locations_get_custom_fields', {});
    const field = customFields.find((item: Json) => item.fieldKey === 'contact.referral_source');
    await sandbox.call('contacts_update_contact', { contactId, customFields: [{ key: 'referral_source', value: 'Instagram' }] });
    const { contact } = await sandbox.call('contacts_get_contact', { contactId });
    expect(contact.customFields).toContainEqual({ id: field.id, value: 'Instagram' });
  });

  it('refuses before sending: an event list with no owner, a contact naming nobody, a deal written as "all"', async () => {
    const now = Date.now();
    const events = await sandbox.fail('calendars_get_calendar_events', { startTime: String(now), endTime: String(now + 86_400_000) });
    // Our own words (the sandbox would say "... is required (got 0)"): the call never left.
    expect(events).toContain('calendarId: give exactly one of calendarId, userId, groupId; none was given');
    expect(await sandbox.fail('contacts_create_contact', { tags: ['lead'] })).toContain('firstName: give at least one of firstName, lastName, name, email, phone, companyName');
    const status = await sandbox.fail('opportunities_update_opportunity_status', { id: 'anything', status: 'all' });
    expect(status).toMatch(/status: .*"open"\|"won"\|"lost"\|"abandoned"/);
  });
});
