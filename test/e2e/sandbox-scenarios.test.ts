import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DEMO_LOCATION_ID } from '../../src/sandbox/seed-data.js';
import { connectSandbox, type SandboxSession } from '../helpers/sandbox.js';

const GHL_ID = /^[A-Za-z0-9]{20}$/;
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const DAY = 24 * 60 * 60 * 1000;

describe('agent tasks against the sandbox (ghl-mcp --sandbox over stdio)', () => {
  let sandbox: SandboxSession;

  beforeAll(async () => {
    sandbox = await connectSandbox();
  });

  afterAll(async () => {
    await sandbox?.close();
  });

  const newContact = async (fields: Record<string, unknown>) => (await sandbox.call('contacts_create_contact', fields)).contact;

  it('says it is a sandbox, in initialize instructions and on stderr', async () => {
    expect(sandbox.client.getInstructions()).toContain('SANDBOX MODE');
    expect(sandbox.client.getInstructions()).toContain('nothing reaches GoHighLevel');
    await vi.waitFor(() => expect(sandbox.stderr()).toContain('SANDBOX MODE'));
  });

  it('serves a believable demo location without any credentials', async () => {
    const { location } = await sandbox.call('locations_get_location', {});
    expect(location.name).toContain('Bright Smile Dental');
    expect(location.timezone).toBe('America/Chicago');
    const { users } = await sandbox.call('users_get_user_by_location', {});
    expect(users.length).toBeGreaterThanOrEqual(3);
    const { customFields } = await sandbox.call('locations_get_custom_fields', { model: 'contact' });
    expect(customFields.map((field: { name: string }) => field.name)).toContain('Insurance Provider');
    const { products, total } = await sandbox.call('products_list_products', { limit: 2 });
    expect(products).toHaveLength(2);
    expect(total[0].total).toBeGreaterThan(2);
    const { invoices } = await sandbox.call('invoices_list_invoices', { limit: '10', offset: '0' });
    expect(new Set(invoices.map((invoice: { status: string }) => invoice.status))).toEqual(new Set(['paid', 'sent', 'draft']));
  });

  it('creates a contact, tags it, adds a note and a task, and reads it all back', async () => {
    const contact = await newContact({ firstName: 'Ada', lastName: 'Lovelace', email: 'ada.lovelace@example.com', phone: '(512) 555-0188' });
    expect(contact.id).toMatch(GHL_ID);
    expect(contact.dateAdded).toMatch(ISO_UTC);
    expect(contact.phone).toBe('+15125550188');

    const { tags } = await sandbox.call('contacts_add_tags', { contactId: contact.id, tags: ['VIP', 'Spring Promo'] });
    expect(tags).toEqual(['vip', 'spring promo']);
    const { note } = await sandbox.call('contacts_create_note', { contactId: contact.id, body: 'Asked about whitening before her wedding.' });
    const due = new Date(Date.now() + 2 * DAY).toISOString();
    const { task } = await sandbox.call('contacts_create_task', { contactId: contact.id, title: 'Send whitening quote', dueDate: due, completed: false });

    const fetched = (await sandbox.call('contacts_get_contact', { contactId: contact.id })).contact;
    expect(fetched.tags).toEqual(['vip', 'spring promo']);
    expect(Date.parse(fetched.dateUpdated)).toBeGreaterThanOrEqual(Date.parse(fetched.dateAdded));
    const { notes } = await sandbox.call('contacts_get_all_notes', { contactId: contact.id });
    expect(notes).toEqual([expect.objectContaining({ id: note.id, body: 'Asked about whitening before her wedding.' })]);
    const { tasks } = await sandbox.call('contacts_get_all_tasks', { contactId: contact.id });
    expect(tasks).toEqual([expect.objectContaining({ id: task.id, title: 'Send whitening quote', completed: false, dueDate: due })]);
    const done = await sandbox.call('contacts_update_task_completed', { contactId: contact.id, taskId: task.id, completed: true });
    expect(done.task.completed).toBe(true);

    const locationTags = (await sandbox.call('locations_get_location_tags', {})).tags.map((tag: { name: string }) => tag.name);
    expect(locationTags).toContain('spring promo');
    const duplicate = await sandbox.fail('contacts_create_contact', { firstName: 'Ada', email: 'ADA.LOVELACE@example.com' });
    expect(duplicate).toContain('GHL answered 400');
    expect(duplicate).toContain('does not allow duplicated contacts');
    // GHL names the contact that has the email: the hint sends the agent to it.
    expect(duplicate).toMatch(/\nHint: The record exists already \(contactId [A-Za-z0-9]{20}, same email\): use it, or update it/);
  });

  it('creates an opportunity in a stage taken from the pipelines resource and moves it to the next stage', async () => {
    const resource = await sandbox.client.readResource({ uri: `ghl://locations/${DEMO_LOCATION_ID}/pipelines` });
    const { pipelines } = JSON.parse((resource.contents[0] as { text: string }).text);
    const pipeline = pipelines.find((item: { name: string }) => item.name === 'New Patients');
    const [, contacted, booked] = pipeline.stages;
    const contact = await newContact({ firstName: 'Grace', lastName: 'Hopper', email: 'grace.hopper@example.com' });

    const { opportunity } = await sandbox.call('opportunities_create_opportunity', {
      pipelineId: pipeline.id,
      pipelineStageId: contacted.id,
      name: 'Grace Hopper - New patient exam',
      status: 'open',
      contactId: contact.id,
      monetaryValue: 450,
    });
    expect(opportunity).toMatchObject({ pipelineStageId: contacted.id, status: 'open', contact: { id: contact.id, name: 'Grace Hopper' } });

    await sandbox.call('opportunities_update_opportunity', { id: opportunity.id, pipelineStageId: booked.id });
    const moved = (await sandbox.call('opportunities_get_opportunity', { id: opportunity.id })).opportunity;
    expect(moved.pipelineStageId).toBe(booked.id);
    expect(Date.parse(moved.lastStageChangeAt)).toBeGreaterThanOrEqual(Date.parse(opportunity.lastStageChangeAt));

    const inBooked = await sandbox.call('opportunities_search_opportunity', { pipeline_stage_id: booked.id, limit: 100 });
    expect(inBooked.opportunities.map((item: { id: string }) => item.id)).toContain(opportunity.id);
    const inContacted = await sandbox.call('opportunities_search_opportunity', { pipeline_stage_id: contacted.id, limit: 100 });
    expect(inContacted.opportunities.map((item: { id: string }) => item.id)).not.toContain(opportunity.id);

    const other = pipelines.find((item: { name: string }) => item.name === 'Invisalign');
    const wrongStage = await sandbox.fail('opportunities_update_opportunity', { id: opportunity.id, pipelineStageId: other.stages[0].id });
    expect(wrongStage).toContain('GHL answered 422');
    expect(wrongStage).toContain('pipelineStageId');
    await sandbox.call('opportunities_update_opportunity_status', { id: opportunity.id, status: 'won' });
    expect((await sandbox.call('opportunities_get_opportunity', { id: opportunity.id })).opportunity.status).toBe('won');
  });

  it('finds a free slot, books it, and the slot is gone; cancelling frees it again', async () => {
    const { calendars } = await sandbox.call('calendars_get_calendars', {});
    const calendar = calendars.find((item: { name: string }) => item.name === 'New Patient Consultation');
    const contact = await newContact({ firstName: 'Alan', lastName: 'Turing', phone: '+1 512 555 0177' });
    const range = { calendarId: calendar.id, startDate: Date.now(), endDate: Date.now() + 7 * DAY };
    const freeSlots = (answer: Record<string, { slots?: string[] }>) => Object.values(answer).flatMap((day) => day.slots ?? []);

    const before = freeSlots(await sandbox.call('calendars_get_free_slots', range));
    expect(before.length).toBeGreaterThan(10);
    const slot = before[before.length - 1]!;
    expect(slot).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:00-0[56]:00$/);

    const appointment = await sandbox.call('calendars_create_appointment', { calendarId: calendar.id, contactId: contact.id, startTime: slot, title: 'Consultation' });
    expect(appointment).toMatchObject({ calendarId: calendar.id, contactId: contact.id, startTime: slot, appointmentStatus: 'confirmed' });
    expect(Date.parse(appointment.endTime) - Date.parse(appointment.startTime)).toBe(30 * 60 * 1000);

    const after = freeSlots(await sandbox.call('calendars_get_free_slots', range));
    expect(after).not.toContain(slot);
    expect(after).toHaveLength(before.length - 1);
    const again = await sandbox.fail('calendars_create_appointment', { calendarId: calendar.id, contactId: contact.id, startTime: slot });
    expect(again).toContain('no longer available');

    expect((await sandbox.call('calendars_get_appointment', { eventId: appointment.id })).appointment.id).toBe(appointment.id);
    const { events } = await sandbox.call('contacts_get_appointments_for_contact', { contactId: contact.id });
    expect(events.map((event: { id: string }) => event.id)).toEqual([appointment.id]);

    await sandbox.call('calendars_edit_appointment', { eventId: appointment.id, appointmentStatus: 'cancelled' });
    expect(freeSlots(await sandbox.call('calendars_get_free_slots', range))).toContain(slot);
  });

  it('sends an SMS and an email and reads the conversation back, newest first', async () => {
    const contact = await newContact({ firstName: 'Katherine', lastName: 'Johnson', email: 'katherine.johnson@example.com', phone: '512-555-0166' });
    const text = 'Hi Katherine, your cleaning is confirmed for Thursday at 10am.';
    const sent = await sandbox.call('conversations_send_a_new_message', { type: 'SMS', contactId: contact.id, message: text });
    expect(sent.conversationId).toMatch(GHL_ID);
    expect(sent.messageId).toMatch(GHL_ID);

    const { conversations } = await sandbox.call('conversations_search_conversation', { contactId: contact.id });
    expect(conversations).toEqual([expect.objectContaining({ id: sent.conversationId, lastMessageBody: text, lastMessageType: 'TYPE_SMS', contactName: 'Katherine Johnson' })]);

    const email = await sandbox.call('conversations_send_a_new_message', {
      type: 'Email', contactId: contact.id, subject: 'Your visit', html: '<p>See you Thursday!</p>',
    });
    expect(email.emailMessageId).toMatch(GHL_ID);
    const thread = await sandbox.call('conversations_get_messages', { conversationId: sent.conversationId });
    expect(thread.messages.messages.map((message: { messageType: string; body: string; direction: string }) => [message.messageType, message.body, message.direction])).toEqual([
      ['TYPE_EMAIL', 'See you Thursday!', 'outbound'],
      ['TYPE_SMS', text, 'outbound'],
    ]);

    const dnd = (await sandbox.call('contacts_search_contacts_advanced', { pageLimit: 1, filters: [{ field: 'dnd', operator: 'eq', value: true }] })).contacts[0];
    const refused = await sandbox.fail('conversations_send_a_new_message', { type: 'SMS', contactId: dnd.id, message: 'Hello?' });
    expect(refused).toContain('DND is active');
  });
});
