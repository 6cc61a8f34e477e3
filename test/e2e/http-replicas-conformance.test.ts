import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeGhl } from '../../src/sandbox/fake-ghl.js';
import { failedChecks, MUST_PASS, runServerSuite } from '../helpers/conformance.js';
import { redisServerMissing } from '../helpers/redis-server.js';
import { type ReplicaSet, startReplicas } from '../helpers/replicas.js';

describe.skipIf(redisServerMissing())('the official MCP conformance suite against two replicas behind a round-robin balancer (Redis)', () => {
  const fake = new FakeGhl({ tokens: ['pit-conformance'] });
  const output = mkdtempSync(path.join(tmpdir(), 'ghl-mcp-conformance-replicas-'));
  let set: ReplicaSet;

  beforeAll(async () => {
    set = await startReplicas({ count: 2, env: { GHL_API_KEY: 'pit-conformance', GHL_BASE_URL: await fake.listen() } });
  });

  afterAll(async () => {
    await set?.close();
    await fake.close();
    rmSync(output, { recursive: true, force: true });
  });

  it('passes what one process passes (same baseline), every session spread over both replicas', async () => {
    const run = await runServerSuite(set.url, output);
    expect(run.code, run.summary).toBe(0);
    for (const scenario of MUST_PASS) expect(failedChecks(output, scenario), scenario).toEqual([]);
    const sessions = new Map<string, Set<number>>();
    for (const entry of set.balancer.routed) if (entry.session) sessions.set(entry.session, (sessions.get(entry.session) ?? new Set()).add(entry.slot));
    expect([...sessions.values()].filter((slots) => slots.size === 2).length).toBeGreaterThan(10);
  }, 300_000);
});
