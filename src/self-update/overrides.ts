import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, rename, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ToolEntry } from '../catalog/types.js';

/** A tool definition taken from the live documents instead of the bundled catalog. */
export interface ToolOverride {
  module: string;
  /** The catalog entry (generated) name the override replaces, adds or removes. */
  entryName: string;
  kind: 'replace' | 'add' | 'remove';
  /** The live definition, for `replace` and `add`. */
  entry?: ToolEntry;
  /** sha256 of the bundled entry it stands in for: after an upgrade of the catalog, a stale override is dropped. */
  replaces?: string;
  /** sha256 of the live documents it came from. */
  fingerprint: string;
  docs: string;
  appliedAt: string;
}

interface OverrideFile {
  format: 1;
  overrides: ToolOverride[];
}

export class OverrideFileError extends Error {}

/** The per-user cache of overrides: `$XDG_CACHE_HOME/ghl-mcp/overrides.json`. */
export function defaultOverridesFile(env: NodeJS.ProcessEnv, home: string): string {
  const base = env.XDG_CACHE_HOME?.trim() || path.join(home, '.cache');
  return path.join(base, 'ghl-mcp', 'overrides.json');
}

export function entryHash(entry: ToolEntry): string {
  return createHash('sha256').update(JSON.stringify(entry)).digest('hex');
}

/**
 * Overrides kept in one JSON file, replaced atomically (temp file in the same directory, then rename), so a
 * crash leaves the old file or the new one, never half of one. Each save re-reads the file and changes only
 * the entries it names, so two servers applying different tools keep both.
 */
export class OverrideStore {
  constructor(readonly file: string) {}

  /** Read at start-up, before the first tools/list: synchronous, and cheap when there is no file. */
  loadSync(): ToolOverride[] {
    let text: string;
    try {
      text = readFileSync(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw new OverrideFileError(`Cannot read ${this.file}: ${(error as Error).message}`);
    }
    return parse(text, this.file);
  }

  /** Puts these overrides in (replacing any for the same entry) and takes out those `remove` picks. */
  async update(put: ToolOverride[], remove: (override: ToolOverride) => boolean = () => false): Promise<ToolOverride[]> {
    let current: ToolOverride[];
    try {
      current = this.loadSync();
    } catch {
      // An unreadable file is replaced: its content could not be used anyway.
      current = [];
    }
    const replaced = new Set(put.map((override) => override.entryName));
    const next = [...current.filter((override) => !replaced.has(override.entryName) && !remove(override)), ...put];
    await this.write({ format: 1, overrides: next });
    return next;
  }

  private async write(content: OverrideFile): Promise<void> {
    await mkdir(path.dirname(this.file), { recursive: true, mode: 0o700 });
    const temp = `${this.file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    try {
      await writeFile(temp, `${JSON.stringify(content, null, 1)}\n`, { mode: 0o600 });
      await rename(temp, this.file);
    } catch (error) {
      await unlink(temp).catch(() => {});
      throw error;
    }
  }
}

function parse(text: string, file: string): ToolOverride[] {
  let content: Partial<OverrideFile>;
  try {
    content = JSON.parse(text) as Partial<OverrideFile>;
  } catch (error) {
    throw new OverrideFileError(`${file} is not JSON (${(error as Error).message})`);
  }
  if (content?.format !== 1 || !Array.isArray(content.overrides)) throw new OverrideFileError(`${file} is not an overrides file of format 1`);
  const valid = content.overrides.filter(
    (override) =>
      override &&
      typeof override.entryName === 'string' &&
      typeof override.module === 'string' &&
      ['replace', 'add', 'remove'].includes(override.kind) &&
      (override.kind === 'remove' || (override.entry && typeof override.entry.path === 'string' && Array.isArray(override.entry.args))),
  );
  if (valid.length !== content.overrides.length) throw new OverrideFileError(`${file} holds malformed overrides`);
  return valid;
}
