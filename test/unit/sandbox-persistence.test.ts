import { lstatSync, mkdtempSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadSnapshot, saveSnapshot } from '../../src/sandbox/persistence.js';
import { type Sandbox, startSandbox } from '../../src/sandbox/sandbox.js';

describe('sandbox persistence', () => {
  const started: Sandbox[] = [];
  const dir = () => mkdtempSync(path.join(tmpdir(), 'ghl-sandbox-'));
  const start = async (dataFile: string, reset = false) => {
    const sandbox = await startSandbox({ dataFile, reset });
    started.push(sandbox);
    return sandbox;
  };
  const createContact = async (sandbox: Sandbox, email: string) => {
    const response = await fetch(`${sandbox.baseUrl}/contacts/`, {
      method: 'POST',
      headers: { authorization: `Bearer ${sandbox.token}`, version: '2021-07-28', 'content-type': 'application/json' },
      body: JSON.stringify({ locationId: sandbox.locationId, firstName: 'Persisted', email }),
    });
    expect(response.status).toBe(201);
    return ((await response.json()) as { contact: { id: string } }).contact.id;
  };

  afterEach(async () => {
    await Promise.all(started.splice(0).map((sandbox) => sandbox.close()));
  });

  it('saves every change to the data file (owner-only, no temporary files left) and restores it on the next start', async () => {
    const file = path.join(dir(), 'sandbox.json');
    const first = await start(file);
    const id = await createContact(first, 'kept@example.com');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readdirSync(path.dirname(file))).toEqual(['sandbox.json']);
    await first.close();

    const second = await start(file);
    expect(second.store.collection('contacts').get(id)?.email).toBe('kept@example.com');
    expect(second.store.collection('contacts').all().length).toBe(first.store.collection('contacts').all().length);
  });

  it('starts from a fresh demo location on reset, and says so in the file', async () => {
    const file = path.join(dir(), 'sandbox.json');
    const first = await start(file);
    const id = await createContact(first, 'gone@example.com');
    await first.close();

    const fresh = await start(file, true);
    expect(fresh.store.collection('contacts').get(id)).toBeUndefined();
    expect(loadSnapshot(file)!.collections.contacts!.some((contact) => contact.id === id)).toBe(false);

    const again = await createContact(fresh, 'again@example.com');
    fresh.reset();
    expect(fresh.store.collection('contacts').get(again)).toBeUndefined();
    expect(fresh.store.collection('contacts').all()).toHaveLength(60);
  });

  it('leaves the previous file whole when a save fails', async () => {
    const file = path.join(dir(), 'sandbox.json');
    saveSnapshot(file, { format: 'ghl-mcp-sandbox', version: 1, collections: { tags: [{ id: 't1', name: 'before' }] } });
    // The write fails after the temporary file was created (a BigInt cannot be serialised).
    const unwritable = { format: 'ghl-mcp-sandbox', version: 1, collections: { tags: [{ id: 1n }] } } as unknown as Parameters<typeof saveSnapshot>[1];
    expect(() => saveSnapshot(file, unwritable)).toThrow();
    expect(loadSnapshot(file)!.collections.tags).toEqual([{ id: 't1', name: 'before' }]);
    expect(readdirSync(path.dirname(file))).toEqual(['sandbox.json']);
  });

  it('never writes through a file or symlink already at a temporary name, and keeps the data file 0600', () => {
    const folder = dir();
    const file = path.join(folder, 'sandbox.json');
    const victim = path.join(folder, 'victim.txt');
    writeFileSync(victim, 'untouched');
    // The name a save in this process used to write to: a planted symlink, or a crash's leftover with a loose mode.
    symlinkSync(victim, `${file}.${process.pid}.tmp`);
    saveSnapshot(file, { format: 'ghl-mcp-sandbox', version: 1, collections: { tags: [{ id: 't1', name: 'saved' }] } });
    expect(readFileSync(victim, 'utf8')).toBe('untouched');
    expect(lstatSync(file).isFile()).toBe(true);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(loadSnapshot(file)!.collections.tags).toEqual([{ id: 't1', name: 'saved' }]);
  });

  it('refuses a file that is not sandbox data, saying how to start over', () => {
    const file = path.join(dir(), 'notes.json');
    writeFileSync(file, '{"hello":"world"}');
    expect(() => loadSnapshot(file)).toThrow(/not a ghl-mcp sandbox data file.*--sandbox-reset/);
    expect(readFileSync(file, 'utf8')).toBe('{"hello":"world"}');
    expect(loadSnapshot(path.join(path.dirname(file), 'missing.json'))).toBeUndefined();
  });
});
