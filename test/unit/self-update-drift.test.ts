import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Catalog } from '../../src/catalog/catalog.js';
import type { ToolEntry } from '../../src/catalog/types.js';
import { compareModule, compareTool, type ModuleDrift } from '../../src/self-update/drift.js';
import { LiveDocs } from '../../src/self-update/live-docs.js';
import { schemaChanges } from '../../src/self-update/schema-diff.js';
import { MODULES } from '../../tools/index.js';
import { OVERLAYS } from '../../tools/overlays/index.js';
import { CHANGED_ENUM_TOOLS, DRIFT, writeDocsFolder } from '../helpers/drifted-docs.js';
import { DOCS_DIR, sharedMissing } from '../helpers/shared.js';

const catalog = new Catalog(MODULES, OVERLAYS);
const registered = (module: string) => catalog.tools().filter((tool) => tool.module === module);

describe.skipIf(sharedMissing())('drift between the catalog and the documents', () => {
  let root: string;
  let drift: ModuleDrift;
  const changesOf = (tool: string) => drift.changed.find((item) => item.tool.name === tool)?.changes ?? [];

  beforeAll(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'ghl-drift-'));
    const { apps } = await writeDocsFolder(root);
    const live = await new LiveDocs({ source: apps }).module('contacts');
    drift = compareModule(registered('contacts'), live.module);
  });

  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('finds no drift in any of the 41 modules when the documents are the ones the catalog was generated from', async () => {
    const docs = new LiveDocs({ source: DOCS_DIR });
    const drifts = await Promise.all(MODULES.map(async (module) => compareModule(registered(module.module), (await docs.module(module.source)).module)));
    expect(drifts).toHaveLength(41);
    for (const found of drifts) expect({ module: found.module, changed: found.changed.length, removed: found.removed.length, added: found.added.length }).toEqual({ module: found.module, changed: 0, removed: 0, added: 0 });
  });

  it('reports a renamed query parameter as a rename', () => {
    expect(changesOf(DRIFT.renamedQuery)).toEqual([{ kind: 'arg-renamed', text: 'query parameter number is now phone (required)' }]);
  });

  it('reports a moved path, matched by operationId', () => {
    expect(changesOf(DRIFT.movedPath)).toEqual([{ kind: 'moved', text: 'moved: GET /contacts/{contactId}/tasks → GET /contacts/{contactId}/task-list' }]);
  });

  it('reports a newly required body field', () => {
    expect(changesOf(DRIFT.requiredField)).toEqual([{ kind: 'arg-required', text: 'body field userId is now required' }]);
  });

  it('reports a changed enum with the path of the nested field, for every tool whose body uses it', () => {
    for (const tool of CHANGED_ENUM_TOOLS) {
      const texts = changesOf(tool).map((change) => change.text);
      expect(texts).toContain('dndSettings.Call.status: values no longer allowed "permanent"');
      expect(texts).toContain('dndSettings.SMS.status: values no longer allowed "permanent"');
      expect(changesOf(tool).every((change) => change.kind === 'arg-schema')).toBe(true);
    }
  });

  it('reports a removed operation and a new one', () => {
    expect(drift.removed.map((tool) => tool.name)).toEqual([DRIFT.removed]);
    expect(drift.added.map((entry) => [entry.name, entry.method, entry.path, entry.version])).toEqual([[DRIFT.added, 'GET', '/contacts/{contactId}/activity', '2021-07-28']]);
  });

  it('reports a changed Version and changed scopes', () => {
    expect(changesOf(DRIFT.changedVersion)).toEqual([{ kind: 'version', text: 'Version header 2021-07-28 → 2021-04-15' }]);
    expect(changesOf(DRIFT.changedScopes)).toEqual([{ kind: 'scopes', text: 'scopes contacts.readonly → contacts/notes.readonly' }]);
  });

  it('reports nothing else: every other contacts tool is unchanged', () => {
    const expected = [DRIFT.renamedQuery, DRIFT.movedPath, DRIFT.requiredField, ...CHANGED_ENUM_TOOLS, DRIFT.changedVersion, DRIFT.changedScopes];
    expect(drift.changed.map((item) => item.tool.name).sort()).toEqual(expected.sort());
  });
});

describe('comparing two entries', () => {
  const base: ToolEntry = {
    name: 'demo_list_things',
    operationId: 'list-things',
    method: 'GET',
    path: '/things/{thingId}',
    version: '2021-07-28',
    summary: 'List Things',
    scopes: ['things.readonly'],
    tokens: ['location'],
    args: [
      { name: 'thingId', in: 'path', required: true, schema: { type: 'string' } },
      { name: 'limit', in: 'query', schema: { type: 'string' } },
      { name: 'sort', in: 'query', schema: { type: 'string', enum: ['asc', 'desc'] } },
    ],
  };
  const texts = (live: Partial<ToolEntry>) => compareTool(base, { ...base, ...live }).map((change) => change.text);

  it('says nothing for an identical entry, and ignores a reworded summary', () => {
    expect(compareTool(base, { ...base, summary: 'List all the things' })).toEqual([]);
  });

  it('names a type change, an enum change, a new required argument and a removed one', () => {
    const args = [
      base.args[0]!,
      { name: 'limit', in: 'query' as const, schema: { type: 'integer' } },
      { name: 'sort', in: 'query' as const, schema: { type: 'string', enum: ['asc', 'desc', 'relevance'] } },
      { name: 'locationId', in: 'query' as const, required: true as const, schema: { type: 'string' } },
    ];
    expect(texts({ args })).toEqual(['new required query parameter locationId', 'limit: type string → integer', 'sort: new values "relevance"']);
    expect(texts({ args: [base.args[0]!] })).toEqual(['query parameter limit removed', 'query parameter sort removed']);
  });

  it('names a parameter that moved from the query to the body, the token types and the body', () => {
    const args = [base.args[0]!, { ...base.args[1]!, in: 'body' as const }, base.args[2]!];
    expect(texts({ args })).toContain('limit moved from the query to the body');
    expect(texts({ tokens: ['agency'], oauthOnly: true })).toEqual(['token types location → agency (OAuth only)']);
    expect(texts({ body: { encoding: 'json', required: true } })).toEqual(['request body none → json, required']);
    expect(texts({ version: undefined, deprecated: true })).toEqual(['Version header 2021-07-28 → none', 'now deprecated']);
  });

  it('matches a renamed operationId by method and path, and a moved path by operationId', () => {
    const args = [{ name: 'id', in: 'path' as const, required: true as const, schema: { type: 'string' } }, ...base.args.slice(1)];
    const module = { module: 'demo', source: 'demo', title: 'Demo', tools: [{ ...base, operationId: 'get-things', name: 'demo_get_things', path: '/things/{id}', args }] };
    const tool = new Catalog([{ ...module, tools: [base] }]).tools();
    const drift = compareModule(tool, module);
    expect(drift.removed).toEqual([]);
    expect(drift.added).toEqual([]);
    expect(drift.changed[0]!.changes.map((change) => change.text)).toEqual([
      'moved: GET /things/{thingId} → GET /things/{id}',
      'operationId list-things → get-things',
      'path parameter thingId is now id (required)',
    ]);
  });
});

describe('schema differences', () => {
  it('follows nested objects and arrays and names each field', () => {
    const before = { type: 'object', properties: { items: { type: 'array', items: { type: 'object', properties: { sku: { type: 'string' }, qty: { type: 'number' } }, required: ['sku'] } } } };
    const after = { type: 'object', properties: { items: { type: 'array', items: { type: 'object', properties: { sku: { type: 'string', maxLength: 20 }, price: { type: 'number' } }, required: ['sku', 'price'] } } } };
    expect(schemaChanges('order', before, after)).toEqual([
      'order.items[].qty removed',
      'order.items[].sku: maxLength none → 20',
      'order.items[].price added (required)',
    ]);
  });

  it('says when an enum appears or disappears, and when a field becomes optional', () => {
    expect(schemaChanges('status', { type: 'string' }, { type: 'string', enum: ['open', 'won'] })).toEqual(['status: now one of "open", "won"']);
    expect(schemaChanges('status', { type: 'string', enum: ['open'] }, { type: 'string' })).toEqual(['status: any value is now allowed (was one of "open")']);
    expect(schemaChanges('x', { type: 'object', properties: { a: {} }, required: ['a'] }, { type: 'object', properties: { a: {} } })).toEqual(['x.a is no longer required']);
  });
});
