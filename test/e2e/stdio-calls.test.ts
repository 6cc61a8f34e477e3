import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeGhl } from '../../src/sandbox/fake-ghl.js';
import { connectStdio, type StdioSession } from '../helpers/mcp.js';
import { resultBody } from '../helpers/results.js';

const TOKEN = 'pit-1234567890abcdef';

describe('tool calls over stdio against the fake GHL', () => {
  const fake = new FakeGhl({ tokens: [TOKEN] });
  let session: StdioSession;

  beforeAll(async () => {
    fake
      .route('GET', '/contacts/{contactId}', (req) => ({ status: 200, body: { contact: { id: req.params.contactId } } }))
      .route('POST', '/contacts/', () => ({
        status: 422,
        body: { statusCode: 422, message: ['email must be an email', 'phone must be a valid phone number'], error: 'Unprocessable Entity', traceId: 'trace-422' },
      }))
      .route('GET', '/locations/{locationId}/customFields', () => ({
        status: 200,
        body: { customFields: Array.from({ length: 3000 }, (_, index) => ({ id: `field-${index}`, name: `Field number ${index}` })) },
      }))
      .route('GET', '/calendars/{calendarId}/free-slots', () => ({ status: 200, body: { '2026-12-01': { slots: [] } } }))
      .route('GET', '/opportunities/search', () => ({ status: 200, body: { opportunities: [], meta: { total: 0 } } }))
      .route('GET', '/social-media-posting/{locationId}/accounts', () => ({ status: 200, body: { results: {} } }))
      .route('POST', '/conversations/messages', () => ({ status: 201, body: { messageId: 'm1', traceId: TOKEN } }))
      .route('GET', '/store/shipping-zone', () => ({ status: 200, body: { data: [] } }))
      .route('DELETE', '/contacts/{contactId}', () => ({ status: 200, body: '' }))
      .route('GET', '/invoices/', () => ({ status: 200, body: { invoices: [], total: 0 } }));
    const baseUrl = await fake.listen();
    session = await connectStdio({
      GHL_API_KEY: TOKEN,
      GHL_BASE_URL: baseUrl,
      GHL_LOCATION_ID: 'loc-default',
      GHL_MAX_RESULT_CHARS: '5000',
    });
  });

  afterAll(async () => {
    await session?.close();
    await fake.close();
  });

  const call = (name: string, args: Record<string, unknown>) => session.client.callTool({ name, arguments: args });
  const lastRequest = () => fake.requests.at(-1)!;
  const textOf = (result: Awaited<ReturnType<typeof call>>) => (result.content as { text: string }[])[0]!.text;

  it('sends one request with the bearer token, the module Version and an encoded path', async () => {
    const before = fake.requests.length;
    const result = await call('contacts_get_contact', { contactId: 'abc 123+é' });
    expect(result.isError).toBeFalsy();
    expect(textOf(result).split('\n')[0]).toBe('OK: GHL answered 200 with contact abc 123+é.');
    expect(resultBody(result)).toEqual({ contact: { id: 'abc 123+é' } });
    expect(result.structuredContent).toBeUndefined();
    expect(fake.requests.length).toBe(before + 1);
    expect(lastRequest().path).toBe('/contacts/abc%20123%2B%C3%A9');
    expect(lastRequest().headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(lastRequest().headers.version).toBe('2021-07-28');
  });

  it.each([
    ['../locations/x'],
    ['a/b'],
    ['..'],
    ['x?admin=1'],
    ['x#frag'],
    ['x\u0000y'],
    ['a\\b'],
    [''],
  ])('rejects the path value %j without sending anything', async (contactId) => {
    const before = fake.requests.length;
    const result = await call('contacts_get_contact', { contactId });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toContain('contactId');
    expect(fake.requests.length).toBe(before);
  });

  it('sends the Version each module declares', async () => {
    await call('calendars_get_free_slots', { calendarId: 'cal1', startDate: 1, endDate: 2 });
    expect(lastRequest().headers.version).toBe('2021-04-15');
    await call('store_list_shipping_zones', {});
    expect(lastRequest().path).toBe('/store/shipping-zone');
    expect(lastRequest().headers.version).toBeUndefined();
    await call('conversations_send_a_new_message', { type: 'SMS', subType: {}, status: 'pending', contactId: 'c1', message: 'hi' });
    expect(lastRequest().headers.version).toBe('2021-04-15');
  });

  it('fills the configured location in the path, query and altId forms', async () => {
    await call('locations_get_custom_fields', {});
    expect(lastRequest().path).toBe('/locations/loc-default/customFields');
    await call('opportunities_search_opportunity', {});
    expect(lastRequest().query.get('location_id')).toBe('loc-default');
    await call('social_media_posting_get_account', {});
    expect(lastRequest().path).toBe('/social-media-posting/loc-default/accounts');
  });

  it('fills altId and the constant altType for a location-scoped list', async () => {
    const result = await call('invoices_list_invoices', { limit: '10', offset: '0' });
    expect(result.isError).toBeFalsy();
    expect(lastRequest().query.get('altId')).toBe('loc-default');
    expect(lastRequest().query.get('altType')).toBe('location');
  });

  it('keeps an explicit location over the default', async () => {
    await call('locations_get_custom_fields', { locationId: 'loc-other' });
    expect(lastRequest().path).toBe('/locations/loc-other/customFields');
  });

  it('fills locationId in a JSON body', async () => {
    await call('contacts_create_contact', { firstName: 'Ada', email: 'ada@example.com' });
    expect(JSON.parse(lastRequest().body)).toEqual({ firstName: 'Ada', email: 'ada@example.com', locationId: 'loc-default' });
  });

  it('returns a 422 as a tool error with every message GHL sent, the traceId and a hint', async () => {
    const result = await call('contacts_create_contact', { email: 'nope' });
    expect(result.isError).toBe(true);
    const text = textOf(result);
    const [first, trace, hint] = text.split('\n');
    expect(first).toBe('Error: GHL answered 422: email must be an email; phone must be a valid phone number');
    expect(trace).toBe('traceId: trace-422');
    expect(hint).toMatch(/^Hint: GHL rejected the request \(2 problems\)/);
    expect(result.structuredContent).toBeUndefined();
  });

  it('refuses invalid arguments naming each bad field, and sends nothing', async () => {
    const before = fake.requests.length;
    const result = await call('calendars_get_free_slots', { calendarId: ['c1', 'c2'], startDate: '2025-01-01', bogus: true });
    expect(result.isError).toBe(true);
    const text = textOf(result);
    expect(text).toContain('calendarId');
    expect(text).toContain('startDate');
    expect(text).toContain('endDate');
    expect(text).toContain('bogus');
    expect(fake.requests.length).toBe(before);
  });

  it('truncates a very large result and says how to page', async () => {
    const result = await call('locations_get_custom_fields', {});
    const text = textOf(result);
    expect(result.isError).toBeFalsy();
    expect(text.length).toBeLessThan(5400);
    const [first, json, note] = text.split('\n');
    const shown = JSON.parse(json!).customFields as { id: string }[];
    expect(shown.length).toBeGreaterThan(50);
    expect(shown.at(-1)!.id).toBe(`field-${shown.length - 1}`);
    expect(first).toBe(`OK: GHL answered 200 with 3000 customFields; ${shown.length} shown within the result limit.`);
    expect(note).toBe(`[Cut: ${shown.length} of 3000 customFields shown, to stay within the result limit. Ask again with filters that return less.]`);
  });

  it('answers an empty 2xx body plainly', async () => {
    const result = await call('contacts_delete_contact', { contactId: 'c1' });
    expect(result.isError).toBeFalsy();
    expect(textOf(result)).toBe('OK: GHL answered 200 with no content.');
  });

  it('never echoes the token back in a result', async () => {
    const result = await call('conversations_send_a_new_message', { type: 'SMS', subType: {}, status: 'pending', contactId: 'c1', message: 'hi' });
    expect(JSON.stringify(result)).not.toContain(TOKEN);
    expect(JSON.stringify(result)).toContain('[redacted]');
  });

  it('answers an unknown tool with a protocol error', async () => {
    await expect(call('contacts_no_such_tool', {})).rejects.toThrow(/Unknown tool/);
  });
});
