import { randomBytes } from 'node:crypto';
import { readlinkSync } from 'node:fs';
import { hostname } from 'node:os';

/** Who holds a refresh lock: enough to tell, from another process on the same machine, that its holder died. */
export interface LockOwner {
  pid: number;
  host: string;
  /** The holder's PID namespace (Linux), so a PID is only judged inside the namespace it belongs to. */
  pidNamespace?: string;
  nonce: string;
}

let namespace: string | undefined | null = null;

function pidNamespace(): string | undefined {
  if (namespace === null) {
    try {
      namespace = readlinkSync('/proc/self/ns/pid');
    } catch {
      namespace = undefined;
    }
  }
  return namespace;
}

export function newLockOwner(): LockOwner {
  return { pid: process.pid, host: hostname(), pidNamespace: pidNamespace(), nonce: randomBytes(8).toString('hex') };
}

export function parseLockOwner(text: string): Partial<LockOwner> | undefined {
  try {
    const value = JSON.parse(text) as unknown;
    return typeof value === 'object' && value !== null ? (value as Partial<LockOwner>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * True only when the holder is certainly gone: it ran on this host, in this PID namespace when both are known,
 * and its process no longer exists. Anything else (another machine, another container) is left to the lock's expiry.
 */
export function ownerIsDead(owner: Partial<LockOwner> | undefined, requireNamespace: boolean): boolean {
  if (!owner || owner.host !== hostname() || typeof owner.pid !== 'number') return false;
  const ours = pidNamespace();
  if (owner.pidNamespace !== undefined && ours !== undefined && owner.pidNamespace !== ours) return false;
  if (requireNamespace && (owner.pidNamespace === undefined || ours === undefined)) return false;
  return !processAlive(owner.pid);
}

export function processAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}
