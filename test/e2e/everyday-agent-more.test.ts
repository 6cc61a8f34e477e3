import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectSandbox, type SandboxSession } from '../helpers/sandbox.js';
import { resultText } from '../helpers/results.js';

type Json = any;

/**
 * More everyday steps, each with the natural, minimal arguments a new agent sends after reading only the listing
 * (the audit beyond everyday-agent.test.ts). Steps the sandbox does not model must still pass our own validation:
 * they reach the sandbox, which answers 501, instead of being refused before sending.
 */
describe('more everyday agent work on the sandbox, first try', () => {
  let sandbox: SandboxSession;

  const firstTry = async (name: string, args: Record<string, unknown>): Promise<{ body: Json; text: string }> => {
    const result = await sandbox.client.callTool({ name, arguments: args });
    const text = resultText(result);
    if (result.isError) throw new Error(`${name} was refused on the first try:\n${text}`);
    return { body: sandbox.parse(result), text };
  };

  /** A call the sandbox does not model: sent (validation passed), answered 501 by the fake GHL. */
  const sentButNotModelled = async (name: string, args: Record<string, unknown>): Promise<string> => {
    const text = await sandbox.fail(name, args);
    expect(text).not.toMatch(/the call was not made/);
    expect(text).toMatch(/^Error: GHL answered 501: .*not modelled in the sandbox/);
    return text;
  };

  beforeAll(async () => {
    sandbox = await connectSandbox();
  });

  afterAll(async () => {
    await sandbox?.close();
  });

  it('lists invoices without paging arguments, reading the first page and saying so', async () => {
    const { body, text } = await firstTry('invoices_list_invoices', {});
    expect(body.invoices.length).toBeGreaterThan(0);
    expect(text).toMatch(/limit filled with "20"/);
    expect(text).toMatch(/offset filled with "0"/);
    const { body: sent } = await firstTry('invoices_list_invoices', { status: 'sent' });
    expect(sent.invoices.every((invoice: Json) => invoice.status === 'sent')).toBe(true);
    await sentButNotModelled('invoices_list_estimates', {});
  });

  it('lists and reads payment transactions (and sends an orders list) with the configured location as altId', async () => {
    const tools = (await sandbox.client.listTools()).tools;
    for (const name of ['payments_list_transactions', 'payments_list_orders', 'payments_get_transaction_by_id']) {
      const schema = tools.find((tool) => tool.name === name)!.inputSchema as Json;
      expect(schema.required ?? []).not.toContain('altId');
      const described = await sandbox.call('ghl_describe_tool', { name });
      expect(described.inputSchema.properties.altId.description).toMatch(/^default: the configured location/);
    }
    const { body: listed } = await firstTry('payments_list_transactions', {});
    expect(listed.totalCount).toBeGreaterThan(0);
    const { body: one } = await firstTry('payments_get_transaction_by_id', { transactionId: listed.data[0]._id });
    expect(one).toMatchObject({ _id: listed.data[0]._id, altId: 'sndbxLoc7Qz4mWp9XhT2' });
    await sentButNotModelled('payments_list_orders', {});
    await sentButNotModelled('products_get_product_collection_id', { collectionId: 'col1' });
  });

  it('names a missing required field as missing, with where its value comes from', async () => {
    const { body } = await firstTry('invoices_list_invoices', { status: 'draft' });
    const invoiceId: string = body.invoices[0]._id;
    const text = await sandbox.fail('invoices_send_invoice', { invoiceId, action: 'send_manually', liveMode: false });
    expect(text).toMatch(/userId: required and missing — from users_search_users/);
    expect(text).not.toMatch(/received undefined/);
    // A choice with sending consequences is spelled out, once, and never assumed.
    const unchosen = await sandbox.fail('invoices_send_invoice', { invoiceId, userId: 'u1', liveMode: false });
    expect(unchosen).toMatch(/action is required, and never assumed .*"send_manually" \(marks it sent and sends nothing\)\.?\nHint:/);
    const tools = (await sandbox.client.listTools()).tools;
    const action = (tools.find((tool) => tool.name === 'invoices_send_invoice')!.inputSchema as Json).properties.action;
    expect(action.description.match(/send_manually/g)).toHaveLength(1);
  });

  it('says that recording a payment needs card, cheque and notes in any mode', async () => {
    const tools = (await sandbox.client.listTools()).tools;
    const schema = tools.find((tool) => tool.name === 'invoices_record_invoice')!.inputSchema as Json;
    expect(schema.required).toEqual(expect.arrayContaining(['mode', 'card', 'cheque', 'notes']));
    expect(schema.properties.mode.description).toMatch(/card \{brand, last4\}, cheque \{number\} and notes in any mode/);
    const { body } = await firstTry('invoices_list_invoices', { status: 'draft' });
    const { body: recorded } = await firstTry('invoices_record_invoice', {
      invoiceId: body.invoices[0]._id,
      mode: 'cash',
      amount: 100,
      notes: 'Paid at the front desk',
      card: { brand: '', last4: '' },
      cheque: { number: '' },
    });
    expect(recorded.invoice.amountPaid).toBe(100);
    const { body: payments } = await firstTry('payments_list_transactions', { entityId: body.invoices[0]._id });
    expect(payments.data).toEqual([expect.objectContaining({ amount: 100, entityType: 'invoice', paymentMethod: { mode: 'cash' } })]);
  });

  it('reschedules an appointment to a local time written without an offset, sent with the location offset', async () => {
    const { body: calendars } = await firstTry('calendars_get_calendars', {});
    const calendarId: string = calendars.calendars[0].id;
    const day = new Date(Date.now() + 2 * 24 * 60 * 60 * 1000).toISOString().slice(0, 10);
    const next = new Date(Date.parse(day) + 24 * 60 * 60 * 1000).toISOString().slice(0, 10);
    const { body: slots } = await firstTry('calendars_get_free_slots', { calendarId, startDate: day, endDate: next });
    const { body: contacts } = await firstTry('contacts_search_contacts_advanced', { query: '', pageLimit: 1 });
    const free: string[] = Object.values(slots).flatMap((entry: Json) => entry?.slots ?? []);
    expect(free.length).toBeGreaterThan(1);
    const { body: booked } = await firstTry('calendars_create_appointment', { calendarId, contactId: contacts.contacts[0].id, startTime: free[0] });
    const eventId: string = booked.id ?? booked.appointment?.id ?? booked.event?.id;
    const local = free[1]!.slice(0, 16);
    const { body: moved, text } = await firstTry('calendars_edit_appointment', { eventId, startTime: local });
    expect(text).toContain(`startTime read as ${local} America/Chicago, sent as ${free[1]}`);
    expect(moved.startTime).toBe(free[1]);
    const { body: cancelled } = await firstTry('calendars_edit_appointment', { eventId, appointmentStatus: 'cancelled' });
    expect(cancelled.appointmentStatus).toBe('cancelled');
  });

  it('marks a deal lost with a reason from the lost reasons of the location', async () => {
    const { body: reasons } = await firstTry('opportunities_get_lost_reason', {});
    const reason = reasons.lostReasons.find((item: Json) => item.name === 'Price too high');
    expect(reason?.id).toBeTruthy();
    const { body: found } = await firstTry('opportunities_search_opportunity', { status: 'open' });
    const id: string = found.opportunities[0].id;
    await firstTry('opportunities_update_opportunity_status', { id, status: 'lost', lostReasonId: reason.id });
    const { body: lost } = await firstTry('opportunities_get_opportunity', { id });
    expect(lost.opportunity).toMatchObject({ status: 'lost', lostReasonId: reason.id });
  });
});
