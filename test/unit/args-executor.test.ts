import { afterEach, describe, expect, it, vi } from 'vitest';
import { Catalog, CatalogTool } from '../../src/catalog/catalog.js';
import type { ToolEntry } from '../../src/catalog/types.js';
import type { GhlClient, GhlResponse } from '../../src/client/ghl-client.js';
import { Executor } from '../../src/executor.js';
import { createLogger } from '../../src/logger.js';
import type { HttpRequest } from '../../src/request.js';
import type { ToolResult } from '../../src/results.js';
import { MODULES } from '../../tools/index.js';
import { OVERLAYS } from '../../tools/overlays/index.js';

const LOCATION_ID = 'loc1234567890abcdefg';
const PROFILE = {
  id: LOCATION_ID,
  name: 'Bright Smile Dental (sandbox)',
  phone: '+15125550100',
  address: '2100 S Lamar Blvd',
  city: 'Austin',
  state: 'TX',
  country: 'US',
  postalCode: '78704',
  website: 'https://brightsmile.example',
  timezone: 'America/Chicago',
  logoUrl: 'https://brightsmile.example/logo.png',
  business: { name: 'Bright Smile Dental', address: '2100 S Lamar Blvd, Suite 200', city: 'Austin', state: 'TX', country: 'US', postalCode: '78704' },
};
const CONTACT = { id: 'contact1234567890abc', contactName: 'Maya Okafor', email: 'maya@example.com', phone: '+15125550142' };

/** A GHL that serves the location and one contact, answers writes with their body, and records every request. */
function fakeGhl(options: { profile?: (request: HttpRequest) => GhlResponse | Promise<GhlResponse>; answer?: (request: HttpRequest) => GhlResponse } = {}) {
  const sent: HttpRequest[] = [];
  const json = (status: number, body: unknown): GhlResponse => ({ status, headers: {}, text: JSON.stringify(body) });
  const client = {
    send: async (request: HttpRequest, signal?: AbortSignal) => {
      signal?.throwIfAborted();
      sent.push(request);
      if (request.path === `/locations/${LOCATION_ID}`) return options.profile ? options.profile(request) : json(200, { location: PROFILE });
      if (request.path === `/contacts/${CONTACT.id}`) return json(200, { contact: CONTACT });
      if (request.path.startsWith('/contacts/')) return json(404, { message: 'Contact not found' });
      return options.answer ? options.answer(request) : json(200, { echo: request.body?.value ?? Object.fromEntries(request.query) });
    },
  } as unknown as GhlClient;
  const executor = new Executor(client, { defaults: { locationId: LOCATION_ID }, maxResultChars: 100_000, secrets: () => [] }, createLogger('silent'));
  const writes = () => sent.filter((request) => !request.path.startsWith('/locations/') && !(request.method === 'GET' && request.path.startsWith('/contacts/')));
  const profileReads = () => sent.filter((request) => request.path.startsWith('/locations/')).length;
  return { executor, sent, writes, profileReads };
}

const catalog = new Catalog(MODULES, OVERLAYS);
const tool = (name: string) => {
  const found = catalog.get(name);
  if (!found) throw new Error(`no tool ${name}`);
  return found;
};

/** A listing-style tool with a pair of epoch-ms dates capped at 31 days, as LISTING derives them from the documents. */
const SLOTS = new CatalogTool(
  'test',
  {
    name: 'test_slots',
    operationId: 'slots',
    method: 'GET',
    path: '/slots/{calendarId}',
    summary: 'Slots',
    args: [
      { name: 'calendarId', in: 'path', required: true, schema: { type: 'string' } },
      { name: 'startDate', in: 'query', required: true, schema: { type: 'number', format: 'epoch-ms', 'x-range-days': 31 } },
      { name: 'endDate', in: 'query', required: true, schema: { type: 'number', format: 'epoch-ms', 'x-range-days': 31 } },
      { name: 'locationId', in: 'query', required: true, schema: { type: 'string' } },
      { name: 'limit', in: 'query', schema: { type: 'number' } },
    ],
  } satisfies ToolEntry,
);

const text = (result: ToolResult) => result.content.map((block) => block.text).join('\n');
const notesOf = (result: ToolResult) => {
  const last = result.content.at(-1)!.text;
  return last.startsWith('Notes:') ? last.split('\n').slice(1) : [];
};

afterEach(() => {
  vi.useRealTimers();
});

describe('conversions in the result', () => {
  it('an ISO date is read in the location zone, sent as epoch ms, and stated in a Notes block at the end', async () => {
    const ghl = fakeGhl();
    const result = await ghl.executor.call(SLOTS, { calendarId: 'cal1', startDate: '2026-12-01', endDate: '2026-12-08T00:00-06:00', limit: '5' });
    expect(result.isError).toBeFalsy();
    const [request] = ghl.writes();
    expect(request!.query).toEqual(expect.arrayContaining([['startDate', '1796104800000'], ['endDate', String(Date.UTC(2026, 11, 8, 6))], ['limit', '5']]));
    expect(result.content.at(-1)!.text.split('\n')[0]).toBe('Notes:');
    expect(notesOf(result)).toEqual([
      '- startDate read as 2026-12-01T00:00 America/Chicago = 1796104800000 (epoch ms)',
      `- endDate read as 2026-12-08T00:00-06:00 = ${Date.UTC(2026, 11, 8, 6)} (epoch ms)`,
      '- limit read as the number 5',
    ]);
  });

  it('a call with nothing to convert carries no Notes block and reads no profile', async () => {
    const ghl = fakeGhl();
    const result = await ghl.executor.call(SLOTS, { calendarId: 'cal1', startDate: 1796104800000, endDate: 1796191200000 });
    expect(result.content.some((block) => block.text.startsWith('Notes:'))).toBe(false);
    expect(ghl.profileReads()).toBe(0);
  });

  it('keeps the location profile per location: one read for many calls, again after a failed read', async () => {
    let fail = true;
    const ghl = fakeGhl({ profile: () => (fail ? { status: 503, headers: {}, text: '{}' } : { status: 200, headers: {}, text: JSON.stringify({ location: PROFILE }) }) });
    const call = () => ghl.executor.call(SLOTS, { calendarId: 'cal1', startDate: '2026-12-01', endDate: '2026-12-02' });
    const failed = await call();
    expect(failed.isError).toBe(true);
    expect(text(failed)).toContain('the location profile could not be read: GHL answered HTTP 503');
    fail = false;
    expect((await call()).isError).toBeFalsy();
    expect((await call()).isError).toBeFalsy();
    expect(ghl.profileReads()).toBe(2);
  });

  it('refuses a value with two readings, names the field and the fix, and sends nothing', async () => {
    const ghl = fakeGhl();
    const result = await ghl.executor.call(SLOTS, { calendarId: 'cal1', startDate: '2026-11-01T00:00', endDate: '2026-11-01T01:30' });
    expect(result.isError).toBe(true);
    expect(text(result)).toContain(
      'endDate: 2026-11-01T01:30 happens twice in America/Chicago (the clocks go back that night); send the offset you mean: 2026-11-01T01:30-05:00 (the first) or 2026-11-01T01:30-06:00 (the second)',
    );
    // Validation's own words on the refused field are not repeated.
    expect(text(result)).not.toMatch(/endDate: Invalid/);
    expect(ghl.writes()).toEqual([]);
  });

  it('a call with other problems costs GHL nothing: the profile is not read, and validation names every field', async () => {
    const ghl = fakeGhl();
    const result = await ghl.executor.call(SLOTS, { startDate: '01/12/2026', endDate: '2026-12-08', bogus: 1 });
    expect(text(result)).toContain('startDate: "01/12/2026" puts day and month in an order that differs by country');
    expect(text(result)).toContain("endDate: 2026-12-08T00:00 has no offset and the location's time zone is not known (the location profile was not read while other arguments need fixing)");
    expect(text(result)).toContain('calendarId: ');
    expect(text(result)).toContain('bogus');
    expect(ghl.sent).toEqual([]);
  });

  it('checks the documented 31-day cap before sending', async () => {
    const ghl = fakeGhl();
    const result = await ghl.executor.call(SLOTS, { calendarId: 'cal1', startDate: '2026-12-01', endDate: '2027-01-10' });
    expect(text(result)).toContain('endDate: startDate to endDate spans 40 days; GHL answers at most 31 days per call');
    const empty = await ghl.executor.call(SLOTS, { calendarId: 'cal1', startDate: '2026-12-01', endDate: '2026-12-01' });
    expect(text(empty)).toContain("an empty range; for a whole day, send the next day's date as endDate");
    const reversed = await ghl.executor.call(SLOTS, { calendarId: 'cal1', startDate: '2026-12-02', endDate: '2026-12-01' });
    expect(text(reversed)).toContain('is before startDate');
    expect(ghl.writes()).toEqual([]);
    expect((await ghl.executor.call(SLOTS, { calendarId: 'cal1', startDate: '2026-12-01', endDate: '2027-01-01' })).isError).toBeFalsy();
  });

  it('keeps the notes on a GHL error after a conversion', async () => {
    const ghl = fakeGhl({ answer: () => ({ status: 422, headers: {}, text: JSON.stringify({ message: ['calendar is inactive'] }) }) });
    const result = await ghl.executor.call(SLOTS, { calendarId: 'cal1', startDate: '2026-12-01', endDate: '2026-12-02' });
    expect(result.isError).toBe(true);
    expect(result.content[0]!.text).toMatch(/422: calendar is inactive/);
    expect(notesOf(result)[0]).toContain('startDate read as 2026-12-01T00:00 America/Chicago');
  });

  it('a call cancelled while the profile is read sends nothing and says so', async () => {
    const controller = new AbortController();
    const ghl = fakeGhl({
      profile: () => {
        controller.abort();
        return new Promise<GhlResponse>(() => {});
      },
    });
    const result = await ghl.executor.call(SLOTS, { calendarId: 'cal1', startDate: '2026-12-01', endDate: '2026-12-02' }, controller.signal);
    expect(result.isError).toBe(true);
    expect(text(result)).toContain('The call was cancelled before anything was sent to GHL.');
    expect(ghl.writes()).toEqual([]);
  });

  it('tells result listeners the arguments as sent (converted)', async () => {
    const ghl = fakeGhl();
    const seen: Record<string, unknown>[] = [];
    ghl.executor.onResult(({ args }) => seen.push(args));
    await ghl.executor.call(SLOTS, { calendarId: 'cal1', startDate: '2026-12-01', endDate: '2026-12-02' });
    expect(seen[0]).toMatchObject({ startDate: 1796104800000, locationId: LOCATION_ID });
  });
});

describe('an invoice from natural, minimal arguments', () => {
  const natural = {
    name: 'Whitening — first session',
    currency: 'USD',
    items: [{ name: 'Teeth whitening', amount: 450, qty: 1, currency: 'USD' }],
    contactDetails: { id: CONTACT.id, name: 'Maya Okafor', email: 'maya@example.com' },
    issueDate: '2026-12-01',
    dueDate: '2026-12-15',
  };

  it('fills what the location and the contact supply, names every filled value, and keeps what was given', async () => {
    const ghl = fakeGhl();
    const result = await ghl.executor.call(tool('invoices_create_invoice'), natural);
    expect(result.isError).toBeFalsy();
    const [request] = ghl.writes();
    expect(request!.method).toBe('POST');
    const body = request!.body!.value as Record<string, any>;
    expect(body).toMatchObject({
      altId: LOCATION_ID,
      altType: 'location',
      issueDate: '2026-12-01',
      contactDetails: { id: CONTACT.id, name: 'Maya Okafor', email: 'maya@example.com', phoneNo: CONTACT.phone },
      sentTo: { email: ['maya@example.com'], phoneNo: [CONTACT.phone] },
      discount: { type: 'percentage', value: 0 },
      liveMode: true,
      businessDetails: {
        name: 'Bright Smile Dental',
        phoneNo: '+15125550100',
        website: 'https://brightsmile.example',
        logoUrl: 'https://brightsmile.example/logo.png',
        address: { addressLine1: '2100 S Lamar Blvd, Suite 200', city: 'Austin', state: 'TX', countryCode: 'US', postalCode: '78704' },
      },
    });
    const notes = notesOf(result).join('\n');
    expect(notes).toContain(`contactDetails.phoneNo filled with "${CONTACT.phone}" (from contact ${CONTACT.id})`);
    expect(notes).toContain('sentTo filled with {"email":["maya@example.com"],"phoneNo":["+15125550142"]} (from contactDetails.email, contactDetails.phoneNo)');
    expect(notes).toMatch(/businessDetails filled with \{"name":"Bright Smile Dental".*\(from the location profile\)/);
    expect(notes).toContain('discount filled with {"type":"percentage","value":0} (no discount)');
    expect(notes).toContain('liveMode filled with true (a new invoice is a draft: creating it sends and charges nothing)');
    expect(notes).not.toContain('issueDate');
    expect(notes).not.toContain('contactDetails.name');
  });

  it('with even less (contact ID only, no item currency, no dates) fills the rest, issue date today in the location zone', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.UTC(2026, 11, 2, 3)); // 21:00 on 1 December in Chicago, already 2 December in UTC
    const ghl = fakeGhl();
    const result = await ghl.executor.call(tool('invoices_create_invoice'), {
      name: 'Whitening',
      currency: 'USD',
      items: [{ name: 'Teeth whitening', amount: 450, qty: 1 }],
      contactDetails: { id: CONTACT.id },
    });
    const body = ghl.writes()[0]!.body!.value as Record<string, any>;
    expect(body.issueDate).toBe('2026-12-01');
    expect(body.items[0].currency).toBe('USD');
    expect(body.contactDetails).toEqual({ id: CONTACT.id, name: 'Maya Okafor', email: 'maya@example.com', phoneNo: CONTACT.phone });
    const notes = notesOf(result).join('\n');
    expect(notes).toContain('issueDate filled with "2026-12-01" (today in America/Chicago)');
    expect(notes).toContain('items[0].currency filled with "USD" (from currency)');
    expect(notes).toContain(`contactDetails.name filled with "Maya Okafor" (from contact ${CONTACT.id})`);
  });

  it('reads the invoice currency from items that all agree, and not when they differ', async () => {
    const ghl = fakeGhl();
    const { currency: _unused, ...noCurrency } = natural;
    const agreed = await ghl.executor.call(tool('invoices_create_invoice'), noCurrency);
    expect((ghl.writes()[0]!.body!.value as Record<string, unknown>).currency).toBe('USD');
    expect(notesOf(agreed).join('\n')).toContain('currency filled with "USD" (the currency every item of items gives)');
    const mixed = await ghl.executor.call(tool('invoices_create_invoice'), {
      ...noCurrency,
      items: [...natural.items, { name: 'Kit', amount: 10, qty: 1, currency: 'EUR' }],
    });
    expect(mixed.isError).toBe(true);
    expect(text(mixed)).toMatch(/currency: /);
    expect(ghl.writes()).toHaveLength(1);
  });

  it('an explicit argument always wins, and nothing is read when nothing is missing', async () => {
    const ghl = fakeGhl();
    const given = {
      ...natural,
      contactDetails: { ...natural.contactDetails, phoneNo: '+15125550199' },
      businessDetails: { name: 'Another Name' },
      discount: { type: 'fixed', value: 5 },
      sentTo: { email: ['billing@example.com'] },
      liveMode: false,
    };
    const result = await ghl.executor.call(tool('invoices_create_invoice'), given);
    const body = ghl.writes()[0]!.body!.value as Record<string, unknown>;
    expect(body).toMatchObject({ businessDetails: { name: 'Another Name' }, discount: { type: 'fixed', value: 5 }, sentTo: { email: ['billing@example.com'] }, liveMode: false });
    expect(body.businessDetails).toEqual({ name: 'Another Name' });
    expect(notesOf(result)).toEqual([]);
    expect(ghl.sent).toHaveLength(1);
  });

  it('a failed profile read does not break the call: it says what could not be filled and validation names the field', async () => {
    const ghl = fakeGhl({ profile: () => ({ status: 403, headers: {}, text: '{"message":"The token does not have access to this location"}' }) });
    const result = await ghl.executor.call(tool('invoices_create_invoice'), natural);
    expect(result.isError).toBe(true);
    expect(result.content[0]!.text).toMatch(/businessDetails/);
    expect(notesOf(result).join('\n')).toContain(
      `businessDetails not filled: the location profile could not be read: GHL answered HTTP 403 to GET /locations/{locationId}`,
    );
    expect(ghl.writes()).toEqual([]);
  });

  it('reads neither the location nor the contact when the call has another problem', async () => {
    const ghl = fakeGhl();
    const { contactDetails: _unused, ...rest } = natural;
    const result = await ghl.executor.call(tool('invoices_create_invoice'), { ...rest, contactDetails: { id: CONTACT.id }, notAField: 1 });
    expect(result.isError).toBe(true);
    expect(text(result)).toContain('notAField');
    expect(notesOf(result).join('\n')).toContain(`contactDetails.phoneNo not filled: contact ${CONTACT.id} was not read while other arguments need fixing`);
    expect(ghl.sent).toEqual([]);
  });

  it('an unknown contact: the note says so and validation names the missing details', async () => {
    const ghl = fakeGhl();
    const result = await ghl.executor.call(tool('invoices_create_invoice'), { ...natural, contactDetails: { id: 'nobody12345678901234' } });
    expect(result.isError).toBe(true);
    expect(notesOf(result).join('\n')).toContain('contactDetails.phoneNo not filled: contact nobody12345678901234 could not be read: GHL answered HTTP 404');
    expect(ghl.writes()).toEqual([]);
  });
});

describe('choices with money or sending consequences are never guessed', () => {
  it('sending an invoice without channel and live mode is refused with the options spelled out, and nothing is sent', async () => {
    const ghl = fakeGhl();
    const result = await ghl.executor.call(tool('invoices_send_invoice'), { invoiceId: 'inv1', userId: 'user1' });
    expect(result.isError).toBe(true);
    expect(text(result)).toContain('action is required, and never assumed because it decides whether money moves or a message goes out: the channel: "email", "sms", "sms_and_email", or "send_manually"');
    expect(text(result)).toContain('liveMode is required, and never assumed');
    expect(text(result)).toContain('true takes real payments; false is test mode');
    expect(ghl.sent).toEqual([]);
    const sent = await ghl.executor.call(tool('invoices_send_invoice'), { invoiceId: 'inv1', userId: 'user1', action: 'email', liveMode: 'true' });
    expect(sent.isError).toBeFalsy();
    expect(ghl.writes()[0]!.body!.value).toMatchObject({ action: 'email', liveMode: true });
  });

  it('a message without its channel is refused the same way', async () => {
    const ghl = fakeGhl();
    const result = await ghl.executor.call(tool('conversations_send_a_new_message'), { contactId: CONTACT.id, message: 'Hi' });
    expect(text(result)).toContain('type is required, and never assumed');
    expect(ghl.sent).toEqual([]);
  });
});

describe('what the errata change in the result', () => {
  it('an email whose body is only in message: sent as html too, and the result says so after the conversions', async () => {
    const ghl = fakeGhl();
    const result = await ghl.executor.call(tool('conversations_send_a_new_message'), { type: 'Email', contactId: CONTACT.id, subject: 'Hi', message: 'See you', attachments: 'https://x.example/a.pdf' });
    expect(result.isError).toBeFalsy();
    expect(ghl.writes()[0]!.body!.value).toMatchObject({ message: 'See you', html: 'See you' });
    expect(notesOf(result)).toEqual(['- attachments read as a list of one: ["https://x.example/a.pdf"]', '- message sent as html too (type is Email)']);
  });

  it('neutral fills of an opportunity search are named, and kept on a GHL error', async () => {
    const ghl = fakeGhl({ answer: () => ({ status: 422, headers: {}, text: JSON.stringify({ message: 'bad filter' }) }) });
    const result = await ghl.executor.call(tool('opportunities_search_opportunities_advanced'), { filters: [{ field: 'status', operator: 'eq', value: 'open' }] });
    expect(result.isError).toBe(true);
    expect(notesOf(result)).toEqual([
      '- filled with the neutral values GHL requires: query "", limit 20, page 1, searchAfter [], additionalDetails {"notes":false,"tasks":false,"calendarEvents":false,"unReadConversations":false}',
    ]);
  });

  it('a refused call carries no errata notes: nothing was sent', async () => {
    const ghl = fakeGhl();
    const result = await ghl.executor.call(tool('conversations_send_a_new_message'), { type: 'Email', contactId: CONTACT.id, message: 'x', bogus: 1 });
    expect(result.isError).toBe(true);
    expect(notesOf(result)).toEqual([]);
    expect(ghl.writes()).toEqual([]);
  });
});
