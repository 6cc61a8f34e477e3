import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeGhl } from '../../src/sandbox/fake-ghl.js';
import { checksOf, runServerScenario } from '../helpers/conformance.js';
import { FIXTURE_ENTRY } from '../helpers/conformance-fixtures.js';
import { redisServerMissing } from '../helpers/redis-server.js';
import { type ReplicaSet, startReplicas } from '../helpers/replicas.js';

const SCENARIO = 'server-sse-polling';
const RUNS = 3;

/**
 * SSE resumability (SEP-1699) by the official suite, against two replicas of ghl-mcp's HTTP server behind a plain
 * round-robin balancer with Redis: the suite's fixture tool `test_reconnection` (added by the test harness, never by
 * the product) closes its request's stream mid-call; the suite reconnects with GET and Last-Event-ID and must get
 * the tool's answer, from whichever replica the balancer picks. The product's own runs (no fixture tool) keep the
 * scenario in test/conformance/baseline.yml; here it runs with no baseline, so every check must pass.
 */
describe.skipIf(redisServerMissing())(`conformance ${SCENARIO} against two replicas (Redis, round-robin balancer)`, () => {
  const fake = new FakeGhl({ tokens: ['pit-conformance'] });
  const outputs: string[] = [];
  let set: ReplicaSet;

  beforeAll(async () => {
    set = await startReplicas({ count: 2, entry: FIXTURE_ENTRY, env: { GHL_API_KEY: 'pit-conformance', GHL_BASE_URL: await fake.listen(), GHL_SELF_UPDATE: 'off', GHL_NO_OVERRIDES: 'true' } });
  }, 120_000);

  afterAll(async () => {
    await set?.close();
    await fake.close();
    for (const output of outputs) rmSync(output, { recursive: true, force: true });
  });

  it('passes every check (priming event with retry, the answer resumed with Last-Event-ID), resumed on the other replica in at least one run', async () => {
    const crossed: boolean[] = [];
    for (let run = 0; run < RUNS; run += 1) {
      const output = mkdtempSync(path.join(tmpdir(), 'ghl-mcp-sse-polling-'));
      outputs.push(output);
      const before = set.balancer.routed.length;
      const result = await runServerScenario(set.url, SCENARIO, output);
      const checks = checksOf(output, SCENARIO) ?? [];
      const graded = Object.fromEntries(checks.filter((check) => check.status !== 'INFO').map((check) => [check.id, check.status]));
      expect(graded, result.summary).toEqual({
        'server-sse-priming-event': 'SUCCESS',
        'server-sse-retry-field': 'SUCCESS',
        'server-sse-disconnect-resume': 'SUCCESS',
      });
      expect(result.code, result.summary).toBe(0);
      // The resuming GET, and the call whose stream it resumes: the last POST of that session before it.
      const routed = set.balancer.routed.slice(before);
      const resume = routed.findIndex((entry) => entry.lastEventId !== undefined);
      expect(resume, 'the suite reconnected with Last-Event-ID').toBeGreaterThan(0);
      const call = routed.slice(0, resume).findLast((entry) => entry.method === 'POST' && entry.session === routed[resume]!.session);
      expect(routed[resume]!.status).toBe(200);
      crossed.push(call!.slot !== routed[resume]!.slot);
    }
    expect(crossed.some(Boolean), `resumed on the other replica: ${crossed.join(', ')}`).toBe(true);
  }, 240_000);
});
