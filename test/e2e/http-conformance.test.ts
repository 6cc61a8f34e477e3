import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeGhl } from '../../src/sandbox/fake-ghl.js';
import { type HttpServerProcess, startHttpServer } from '../helpers/http.js';
import { ROOT } from '../helpers/mcp.js';

const SUITE = path.join(ROOT, 'node_modules/@modelcontextprotocol/conformance/dist/index.js');
const BASELINE = path.join(ROOT, 'test/conformance/baseline.yml');
/** Scenarios that need none of the suite's fixtures: each must pass outright, whatever the baseline says. */
const MUST_PASS = [
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

describe('the official MCP conformance suite against the HTTP server', () => {
  const fake = new FakeGhl({ tokens: ['pit-conformance'] });
  const output = mkdtempSync(path.join(tmpdir(), 'ghl-mcp-conformance-'));
  let server: HttpServerProcess;

  beforeAll(async () => {
    // Loopback without inbound auth: the DNS-rebinding scenario is about exactly that setup.
    server = await startHttpServer({ GHL_API_KEY: 'pit-conformance', GHL_BASE_URL: await fake.listen() });
  });

  afterAll(async () => {
    await server?.stop();
    await fake.close();
    rmSync(output, { recursive: true, force: true });
  });

  it('passes every scenario except those in the baseline, and the baseline has no stale entry', async () => {
    const run = await promisify(execFile)(process.execPath, [SUITE, 'server', '--url', server.url, '--suite', 'all', '--expected-failures', BASELINE, '-o', output], {
      cwd: ROOT,
      timeout: 240_000,
      maxBuffer: 16 * 1024 * 1024,
    }).then(
      ({ stdout }) => ({ code: 0, stdout }),
      (error: { code?: number; stdout?: string }) => ({ code: error.code ?? 1, stdout: error.stdout ?? '' }),
    );
    expect(run.code, run.stdout.slice(run.stdout.indexOf('=== SUMMARY ==='))).toBe(0);
    for (const scenario of MUST_PASS) {
      const folder = readdirSync(output).find((name) => name.startsWith(`server-${scenario}-`));
      expect(folder, `no results for ${scenario}`).toBeDefined();
      const checks = JSON.parse(readFileSync(path.join(output, folder!, 'checks.json'), 'utf8')) as { id: string; status: string }[];
      expect(checks.length).toBeGreaterThan(0);
      expect(checks.filter((check) => check.status === 'FAILURE').map((check) => check.id), scenario).toEqual([]);
    }
  }, 300_000);
});
