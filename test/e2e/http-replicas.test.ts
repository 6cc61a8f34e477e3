import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeGhl, type RecordedRequest } from '../../src/sandbox/fake-ghl.js';
import { connectHttp, type HttpServerProcess, startHttpServer } from '../helpers/http.js';
import { type OwnRedis, redisServerMissing, startOwnRedis } from '../helpers/redis-server.js';
import { roundRobin } from '../helpers/replicas.js';

const GHL_TOKEN = 'pit-replicas-secret-4242';
const WINDOW = { max: 10, intervalMs: 1000 };
const CLIENTS = 3;
const CALLS_PER_CLIENT = 15;

/** The most requests in any window of GHL's interval: those it accepted, or (`all`) every one that arrived. */
function busiestWindow(requests: RecordedRequest[], all = false): number {
  const times = requests.filter((item) => all || item.status !== 429).map((item) => item.time).sort((a, b) => a - b);
  let most = 0;
  for (let start = 0, end = 0; end < times.length; end += 1) {
    while (times[end]! - times[start]! >= WINDOW.intervalMs) start += 1;
    most = Math.max(most, end - start + 1);
  }
  return most;
}

describe.skipIf(redisServerMissing())('streamable HTTP: stateless replicas behind a round-robin balancer', () => {
  const fake = new FakeGhl({ tokens: [GHL_TOKEN] });
  let redis: OwnRedis;
  let baseUrl: string;

  beforeAll(async () => {
    fake.route('GET', '/locations/{locationId}', (req) => ({ status: 200, body: { location: { id: req.params.locationId } } }));
    baseUrl = await fake.listen();
    redis = await startOwnRedis();
  });

  afterAll(async () => {
    await redis?.stop();
    await fake.close();
  });

  /** Three stateless replicas (sharing Redis when given), CLIENTS × CALLS_PER_CLIENT concurrent calls through the balancer. */
  async function run(redisUrl: string | undefined) {
    fake.rateLimit(WINDOW);
    const before = fake.requests.length;
    const env = {
      GHL_API_KEY: GHL_TOKEN,
      GHL_BASE_URL: baseUrl,
      GHL_LOCATION_ID: 'loc-replicas',
      GHL_RATE_LIMIT_MAX: String(WINDOW.max),
      GHL_RATE_LIMIT_INTERVAL_MS: String(WINDOW.intervalMs),
      REDIS_URL: redisUrl,
    };
    const replicas: HttpServerProcess[] = await Promise.all([0, 1, 2].map(() => startHttpServer(env, ['--stateless'])));
    const balancer = await roundRobin(() => replicas.map((replica) => replica.url));
    try {
      const sessions = await Promise.all(Array.from({ length: CLIENTS }, () => connectHttp(balancer.url)));
      const calls = sessions.flatMap((session) =>
        Array.from({ length: CALLS_PER_CLIENT }, () => session.client.callTool({ name: 'locations_get_location', arguments: {} })),
      );
      const results = await Promise.all(calls);
      await Promise.all(sessions.map((session) => session.close()));
      const sent = fake.requests.slice(before);
      const outcome = {
        failed: results.filter((result) => result.isError).length,
        rejected: fake.rejected,
        busiest: busiestWindow(sent),
        busiestArrivals: busiestWindow(sent, true),
        sent: sent.length,
      };
      await Promise.all(replicas.map((replica) => replica.stop()));
      // Read once the replicas have exited, so every access-log line is in.
      return { ...outcome, callsPerReplica: replicas.map((replica) => replica.stderr().split('"tool":"locations_get_location"').length - 1) };
    } finally {
      await balancer.close();
      await Promise.all(replicas.map((replica) => replica.stop()));
      fake.rateLimit(undefined);
    }
  }

  it('with REDIS_URL, N replicas stay inside one GHL budget: no 429s, no window over the limit, every call succeeds', async () => {
    const outcome = await run(redis.url);
    expect(outcome.failed).toBe(0);
    expect(outcome.rejected).toBe(0);
    expect(outcome.sent).toBe(CLIENTS * CALLS_PER_CLIENT);
    expect(outcome.busiestArrivals).toBeLessThanOrEqual(WINDOW.max);
    expect(outcome.callsPerReplica.every((count) => count > 0)).toBe(true);
    expect(outcome.callsPerReplica.reduce((sum, count) => sum + count, 0)).toBe(CLIENTS * CALLS_PER_CLIENT);
  }, 120_000);

  it('without Redis, the same replicas each spend the budget on their own and GHL answers 429s', async () => {
    const outcome = await run(undefined);
    // Together over GHL's budget in some window, yet each replica within its own: at most three budgets at once.
    expect(outcome.busiestArrivals).toBeGreaterThan(WINDOW.max);
    expect(outcome.busiestArrivals).toBeLessThanOrEqual(3 * WINDOW.max);
    // GHL refused some, and accepted exactly one request per call that succeeded (retries were of refusals only).
    expect(outcome.rejected).toBeGreaterThan(0);
    expect(outcome.sent - outcome.rejected).toBe(CLIENTS * CALLS_PER_CLIENT - outcome.failed);
    expect(outcome.busiest).toBeLessThanOrEqual(WINDOW.max);
  }, 120_000);
});
