import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectSandbox, type SandboxSession } from '../helpers/sandbox.js';

describe('paging and errors in the sandbox, as an agent meets them', () => {
  let sandbox: SandboxSession;

  beforeAll(async () => {
    sandbox = await connectSandbox();
  });

  afterAll(async () => {
    await sandbox?.close();
  });

  // The search body as flat arguments; locationId comes from the configured (demo) location.
  const searchContacts = (args: Record<string, unknown>) => sandbox.call('contacts_search_contacts_advanced', args);
  const ids = (records: { id: string }[]) => records.map((record) => record.id);

  it('searches contacts across pages: every contact exactly once, by page and by searchAfter alike', async () => {
    const first = await searchContacts({ pageLimit: 25, page: 1 });
    expect(first.total).toBeGreaterThanOrEqual(60);
    const byPage: string[] = ids(first.contacts);
    for (let page = 2; byPage.length < first.total; page += 1) {
      const next = await searchContacts({ pageLimit: 25, page });
      expect(next.contacts.length).toBeGreaterThan(0);
      byPage.push(...ids(next.contacts));
    }
    expect(new Set(byPage).size).toBe(first.total);

    const byCursor: string[] = [];
    let cursor: unknown[] | undefined;
    for (;;) {
      const next = await searchContacts({ pageLimit: 25, ...(cursor ? { searchAfter: cursor } : {}) });
      if (next.contacts.length === 0) break;
      byCursor.push(...ids(next.contacts));
      cursor = next.contacts.at(-1).searchAfter;
    }
    expect(byCursor).toEqual(byPage);
  });

  it('filters and sorts a contact search the way GHL documents it', async () => {
    const tagged = await searchContacts({ pageLimit: 100, filters: [{ field: 'tags', operator: 'eq', value: 'new patient' }] });
    expect(tagged.total).toBeGreaterThan(0);
    expect(tagged.contacts.every((contact: { tags: string[] }) => contact.tags.includes('new patient'))).toBe(true);
    const either = await searchContacts({
      pageLimit: 100,
      filters: [{ group: 'OR', filters: [{ field: 'firstNameLowerCase', operator: 'eq', value: 'olivia' }, { field: 'firstNameLowerCase', operator: 'eq', value: 'liam' }] }],
      sort: [{ field: 'firstNameLowerCase', direction: 'asc' }],
    });
    const names = either.contacts.map((contact: { firstName: string }) => contact.firstName);
    expect(new Set(names)).toEqual(new Set(['Liam', 'Olivia']));
    expect(names).toEqual([...names].sort());
    const bad = await sandbox.fail('contacts_search_contacts_advanced', { pageLimit: 10, filters: [{ field: 'email', operator: 'like', value: 'x' }] });
    expect(bad).toContain('GHL answered 422');
    expect(bad).toContain('filters.0.operator');
  });

  it('pages the older contacts list and the opportunity search with startAfterId / startAfter', async () => {
    const contacts: string[] = [];
    let after: Record<string, unknown> = {};
    for (;;) {
      const page = await sandbox.call('contacts_get_contacts', { limit: 20, ...after });
      contacts.push(...ids(page.contacts));
      if (!page.meta.startAfterId) break;
      after = { startAfterId: page.meta.startAfterId, startAfter: page.meta.startAfter };
    }
    expect(new Set(contacts).size).toBe(contacts.length);
    expect(contacts.length).toBe((await searchContacts({ pageLimit: 1 })).total);

    const opportunities: string[] = [];
    let next: Record<string, unknown> = {};
    let total = 0;
    for (;;) {
      const page = await sandbox.call('opportunities_search_opportunity', { limit: 5, ...next });
      opportunities.push(...ids(page.opportunities));
      total = page.meta.total;
      if (!page.meta.startAfterId) break;
      next = { startAfterId: page.meta.startAfterId, startAfter: String(page.meta.startAfter) };
    }
    expect(total).toBeGreaterThan(5);
    expect(new Set(opportunities).size).toBe(total);
  });

  it('pages a long conversation with lastMessageId', async () => {
    const { contact } = await sandbox.call('contacts_create_contact', { firstName: 'Hedy', lastName: 'Lamarr', phone: '512-555-0155' });
    for (let index = 1; index <= 5; index += 1) {
      await sandbox.call('conversations_send_a_new_message', { type: 'SMS', contactId: contact.id, message: `Reminder ${index}` });
    }
    const { conversations } = await sandbox.call('conversations_search_conversation', { contactId: contact.id });
    const bodies: string[] = [];
    let lastMessageId: string | undefined;
    for (;;) {
      // GHL wraps the page: { messages: { lastMessageId, nextPage, messages } }.
      const { messages: page } = await sandbox.call('conversations_get_messages', { conversationId: conversations[0].id, limit: 2, ...(lastMessageId ? { lastMessageId } : {}) });
      bodies.push(...page.messages.map((message: { body: string }) => message.body));
      if (!page.nextPage) break;
      lastMessageId = page.lastMessageId;
    }
    expect(bodies).toEqual(['Reminder 5', 'Reminder 4', 'Reminder 3', 'Reminder 2', 'Reminder 1']);
  });

  it('answers an invalid body with a 422 tool error naming the field, in GHL\'s array-of-messages shape', async () => {
    const result = await sandbox.client.callTool({ name: 'contacts_create_contact', arguments: { firstName: 'Bad', email: 'not-an-email', phone: 'call me' } });
    expect(result.isError).toBe(true);
    const text = (result.content as { text: string }[])[0]!.text;
    expect(text.split('\n')[0]).toBe('Error: GHL answered 422: email must be an email; phone must be a valid phone number');

    const { calendars } = await sandbox.call('calendars_get_calendars', {});
    const noContact = await sandbox.fail('calendars_create_appointment', { calendarId: calendars[0].id, contactId: 'AAAAAAAAAAAAAAAAAAAA', startTime: new Date().toISOString() });
    expect(noContact).toMatch(/^Error: GHL answered 422: /);
    expect(noContact).toContain('contactId');
  });

  it('answers an unknown ID with 404, and an unmodelled module or operation with a clear "not modelled"', async () => {
    const missing = await sandbox.fail('contacts_get_contact', { contactId: 'AAAAAAAAAAAAAAAAAAAA' });
    expect(missing).toContain('GHL answered 404');
    expect(missing).toContain('Contact not found');

    const module = await sandbox.fail('social_media_posting_get_account', {});
    expect(module).toContain('social_media_posting is not modelled in the sandbox');
    const operation = await sandbox.fail('contacts_add_contact_to_workflow', { contactId: 'AAAAAAAAAAAAAAAAAAAA', workflowId: 'w1' });
    expect(operation).toContain('POST /contacts/{contactId}/workflow/{workflowId} (contacts) is not modelled in the sandbox');
    expect(operation).not.toMatch(/trying again later is safe/i);
  });
});
