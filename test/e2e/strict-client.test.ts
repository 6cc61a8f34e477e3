import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeGhl } from '../../src/sandbox/fake-ghl.js';
import { connectStdio, type StdioSession } from '../helpers/mcp.js';
import { providerProblems } from '../helpers/provider-rules.js';

/**
 * The built server as a strict-mode client sees it: tools/list within what OpenAI's strict mode and Gemini accept,
 * and the calls such a client writes (every listed field present, null for those left out, a map as
 * `{key, value}` pairs, ghl_call_tool's arguments as JSON text) reach GHL as the plain objects it wants.
 */
const TOKEN = 'pit-strict-client-test';
type CallResult = Awaited<ReturnType<StdioSession['client']['callTool']>>;
const textOf = (result: CallResult) => (result.content as { text: string }[]).map((block) => block.text).join('\n');

describe('a strict-mode client', () => {
  const fake = new FakeGhl({ tokens: [TOKEN] });
  let session: StdioSession;

  beforeAll(async () => {
    fake
      .route('POST', '/contacts/', () => ({ status: 201, body: { contact: { id: 'c-new' } } }))
      .route('POST', '/objects/{schemaKey}/records', (request) => ({ status: 201, body: { record: { id: 'r-new', schemaKey: request.params.schemaKey } } }))
      .route('GET', '/contacts/{contactId}', (request) => ({ status: 200, body: { contact: { id: request.params.contactId } } }));
    const baseUrl = await fake.listen();
    session = await connectStdio({ GHL_API_KEY: TOKEN, GHL_BASE_URL: baseUrl, GHL_LOCATION_ID: 'loc-strict-1' }, ['--toolsets', 'default,objects']);
  });

  afterAll(async () => {
    await session?.close();
    await fake.close();
  });

  const sentBody = (path: string) => JSON.parse(fake.requests.filter((request) => request.path === path).at(-1)!.body) as Record<string, unknown>;

  it('is listed nothing either provider refuses', async () => {
    const { tools } = await session.client.listTools();
    expect(tools.map((tool) => tool.name)).toEqual(expect.arrayContaining(['ghl_call_tool', 'contacts_create_contact', 'objects_create_object_record']));
    const refused = tools.flatMap((tool) => {
      const { openai, gemini } = providerProblems(tool.inputSchema as Record<string, unknown>);
      return [...openai, ...gemini].map((problem) => `${tool.name}: ${problem}`);
    });
    expect(refused).toEqual([]);
  });

  it('sends null for every field it leaves out: GHL gets only the fields given, and the result says so', async () => {
    const { tools } = await session.client.listTools();
    const listed = tools.find((tool) => tool.name === 'contacts_create_contact')!.inputSchema.properties as Record<string, unknown>;
    const given = { firstName: 'Ada', email: 'ada@example.com', dndSettings: { Call: { status: 'inactive' }, Email: null, SMS: null, WhatsApp: null, GMB: null, FB: null } };
    const args = { ...Object.fromEntries(Object.keys(listed).map((name) => [name, null])), ...given };
    const result = await session.client.callTool({ name: 'contacts_create_contact', arguments: args });
    expect(result.isError).toBeFalsy();
    expect(sentBody('/contacts/')).toEqual({ firstName: 'Ada', email: 'ada@example.com', locationId: 'loc-strict-1', dndSettings: { Call: { status: 'inactive' } } });
    expect(textOf(result)).toMatch(/null read as left out: lastName, .*dndSettings\.Email/);
  });

  it('sends a map as {key, value} pairs: GHL gets the object', async () => {
    const pairs = [{ key: 'name', value: 'Rex' }, { key: 'age', value: 3 }, { key: 'vaccinated', value: true }];
    const result = await session.client.callTool({ name: 'objects_create_object_record', arguments: { schemaKey: 'custom_objects.pet', body: pairs } });
    expect(result.isError).toBeFalsy();
    expect(sentBody('/objects/custom_objects.pet/records')).toMatchObject({ name: 'Rex', age: 3, vaccinated: true });
    expect(textOf(result)).toMatch(/body read from 3 key\/value pairs/);
    const twice = await session.client.callTool({ name: 'objects_create_object_record', arguments: { schemaKey: 'custom_objects.pet', body: [pairs[0], pairs[0]] } });
    expect(twice.isError).toBe(true);
    expect(textOf(twice)).toMatch(/body: key "name" is given twice/);
  });

  it('calls through ghl_call_tool with its arguments as JSON text and nulls for its own options', async () => {
    const result = await session.client.callTool({
      name: 'ghl_call_tool',
      arguments: { name: 'contacts_get_contact', arguments: '{"contactId":"c7"}', maxPages: null, maxItems: null, verbatim: null },
    });
    expect(result.isError).toBeFalsy();
    expect(fake.requests.at(-1)!.path).toBe('/contacts/c7');
  });
});
