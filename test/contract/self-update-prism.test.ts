import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DocsServer } from '../helpers/docs-server.js';
import { DRIFT, writeDocsFolder } from '../helpers/drifted-docs.js';
import { connectStdio, type StdioSession } from '../helpers/mcp.js';
import { sharedMissing } from '../helpers/shared.js';
import { type PrismMock, startPrism } from './prism.js';
import { prismBlindSpots } from './prism-document.js';
import { type ProxiedRequest, RecordingProxy, requestErrors } from './recording-proxy.js';

type Result = { content: { text: string }[]; isError?: boolean };

/**
 * The tools as bundled meet an API whose contract moved on: Prism mocks the drifted contacts document and refuses
 * what breaks it (`--errors`), the server reads the same document from a local docs host, and after
 * ghl_self_update applies the drift the same calls pass Prism's validation.
 */
const STALE_CALLS: { tool: string; args: Record<string, unknown>; drift: RegExp }[] = [
  { tool: DRIFT.renamedQuery, args: { locationId: 'loc1', number: '+15550100' }, drift: /query parameter number is now phone \(required\)/ },
  { tool: DRIFT.movedPath, args: { contactId: 'c1' }, drift: /moved: GET \/contacts\/\{contactId\}\/tasks → GET \/contacts\/\{contactId\}\/task-list/ },
  { tool: DRIFT.requiredField, args: { contactId: 'c1', body: 'Called back' }, drift: /body field userId is now required/ },
  { tool: DRIFT.changedEnum, args: { locationId: 'loc1', firstName: 'Ada', dndSettings: { Call: { status: 'permanent' } } }, drift: /dndSettings\.Call\.status: values no longer allowed "permanent"/ },
  { tool: DRIFT.changedVersion, args: { contactId: 'c1' }, drift: /Version header 2021-07-28 → 2021-04-15/ },
  { tool: DRIFT.removed, args: { contactId: 'c1', id: 'n1' }, drift: /no longer has DELETE \/contacts\/\{contactId\}\/notes\/\{id\} \(delete-note\)/ },
];

const FIXED_CALLS: { tool: string; args: Record<string, unknown>; sent: string }[] = [
  { tool: DRIFT.renamedQuery, args: { locationId: 'loc1', phone: '+15550100' }, sent: 'GET /contacts/search/duplicate?locationId=loc1&phone=%2B15550100' },
  { tool: DRIFT.movedPath, args: { contactId: 'c1' }, sent: 'GET /contacts/c1/task-list' },
  { tool: DRIFT.requiredField, args: { contactId: 'c1', body: 'Called back', userId: 'u1' }, sent: 'POST /contacts/c1/notes' },
  { tool: DRIFT.changedEnum, args: { locationId: 'loc1', firstName: 'Ada', dndSettings: { Call: { status: 'active' } } }, sent: 'POST /contacts/' },
  { tool: DRIFT.changedVersion, args: { contactId: 'c1' }, sent: 'GET /contacts/c1' },
  { tool: DRIFT.added, args: { contactId: 'c1', limit: 5 }, sent: 'GET /contacts/c1/activity?limit=5' },
];

describe.skipIf(sharedMissing())('self-update against a Prism mock of the drifted document', () => {
  let root: string;
  let document: string;
  let prism: PrismMock;
  let proxy: RecordingProxy;
  let docs: DocsServer;
  let session: StdioSession;
  const listChanged: number[] = [];

  const call = async (name: string, args: Record<string, unknown>) => (await session.client.callTool({ name, arguments: args })) as Result;
  /** Calls a tool and returns its result with the one request it sent (or none). */
  async function callRecorded(name: string, args: Record<string, unknown>): Promise<{ result: Result; sent: ProxiedRequest[] }> {
    const before = proxy.requests.length;
    const result = await call(name, args);
    return { result, sent: proxy.requests.slice(before) };
  }

  beforeAll(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'ghl-self-update-prism-'));
    await writeDocsFolder(path.join(root, 'docs'));
    document = path.join(root, 'docs/apps/contacts.json');
    docs = new DocsServer(path.join(root, 'docs'));
    prism = await startPrism(document, { errors: true });
    proxy = new RecordingProxy(prism.url);
    session = await connectStdio({
      GHL_API_KEY: 'contract-test-token',
      GHL_BASE_URL: await proxy.listen(),
      GHL_DOCS_URL: await docs.listen(),
      GHL_OVERRIDES_FILE: path.join(root, 'cache/overrides.json'),
      GHL_NO_OVERRIDES: 'false',
      GHL_SELF_UPDATE: 'auto',
      GHL_TOOLSETS: 'contacts',
    });
    session.client.setNotificationHandler('notifications/tools/list_changed', () => void listChanged.push(Date.now()));
  }, 120_000);

  afterAll(async () => {
    await session?.close();
    await proxy?.close();
    await prism?.stop();
    await docs?.close();
    if (root) await rm(root, { recursive: true, force: true });
  });

  it('serves a drifted document Prism can validate in full', async () => {
    expect(await prismBlindSpots(document)).toEqual([]);
  }, 60_000);

  it.each(STALE_CALLS)('$tool as bundled is refused by the mock, and the error says what changed', async ({ tool, args, drift }) => {
    const { result, sent } = await callRecorded(tool, args);
    expect(sent).toHaveLength(1);
    expect([400, 404, 405, 422]).toContain(sent[0]!.status);
    expect(result.isError).toBe(true);
    expect(result.content[0]!.text).toMatch(new RegExp(`^Error: GHL answered ${sent[0]!.status}`));
    expect(result.content[1]!.text).toMatch(drift);
  });

  it('applies the drift: list_changed is sent and every fixed or new tool passes Prism\'s validation', async () => {
    const applied = await call('ghl_self_update', { module: 'contacts', action: 'apply' });
    expect(applied.content[0]!.text).toMatch(/Re-registered from the live docs: /);
    for (let waited = 0; listChanged.length === 0 && waited < 5_000; waited += 20) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(listChanged.length).toBeGreaterThan(0);

    for (const { tool, args, sent: expected } of FIXED_CALLS) {
      const { result, sent } = await callRecorded(tool, args);
      expect(result.isError, `${tool}: ${result.content[0]!.text}`).toBeFalsy();
      expect(sent.map((request) => `${request.method} ${request.url}`)).toEqual([expected]);
      expect(sent[0]!.status).toBeLessThan(300);
      expect(requestErrors(sent[0]!), tool).toEqual([]);
    }
  });

  it('refuses the old values locally now, and no longer offers the removed operation', async () => {
    const { result, sent } = await callRecorded(DRIFT.changedEnum, { locationId: 'loc1', dndSettings: { Call: { status: 'permanent' } } });
    expect(sent).toEqual([]);
    expect(result.content[0]!.text).toMatch(/^Error: the call was not made: dndSettings\.Call\.status/);
    const names = (await session.client.listTools()).tools.map((tool) => tool.name);
    expect(names).not.toContain(DRIFT.removed);
    expect(names).toContain(DRIFT.added);
  });
});
