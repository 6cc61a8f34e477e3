import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FakeGhl } from '../../src/sandbox/fake-ghl.js';
import { closedPort, DocsServer } from '../helpers/docs-server.js';
import { DRIFT, writeDocsFolder } from '../helpers/drifted-docs.js';
import { connectStdio, type StdioSession } from '../helpers/mcp.js';
import { DOCS_DIR, sharedMissing } from '../helpers/shared.js';

const TOKEN = 'test-token';
type Result = { content: { type: string; text: string }[]; isError?: boolean; structuredContent?: unknown };

describe.skipIf(sharedMissing())('self-update end to end over stdio, against a local docs host serving drifted documents', () => {
  let root: string;
  let docs: DocsServer;
  let docsUrl: string;
  let fake: FakeGhl;
  let baseUrl: string;
  let cacheDir: string;
  const sessions: StdioSession[] = [];

  beforeAll(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'ghl-self-update-e2e-'));
    await writeDocsFolder(path.join(root, 'docs'));
    docs = new DocsServer(path.join(root, 'docs'));
    docsUrl = await docs.listen();
    fake = new FakeGhl({ tokens: [TOKEN] })
      .route('GET', '/contacts/{contactId}/task-list', () => ({ status: 200, body: { tasks: [] } }))
      .route('GET', '/contacts/search/duplicate', (req) =>
        req.query.has('number') ? { status: 422, body: { statusCode: 422, message: ['property number should not exist'] } } : { status: 200, body: { contact: null } },
      );
    baseUrl = await fake.listen();
  });

  afterEach(async () => {
    await Promise.all(sessions.splice(0).map((session) => session.close()));
    docs.mode = 'serve';
  });

  afterAll(async () => {
    await fake.close();
    await docs.close();
    await rm(root, { recursive: true, force: true });
  });

  /** A server with its own overrides file (unless one is given), and a count of the list_changed it sent. */
  async function start(env: Record<string, string> = {}, args: string[] = []) {
    cacheDir ??= await mkdtemp(path.join(root, 'cache-'));
    const session = await connectStdio(
      {
        GHL_API_KEY: TOKEN,
        GHL_BASE_URL: baseUrl,
        GHL_DOCS_URL: docsUrl,
        GHL_OVERRIDES_FILE: path.join(cacheDir, 'overrides.json'),
        GHL_NO_OVERRIDES: 'false',
        GHL_SELF_UPDATE: 'auto',
        GHL_TOOLSETS: 'contacts',
        ...env,
      },
      args,
    );
    sessions.push(session);
    const listChanged: number[] = [];
    session.client.setNotificationHandler('notifications/tools/list_changed', () => void listChanged.push(Date.now()));
    const call = async (name: string, args: Record<string, unknown> = {}) => (await session.client.callTool({ name, arguments: args })) as Result;
    const text = async (name: string, args: Record<string, unknown> = {}) => (await call(name, args)).content.map((block) => block.text).join('\n');
    const listed = async () => (await session.client.listTools()).tools;
    return { session, call, text, listed, listChanged };
  }

  const freshCache = async () => {
    cacheDir = await mkdtemp(path.join(root, 'cache-'));
  };

  async function until(condition: () => boolean, what: string): Promise<void> {
    for (let waited = 0; !condition(); waited += 20) {
      if (waited > 5_000) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  it('lists ghl_self_update and reports every kind of drift of a module in plain words', async () => {
    await freshCache();
    const { text, listed } = await start();
    expect((await listed()).map((tool) => tool.name)).toContain('ghl_self_update');
    const report = await text('ghl_self_update', { module: 'contacts' });
    expect(report).toContain(`Compared with the live docs at ${docsUrl.replace(/\/$/, '')}: 1 module checked.`);
    expect(report).toContain(`- ${DRIFT.renamedQuery}: query parameter number is now phone (required)`);
    expect(report).toContain(`- ${DRIFT.movedPath}: moved: GET /contacts/{contactId}/tasks → GET /contacts/{contactId}/task-list`);
    expect(report).toContain(`- ${DRIFT.requiredField}: body field userId is now required`);
    expect(report).toMatch(new RegExp(`- ${DRIFT.changedEnum}: dndSettings\\.Call\\.status: values no longer allowed "permanent"`));
    expect(report).toContain(`- ${DRIFT.changedVersion}: Version header 2021-07-28 → 2021-04-15`);
    expect(report).toContain(`- ${DRIFT.changedScopes}: scopes contacts.readonly → contacts/notes.readonly`);
    expect(report).toContain(`- ${DRIFT.removed}: removed: the live docs no longer have DELETE /contacts/{contactId}/notes/{id} (delete-note)`);
    expect(report).toContain(`- new operation GET /contacts/{contactId}/activity (get-contact-activity): not in the catalog yet; apply adds it as ${DRIFT.added}`);
    expect(report).toContain('Next: ghl_self_update with action "apply"');
  });

  it('checks the whole catalog against a docs folder: the official documents match every tool', async () => {
    await freshCache();
    const { call } = await start({ GHL_DOCS_URL: DOCS_DIR });
    const result = await call('ghl_self_update', {});
    expect(result.content[0]!.text).toBe(`Compared with the live docs at ${DOCS_DIR}: 41 modules checked.\nEvery module matches the live docs.`);
    // The text is the whole answer: no structuredContent without an outputSchema.
    expect(result.structuredContent).toBeUndefined();
  });

  it('adds the drift and the next step to a failed call, which is otherwise GHL\'s answer as sent', async () => {
    await freshCache();
    const { call } = await start();
    const before = fake.requests.length;
    const result = await call(DRIFT.movedPath, { contactId: 'c1' });
    expect(fake.requests.length - before).toBe(1);
    expect(result.isError).toBe(true);
    expect(result.content[0]!.text).toMatch(/^Error: GHL answered 404: Cannot GET \/contacts\/c1\/tasks/);
    expect(result.content[1]!.text).toBe(
      `Live docs: ${DRIFT.movedPath} changed: moved: GET /contacts/{contactId}/tasks → GET /contacts/{contactId}/task-list. ` +
        `Next: ghl_self_update {"action": "apply", "tool": "${DRIFT.movedPath}"} re-registers it; then call it again.`,
    );
    expect(result.content).toHaveLength(2);
    expect(result.structuredContent).toBeUndefined();
  });

  it('applies: re-registers, adds and drops tools, sends list_changed, and the fixed tools reach the new contract', async () => {
    await freshCache();
    const { call, text, listed, listChanged } = await start();
    const report = await text('ghl_self_update', { module: 'contacts', action: 'apply' });
    expect(report).toContain(`Added as new tools: ${DRIFT.added}.`);
    expect(report).toContain(`Dropped (the live docs no longer have them): ${DRIFT.removed}.`);
    expect(report).toMatch(/Saved to .*overrides\.json; the next start uses them/);
    await until(() => listChanged.length > 0, 'notifications/tools/list_changed');

    const tools = await listed();
    const names = tools.map((tool) => tool.name);
    expect(names).toContain(DRIFT.added);
    expect(names).not.toContain(DRIFT.removed);
    const duplicate = tools.find((tool) => tool.name === DRIFT.renamedQuery)!;
    expect(Object.keys(duplicate.inputSchema.properties ?? {})).toEqual(['locationId', 'phone', 'email']);
    expect(tools.find((tool) => tool.name === DRIFT.requiredField)!.inputSchema.required).toContain('userId');

    const tasks = await call(DRIFT.movedPath, { contactId: 'c1' });
    expect(tasks.isError).toBeFalsy();
    expect(fake.requests.at(-1)!.path).toBe('/contacts/c1/task-list');
    await call(DRIFT.changedVersion, { contactId: 'c1' });
    expect(fake.requests.at(-1)!.headers.version).toBe('2021-04-15');
    const found = await call(DRIFT.renamedQuery, { locationId: 'loc1', phone: '+15550100' });
    expect(found.isError).toBeFalsy();
    expect(fake.requests.at(-1)!.query.get('phone')).toBe('+15550100');
    const stale = await call(DRIFT.renamedQuery, { locationId: 'loc1', number: '+15550100' });
    expect(stale.content[0]!.text).toMatch(/^Error: the call was not made: .*number/);
  });

  it('keeps the overrides across a restart, lists them, ignores them with --no-overrides and clears them on request', async () => {
    const { session, text, listed, listChanged } = await start();
    expect(session.client.getInstructions()).toMatch(/10 tool definitions come from the live GHL docs saved in .*overrides\.json/);
    expect((await listed()).map((tool) => tool.name)).toContain(DRIFT.added);
    const list = await text('ghl_self_update', { action: 'list' });
    expect(list).toMatch(new RegExp(`- ${DRIFT.added}: add GET /contacts/\\{contactId\\}/activity, docs sha256 [0-9a-f]{12}, applied .*, in force`));
    expect(list).toContain(`- ${DRIFT.removed}: remove, docs sha256`);

    const ignoring = await start({}, ['--no-overrides']);
    const bundled = (await ignoring.listed()).find((tool) => tool.name === DRIFT.renamedQuery)!;
    expect(Object.keys(bundled.inputSchema.properties ?? {})).toContain('number');

    const cleared = await text('ghl_self_update', { action: 'clear' });
    expect(cleared).toMatch(/^Cleared 10 override\(s\): .* use the bundled catalog again \(list_changed sent\)\. 10 saved override\(s\) removed from .*overrides\.json\.$/);
    await until(() => listChanged.length > 0, 'notifications/tools/list_changed');
    expect((await listed()).map((tool) => tool.name)).toContain(DRIFT.removed);
    expect(JSON.parse(await readFile(path.join(cacheDir, 'overrides.json'), 'utf8')).overrides).toEqual([]);

    const restarted = await start();
    expect(restarted.session.client.getInstructions()).not.toMatch(/live GHL docs saved/);
    expect((await restarted.listed()).map((tool) => tool.name)).not.toContain(DRIFT.added);
  });

  it('GHL_SELF_UPDATE=apply re-registers the failing tool and tells the agent to call it again', async () => {
    await freshCache();
    const { call, listChanged } = await start({ GHL_SELF_UPDATE: 'apply' });
    const failed = await call(DRIFT.renamedQuery, { locationId: 'loc1', number: '+15550100' });
    expect(failed.content[0]!.text).toMatch(/^Error: GHL answered 422: property number should not exist/);
    expect(failed.content[1]!.text).toMatch(/query parameter number is now phone \(required\)\. Re-registered contacts_get_duplicate_contact from the live docs: call it again/);
    await until(() => listChanged.length > 0, 'notifications/tools/list_changed');
    const retried = await call(DRIFT.renamedQuery, { locationId: 'loc1', phone: '+15550100' });
    expect(retried.isError).toBeFalsy();
  });

  it('never applies on its own in read-only mode, and names the writers an explicit apply cannot make reachable', async () => {
    await freshCache();
    const { call, text, listChanged } = await start({ GHL_SELF_UPDATE: 'apply', GHL_READ_ONLY: 'true' });
    const failed = await call(DRIFT.movedPath, { contactId: 'c1' });
    expect(failed.content[1]!.text).toContain('Not applied automatically: this server is read-only.');
    expect(listChanged).toEqual([]);
    const report = await text('ghl_self_update', { module: 'contacts', action: 'apply' });
    expect(report).toMatch(/This server is read-only: .*contacts_create_note.* write and stay unreachable\./);
  });

  it('keeps a removed tool the user selected by name, and says so', async () => {
    await freshCache();
    const { text, listed } = await start({ GHL_TOOLSETS: 'discovery', GHL_TOOLS: DRIFT.removed });
    const report = await text('ghl_self_update', { module: 'contacts', action: 'apply' });
    expect(report).toContain(`Kept ${DRIFT.removed}: you selected it by name (--tools), but the live docs no longer have it`);
    expect((await listed()).map((tool) => tool.name)).toContain(DRIFT.removed);
  });

  it.each(['unreachable', 'malformed', 'huge'] as const)('reports %s docs plainly, and the call and the server carry on', async (problem) => {
    await freshCache();
    const closed = await closedPort();
    const env: Record<string, string> = problem === 'unreachable' ? { GHL_DOCS_URL: `http://127.0.0.1:${closed}/apps/` } : {};
    if (problem !== 'unreachable') docs.mode = problem;
    const { call, text } = await start(env);
    const failed = await call(DRIFT.movedPath, { contactId: 'c1' });
    expect(failed.content[0]!.text).toMatch(/^Error: GHL answered 404/);
    const reason = { unreachable: new RegExp(`could not reach http://127\\.0\\.0\\.1:${closed}/apps/contacts\\.json \\(ECONNREFUSED\\)`), malformed: /contacts\.json is not JSON/, huge: /is larger than 8388608 bytes/ }[problem];
    expect(failed.content[1]!.text).toMatch(new RegExp(`^Live docs: could not check ${DRIFT.movedPath}: .*${reason.source}`));
    expect(await text('ghl_self_update', { module: 'contacts' })).toMatch(new RegExp(`contacts: could not read the live docs: .*${reason.source}`));
    const working = await call(DRIFT.changedVersion, { contactId: 'c1' });
    expect(working.content[0]!.text).toMatch(/^Error: GHL answered 404/);
  });
});
