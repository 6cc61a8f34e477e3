import { execFile } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { ROOT } from './mcp.js';

const SUITE = path.join(ROOT, 'node_modules/@modelcontextprotocol/conformance/dist/index.js');
export const BASELINE = path.join(ROOT, 'test/conformance/baseline.yml');

/** Scenarios that need none of the suite's fixtures: each must pass outright, whatever the baseline says. */
export const MUST_PASS = [
  'server-initialize',
  'ping',
  'logging-set-level',
  'tools-list',
  'completion-complete',
  'prompts-list',
  'resources-list',
  'resources-subscribe',
  'resources-unsubscribe',
  'server-sse-multiple-streams',
  'dns-rebinding-protection',
];

/**
 * The baseline for a run whose server passes some of its scenarios (a test harness with the fixture they need):
 * a copy without them, written to `file`, so they must pass and the stale-entry check holds for the rest.
 */
export function baselineWithout(scenarios: string[], file: string): string {
  const lines = readFileSync(BASELINE, 'utf8').split('\n');
  const kept = lines.filter((line) => !scenarios.includes(line.replace(/^\s*-\s*/, '').trim()) || !/^\s*-/.test(line));
  if (lines.length - kept.length !== scenarios.length) throw new Error(`not every one of ${scenarios.join(', ')} is in the baseline`);
  writeFileSync(file, kept.join('\n'));
  return file;
}

/** Runs the whole server suite against `url` with the baseline: exit code 0 when only baseline scenarios fail. */
export async function runServerSuite(url: string, output: string, baseline = BASELINE): Promise<{ code: number; summary: string }> {
  return promisify(execFile)(process.execPath, [SUITE, 'server', '--url', url, '--suite', 'all', '--expected-failures', baseline, '-o', output], {
    cwd: ROOT,
    timeout: 240_000,
    maxBuffer: 16 * 1024 * 1024,
  }).then(
    ({ stdout }) => ({ code: 0, summary: summaryOf(stdout) }),
    (error: { code?: number; stdout?: string }) => ({ code: error.code ?? 1, summary: summaryOf(error.stdout ?? '') }),
  );
}

/** Runs one scenario against `url` with no baseline: exit code 0 only when every check of it passes. */
export async function runServerScenario(url: string, scenario: string, output: string): Promise<{ code: number; summary: string }> {
  return promisify(execFile)(process.execPath, [SUITE, 'server', '--url', url, '--scenario', scenario, '-o', output], { cwd: ROOT, timeout: 60_000 }).then(
    ({ stdout }) => ({ code: 0, summary: stdout }),
    (error: { code?: number; stdout?: string }) => ({ code: error.code ?? 1, summary: error.stdout ?? '' }),
  );
}

/** The failed checks of a scenario's results in `output` (undefined when the scenario did not run). */
export function failedChecks(output: string, scenario: string): string[] | undefined {
  const checks = checksOf(output, scenario);
  if (!checks) return undefined;
  return checks.length === 0 ? ['(no checks)'] : checks.filter((check) => check.status === 'FAILURE').map((check) => check.id);
}

/** Every check of a scenario's results in `output`, with its status (SUCCESS, WARNING, FAILURE, INFO); undefined: it did not run. */
export function checksOf(output: string, scenario: string): { id: string; status: string }[] | undefined {
  const folder = readdirSync(output).find((name) => name.startsWith(`server-${scenario}-`));
  return folder ? (JSON.parse(readFileSync(path.join(output, folder, 'checks.json'), 'utf8')) as { id: string; status: string }[]) : undefined;
}

function summaryOf(stdout: string): string {
  return stdout.slice(stdout.indexOf('=== SUMMARY ==='));
}
