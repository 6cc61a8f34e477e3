import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeGhl } from '../../src/sandbox/fake-ghl.js';
import { failedChecks, MUST_PASS, runServerSuite } from '../helpers/conformance.js';
import { type HttpServerProcess, startHttpServer } from '../helpers/http.js';

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
    const run = await runServerSuite(server.url, output);
    expect(run.code, run.summary).toBe(0);
    for (const scenario of MUST_PASS) expect(failedChecks(output, scenario), scenario).toEqual([]);
  }, 300_000);
});
