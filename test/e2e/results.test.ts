import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resultBody } from '../helpers/results.js';
import { connectSandbox, type SandboxSession } from '../helpers/sandbox.js';

type Json = any;
type Result = Awaited<ReturnType<SandboxSession['client']['callTool']>>;

const firstLine = (result: Result) => (result.content as { text: string }[])[0]!.text.split('\n')[0]!;
const isEmpty = (value: unknown) =>
  value === null || value === '' || (Array.isArray(value) && value.length === 0) || (typeof value === 'object' && value !== null && Object.keys(value).length === 0);

/**
 * Results as a client receives them from the sandbox: compact by default, verbatim on request, the first line of
 * every result saying what happened, and no structuredContent (no tool declares an outputSchema).
 */
describe('results over MCP, on the sandbox', () => {
  let sandbox: SandboxSession;
  let verbatimServer: SandboxSession;
  const results: { name: string; result: Result }[] = [];
  const call = async (name: string, args: Record<string, unknown>, session = sandbox) => {
    const result = await session.client.callTool({ name, arguments: args });
    results.push({ name, result });
    return result;
  };

  beforeAll(async () => {
    [sandbox, verbatimServer] = await Promise.all([connectSandbox(), connectSandbox(['--sandbox', '--result-format', 'verbatim'])]);
  });

  afterAll(async () => {
    await Promise.all([sandbox?.close(), verbatimServer?.close()]);
  });

  it('lists no tool with an outputSchema', async () => {
    const { tools } = await sandbox.client.listTools();
    expect(tools.length).toBeGreaterThan(500);
    expect(tools.filter((tool) => tool.outputSchema !== undefined).map((tool) => tool.name)).toEqual([]);
  });

  it('leaves out empty fields and lowercase copies, and keeps everything else as GHL sent it', async () => {
    const compact = await call('contacts_get_contacts', { limit: 20 });
    const verbatim = await call('ghl_call_tool', { name: 'contacts_get_contacts', arguments: { limit: 20 }, verbatim: true });
    const [small, full] = [resultBody(compact), resultBody(verbatim)];
    expect(firstLine(verbatim)).toBe('OK: GHL answered 200 with 20 contacts (total 60).');
    expect(firstLine(compact)).toMatch(
      /^OK: GHL answered 200 with 20 contacts \(total 60\)\. Left out \d+ empty fields and \d+ lowercase copies \(ghl_call_tool with verbatim: true shows GHL's body as sent\)\.$/,
    );
    // Paging fields keep their value, null or not.
    expect(small.meta).toEqual(full.meta);
    expect(small.count).toBe(60);
    expect(full.contacts.some((contact: Json) => contact.firstNameLowerCase && contact.tags.length === 0)).toBe(true);
    expect(small.contacts.map((contact: Json) => contact.id)).toEqual(full.contacts.map((contact: Json) => contact.id));
    small.contacts.forEach((contact: Json, index: number) => {
      const sent = full.contacts[index];
      for (const [key, value] of Object.entries(contact)) expect(value, key).toEqual(sent[key]);
      for (const [key, value] of Object.entries(sent)) {
        if (key in contact) continue;
        const copied = /LowerCase$/.test(key) && typeof value === 'string';
        expect(isEmpty(value) || copied, `${key} left out`).toBe(true);
      }
      expect(contact.dnd).toBe(sent.dnd);
    });
    expect(JSON.stringify(small).length).toBeLessThan(JSON.stringify(full).length);
  });

  it('serves GHL\'s body as sent when the server runs with --result-format verbatim', async () => {
    const result = await call('contacts_get_contacts', { limit: 5 }, verbatimServer);
    expect(firstLine(result)).toBe('OK: GHL answered 200 with 5 contacts (total 60).');
    const contacts = resultBody(result).contacts as Json[];
    expect(contacts.every((contact) => Array.isArray(contact.tags) && typeof contact.firstNameLowerCase === 'string')).toBe(true);
  });

  it('says plainly what happened on the first line of every kind of result', async () => {
    const created = await call('contacts_create_contact', { firstName: 'Rae', lastName: 'Quinn', email: 'rae.quinn@example.com' });
    const id = resultBody(created).contact.id as string;
    expect(firstLine(created).startsWith(`OK: GHL answered 201 with contact ${id}. Left out `)).toBe(true);
    expect(firstLine(await call('contacts_get_contact', { contactId: 'AAAAAAAAAAAAAAAAAAAA' }))).toMatch(/^Error: GHL answered 404: /);
    expect(firstLine(await call('contacts_get_contact', {}))).toMatch(/^Error: the call was not made: contactId/);
    expect(firstLine(await call('ghl_call_tool', { name: 'contacts_no_such_tool' }))).toBe('Error: the call was not made: Unknown tool contacts_no_such_tool');
    expect(firstLine(await call('ghl_search_tools', { query: 'book an appointment' }))).toMatch(/^Found \d+ tools for "book an appointment"\.$/);
    expect(firstLine(await call('ghl_describe_tool', { name: 'contacts_get_contact' }))).toBe('contacts_get_contact: its description and full input schema.');
    expect(firstLine(await call('ghl_enable_toolset', { toolset: 'invoices' }))).toMatch(/^Toolset invoices adds no tools/);
    expect(firstLine(await call('contacts_delete_contact', { contactId: id }))).toBe('OK: GHL answered 200.');
  });

  it('never sends structuredContent, for any result seen here', () => {
    expect(results.length).toBeGreaterThan(8);
    for (const { name, result } of results) {
      expect(result.structuredContent, name).toBeUndefined();
      // Nothing internal (the details the server's own code reads) reaches the client.
      expect(Object.keys(result).filter((key) => key !== 'content' && key !== 'isError'), name).toEqual([]);
    }
    expect(results.filter(({ result }) => result.isError).every(({ result }) => firstLine(result).startsWith('Error: '))).toBe(true);
    expect(results.filter(({ result }) => !result.isError && firstLine(result).startsWith('Error')).map(({ name }) => name)).toEqual([]);
  });
});
