import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultTokenFile, FileTokenStore } from '../../src/auth/file-store.js';
import type { StoredTokens } from '../../src/auth/token-store.js';

function tokens(n: number, padding = 0): StoredTokens {
  return {
    accessToken: `access-${n}-${'x'.repeat(padding)}`,
    refreshToken: `refresh-${n}`,
    expiresAt: 4_000_000_000_000,
    userType: 'Location',
    locationId: 'loc-1',
    savedAt: 1_000 + n,
  };
}

/** The pid of a process that has already exited. */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '']).pid!;
}

describe('FileTokenStore', () => {
  let dir: string;
  let file: string;

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'ghl-store-'));
    file = path.join(dir, 'nested', 'ghl-mcp', 'tokens.json');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('defaults to the per-user XDG config directory', () => {
    expect(defaultTokenFile({ XDG_CONFIG_HOME: '/cfg' }, '/home/u')).toBe('/cfg/ghl-mcp/tokens.json');
    expect(defaultTokenFile({}, '/home/u')).toBe('/home/u/.config/ghl-mcp/tokens.json');
  });

  it('writes a 0600 file in a 0700 directory and reads it back', async () => {
    const store = new FileTokenStore(file);
    expect(await store.load()).toBeUndefined();
    await store.save(tokens(1));
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(path.dirname(file)).mode & 0o777).toBe(0o700);
    expect(await store.load()).toEqual(tokens(1));
    expect(readdirSync(path.dirname(file))).toEqual(['tokens.json']);
  });

  it('tightens a token file someone made readable by others', async () => {
    const store = new FileTokenStore(file);
    await store.save(tokens(1));
    chmodSync(file, 0o644);
    await store.load();
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('is never seen partially written while saves run', async () => {
    const store = new FileTokenStore(file);
    await store.save(tokens(0, 20_000));
    const written = new Set([JSON.stringify(tokens(0, 20_000))]);
    let reads = 0;
    let writing = true;
    const reader = (async () => {
      while (writing) {
        const parsed = JSON.parse(readFileSync(file, 'utf8')) as StoredTokens;
        expect(written.has(JSON.stringify(parsed))).toBe(true);
        reads++;
        await new Promise((resolve) => setImmediate(resolve));
      }
    })();
    for (let n = 1; n <= 60; n++) {
      written.add(JSON.stringify(tokens(n, 20_000)));
      await Promise.all([store.save(tokens(n, 20_000)), new FileTokenStore(file).save(tokens(n, 20_000))]);
    }
    writing = false;
    await reader;
    expect(reads).toBeGreaterThan(10);
  });

  it.each(['written', 'synced'] as const)('a save that fails after the %s step leaves the previous file intact and no temp file', async (failAt) => {
    await new FileTokenStore(file).save(tokens(1));
    const before = readFileSync(file, 'utf8');
    const faulty = new FileTokenStore(file, {
      onStep: (step) => {
        if (step === failAt) throw Object.assign(new Error('disk full'), { code: 'ENOSPC' });
      },
    });
    await expect(faulty.save(tokens(2))).rejects.toThrow('disk full');
    expect(readFileSync(file, 'utf8')).toBe(before);
    expect(readdirSync(path.dirname(file))).toEqual(['tokens.json']);
  });

  it('recovers the complete temp file of a writer killed before its rename, and drops a partial one', async () => {
    const store = new FileTokenStore(file);
    await store.save(tokens(1));
    const folder = path.dirname(file);
    writeFileSync(path.join(folder, `.tokens.json.${deadPid()}.aaaa.tmp`), JSON.stringify(tokens(2)), { mode: 0o600 });
    writeFileSync(path.join(folder, `.tokens.json.${deadPid()}.bbbb.tmp`), JSON.stringify(tokens(3)).slice(0, 40), { mode: 0o600 });
    expect(await store.load()).toEqual(tokens(2));
    expect(readdirSync(folder)).toEqual(['tokens.json']);
  });

  it('ignores an orphan older than the saved pair (a later login won)', async () => {
    const store = new FileTokenStore(file);
    await store.save(tokens(5));
    writeFileSync(path.join(path.dirname(file), `.tokens.json.${deadPid()}.cccc.tmp`), JSON.stringify(tokens(4)), { mode: 0o600 });
    expect(await store.load()).toEqual(tokens(5));
  });

  it('lets one process at a time hold the refresh lock', async () => {
    let inside = 0;
    let most = 0;
    const work = async () => {
      inside++;
      most = Math.max(most, inside);
      await new Promise((resolve) => setTimeout(resolve, 5));
      inside--;
    };
    await Promise.all(Array.from({ length: 20 }, () => new FileTokenStore(file).withLock(work)));
    expect(most).toBe(1);
    expect(readdirSync(path.dirname(file))).toEqual([]);
  });

  it('takes over a lock whose owner died, and one older than the stale limit', async () => {
    const lock = `${file}.lock`;
    await new FileTokenStore(file).save(tokens(1));
    writeFileSync(lock, JSON.stringify({ pid: deadPid(), host: hostname(), nonce: 'dead' }));
    expect(await new FileTokenStore(file, { lockTimeoutMs: 2_000 }).withLock(async () => 'taken')).toBe('taken');

    writeFileSync(lock, JSON.stringify({ pid: process.pid, host: 'another-host', nonce: 'old' }));
    const longAgo = new Date(Date.now() - 120_000);
    utimesSync(lock, longAgo, longAgo);
    expect(await new FileTokenStore(file, { lockStaleMs: 60_000, lockTimeoutMs: 2_000 }).withLock(async () => 'taken')).toBe('taken');
  });

  it("a holder whose lock went stale leaves the next holder's lock in place when it lets go", async () => {
    const lock = `${file}.lock`;
    await new FileTokenStore(file).save(tokens(1));
    const held = () => {
      let inside!: () => void;
      let letGo!: () => void;
      const entered = new Promise<void>((resolve) => (inside = resolve));
      const done = new Promise<void>((resolve) => (letGo = resolve));
      return { entered, letGo, work: async () => void (inside(), await done) };
    };
    const slow = held();
    const first = new FileTokenStore(file, { lockStaleMs: 60_000 }).withLock(slow.work);
    await slow.entered;
    // The first holder hangs past the stale limit, so the next process takes the lock over.
    const longAgo = new Date(Date.now() - 120_000);
    utimesSync(lock, longAgo, longAgo);
    const next = held();
    const second = new FileTokenStore(file, { lockStaleMs: 60_000, lockTimeoutMs: 2_000 }).withLock(next.work);
    await next.entered;
    const nextLock = readFileSync(lock, 'utf8');
    slow.letGo();
    await first;
    expect(readFileSync(lock, 'utf8')).toBe(nextLock);
    // Still held: a third process waits (and here gives up) instead of refreshing alongside the second.
    await expect(new FileTokenStore(file, { lockTimeoutMs: 300 }).withLock(async () => 'never')).rejects.toThrow(/Timed out/);
    next.letGo();
    await second;
    expect(readdirSync(path.dirname(file))).toEqual(['tokens.json']);
  });

  it('waits for a live lock and gives up with a clear message', async () => {
    const lock = `${file}.lock`;
    await new FileTokenStore(file).save(tokens(1));
    writeFileSync(lock, JSON.stringify({ pid: process.pid, host: hostname(), nonce: 'alive' }));
    await expect(new FileTokenStore(file, { lockTimeoutMs: 300 }).withLock(async () => 'never')).rejects.toThrow(/Timed out waiting for the token refresh lock/);
    expect(JSON.parse(readFileSync(lock, 'utf8')).nonce).toBe('alive');
  });
});
