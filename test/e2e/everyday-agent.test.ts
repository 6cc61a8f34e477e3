import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectSandbox, type SandboxSession } from '../helpers/sandbox.js';

type Json = any;

const DAY = 24 * 60 * 60 * 1000;

/** A calendar date `days` from now, as an agent writes it (no time, no zone). */
function isoDate(days: number): string {
  return new Date(Date.now() + days * DAY).toISOString().slice(0, 10);
}

/**
 * Everyday work an agent does for a practice, with the natural, minimal arguments a practitioner sends and
 * nothing learned from a failed attempt: every call must succeed on the first try (issue 12).
 */
describe('everyday agent work on the sandbox, first try', () => {
  let sandbox: SandboxSession;
  /** Every call's full text, so a failure shows what the agent saw. */
  const transcript: string[] = [];

  const firstTry = async (name: string, args: Record<string, unknown>): Promise<{ body: Json; text: string }> => {
    const result = await sandbox.client.callTool({ name, arguments: args });
    const text = (result.content as { text: string }[]).map((block) => block.text).join('\n');
    transcript.push(`${name} ${JSON.stringify(args)}\n${text}`);
    if (result.isError) throw new Error(`${name} was refused on the first try:\n${text}`);
    return { body: sandbox.parse(result), text };
  };

  beforeAll(async () => {
    sandbox = await connectSandbox();
  });

  afterAll(async () => {
    await sandbox?.close();
  });

  it('runs a lead from first contact to an invoice', async () => {
    const { body: created } = await firstTry('contacts_create_contact', {
      firstName: 'Maya',
      lastName: 'Okafor',
      email: 'maya.okafor@example.com',
      phone: '+17375550199',
    });
    const contactId: string = created.contact.id;
    expect(contactId).toMatch(/^[A-Za-z0-9]{20}$/);

    const { body: sms } = await firstTry('conversations_send_a_new_message', {
      type: 'SMS',
      contactId,
      message: 'Hi Maya, thanks for reaching out! When suits you for a first visit?',
    });
    expect(sms.messageId).toBeTruthy();
    const { body: email } = await firstTry('conversations_send_a_new_message', {
      type: 'Email',
      contactId,
      subject: 'Your first visit',
      html: '<p>Hi Maya, here is what to expect at your first visit.</p>',
    });
    expect(email.messageId).toBeTruthy();
    expect(email.conversationId).toBe(sms.conversationId);

    await firstTry('contacts_add_tags', { contactId, tags: ['new patient'] });
    await firstTry('contacts_create_note', { contactId, body: 'Prefers mornings; asked about whitening.' });
    await firstTry('contacts_create_task', {
      contactId,
      title: 'Call Maya back',
      dueDate: new Date(Date.now() + DAY).toISOString(),
      completed: false,
    });

    const { body: found } = await firstTry('contacts_search_contacts_advanced', { query: 'Okafor', pageLimit: 10 });
    expect(found.contacts.map((contact: Json) => contact.id)).toContain(contactId);
    expect(found.contacts.find((contact: Json) => contact.id === contactId).tags).toContain('new patient');

    const { body: pipelinesBody } = await firstTry('opportunities_get_pipelines', {});
    const pipeline = pipelinesBody.pipelines[0];
    const { body: opened } = await firstTry('opportunities_create_opportunity', {
      pipelineId: pipeline.id,
      pipelineStageId: pipeline.stages[0].id,
      contactId,
      name: 'Maya Okafor — whitening',
      status: 'open',
      monetaryValue: 450,
    });
    const opportunityId: string = opened.opportunity.id;
    await firstTry('opportunities_update_opportunity_status', { id: opportunityId, status: 'won' });
    const { body: won } = await firstTry('opportunities_get_opportunity', { id: opportunityId });
    expect(won.opportunity.status).toBe('won');

    const { body: calendarsBody } = await firstTry('calendars_get_calendars', {});
    const calendarId: string = calendarsBody.calendars[0].id;
    const { body: slotsByDate, text: slotsText } = await firstTry('calendars_get_free_slots', {
      calendarId,
      startDate: isoDate(1),
      endDate: isoDate(7),
    });
    expect(slotsText).toMatch(/startDate read as \d{4}-\d{2}-\d{2}T00:00 America\/Chicago = \d{13}/);
    const day = Object.keys(slotsByDate).find((key) => /^\d{4}-\d{2}-\d{2}$/.test(key) && slotsByDate[key].slots?.length > 0);
    expect(day).toBeDefined();
    const slot: string = slotsByDate[day!].slots[0];
    const { body: epochSlots } = await firstTry('calendars_get_free_slots', {
      calendarId,
      startDate: Date.now() + DAY,
      endDate: Date.now() + 7 * DAY,
    });
    expect(Object.keys(epochSlots).some((key) => /^\d{4}-\d{2}-\d{2}$/.test(key))).toBe(true);
    const { body: booked } = await firstTry('calendars_create_appointment', { calendarId, contactId, startTime: slot });
    expect(booked.id ?? booked.appointment?.id ?? booked.event?.id).toBeTruthy();

    const { body: invoiced, text: invoiceText } = await firstTry('invoices_create_invoice', {
      name: 'Whitening — first session',
      currency: 'USD',
      items: [{ name: 'Teeth whitening', amount: 450, qty: 1, currency: 'USD' }],
      contactDetails: { id: contactId, name: 'Maya Okafor', email: 'maya.okafor@example.com' },
      issueDate: isoDate(0),
      dueDate: isoDate(14),
    });
    expect(invoiced._id ?? invoiced.invoice?._id ?? invoiced.id).toBeTruthy();
    expect(invoiceText).toMatch(/Notes:/);
    expect(invoiceText).toMatch(/businessDetails/);

    const { body: conversations } = await firstTry('conversations_search_conversation', { contactId });
    expect(conversations.conversations).toHaveLength(1);
    const { body: thread } = await firstTry('conversations_get_messages', { conversationId: conversations.conversations[0].id });
    const messages = Array.isArray(thread.messages) ? thread.messages : thread.messages.messages;
    expect(messages.map((message: Json) => message.id)).toEqual(expect.arrayContaining([sms.messageId, email.messageId]));

    const { body: location } = await firstTry('locations_get_location', {});
    expect(location.location.timezone).toBe('America/Chicago');
  });
});
