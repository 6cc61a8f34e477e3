import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Catalog } from '../../src/catalog/catalog.js';
import type { CatalogModule } from '../../src/catalog/types.js';
import { createLogger } from '../../src/logger.js';
import { errorResult } from '../../src/results.js';
import { LiveDocs } from '../../src/self-update/live-docs.js';
import type { SelfUpdateMode } from '../../src/self-update/mode.js';
import { FailureCheck } from '../../src/self-update/on-failure.js';
import { OverrideStore } from '../../src/self-update/overrides.js';
import { Updater } from '../../src/self-update/updater.js';
import { MODULES } from '../../tools/index.js';
import { OVERLAYS } from '../../tools/overlays/index.js';
import { DocsServer } from '../helpers/docs-server.js';
import { CHANGED_ENUM_TOOLS, DRIFT, writeDocsFolder } from '../helpers/drifted-docs.js';
import { DOCS_DIR, sharedMissing } from '../helpers/shared.js';

const logger = createLogger('silent');
const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name);

describe.skipIf(sharedMissing())('re-registering tools from the live docs', () => {
  let root: string;
  let apps: string;
  let file: string;

  /** A fresh catalog and updater, as one server start would have them. */
  function start(options: { persist?: boolean; explicit?: string[]; source?: string } = {}) {
    const catalog = new Catalog(MODULES, OVERLAYS);
    let changes = 0;
    catalog.onChange(() => changes++);
    const updater = new Updater(catalog, MODULES, OVERLAYS, {
      docs: new LiveDocs({ source: options.source ?? apps }),
      store: new OverrideStore(file),
      persist: options.persist ?? true,
      logger,
    });
    const notices = updater.loadSaved(options.explicit ?? []);
    return { catalog, updater, notices, changes: () => changes };
  }

  beforeAll(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'ghl-apply-'));
    ({ apps } = await writeDocsFolder(path.join(root, 'docs')));
    file = path.join(root, 'cache/ghl-mcp/overrides.json');
  });

  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('applies a module: changed tools replaced, the new operation added, the removed one dropped, in one catalog change', async () => {
    const { catalog, updater, changes } = start();
    const revision = catalog.revision;
    const outcome = await updater.apply(await updater.check({ module: 'contacts' }), []);
    expect(outcome.replaced.sort()).toEqual([DRIFT.renamedQuery, DRIFT.movedPath, DRIFT.requiredField, ...CHANGED_ENUM_TOOLS, DRIFT.changedVersion, DRIFT.changedScopes].sort());
    expect(outcome.added).toEqual([DRIFT.added]);
    expect(outcome.removed).toEqual([DRIFT.removed]);
    expect(outcome.saved).toEqual({ file });
    expect(changes()).toBe(1);
    expect(catalog.revision).toBe(revision + 1);

    expect(catalog.get(DRIFT.removed)).toBeUndefined();
    expect(catalog.get(DRIFT.added)!.entry.path).toBe('/contacts/{contactId}/activity');
    expect(catalog.get(DRIFT.movedPath)!.entry.path).toBe('/contacts/{contactId}/task-list');
    expect(catalog.get(DRIFT.changedVersion)!.entry.version).toBe('2021-04-15');
    const duplicate = catalog.get(DRIFT.renamedQuery)!;
    expect(duplicate.zod().safeParse({ locationId: 'loc', phone: '+1555' }).success).toBe(true);
    expect(duplicate.zod().safeParse({ locationId: 'loc', number: '+1555' }).success).toBe(false);
    expect(catalog.get(DRIFT.requiredField)!.zod().safeParse({ contactId: 'c1', body: 'hello' }).success).toBe(false);
    const dnd = { dndSettings: { Call: { status: 'permanent' } } };
    expect(catalog.get(DRIFT.changedEnum)!.zod().safeParse({ locationId: 'loc', ...dnd }).success).toBe(false);

    const again = await updater.check({ module: 'contacts' });
    expect(again[0]!.drift).toMatchObject({ changed: [], removed: [], added: [] });

    const saved = JSON.parse(await readFile(file, 'utf8'));
    expect(saved.format).toBe(1);
    expect(saved.overrides).toHaveLength(outcome.replaced.length + 2);
    expect(saved.overrides.every((override: { fingerprint: string }) => /^[0-9a-f]{64}$/.test(override.fingerprint))).toBe(true);
  });

  it('uses the saved overrides at the next start, says so, and keeps listed names, overlays and annotations', async () => {
    const { catalog, notices, updater } = start();
    expect(notices[0]).toMatch(/^10 tool definitions come from the live GHL docs saved in .*overrides\.json/);
    expect(catalog.get(DRIFT.added)).toBeDefined();
    expect(catalog.get(DRIFT.removed)).toBeUndefined();
    expect(catalog.get(DRIFT.renamedQuery)!.arg('phone')).toBeDefined();
    expect(updater.list().active).toHaveLength(10);
    // Overlays stay on re-registered tools (here: membership of the default toolset).
    expect(catalog.get(DRIFT.changedVersion)!.overlay).toEqual(OVERLAYS[DRIFT.changedVersion]);
  });

  it('keeps a removed tool the user selected by name, and says so', async () => {
    const { catalog, notices } = start({ explicit: [DRIFT.removed] });
    expect(catalog.get(DRIFT.removed)).toBeDefined();
    expect(notices).toContain(`${DRIFT.removed} is kept because you selected it by name, but the live docs no longer have this operation.`);
  });

  it('ignores saved overrides with --no-overrides, and then saves nothing new', async () => {
    const { catalog, notices, updater } = start({ persist: false });
    expect(notices).toEqual([]);
    expect(catalog.get(DRIFT.renamedQuery)!.arg('number')).toBeDefined();
    const before = await readFile(file, 'utf8');
    const outcome = await updater.apply(await updater.check({ tool: DRIFT.renamedQuery }), []);
    expect(outcome.replaced).toEqual([DRIFT.renamedQuery]);
    expect(outcome.saved).toEqual({ reason: 'not saved (--no-overrides): they last until the server stops' });
    expect(await readFile(file, 'utf8')).toBe(before);
  });

  it('clears one tool, then everything, putting the bundled tools back', async () => {
    const { catalog, updater } = start();
    const one = await updater.clear({ tool: DRIFT.renamedQuery });
    expect(one.cleared).toEqual([DRIFT.renamedQuery]);
    expect(catalog.get(DRIFT.renamedQuery)!.arg('number')).toBeDefined();
    expect(JSON.parse(await readFile(file, 'utf8')).overrides).toHaveLength(9);
    const all = await updater.clear({});
    expect(all.cleared).toHaveLength(9);
    expect(catalog.get(DRIFT.removed)).toBeDefined();
    expect(catalog.get(DRIFT.added)).toBeUndefined();
    expect(catalog.tools()).toHaveLength(576);
    expect(JSON.parse(await readFile(file, 'utf8')).overrides).toEqual([]);
    expect(start().notices).toEqual([]);
  });

  it('drops a saved override when the bundled tool changed since (an upgraded catalog)', async () => {
    const { updater } = start();
    await updater.apply(await updater.check({ tool: DRIFT.changedVersion }), []);
    const saved = JSON.parse(await readFile(file, 'utf8'));
    saved.overrides[0].replaces = 'f'.repeat(64);
    await writeFile(file, JSON.stringify(saved));
    const next = start();
    expect(next.catalog.get(DRIFT.changedVersion)!.entry.version).toBe('2021-07-28');
    expect(next.notices).toEqual(['1 saved tool overrides no longer match the bundled catalog and were ignored.']);
    await next.updater.clear({});
  });

  it('reports an unreadable overrides file and starts with the bundled catalog', async () => {
    await writeFile(file, '{ not json');
    const { catalog, notices } = start();
    expect(notices[0]).toMatch(/^Saved tool overrides ignored: .*overrides\.json is not JSON/);
    expect(catalog.tools()).toHaveLength(576);
    await rm(file);
  });

  it('goes back to the bundled tools when the live docs do, restoring a dropped operation and dropping an added one', async () => {
    const dir = await mkdtemp(path.join(root, 'moving-'));
    const { apps: moving } = await writeDocsFolder(dir);
    const catalog = new Catalog(MODULES, OVERLAYS);
    const store = new OverrideStore(path.join(dir, 'overrides.json'));
    const updater = new Updater(catalog, MODULES, OVERLAYS, { docs: new LiveDocs({ source: moving, ttlMs: 0 }), store, persist: true, logger });
    await updater.apply(await updater.check({ module: 'contacts' }), []);
    expect(store.loadSync()).toHaveLength(10);

    await copyFile(path.join(DOCS_DIR, 'contacts.json'), path.join(moving, 'contacts.json'));
    const back = await updater.apply(await updater.check({ module: 'contacts' }), []);
    expect(back.removed).toEqual([DRIFT.added]);
    expect(back.added).toEqual([DRIFT.removed]);
    expect(back.replaced).toHaveLength(8);
    expect(store.loadSync()).toEqual([]);
    expect(updater.list().active).toEqual([]);
    const bundled = new Catalog(MODULES, OVERLAYS);
    expect(catalog.tools().map((tool) => tool.entry).sort(byName)).toEqual(bundled.tools().map((tool) => tool.entry).sort(byName));
  });

  it('drops a read-only overlay when the live docs change the method', async () => {
    const module: CatalogModule = {
      module: 'demo',
      source: 'demo',
      title: 'Demo',
      tools: [{ name: 'demo_search', operationId: 'search', method: 'POST', path: '/search', summary: 'Search', args: [] }],
    };
    const overlays = { demo_search: { readOnly: true as const } };
    const catalog = new Catalog([module], overlays);
    const updater = new Updater(catalog, [module], overlays, { docs: new LiveDocs({ source: apps }), store: new OverrideStore(file), persist: false, logger });
    const tool = catalog.get('demo_search')!;
    expect(tool.readOnly).toBe(true);
    const live = { ...tool.entry, method: 'DELETE' as const };
    const drifted = { module: 'demo', changed: [{ tool, live, changes: [{ kind: 'moved' as const, text: 'moved' }] }], removed: [], added: [] };
    await updater.apply([{ module: 'demo', live: { module, url: 'x', fingerprint: 'f', fetchedAt: '' }, drift: drifted }], []);
    expect(catalog.get('demo_search')!.readOnly).toBe(false);
  });
});

describe.skipIf(sharedMissing())('a failed call checks the live docs', () => {
  let root: string;
  let server: DocsServer;
  let url: string;

  beforeAll(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'ghl-failure-'));
    await writeDocsFolder(root);
    server = new DocsServer(root);
    url = await server.listen();
  });

  afterAll(async () => {
    await server.close();
    await rm(root, { recursive: true, force: true });
  });

  function failures(mode: SelfUpdateMode, options: { readOnly?: boolean; budgetMs?: number } = {}) {
    const catalog = new Catalog(MODULES, OVERLAYS);
    const updater = new Updater(catalog, MODULES, OVERLAYS, { docs: new LiveDocs({ source: url }), store: new OverrideStore(path.join(root, 'o.json')), persist: false, logger });
    return { catalog, check: new FailureCheck(updater, { mode, readOnly: options.readOnly ?? false, explicitTools: [], budgetMs: options.budgetMs, logger }) };
  }
  const ghlError = (status: number, message = 'Bad Request') => errorResult({ status, message, hint: 'GHL hint.' });
  const texts = (result: { content: { text: string }[] }) => result.content.map((block) => block.text);

  it('adds the drift and the next step to a 422, keeping GHL\'s error first (auto)', async () => {
    const { catalog, check } = failures('auto');
    const result = await check.enrich(catalog.get(DRIFT.renamedQuery)!, ghlError(422), 422);
    expect(result.isError).toBe(true);
    expect(texts(result)[0]).toMatch(/^Error: GHL answered 422: Bad Request/);
    expect(texts(result)[1]).toBe(
      `Live docs: ${DRIFT.renamedQuery} changed: query parameter number is now phone (required). Next: ghl_self_update {"action": "apply", "tool": "${DRIFT.renamedQuery}"} re-registers it; then call it again.`,
    );
    expect(result.details).toMatchObject({ error: { status: 422 }, liveDocs: { status: 'drift', changes: ['query parameter number is now phone (required)'] } });
    expect(catalog.get(DRIFT.renamedQuery)!.arg('number')).toBeDefined();
  });

  it('re-registers the tool and says to call it again (apply)', async () => {
    const { catalog, check } = failures('apply');
    let changes = 0;
    catalog.onChange(() => changes++);
    const result = await check.enrich(catalog.get(DRIFT.movedPath)!, ghlError(404, 'Not Found'), 404);
    expect(texts(result)[1]).toMatch(/moved: GET \/contacts\/\{contactId\}\/tasks → GET \/contacts\/\{contactId\}\/task-list\. Re-registered contacts_get_all_tasks from the live docs \(override not saved/);
    expect(catalog.get(DRIFT.movedPath)!.entry.path).toBe('/contacts/{contactId}/task-list');
    expect(changes).toBe(1);
  });

  it('never re-registers on its own in read-only mode, and says so', async () => {
    const { catalog, check } = failures('apply', { readOnly: true });
    const result = await check.enrich(catalog.get(DRIFT.changedVersion)!, ghlError(400), 400);
    expect(texts(result)[1]).toMatch(/Version header 2021-07-28 → 2021-04-15\. Not applied automatically: this server is read-only\. Next: ghl_self_update/);
    expect(catalog.get(DRIFT.changedVersion)!.entry.version).toBe('2021-07-28');
  });

  it('says when the definition is current, or the operation is gone', async () => {
    const { catalog, check } = failures('auto');
    const current = await check.enrich(catalog.get('contacts_delete_contact')!, ghlError(404), 404);
    expect(texts(current)[1]).toMatch(/matches the live docs, so its definition is current; check the values and IDs sent\.$/);
    const gone = await check.enrich(catalog.get(DRIFT.removed)!, ghlError(404), 404);
    expect(texts(gone)[1]).toMatch(/no longer has DELETE \/contacts\/\{contactId\}\/notes\/\{id\} \(delete-note\): the operation was removed, or moved under another operationId/);
    expect(gone.details).toMatchObject({ liveDocs: { status: 'removed' } });
  });

  it('checks a 401 only when it names a scope, and nothing for other statuses or when off', async () => {
    const { catalog, check } = failures('auto');
    const note = catalog.get(DRIFT.changedScopes)!;
    expect(texts(await check.enrich(note, ghlError(401, 'The token is not authorized for this scope'), 401))[1]).toMatch(/scopes contacts\.readonly → contacts\/notes\.readonly/);
    for (const [status, message] of [[401, 'Invalid JWT'], [403, 'Forbidden'], [429, 'Too many'], [500, 'Oops']] as const) {
      expect(texts(await check.enrich(note, ghlError(status, message), status))).toHaveLength(1);
    }
    const off = failures('off');
    expect(texts(await off.check.enrich(off.catalog.get(DRIFT.changedScopes)!, ghlError(422), 422))).toHaveLength(1);
  });

  it('reports docs that are malformed, huge or too slow plainly, and leaves the error as GHL sent it', async () => {
    try {
      server.mode = 'malformed';
      const malformed = failures('apply');
      const result = await malformed.check.enrich(malformed.catalog.get(DRIFT.renamedQuery)!, ghlError(422), 422);
      expect(texts(result)[0]).toMatch(/^Error: GHL answered 422/);
      expect(texts(result)[1]).toMatch(/^Live docs: could not check contacts_get_duplicate_contact: http:.* is not JSON .*The error above is GHL's answer as sent\.$/);
      expect(malformed.catalog.get(DRIFT.renamedQuery)!.arg('number')).toBeDefined();

      server.mode = 'hang';
      const slow = failures('auto', { budgetMs: 200 });
      const late = await slow.check.enrich(slow.catalog.get(DRIFT.renamedQuery)!, ghlError(422), 422);
      expect(texts(late)[1]).toBe(`Live docs: no answer within 200 ms; ghl_self_update {"tool": "${DRIFT.renamedQuery}"} checks again.`);
    } finally {
      server.mode = 'serve';
    }
  });
});
