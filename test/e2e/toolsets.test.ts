import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeGhl } from '../../src/sandbox/fake-ghl.js';
import { CLI, connectStdio, type StdioSession } from '../helpers/mcp.js';
import { readingTools, writersAmong } from '../helpers/read-only.js';

const TOKEN = 'pit-toolsets-test';
const DISCOVERY = ['ghl_search_tools', 'ghl_describe_tool', 'ghl_call_tool', 'ghl_enable_toolset'];

/** tools/list of a server started with this environment and these flags. */
async function listTools(env: Record<string, string>, args: string[] = []) {
  const session = await connectStdio({ GHL_API_KEY: TOKEN, ...env }, args);
  try {
    const { tools } = await session.client.listTools();
    return { tools, names: tools.map((tool) => tool.name), bytes: Buffer.byteLength(JSON.stringify({ tools })) };
  } finally {
    await session.close();
  }
}

/** Starts the server expecting it to refuse its configuration. */
function startFailing(env: Record<string, string>, args: string[] = []) {
  const child = spawnSync(process.execPath, [CLI, ...args], {
    env: { PATH: process.env.PATH ?? '', GHL_API_KEY: TOKEN, ...env },
    input: '',
    encoding: 'utf8',
    timeout: 15_000,
  });
  return { status: child.status, stderr: child.stderr, stdout: child.stdout };
}

describe('toolset selection at start-up', () => {
  it('lists the curated default toolset and the discovery tools when nothing is chosen, within 45 KB (it carries rich hints)', async () => {
    const { tools, names, bytes } = await listTools({});
    expect(names.slice(0, 4)).toEqual(DISCOVERY);
    expect(names).toEqual(expect.arrayContaining(['contacts_upsert_contact', 'calendars_get_free_slots', 'opportunities_get_pipelines']));
    expect(names).not.toContain('invoices_void_invoice');
    expect(names.length).toBeLessThanOrEqual(40);
    expect(bytes).toBeLessThanOrEqual(45 * 1024);
    const slots = tools.find((tool) => tool.name === 'calendars_get_free_slots')!;
    expect(slots.description).toMatch(/before booking/);
    // The hint agents see says both forms the server takes (ISO 8601 is converted) and GHL's range limit.
    const { startDate } = slots.inputSchema.properties as Record<string, { description?: string }>;
    expect(startDate!.description).toMatch(/epoch ms or ISO 8601 .*At most 31 days/);
  });

  it('lists only the discovery tools with --toolsets discovery, within 6 KB', async () => {
    const { names, bytes } = await listTools({}, ['--toolsets', 'discovery']);
    // ghl_self_update (live-docs drift) is always present too.
    expect(names).toEqual([...DISCOVERY, 'ghl_self_update']);
    expect(bytes).toBeLessThanOrEqual(6 * 1024);
  });

  it('lists all 576 catalog tools with GHL_TOOLSETS=all', async () => {
    const { names } = await listTools({ GHL_TOOLSETS: 'all' });
    expect(names.filter((name) => !name.startsWith('ghl_'))).toHaveLength(576);
    expect(new Set(names).size).toBe(names.length);
  });

  it('lets the flag win over the environment, and extends default with more toolsets and tools', async () => {
    const flagWins = await listTools({ GHL_TOOLSETS: 'invoices' }, ['--toolsets', 'payments']);
    expect(flagWins.names.some((name) => name.startsWith('payments_'))).toBe(true);
    expect(flagWins.names.some((name) => name.startsWith('invoices_'))).toBe(false);
    const extended = await listTools({ GHL_TOOLSETS: 'default,invoices', GHL_TOOLS: 'payments_list_orders' });
    expect(extended.names).toEqual(expect.arrayContaining(['contacts_get_contact', 'invoices_void_invoice', 'payments_list_orders']));
  });

  it('lets exclusion win over toolsets and tools, for discovery tools too', async () => {
    const { names } = await listTools({}, ['--toolsets', 'contacts', '--tools', 'contacts_delete_contact', '--exclude-tools', 'contacts_delete_contact,ghl_enable_toolset']);
    expect(names).toContain('contacts_get_contact');
    expect(names).not.toContain('contacts_delete_contact');
    expect(names).not.toContain('ghl_enable_toolset');
    expect(names).toContain('ghl_call_tool');
  });

  it('lets read-only win: no tool that writes is listed, even when named', async () => {
    const { names } = await listTools({ GHL_READ_ONLY: 'true', GHL_TOOLSETS: 'all', GHL_TOOLS: 'contacts_create_contact' });
    // Judged by each operation's method, not by readOnlyHint (the same flag as the filter): every read, no write.
    expect(writersAmong(names)).toEqual([]);
    expect(names.filter((name) => !name.startsWith('ghl_')).sort()).toEqual(readingTools().sort());
    expect(names).not.toContain('contacts_create_contact');
    expect(names).toContain('contacts_search_contacts_advanced');
    expect(names).toEqual(expect.arrayContaining(DISCOVERY));
  });

  it('refuses an unknown toolset at start-up with the valid list, exit code 2 and nothing on stdout', () => {
    const { status, stderr, stdout } = startFailing({ GHL_TOOLSETS: 'default,invoice' });
    expect(status).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/Unknown toolset invoice\. Valid toolsets: default, all, discovery, events, ad_manager,.* invoices,/);
  });

  it('refuses unknown tool names at start-up with the valid names of that toolset', () => {
    const typo = startFailing({}, ['--tools', 'contacts_get_contactz']);
    expect(typo.status).toBe(2);
    expect(typo.stderr).toMatch(/Unknown tool contacts_get_contactz\.\nValid contacts tools: .*contacts_get_contact,/);
    const excluded = startFailing({ GHL_EXCLUDE_TOOLS: 'ghl_nope' });
    expect(excluded.status).toBe(2);
    expect(excluded.stderr).toMatch(/Unknown excluded tool ghl_nope/);
  });

  it('refuses a GHL_READ_ONLY value that is not a boolean', () => {
    const { status, stderr } = startFailing({ GHL_READ_ONLY: 'maybe' });
    expect(status).toBe(2);
    expect(stderr).toMatch(/GHL_READ_ONLY must be true or false/);
  });
});

describe('calls outside the list', () => {
  const fake = new FakeGhl({ tokens: [TOKEN] });
  let session: StdioSession;

  beforeAll(async () => {
    fake.route('GET', '/contacts/{contactId}', (req) => ({ status: 200, body: { contact: { id: req.params.contactId } } }));
    fake.route('DELETE', '/contacts/{contactId}', () => ({ status: 200, body: { succeded: true } }));
    const baseUrl = await fake.listen();
    session = await connectStdio({ GHL_API_KEY: TOKEN, GHL_BASE_URL: baseUrl }, [
      '--toolsets', 'discovery', '--exclude-tools', 'contacts_delete_contact',
    ]);
  });

  afterAll(async () => {
    await session?.close();
    await fake.close();
  });

  it('serves a direct call of a reachable catalog tool that is not listed', async () => {
    const result = await session.client.callTool({ name: 'contacts_get_contact', arguments: { contactId: 'c1' } });
    expect(result.isError).toBeFalsy();
    expect(fake.requests.at(-1)!.path).toBe('/contacts/c1');
  });

  it('refuses an excluded tool without sending anything', async () => {
    const before = fake.requests.length;
    const result = await session.client.callTool({ name: 'contacts_delete_contact', arguments: { contactId: 'c1' } });
    expect(result.isError).toBe(true);
    expect(JSON.stringify(result.content)).toMatch(/excluded/);
    expect(fake.requests.length).toBe(before);
  });
});
