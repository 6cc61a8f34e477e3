import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeGhl } from '../../src/sandbox/fake-ghl.js';
import { connectStdio, type StdioSession } from '../helpers/mcp.js';
import { type OwnRedis, redisMissing, redisServerMissing, startOwnRedis, TEST_REDIS_URL } from '../helpers/redis-server.js';
import { maxAcceptedInAnyWindow, textOf, waitFor } from '../helpers/traffic.js';

const TOKEN = 'pit-shared-limit-e2e-token';
const skipShared = await redisMissing();
const skipOwn = redisServerMissing();

const fake = new FakeGhl({ tokens: [TOKEN] });
fake.route('GET', '/opportunities/search', () => ({ status: 200, body: { opportunities: [] } }));
const sessions: StdioSession[] = [];
let ownRedis: OwnRedis | undefined;

afterEach(async () => {
  await Promise.all(sessions.splice(0).map((session) => session.close()));
  await ownRedis?.stop();
  await fake.close();
});

async function servers(count: number, redisUrl: string, args: string[]): Promise<StdioSession[]> {
  const baseUrl = await fake.listen();
  fake.requests.length = 0;
  fake.rateLimit(undefined);
  const started = await Promise.all(
    Array.from({ length: count }, () => connectStdio({ GHL_API_KEY: TOKEN, GHL_BASE_URL: baseUrl, REDIS_URL: redisUrl }, args)),
  );
  sessions.push(...started);
  return started;
}

const search = (session: StdioSession, location: string) =>
  session.client.callTool({ name: 'opportunities_search_opportunity', arguments: { location_id: location } });

describe('one budget across replicas through Redis', () => {
  it.skipIf(skipShared)('three server processes sharing one Redis stay inside the window, and every call succeeds', async () => {
    const replicas = await servers(3, TEST_REDIS_URL, ['--rate-limit-max', '20', '--rate-limit-interval-ms', '1000']);
    fake.rateLimit({ max: 20, intervalMs: 1_000 });
    const location = `loc-${randomUUID()}`;
    const results = await Promise.all(replicas.flatMap((replica) => Array.from({ length: 25 }, () => search(replica, location))));
    expect(results.filter((result) => result.isError).map(textOf)).toEqual([]);
    expect(fake.requests).toHaveLength(75);
    expect(fake.rejected).toBe(0);
    expect(maxAcceptedInAnyWindow(fake.requests, 1_000)).toBeLessThanOrEqual(20);
    for (const replica of replicas) expect(replica.stderr()).not.toContain('Redis is unreachable');
  });

  it.skipIf(skipOwn)('keeps serving calls on a local limiter when Redis is killed mid-run, and says so', async () => {
    ownRedis = await startOwnRedis();
    const [server] = await servers(1, ownRedis.url, ['--rate-limit-max', '50', '--rate-limit-interval-ms', '1000']);
    const location = `loc-${randomUUID()}`;
    const before = await Promise.all(Array.from({ length: 10 }, () => search(server!, location)));
    expect(before.filter((result) => result.isError)).toEqual([]);
    expect(server!.stderr()).not.toContain('Redis is unreachable');

    await ownRedis.stop();
    const after = await Promise.all(Array.from({ length: 10 }, () => search(server!, location)));
    expect(after.filter((result) => result.isError).map(textOf)).toEqual([]);
    expect(fake.requests).toHaveLength(20);
    expect(server!.stderr()).toContain('Redis is unreachable');
    expect(server!.stderr()).not.toContain('redis://');
  });

  it.skipIf(skipOwn)('three processes go on through a hung Redis, each saying once that it switched and once that it is back', async () => {
    ownRedis = await startOwnRedis();
    const replicas = await servers(3, ownRedis.url, []);
    fake.rateLimit({ max: 20, intervalMs: 1_000 });
    const location = `loc-${randomUUID()}`;
    const calls = Promise.all(replicas.flatMap((replica) => Array.from({ length: 40 }, () => search(replica, location))));
    await waitFor(() => fake.requests.length >= 10);
    ownRedis.pause();
    const said = (replica: StdioSession, text: string) => replica.stderr().split(text).length - 1;
    await waitFor(() => replicas.every((replica) => said(replica, 'Redis is unreachable') === 1));
    // Calls go on while Redis hangs.
    const during = fake.requests.length;
    await waitFor(() => fake.requests.length >= during + 20);
    ownRedis.resume();
    await waitFor(() => replicas.every((replica) => said(replica, 'Redis is reachable again') === 1));
    const results = await calls;
    expect(results.filter((result) => result.isError).map(textOf)).toEqual([]);
    expect(fake.requests.filter((request) => request.status === 200)).toHaveLength(120);
    for (const replica of replicas) {
      expect(said(replica, 'Redis is unreachable')).toBe(1);
      expect(said(replica, 'Redis is reachable again')).toBe(1);
    }
  });
});
