import { type ChildProcess, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import path from 'node:path';

export interface PrismMock {
  url: string;
  output: () => string;
  stop: () => Promise<void>;
}

const READY_TIMEOUT_MS = 90_000;

/** Prism's CLI from node_modules (a dev dependency), run by this Node without a shell. */
function prismCli(): string {
  const require = createRequire(import.meta.url);
  return path.join(path.dirname(require.resolve('@stoplight/prism-cli/package.json')), 'dist/index.js');
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/**
 * Starts `prism mock` on a loopback port. Static examples (no `--dynamic`) keep it fast; `--errors` stays off so
 * a request violation is reported in the `sl-violations` header of an ordinary mock response. With `errors`, an
 * invalid request is refused (422, or 404 for an unknown path), as GHL refuses a call a stale tool makes.
 */
export async function startPrism(document: string, options: { errors?: boolean } = {}): Promise<PrismMock> {
  const port = await freePort();
  const child = spawn(process.execPath, [prismCli(), 'mock', '-p', String(port), '-h', '127.0.0.1', '--errors', String(options.errors ?? false), document], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  const keep = (chunk: Buffer) => {
    // Prism logs every request; only the tail is useful when something goes wrong.
    log = (log + chunk.toString()).slice(-20_000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitUntilListening(child, url, () => log);
  } catch (error) {
    child.kill();
    throw error;
  }
  return { url, output: () => log, stop: () => stop(child) };
}

async function waitUntilListening(child: ChildProcess, url: string, log: () => string): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`Prism exited with code ${child.exitCode}:\n${log()}`);
    try {
      // Any answer (Prism says 404 for an unknown path) means the mock is up.
      await fetch(`${url}/__ready`);
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  throw new Error(`Prism did not start within ${READY_TIMEOUT_MS} ms:\n${log()}`);
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill();
  });
}
