import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeGhl } from '../../src/sandbox/fake-ghl.js';
import { baselineWithout, failedChecks, MUST_PASS, runServerSuite } from '../helpers/conformance.js';
import { FIXTURE_ENTRY } from '../helpers/conformance-fixtures.js';
import { redisServerMissing } from '../helpers/redis-server.js';
import { type ReplicaSet, startReplicas } from '../helpers/replicas.js';

/**
 * The replicas run ghl-mcp's HTTP server through the conformance test harness (test/helpers/conformance-fixtures.ts):
 * the product plus the fixture tool test_reconnection, so SSE resumability (server-sse-polling) is off this run's
 * baseline and must pass across the replicas; every other scenario meets the product's baseline as one process does.
 */
const RESUMABILITY = 'server-sse-polling';

describe.skipIf(redisServerMissing())('the official MCP conformance suite against two replicas behind a round-robin balancer (Redis)', () => {
  const fake = new FakeGhl({ tokens: ['pit-conformance'] });
  const output = mkdtempSync(path.join(tmpdir(), 'ghl-mcp-conformance-replicas-'));
  const baselines = mkdtempSync(path.join(tmpdir(), 'ghl-mcp-conformance-baseline-'));
  let set: ReplicaSet;

  beforeAll(async () => {
    set = await startReplicas({ count: 2, entry: FIXTURE_ENTRY, env: { GHL_API_KEY: 'pit-conformance', GHL_BASE_URL: await fake.listen() } });
  });

  afterAll(async () => {
    await set?.close();
    await fake.close();
    rmSync(output, { recursive: true, force: true });
    rmSync(baselines, { recursive: true, force: true });
  });

  it('passes what one process passes and SSE resumability too (baseline without it), every session spread over both replicas', async () => {
    const baseline = baselineWithout([RESUMABILITY], path.join(baselines, 'baseline.yml'));
    const run = await runServerSuite(set.url, output, baseline);
    expect(run.code, run.summary).toBe(0);
    for (const scenario of [...MUST_PASS, RESUMABILITY]) expect(failedChecks(output, scenario), scenario).toEqual([]);
    const sessions = new Map<string, Set<number>>();
    for (const entry of set.balancer.routed) if (entry.session) sessions.set(entry.session, (sessions.get(entry.session) ?? new Set()).add(entry.slot));
    expect([...sessions.values()].filter((slots) => slots.size === 2).length).toBeGreaterThan(10);
  }, 300_000);
});
