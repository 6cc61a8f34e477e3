import { spawnSync } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { convertDocumentSet } from '../../src/catalog/convert.js';
import { type DocumentSet, loadDocumentSet } from '../../src/catalog/documents.js';
import { renderModule } from '../../src/catalog/render.js';
import { SchemaCompactor } from '../../src/catalog/schema.js';
import type { CatalogModule, ToolEntry } from '../../src/catalog/types.js';
import { MODULE_SOURCES, MODULES } from '../../tools/index.js';
import { ROOT } from '../helpers/mcp.js';
import { DOCS_DIR, sharedMissing } from '../helpers/shared.js';

describe.skipIf(sharedMissing())('catalog generated from the official documents', () => {
  let docs: DocumentSet;
  let modules: CatalogModule[];
  let tools: ToolEntry[];
  const warnings: string[] = [];
  const byRoute = (method: string, path: string) => tools.find((tool) => tool.method === method && tool.path === path)!;

  beforeAll(async () => {
    docs = await loadDocumentSet(DOCS_DIR);
    modules = convertDocumentSet(docs, (message) => warnings.push(message));
    tools = modules.flatMap((module) => module.tools);
  });

  it('has one tool per operation: 576, in 41 modules', () => {
    let operations = 0;
    for (const doc of docs.modules.values()) {
      for (const item of Object.values(doc.paths)) operations += Object.keys(item).filter((key) => key !== 'parameters').length;
    }
    expect(operations).toBe(576);
    expect(modules).toHaveLength(41);
    expect(tools).toHaveLength(576);
  });

  it('matches the committed tools/ exactly (the generator is deterministic)', () => {
    expect(JSON.parse(JSON.stringify(MODULES))).toEqual(JSON.parse(JSON.stringify(modules)));
    const again = convertDocumentSet(docs);
    expect(again.map(renderModule)).toEqual(modules.map(renderModule));
  });

  it('names every tool uniquely in snake_case within 64 characters, even for operationIds reused across modules', () => {
    const names = tools.map((tool) => tool.name);
    expect(new Set(names).size).toBe(576);
    for (const name of names) {
      expect(name).toMatch(/^[a-z0-9]+(_[a-z0-9]+)*$/);
      expect(name.length).toBeLessThanOrEqual(64);
    }
    expect(byRoute('POST', '/associations/').name).toBe('associations_create_association');
    expect(byRoute('POST', '/contacts/bulk/tags/update/{type}').name).toBe('contacts_create_association');
    expect(byRoute('GET', '/contacts/{contactId}').name).toBe('contacts_get_contact');
    expect(byRoute('POST', '/payments/integrations/provider/whitelabel').name).toBe('payments_create_integration_provider');
  });

  it('inlines every $ref, single-$ref allOf wrapper and common-schema reference', () => {
    const text = JSON.stringify(tools);
    expect(text).not.toContain('$ref');
    expect(text).not.toContain('"allOf"');
    expect(text).not.toContain('"oneOf"');
    expect(warnings).toEqual([]);
  });

  it('turns oneOf/anyOf into anyOf', () => {
    const contact = byRoute('POST', '/contacts/');
    const customFields = contact.args.find((arg) => arg.name === 'customFields')!;
    expect((customFields.schema.items as { anyOf: unknown[] }).anyOf.length).toBeGreaterThan(1);
  });

  it('declares the 11 path parameters the documents forgot, as required arguments', () => {
    const undeclared: [string, string, string][] = [
      ['POST', '/ad-publishing/linkedin/{accountId}/form', 'accountId'],
      ['PUT', '/blogs/posts/{postId}', 'postId'],
      ['PUT', '/calendars/appointments/{appointmentId}/notes/{noteId}', 'noteId'],
      ['DELETE', '/calendars/appointments/{appointmentId}/notes/{noteId}', 'noteId'],
      ['POST', '/contacts/bulk/tags/update/{type}', 'type'],
      ['GET', '/conversations/messages/email/{id}', 'id'],
      ['GET', '/conversations/messages/{id}', 'id'],
      ['GET', '/locations/{locationId}/timezones', 'locationId'],
      ['POST', '/social-media-posting/{locationId}/posts/bulk-delete', 'locationId'],
      ['PUT', '/users/{userId}', 'userId'],
      ['DELETE', '/users/{userId}', 'userId'],
    ];
    for (const [method, path, name] of undeclared) {
      const arg = byRoute(method, path).args.find((candidate) => candidate.name === name && candidate.in === 'path');
      expect(arg, `${method} ${path} ${name}`).toMatchObject({ required: true });
    }
    for (const tool of tools) {
      for (const match of tool.path.matchAll(/\{([^}]+)\}/g)) {
        expect(tool.args.some((arg) => arg.in === 'path' && arg.name === match[1] && arg.required)).toBe(true);
      }
    }
  });

  it('keeps request bodies on DELETE operations', () => {
    const deletes = tools.filter((tool) => tool.method === 'DELETE' && tool.body);
    expect(deletes).toHaveLength(17);
    expect(byRoute('DELETE', '/contacts/{contactId}/tags').args.map((arg) => arg.name)).toContain('tags');
  });

  it('knows the body encodings: 5 multipart uploads, 2 form-encoded OAuth calls', () => {
    expect(tools.filter((tool) => tool.body?.encoding === 'multipart')).toHaveLength(5);
    expect(tools.filter((tool) => tool.body?.encoding === 'form').map((tool) => tool.path).sort()).toEqual([
      '/oauth/locationToken',
      '/oauth/token',
    ]);
    const upload = byRoute('POST', '/medias/upload-file');
    expect(upload.args.find((arg) => arg.name === 'file')!.schema).toMatchObject({ contentEncoding: 'base64' });
  });

  it('records the Version each operation declares: 408 × 2021-07-28, 139 × 2021-04-15, 29 none', () => {
    const count = (version: string | undefined) => tools.filter((tool) => tool.version === version).length;
    expect(count('2021-07-28')).toBe(408);
    expect(count('2021-04-15')).toBe(139);
    expect(count(undefined)).toBe(29);
    expect(byRoute('GET', '/links/search').version).toBe('2021-04-15');
    const managedHeader = (name: string) => ['version', 'authorization'].includes(name.toLowerCase());
    expect(tools.some((tool) => tool.args.some((arg) => arg.in !== 'body' && managedHeader(arg.name)))).toBe(false);
  });

  it('renames a body field that collides with a query parameter, and says where it goes', () => {
    const segments = byRoute('PUT', '/ad-publishing/google/segments');
    expect(segments.args.find((arg) => arg.name === 'type')).toMatchObject({ in: 'query' });
    expect(segments.args.find((arg) => arg.name === 'body_type')).toMatchObject({ in: 'body', wire: 'type' });
  });

  it('takes scopes and token kinds from the security requirements', () => {
    expect(byRoute('GET', '/contacts/{contactId}')).toMatchObject({ scopes: ['contacts.readonly'], tokens: ['location'] });
    expect(byRoute('POST', '/oauth/locationToken')).toMatchObject({ tokens: ['agency'], oauthOnly: true });
  });

  it('detects paging styles', () => {
    expect(byRoute('GET', '/invoices/').paging).toBe('limit-offset');
    expect(byRoute('GET', '/opportunities/search').paging).toBe('start-after');
    expect(byRoute('GET', '/conversations/{conversationId}/messages').paging).toBe('last-id');
    expect(byRoute('GET', '/conversations/messages/export').paging).toBe('cursor');
    expect(byRoute('POST', '/locations/{locationId}/tasks/search').paging).toBe('body-skip-limit');
  });

  it('reads the same documents from a base URL (how the live docs are fetched)', async () => {
    const root = path.dirname(DOCS_DIR);
    const server = createServer((req, res) => {
      readFile(path.join(root, path.normalize(decodeURIComponent(req.url ?? '/')).replace(/^(\.\.[/\\])+/, '')))
        .then((data) => res.end(data))
        .catch(() => res.writeHead(404).end());
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const remote = await loadDocumentSet(`http://127.0.0.1:${port}/apps/`, [...MODULE_SOURCES]);
      expect(convertDocumentSet(remote).map(renderModule)).toEqual(modules.map(renderModule));
    } finally {
      server.close();
    }
  });

  it('generate --check passes on the documents and fails, naming the module, when a document changes', async () => {
    const check = (docs: string) =>
      spawnSync(process.execPath, ['--import', 'tsx', 'scripts/generate.ts', '--check', '--docs', docs], { cwd: ROOT, encoding: 'utf8' });
    const root = await mkdtemp(path.join(tmpdir(), 'ghl-docs-'));
    try {
      await cp(path.dirname(DOCS_DIR), root, { recursive: true });
      const apps = path.join(root, 'apps');
      expect(check(apps).status).toBe(0);
      const workflows = JSON.parse(await readFile(path.join(apps, 'workflows.json'), 'utf8'));
      workflows.paths['/workflows/'].get.summary = 'List every workflow';
      await writeFile(path.join(apps, 'workflows.json'), JSON.stringify(workflows));
      const stale = check(apps);
      expect(stale.status).toBe(1);
      expect(stale.stderr).toContain('workflows.ts');
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  it('resolves the dangling local $refs of links.json against the common schemas', () => {
    const links = docs.modules.get('links')!;
    const warned: string[] = [];
    const compactor = new SchemaCompactor(docs, (message) => warned.push(message));
    const schema = compactor.compact({ $ref: '#/components/schemas/BadRequestDTO' }, links);
    expect(schema).toMatchObject({ type: 'object', properties: { statusCode: { type: 'number' }, message: { type: 'string' } } });
    expect(warned).toEqual([]);
  });
});
