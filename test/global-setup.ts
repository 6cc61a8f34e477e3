import { execFileSync } from 'node:child_process';
import path from 'node:path';

/** End-to-end tests drive the built server, so build it once before any test runs. */
export default function setup(): void {
  const root = path.resolve(import.meta.dirname, '..');
  execFileSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
}
