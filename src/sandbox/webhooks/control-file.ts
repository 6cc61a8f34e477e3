import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** How a command on the same machine reaches a running sandbox: its URL and its bearer token. */
export interface SandboxAddress {
  url: string;
  token: string;
  pid: number;
  locationId: string;
  startedAt: string;
}

/** `$XDG_CONFIG_HOME/ghl-mcp/sandboxes` (else `~/.config/...`), beside the token file. */
export function sandboxControlDir(env: NodeJS.ProcessEnv, home: string): string {
  return path.join(env.XDG_CONFIG_HOME?.trim() || path.join(home, '.config'), 'ghl-mcp', 'sandboxes');
}

/**
 * Leaves the sandbox's address where `ghl-mcp sandbox simulate` looks (one file per sandbox, owner-only: the token
 * opens only this loopback fake). Returns the file, to remove when the sandbox stops.
 */
export function announceSandbox(dir: string, address: SandboxAddress): string {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = path.join(dir, `${address.pid}-${new URL(address.url).port}.json`);
  writeFileSync(file, `${JSON.stringify(address)}\n`, { mode: 0o600 });
  return file;
}

export function forgetSandbox(file: string): void {
  rmSync(file, { force: true });
}

/** The sandbox started last whose process still runs; files of stopped processes are cleared on the way. */
export function findRunningSandbox(dir: string): SandboxAddress | undefined {
  let names: string[];
  try {
    names = readdirSync(dir).filter((name) => name.endsWith('.json'));
  } catch {
    return undefined;
  }
  const running: SandboxAddress[] = [];
  for (const name of names) {
    const file = path.join(dir, name);
    let address: SandboxAddress;
    try {
      address = JSON.parse(readFileSync(file, 'utf8')) as SandboxAddress;
    } catch {
      continue;
    }
    if (alive(address.pid)) running.push(address);
    else forgetSandbox(file);
  }
  return running.sort((a, b) => b.startedAt.localeCompare(a.startedAt))[0];
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
