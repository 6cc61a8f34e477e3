import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LiveDocs } from '../../src/self-update/live-docs.js';
import { closedPort, DocsServer } from '../helpers/docs-server.js';
import { writeDocsFolder } from '../helpers/drifted-docs.js';
import { sharedMissing } from '../helpers/shared.js';

describe.skipIf(sharedMissing())('live docs over HTTP', () => {
  let root: string;
  let server: DocsServer;
  let url: string;

  beforeAll(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'ghl-live-docs-'));
    await writeDocsFolder(root, ['calendars']);
    server = new DocsServer(root);
    url = await server.listen();
  });

  afterEach(() => {
    server.mode = 'serve';
    server.requests.length = 0;
  });

  afterAll(async () => {
    await server.close();
    await rm(root, { recursive: true, force: true });
  });

  it('converts a module with the generator code, fingerprints it, and reads common schemas from ../common', async () => {
    const live = await new LiveDocs({ source: url }).module('contacts');
    expect(live.url).toBe(`${url}contacts.json`);
    expect(live.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(live.module.module).toBe('contacts');
    expect(live.module.tools.some((tool) => tool.name === 'contacts_get_contact_activity')).toBe(true);
    expect(server.requests.sort()).toEqual(['/apps/contacts.json', '/common/common-schemas.json']);
  });

  it('reuses a fetched document until the TTL passes, and fetches once for concurrent asks', async () => {
    let now = 1_000_000;
    const docs = new LiveDocs({ source: url, ttlMs: 60_000, now: () => now });
    const [first, second] = await Promise.all([docs.module('calendars'), docs.module('calendars')]);
    expect(second).toBe(first);
    now += 59_000;
    await docs.module('calendars');
    expect(server.requests.filter((request) => request === '/apps/calendars.json')).toHaveLength(1);
    now += 2_000;
    await docs.module('calendars');
    expect(server.requests.filter((request) => request === '/apps/calendars.json')).toHaveLength(2);
  });

  it('remembers a failure for a shorter while, then tries again', async () => {
    let now = 0;
    const docs = new LiveDocs({ source: url, ttlMs: 600_000, failureTtlMs: 30_000, now: () => now });
    const broken = path.join(root, 'apps/being-fixed.json');
    await writeFile(broken, '{"openapi": "3.0.0", "paths": {');
    await expect(docs.module('being-fixed')).rejects.toThrow(/being-fixed\.json is not JSON/);
    await writeFile(broken, await readFile(path.join(root, 'apps/contacts.json')));
    now += 29_000;
    await expect(docs.module('being-fixed')).rejects.toThrow(/not JSON/);
    expect(server.requests.filter((request) => request === '/apps/being-fixed.json')).toHaveLength(1);
    now += 2_000;
    await expect(docs.module('being-fixed')).resolves.toMatchObject({ module: { module: 'being_fixed' } });
    expect(server.requests.filter((request) => request === '/apps/being-fixed.json')).toHaveLength(2);
  });

  it('refuses an endless body at the size limit instead of reading it all', async () => {
    server.mode = 'huge';
    await expect(new LiveDocs({ source: url, maxBytes: 1024 * 1024 }).module('contacts')).rejects.toThrow(/is larger than 1048576 bytes/);
  });

  it('gives up on a host that never answers, within the timeout', async () => {
    server.mode = 'hang';
    await expect(new LiveDocs({ source: url, timeoutMs: 300 }).module('contacts')).rejects.toThrow(/did not answer within 300 ms/);
  });

  it('says plainly when the host is unreachable, the module is missing, or the JSON is not an OpenAPI document', async () => {
    const closed = await closedPort();
    await expect(new LiveDocs({ source: `http://127.0.0.1:${closed}/apps/` }).module('contacts')).rejects.toThrow(
      `could not reach http://127.0.0.1:${closed}/apps/contacts.json (ECONNREFUSED)`,
    );
    await expect(new LiveDocs({ source: url }).module('no-such-module')).rejects.toThrow(/no-such-module\.json answered 404/);
    await writeFile(path.join(root, 'apps/not-openapi.json'), '{"hello": "world"}');
    await expect(new LiveDocs({ source: url }).module('not-openapi')).rejects.toThrow(/not an OpenAPI document \(no paths\)/);
  });

  it('reads a folder the same way, with the same size limit', async () => {
    const live = await new LiveDocs({ source: path.join(root, 'apps') }).module('contacts');
    expect(live.fingerprint).toBe((await new LiveDocs({ source: url }).module('contacts')).fingerprint);
    await expect(new LiveDocs({ source: path.join(root, 'apps'), maxBytes: 1000 }).module('contacts')).rejects.toThrow(/is larger than 1000 bytes/);
  });
});

