import type { Tool } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeGhl } from '../../src/sandbox/fake-ghl.js';
import { connectStdio, type StdioSession } from '../helpers/mcp.js';
import { writersAmong } from '../helpers/read-only.js';
import { resultBody } from '../helpers/results.js';

const TOKEN = 'pit-discovery-test';

type CallResult = Awaited<ReturnType<StdioSession['client']['callTool']>>;
const textOf = (result: CallResult) => (result.content as { text: string }[]).map((block) => block.text).join('\n');

describe('discovery tools', () => {
  const fake = new FakeGhl({ tokens: [TOKEN] });
  let session: StdioSession;
  let readOnly: StdioSession;
  const listChanges: Tool[][] = [];

  beforeAll(async () => {
    fake
      .route('GET', '/invoices/{invoiceId}', (req) => ({ status: 200, body: { _id: req.params.invoiceId, status: 'draft' } }))
      .route('GET', '/contacts/{contactId}', (req) => ({ status: 200, body: { contact: { id: req.params.contactId } } }))
      .route('POST', '/contacts/', () => ({ status: 201, body: { contact: { id: 'new' } } }));
    const baseUrl = await fake.listen();
    const env = { GHL_API_KEY: TOKEN, GHL_BASE_URL: baseUrl, GHL_LOCATION_ID: 'loc-1' };
    session = await connectStdio(env, [], {
      listChanged: { tools: { debounceMs: 0, onChanged: (error, tools) => void (!error && tools && listChanges.push(tools)) } },
    });
    readOnly = await connectStdio({ ...env, GHL_READ_ONLY: '1' });
  });

  afterAll(async () => {
    await session?.close();
    await readOnly?.close();
    await fake.close();
  });

  const search = async (client: StdioSession, query: string, extra: object = {}) => {
    const result = await client.client.callTool({ name: 'ghl_search_tools', arguments: { query, ...extra } });
    expect(result.isError).toBeFalsy();
    expect((result.content as { text: string }[])[0]!.text.split('\n')[0]).toMatch(new RegExp(`^Found \\d+ tools? for "${query}"`));
    return (resultBody(result) as { results: { name: string; description: string; args: string; writes?: boolean; listed?: boolean }[] }).results;
  };

  it.each([
    ['book an appointment', 'calendars_create_appointment'],
    ['send sms', 'conversations_send_a_new_message'],
    ['move deal to stage', 'opportunities_update_opportunity'],
    ['invoice void', 'invoices_void_invoice'],
    ['add tag to contact', 'contacts_add_tags'],
    ['create blog post', 'blogs_create_blog_post'],
    ['check availability', 'calendars_get_free_slots'],
  ])('ghl_search_tools finds the tool for "%s" first, across the whole catalog', async (query, expected) => {
    const [first] = await search(session, query);
    expect(first!.name).toBe(expected);
  });

  it('returns one-line descriptions and compact argument schemas, and says which are listed or write', async () => {
    const results = await search(session, 'invoice void', { limit: 3 });
    expect(results.length).toBeLessThanOrEqual(3);
    const voidInvoice = results[0]!;
    expect(voidInvoice.description).toContain('POST /invoices/{invoiceId}/void');
    // altId is filled from GHL_LOCATION_ID, so it is optional; altType is a constant and never asked for.
    expect(voidInvoice.args).toBe('{invoiceId: string, altId?: string}');
    expect(voidInvoice.writes).toBe(true);
    expect(voidInvoice.listed).toBeUndefined();
    const [slots] = await search(session, 'free slots');
    expect(slots).toMatchObject({ name: 'calendars_get_free_slots', listed: true });
    expect(slots!.writes).toBeUndefined();
  });

  it.each([
    ['create a webhook', 'webhooks'],
    ['list courses', 'courses and memberships'],
    ['get pipeline by id', 'get one pipeline by id'],
  ])('says plainly when GHL has no API for "%s", and what to use instead', async (query, capability) => {
    const result = await session.client.callTool({ name: 'ghl_search_tools', arguments: { query } });
    const found = resultBody(result) as { notInApi?: { capability: string; instead: string; tools: string[] }[] };
    expect(found.notInApi?.map((gap) => gap.capability).some((text) => text.startsWith(capability))).toBe(true);
  });

  it('does not claim a gap for something the API does', async () => {
    const result = await session.client.callTool({ name: 'ghl_search_tools', arguments: { query: 'create contact' } });
    expect((resultBody(result) as { notInApi?: unknown }).notInApi).toBeUndefined();
  });

  it('limits the search to one toolset when asked', async () => {
    const results = await search(session, 'create', { toolset: 'products', limit: 5 });
    expect(results.length).toBeGreaterThan(0);
    expect(results.every((result) => result.name.startsWith('products_'))).toBe(true);
  });

  it('ghl_describe_tool returns the full input schema', async () => {
    const result = await session.client.callTool({ name: 'ghl_describe_tool', arguments: { name: 'contacts_create_contact' } });
    expect((result.content as { text: string }[])[0]!.text.split('\n')[0]).toBe('contacts_create_contact: its description and full input schema.');
    const described = resultBody(result) as { inputSchema: { properties: Record<string, { properties?: object }> }; toolset: string };
    expect(described.toolset).toBe('contacts');
    // Deeper than tools/list shows: the DND settings per channel with their fields.
    expect(JSON.stringify(described.inputSchema.properties.dndSettings)).toMatch(/"Call":\{"type":"object","properties":\{"status"/);
  });

  it('ghl_call_tool calls a tool that is not listed, through the same executor', async () => {
    const result = await session.client.callTool({ name: 'ghl_call_tool', arguments: { name: 'invoices_get_invoice', arguments: { invoiceId: 'inv 1' } } });
    expect(result.isError).toBeFalsy();
    expect(resultBody(result)).toEqual({ _id: 'inv 1', status: 'draft' });
    expect(result.structuredContent).toBeUndefined();
    const sent = fake.requests.at(-1)!;
    expect(sent.path).toBe('/invoices/inv%201');
    expect(sent.query.get('altId')).toBe('loc-1');
    expect(sent.query.get('altType')).toBe('location');
    expect(sent.headers.version).toBe('2021-07-28');
  });

  it('takes the target arguments as a JSON object in a string, as some clients send them', async () => {
    const result = await session.client.callTool({ name: 'ghl_call_tool', arguments: { name: 'contacts_get_contact', arguments: '{"contactId":"c7"}' } });
    expect(result.isError).toBeFalsy();
    expect(fake.requests.at(-1)!.path).toBe('/contacts/c7');
  });

  it.each([
    ['bad arguments of the target tool', { name: 'calendars_get_free_slots', arguments: { calendarId: 'c', startDate: 'soon' } }, /startDate[\s\S]*endDate/],
    ['a path traversal', { name: 'contacts_get_contact', arguments: { contactId: '../locations/x' } }, /contactId/],
    ['an unknown tool', { name: 'contacts_teleport', arguments: {} }, /Unknown tool contacts_teleport/],
    ['its own bad arguments', { name: 'contacts_get_contact', arguments: 'c1' }, /arguments/],
    ['a discovery tool as target', { name: 'ghl_search_tools', arguments: { query: 'x' } }, /not a GoHighLevel API tool/],
    ['paging a tool that does not page', { name: 'contacts_get_contact', arguments: { contactId: 'c1' }, maxPages: 3 }, /does not page/],
  ])('ghl_call_tool refuses %s with isError and sends nothing', async (_case, args, message) => {
    const before = fake.requests.length;
    const result = await session.client.callTool({ name: 'ghl_call_tool', arguments: args as Record<string, unknown> });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(message);
    expect(fake.requests.length).toBe(before);
  });

  it('refuses writes in read-only mode, through ghl_call_tool and directly, and sends nothing', async () => {
    const before = fake.requests.length;
    const viaCall = await readOnly.client.callTool({ name: 'ghl_call_tool', arguments: { name: 'contacts_create_contact', arguments: { firstName: 'A' } } });
    expect(viaCall.isError).toBe(true);
    expect(textOf(viaCall)).toMatch(/read-only/);
    const direct = await readOnly.client.callTool({ name: 'contacts_create_contact', arguments: { firstName: 'A' } });
    expect(direct.isError).toBe(true);
    expect(textOf(direct)).toMatch(/read-only/);
    expect(fake.requests.length).toBe(before);
    const read = await readOnly.client.callTool({ name: 'ghl_call_tool', arguments: { name: 'contacts_get_contact', arguments: { contactId: 'c9' } } });
    expect(read.isError).toBeFalsy();
    expect(fake.requests.length).toBe(before + 1);
  });

  it('never offers a tool that writes in read-only mode', async () => {
    const results = await search(readOnly, 'delete contact', { limit: 25 });
    expect(results.length).toBeGreaterThan(0);
    expect(results.some((result) => result.writes)).toBe(false);
    const described = await readOnly.client.callTool({ name: 'ghl_describe_tool', arguments: { name: 'contacts_delete_contact' } });
    expect(described.isError).toBe(true);
  });

  it('enables a toolset at runtime and tells the client its tool list changed', async () => {
    const before = (await session.client.listTools()).tools.map((tool) => tool.name);
    expect(before).not.toContain('invoices_void_invoice');
    const result = await session.client.callTool({ name: 'ghl_enable_toolset', arguments: { toolset: 'invoices' } });
    expect(result.isError).toBeFalsy();
    expect(textOf(result)).toMatch(/Enabled invoices: \d+ tools added/);
    await expect.poll(() => listChanges.length, { timeout: 5_000 }).toBeGreaterThan(0);
    expect(listChanges.at(-1)!.map((tool) => tool.name)).toContain('invoices_void_invoice');
    const after = (await session.client.listTools()).tools.map((tool) => tool.name);
    expect(after).toEqual(expect.arrayContaining([...before, 'invoices_void_invoice', 'invoices_list_invoices']));
  });

  it('says nothing changed when a toolset is enabled twice, and refuses unknown toolsets with the valid list', async () => {
    const changes = listChanges.length;
    const again = await session.client.callTool({ name: 'ghl_enable_toolset', arguments: { toolset: 'invoices' } });
    expect(textOf(again)).toMatch(/adds no tools/);
    const unknown = await session.client.callTool({ name: 'ghl_enable_toolset', arguments: { toolset: 'invoice' } });
    expect(unknown.isError).toBe(true);
    expect(textOf(unknown)).toMatch(/Unknown toolset invoice[\s\S]*invoices/);
    // Messages arrive in order: a list_changed from the two calls above would come before the one this call sends.
    const adds = await session.client.callTool({ name: 'ghl_enable_toolset', arguments: { toolset: 'products' } });
    expect(textOf(adds)).toMatch(/Enabled products: \d+ tools added/);
    await expect.poll(() => listChanges.length, { timeout: 5_000 }).toBeGreaterThan(changes);
    expect(listChanges.length).toBe(changes + 1);
    expect(listChanges.at(-1)!.map((tool) => tool.name)).toContain('products_list_products');
  });

  it('keeps read-only when a toolset is enabled at runtime', async () => {
    const result = await readOnly.client.callTool({ name: 'ghl_enable_toolset', arguments: { toolset: 'invoices' } });
    expect(textOf(result)).toMatch(/read-only/);
    const { tools } = await readOnly.client.listTools();
    const invoices = tools.filter((tool) => tool.name.startsWith('invoices_'));
    expect(invoices.length).toBeGreaterThan(0);
    expect(writersAmong(invoices.map((tool) => tool.name))).toEqual([]);
  });
});
