import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/mcp.js';

const SUITE = path.join(ROOT, 'node_modules/@modelcontextprotocol/conformance/dist/index.js');
const BASELINE = path.join(ROOT, 'test/conformance/baseline.yml');
const AUTHORIZATION = /auth|oauth|token|scope|cimd|registration/i;

/** The scenario names the suite lists under one heading ("Server scenarios", "Client scenarios"). */
function listed(output: string, heading: string): string[] {
  const section = output.split(/\n(?=\S)/).find((block) => block.startsWith(heading)) ?? '';
  return [...section.matchAll(/^\s+- (\S+)$/gm)].map(([, name]) => name!);
}

/**
 * The pinned conformance suite's authorization scenarios: what can run against ghl-mcp, and the baseline's account of
 * what cannot. The baseline's `auth-client-only` list must be exactly the suite's client-side auth scenarios, and
 * the suite must list no server-side one; either changing (a version bump) turns this red, so new server scenarios
 * get run beside test/e2e/http-conformance.test.ts instead of going unnoticed.
 */
describe('the conformance suite\'s authorization scenarios', () => {
  it('are all client scenarios (none tests a server), exactly as the baseline says', async () => {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [SUITE, 'list'], { cwd: ROOT });
    const output = `${stdout}${stderr}`;
    const server = listed(output, 'Server scenarios');
    const client = listed(output, 'Client scenarios');
    expect(server.length).toBeGreaterThan(20);
    expect(server.filter((name) => AUTHORIZATION.test(name))).toEqual([]);

    const baseline = readFileSync(BASELINE, 'utf8');
    const block = baseline.slice(baseline.indexOf('\nauth-client-only:'));
    const documented = [...block.matchAll(/^ {2}- (\S+)$/gm)].map(([, name]) => name!);
    expect(documented.length).toBeGreaterThan(0);
    expect(client.filter((name) => AUTHORIZATION.test(name)).sort()).toEqual([...documented].sort());
  });
});
