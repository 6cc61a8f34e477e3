import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../config.js';
import type { StoreSnapshot } from './state.js';

/** The saved sandbox state, or undefined when the file does not exist yet. */
export function loadSnapshot(file: string): StoreSnapshot | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  let data: Partial<StoreSnapshot> | undefined;
  try {
    data = JSON.parse(text) as Partial<StoreSnapshot>;
  } catch {
    data = undefined;
  }
  const problem = snapshotProblem(data);
  // A configuration problem: the start is refused with this message alone (exit code 2), as for a bad flag.
  if (problem) throw new ConfigError(`${file} is not a ghl-mcp sandbox data file (${problem}); move it away or pass --sandbox-reset to start over`);
  return data as StoreSnapshot;
}

/** What makes parsed JSON unusable as a snapshot (a hand-edited or damaged file), or undefined. */
function snapshotProblem(data: Partial<StoreSnapshot> | undefined): string | undefined {
  if (data?.format !== 'ghl-mcp-sandbox' || data.version !== 1) return 'no ghl-mcp-sandbox format, version 1';
  if (typeof data.collections !== 'object' || data.collections === null || Array.isArray(data.collections)) return 'no collections';
  for (const [name, records] of Object.entries(data.collections)) {
    if (!Array.isArray(records)) return `collection ${name} is not a list`;
    const bad = records.findIndex((record) => typeof record !== 'object' || record === null || Array.isArray(record));
    if (bad >= 0) return `record ${bad} of ${name} is not an object`;
  }
  return undefined;
}

/**
 * Writes the state so that a crash leaves either the old file or the new one, never half of one: a temporary file
 * beside it, flushed to disk, renamed over the old one, then the directory flushed so the rename itself lasts.
 */
export function saveSnapshot(file: string, snapshot: StoreSnapshot): void {
  // A fresh name, created exclusively: a file or symlink already there (left by a crash, or planted) is never
  // written through, and the new file is 0600 whatever an old one's mode was.
  const temporary = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  const handle = openSync(temporary, 'wx', 0o600);
  try {
    try {
      writeSync(handle, JSON.stringify(snapshot));
      fsyncSync(handle);
    } finally {
      closeSync(handle);
    }
    renameSync(temporary, file);
  } catch (error) {
    try {
      unlinkSync(temporary);
    } catch {
      // Already renamed or never written.
    }
    throw error;
  }
  const directory = openSync(path.dirname(path.resolve(file)), 'r');
  try {
    fsyncSync(directory);
  } finally {
    closeSync(directory);
  }
}
