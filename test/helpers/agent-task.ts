import { expect } from 'vitest';
import { resultBody } from './results.js';

/** How a client framework calls one tool: the text the model would read, or a thrown error when the call failed. */
export type CallTool = (name: string, args: Record<string, unknown>) => Promise<string>;

const DAY_MS = 86_400_000;
const json = (text: string) => resultBody({ content: [{ type: 'text', text }] });

/**
 * An everyday job done the way an agent framework does it, without a model: find a contact, find a calendar and
 * a free slot, book it, note it on the contact, see it in the contact's appointments; then enable a toolset and
 * use one of its tools through ghl_call_tool, as a client that never re-reads its tool list must.
 */
export async function bookAndNote(call: CallTool): Promise<{ contactId: string; appointmentId: string }> {
  const contact = json(await call('contacts_search_contacts_advanced', { query: 'Emma', pageLimit: 5 })).contacts[0];
  expect(contact.firstName).toBe('Emma');
  const calendar = json(await call('calendars_get_calendars', {})).calendars.find((item: { name: string }) => item.name === 'Cleaning & Checkup');
  const now = Date.now();
  const days = json(await call('calendars_get_free_slots', { calendarId: calendar.id, startDate: now + DAY_MS, endDate: now + 8 * DAY_MS }));
  const slot = (Object.values(days) as { slots: string[] }[]).flatMap((day) => day.slots)[0]!;
  const booked = json(await call('calendars_create_appointment', { calendarId: calendar.id, contactId: contact.id, startTime: slot }));
  const appointmentId = booked.id ?? booked.appointment?.id;
  expect(appointmentId).toEqual(expect.any(String));
  await call('contacts_create_note', { contactId: contact.id, body: `Booked a cleaning for ${slot}` });
  const { events } = json(await call('contacts_get_appointments_for_contact', { contactId: contact.id }));
  expect(events.map((event: { id: string }) => event.id)).toContain(appointmentId);
  const notes = json(await call('contacts_get_all_notes', { contactId: contact.id })).notes;
  expect(notes.map((note: { body: string }) => note.body)).toContain(`Booked a cleaning for ${slot}`);

  const enabled = await call('ghl_enable_toolset', { toolset: 'invoices' });
  expect(enabled).toMatch(/work right now through ghl_call_tool/);
  // ghl_call_tool lists its arguments as JSON text (strict providers take no free-form object), as a model writes them.
  const invoices = json(await call('ghl_call_tool', { name: 'invoices_list_invoices', arguments: JSON.stringify({ limit: '10', offset: '0' }) }));
  expect(invoices.invoices.length).toBeGreaterThan(0);
  return { contactId: contact.id, appointmentId };
}
