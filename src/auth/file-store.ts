import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { chmod, link, mkdir, open, readdir, readFile, rename, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { type LockOwner, newLockOwner, ownerIsDead, parseLockOwner, processAlive } from './lock-owner.js';
import { parseStoredTokens, sleep, type StoredTokens, type TokenStore, TokenStoreError } from './token-store.js';

/** The steps of one save, in order; `saved` means the new pair is durable. */
export type SaveStep = 'written' | 'synced' | 'renamed' | 'saved';

export interface FileStoreOptions {
  /**
   * Called after each step of a save. Tests use it to fail a step (throw) or to kill the process there;
   * a step that throws fails the save and leaves the previous file in place.
   */
  onStep?: (step: SaveStep) => void | Promise<void>;
  /** A lock older than this is abandoned (its owner crashed or hung). */
  lockStaleMs?: number;
  lockTimeoutMs?: number;
}

const FILE_MODE = 0o600;
const DIR_MODE = 0o700;

/** The default token file: per user, under the XDG config directory. */
export function defaultTokenFile(env: NodeJS.ProcessEnv, home: string): string {
  const base = env.XDG_CONFIG_HOME?.trim() || path.join(home, '.config');
  return path.join(base, 'ghl-mcp', 'tokens.json');
}

/**
 * Tokens in one JSON file, mode 0600, replaced atomically (temp file in the same directory, fsync, rename,
 * fsync of the directory). A lock file created with O_EXCL serialises refreshes across processes.
 */
export class FileTokenStore implements TokenStore {
  readonly location: string;
  private readonly lockPath: string;

  constructor(
    private readonly file: string,
    private readonly options: FileStoreOptions = {},
  ) {
    this.location = file;
    this.lockPath = `${file}.lock`;
  }

  async load(): Promise<StoredTokens | undefined> {
    await this.recoverOrphans();
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    // A file someone made readable by others is tightened before it is trusted again.
    if (((await stat(this.file)).mode & 0o077) !== 0) await chmod(this.file, FILE_MODE);
    return parseStoredTokens(text, this.file);
  }

  async save(tokens: StoredTokens): Promise<void> {
    const dir = path.dirname(this.file);
    await mkdir(dir, { recursive: true, mode: DIR_MODE });
    const temp = path.join(dir, `${this.tempPrefix()}${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
    try {
      const handle = await open(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, FILE_MODE);
      try {
        await handle.writeFile(`${JSON.stringify(tokens, null, 2)}\n`);
        await this.step('written');
        await handle.sync();
      } finally {
        await handle.close();
      }
      await this.step('synced');
      await rename(temp, this.file);
    } catch (error) {
      await unlink(temp).catch(() => {});
      throw error;
    }
    await this.step('renamed');
    await syncDirectory(dir);
    await this.step('saved');
  }

  async clear(): Promise<void> {
    await unlink(this.file).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw error;
    });
  }

  async withLock<T>(work: () => Promise<T>): Promise<T> {
    const owner = await this.acquire();
    try {
      return await work();
    } finally {
      await this.release(owner);
    }
  }

  async close(): Promise<void> {}

  private tempPrefix(): string {
    return `.${path.basename(this.file)}.`;
  }

  /**
   * A writer killed between writing its temp file and the rename leaves the only copy of a pair GHL already
   * rotated to. A complete orphan newer than the file replaces it; anything else an orphan holds is litter.
   */
  private async recoverOrphans(): Promise<void> {
    const dir = path.dirname(this.file);
    const prefix = this.tempPrefix();
    const names = await readdir(dir).catch(() => [] as string[]);
    for (const name of names.filter((entry) => entry.startsWith(prefix) && entry.endsWith('.tmp'))) {
      const pid = Number(name.slice(prefix.length).split('.')[0]);
      if (processAlive(pid)) continue;
      const orphan = path.join(dir, name);
      const candidate = await readTokens(orphan);
      const current = await readTokens(this.file);
      if (candidate && (!current || candidate.savedAt > current.savedAt)) {
        await rename(orphan, this.file).catch(() => {});
        await syncDirectory(dir).catch(() => {});
      } else {
        await unlink(orphan).catch(() => {});
      }
    }
  }

  private async step(step: SaveStep): Promise<void> {
    await this.options.onStep?.(step);
  }

  private async acquire(): Promise<LockOwner> {
    const owner = newLockOwner();
    const deadline = Date.now() + (this.options.lockTimeoutMs ?? 90_000);
    await mkdir(path.dirname(this.lockPath), { recursive: true, mode: DIR_MODE });
    for (let attempt = 0; ; attempt++) {
      try {
        const handle = await open(this.lockPath, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, FILE_MODE);
        await handle.writeFile(JSON.stringify(owner));
        await handle.close();
        return owner;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      await this.breakIfStale();
      if (Date.now() > deadline) {
        throw new TokenStoreError(`Timed out waiting for the token refresh lock ${this.lockPath}; if no ghl-mcp is refreshing, delete it.`);
      }
      await sleep(Math.min(200, 10 * 2 ** Math.min(attempt, 4)) + Math.random() * 10);
    }
  }

  /**
   * Takes over a lock whose owner died (same host, process gone) or that is older than the stale limit. The
   * lock is renamed aside first, so of several processes that saw it stale only one removes it, and one that
   * renamed a fresh lock by mistake (the stale one was replaced meanwhile) puts it back.
   */
  private async breakIfStale(): Promise<void> {
    let seen: string;
    let age: number;
    try {
      seen = await readFile(this.lockPath, 'utf8');
      age = Date.now() - (await stat(this.lockPath)).mtimeMs;
    } catch {
      return;
    }
    if (!isStale(seen, age, this.options.lockStaleMs ?? 60_000)) return;
    const aside = `${this.lockPath}.${randomBytes(6).toString('hex')}.stale`;
    try {
      await rename(this.lockPath, aside);
    } catch {
      return;
    }
    const taken = await readFile(aside, 'utf8').catch(() => seen);
    if (taken !== seen) await link(aside, this.lockPath).catch(() => {});
    await unlink(aside).catch(() => {});
  }

  private async release(owner: LockOwner): Promise<void> {
    const current = await readFile(this.lockPath, 'utf8').catch(() => '');
    if (current.includes(owner.nonce)) await unlink(this.lockPath).catch(() => {});
  }
}

function isStale(content: string, ageMs: number, staleMs: number): boolean {
  if (ageMs > staleMs) return true;
  // Written but not yet filled in by its owner, or damaged: only age can tell.
  return ownerIsDead(parseLockOwner(content), false);
}

async function readTokens(file: string): Promise<StoredTokens | undefined> {
  try {
    return parseStoredTokens(await readFile(file, 'utf8'), file);
  } catch {
    return undefined;
  }
}

async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, constants.O_RDONLY);
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
