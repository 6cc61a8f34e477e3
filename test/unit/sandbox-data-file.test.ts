import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config.js';
import { startSandbox } from '../../src/sandbox/sandbox.js';

/** A data file as a person or a damaged disk may leave it: valid JSON, wrong inside. */
describe('a damaged sandbox data file', () => {
  const fileWith = (collections: unknown) => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'ghl-sandbox-data-')), 'sandbox.json');
    writeFileSync(file, JSON.stringify({ format: 'ghl-mcp-sandbox', version: 1, collections }));
    return file;
  };

  it.each([
    ['a null record', { contacts: [null] }, /record 0 of contacts is not an object/],
    ['a record that is a list', { tags: [{ id: 't1', name: 'ok' }, ['x']] }, /record 1 of tags is not an object/],
    ['a collection that is not a list', { contacts: { id: 'c1' } }, /collection contacts is not a list/],
    ['null collections', null, /no collections/],
  ])('with %s is refused at start with the file named and the fix, and left as it is', async (_what, collections, reason) => {
    const file = fileWith(collections);
    const before = readFileSync(file, 'utf8');
    await expect(startSandbox({ dataFile: file, reset: false })).rejects.toThrow(reason);
    await expect(startSandbox({ dataFile: file, reset: false })).rejects.toThrow(`${file} is not a ghl-mcp sandbox data file`);
    // A refused configuration (the message alone, exit code 2), not a crash with a stack.
    await expect(startSandbox({ dataFile: file, reset: false })).rejects.toBeInstanceOf(ConfigError);
    await expect(startSandbox({ dataFile: file, reset: false })).rejects.toThrow(/--sandbox-reset/);
    expect(readFileSync(file, 'utf8')).toBe(before);
  });

  it('starts over from the demo with --sandbox-reset', async () => {
    const sandbox = await startSandbox({ dataFile: fileWith({ contacts: [null] }), reset: true });
    try {
      expect(sandbox.store.collection('contacts').all()).toHaveLength(60);
    } finally {
      await sandbox.close();
    }
  });
});
