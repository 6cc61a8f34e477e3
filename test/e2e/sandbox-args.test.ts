import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_TIMEZONE } from '../../src/sandbox/seed-data.js';
import { parseInZone } from '../../src/sandbox/slots.js';
import { resultText } from '../helpers/results.js';
import { connectSandbox, type SandboxSession } from '../helpers/sandbox.js';

type Json = any;

const DAY = 24 * 60 * 60 * 1000;

/** A calendar date `days` from now in the demo location's zone, as an agent writes it (no time, no zone). */
function localDate(days: number): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: DEMO_TIMEZONE }).format(new Date(Date.now() + days * DAY));
}

/** The lines of a result's Notes block (its last text block), without the heading. */
function notesOf(result: Json): string[] {
  const last: string = result.content.at(-1).text;
  expect(last.split('\n')[0]).toBe('Notes:');
  return last.split('\n').slice(1);
}

describe('conversions and defaults over MCP on the sandbox (first try, natural arguments)', () => {
  let sandbox: SandboxSession;
  let contactId: string;

  const firstTry = async (name: string, args: Record<string, unknown>) => {
    const result: Json = await sandbox.client.callTool({ name, arguments: args });
    if (result.isError) throw new Error(`${name} was refused on the first try:\n${resultText(result)}`);
    return result;
  };

  beforeAll(async () => {
    sandbox = await connectSandbox();
    const created = await sandbox.call('contacts_create_contact', { firstName: 'Rosa', lastName: 'Quintero', email: 'rosa.quintero@example.com', phone: '+15125550177' });
    contactId = created.contact.id;
  });

  afterAll(async () => {
    await sandbox?.close();
  });

  it('gets free slots with ISO dates, read in the location zone and stated in the result', async () => {
    const { calendars } = await sandbox.call('calendars_get_calendars', {});
    const [start, end] = [localDate(1), localDate(8)];
    const result = await firstTry('calendars_get_free_slots', { calendarId: calendars[0].id, startDate: start, endDate: end });
    const startMs = parseInZone(`${start}T00:00`, DEMO_TIMEZONE);
    const endMs = parseInZone(`${end}T00:00`, DEMO_TIMEZONE);
    expect(notesOf(result)).toEqual([
      `- startDate read as ${start}T00:00 America/Chicago = ${startMs} (epoch ms)`,
      `- endDate read as ${end}T00:00 America/Chicago = ${endMs} (epoch ms)`,
    ]);
    const days = Object.keys(sandbox.parse(result)).filter((key) => /^\d{4}-\d{2}-\d{2}$/.test(key));
    expect(days.length).toBeGreaterThan(0);
    expect(days.every((day) => day >= start && day < end)).toBe(true);
  });

  it('lists the events of a day given as ISO dates, sent as the epoch-ms text the events list wants', async () => {
    const { calendars } = await sandbox.call('calendars_get_calendars', {});
    const calendarId = calendars[0].id;
    const slots = await sandbox.call('calendars_get_free_slots', { calendarId, startDate: localDate(1), endDate: localDate(8) });
    const day = Object.keys(slots).find((key) => /^\d{4}-\d{2}-\d{2}$/.test(key) && slots[key].slots?.length > 0)!;
    const booked = await sandbox.call('calendars_create_appointment', { calendarId, contactId, startTime: slots[day].slots[0] });
    const next = new Date(Date.parse(`${day}T12:00Z`) + DAY).toISOString().slice(0, 10);
    const result = await firstTry('calendars_get_calendar_events', { calendarId, startTime: day, endTime: next });
    const [startMs, endMs] = [parseInZone(`${day}T00:00`, DEMO_TIMEZONE), parseInZone(`${next}T00:00`, DEMO_TIMEZONE)];
    expect(notesOf(result)).toEqual([
      `- startTime read as ${day}T00:00 America/Chicago = ${startMs} (epoch ms, sent as text)`,
      `- endTime read as ${next}T00:00 America/Chicago = ${endMs} (epoch ms, sent as text)`,
    ]);
    expect(sandbox.parse(result).events.map((event: Json) => event.id)).toContain(booked.id);
  });

  it('refuses a range over the documented 31 days and a date with two readings, naming the fix', async () => {
    const { calendars } = await sandbox.call('calendars_get_calendars', {});
    const tooLong = await sandbox.fail('calendars_get_free_slots', { calendarId: calendars[0].id, startDate: localDate(1), endDate: localDate(41) });
    expect(tooLong).toContain('startDate to endDate spans 40 days; GHL answers at most 31 days per call');
    const unclear = await sandbox.fail('calendars_get_free_slots', { calendarId: calendars[0].id, startDate: '03/04/2027', endDate: localDate(3) });
    expect(unclear).toContain('startDate: "03/04/2027" puts day and month in an order that differs by country');
  });

  it('creates an invoice from name, currency, items, contact details and dates: the location supplies the rest', async () => {
    const result = await firstTry('invoices_create_invoice', {
      name: 'Whitening — first session',
      currency: 'USD',
      items: [{ name: 'Teeth whitening', amount: 450, qty: 1, currency: 'USD' }],
      contactDetails: { id: contactId, name: 'Rosa Quintero', email: 'rosa.quintero@example.com' },
      issueDate: localDate(0),
      dueDate: localDate(14),
    });
    const notes = notesOf(result).join('\n');
    expect(notes).toContain(`contactDetails.phoneNo filled with "+15125550177" (from contact ${contactId})`);
    expect(notes).toContain('sentTo filled with {"email":["rosa.quintero@example.com"],"phoneNo":["+15125550177"]}');
    expect(notes).toMatch(/businessDetails filled with \{"name":"Bright Smile Dental","phoneNo":"\+15125550100",.*"logoUrl":"https:\/\/brightsmile\.example\/logo\.png".*\(from the location profile\)/);
    expect(notes).toContain('discount filled with {"type":"percentage","value":0} (no discount)');
    expect(notes).toContain('liveMode filled with true (a new invoice is a draft: creating it sends and charges nothing)');
    expect(notes).not.toContain('issueDate');

    const invoice = sandbox.parse(result);
    const stored = await sandbox.call('invoices_get_invoice', { invoiceId: invoice._id });
    expect(stored).toMatchObject({
      status: 'draft',
      issueDate: localDate(0),
      businessDetails: { name: 'Bright Smile Dental', address: { city: 'Austin', countryCode: 'US' } },
      sentTo: { email: ['rosa.quintero@example.com'] },
      contactDetails: { id: contactId, phoneNo: '+15125550177' },
    });
  });

  it('creates an invoice with even less: contact ID only, no item currency, no dates', async () => {
    const result = await firstTry('invoices_create_invoice', {
      name: 'Whitening kit',
      currency: 'USD',
      items: [{ name: 'Whitening kit', amount: 149, qty: 1 }],
      contactDetails: { id: contactId },
    });
    const notes = notesOf(result).join('\n');
    expect(notes).toContain(`contactDetails.name filled with "Rosa Quintero" (from contact ${contactId})`);
    expect(notes).toContain(`contactDetails.email filled with "rosa.quintero@example.com" (from contact ${contactId})`);
    expect(notes).toContain('items[0].currency filled with "USD" (from currency)');
    expect(notes).toContain(`issueDate filled with "${localDate(0)}" (today in America/Chicago)`);
    const invoice = sandbox.parse(result);
    expect(invoice).toMatchObject({ status: 'draft', total: 149, issueDate: localDate(0), contactDetails: { name: 'Rosa Quintero' } });
  });

  it('never guesses how an invoice is sent: the choice is spelled out and the invoice stays a draft', async () => {
    const { invoices } = await sandbox.call('invoices_list_invoices', { status: 'draft', limit: 1, offset: 0 });
    const { users } = await sandbox.call('users_get_user_by_location', {});
    const refused = await sandbox.fail('invoices_send_invoice', { invoiceId: invoices[0]._id, userId: users[0].id });
    expect(refused).toContain('action is required, and never assumed');
    expect(refused).toContain('"email", "sms", "sms_and_email", or "send_manually"');
    expect(refused).toContain('liveMode is required, and never assumed');
    expect((await sandbox.call('invoices_get_invoice', { invoiceId: invoices[0]._id })).status).toBe('draft');
  });
});
