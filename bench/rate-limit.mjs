// Rate limiting through the MCP server against the fake GHL, and the per-call cost of the MCP path, in one run.
// Usage: npm run build && node bench/rate-limit.mjs [--calls 500] [--max 100] [--interval-ms 1000] [--samples 300]
//   [--pit-calls 100]
//   announced: 100 concurrent calls, no rate flags, an OAuth token (so 100 per 10 s is assumed), against a fake
//     announcing and enforcing 20 per second: time against the theoretical minimum N / rate (target ≤ 1.3×; also
//     against the 4 s of whole windows released at their edges), 429s the agent saw (0), the most GHL accepted in
//     any second (≤ 20).
//   pit: concurrent calls with a Private Integration Token against a fake with a PIT's budget (25 per 10 s, no
//     Retry-After): the share of each full window's budget used (target ≥ 95%) and the 429s the agent saw (0).
//   throughput: N concurrent calls for one location with the fake enforcing `max` per `interval-ms`: total time as
//     a ratio of the theoretical minimum N / (max / interval), and the 429s the agent saw (target: ratio ≤ 1.05, 0).
//   overhead: sequential calls, the same request through the MCP server (limiter on, not binding) and directly over
//     HTTP, interleaved; the difference of the medians (target ≤ 2 ms). The fake runs in a process of its own here,
//     so the direct request crosses processes as the server's does (as a request to GHL would). With
//     GHL_TEST_REDIS_URL reachable, also through the Redis-shared limiter.
import { parseArgs } from 'node:util';
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { register } from 'tsx/esm/api';
import { Agent, request } from 'undici';
import { CLI, median } from './lib.mjs';
import { maxInAnyWindow, SEARCH_TOOL, startSeparateFake } from './separate-fake.js';

// The fake GHL is the tests' own (TypeScript): loaded through tsx, so the bench runs with plain node.
register();
const { FakeGhl } = await import('../src/sandbox/fake-ghl.ts');
const { GhlClient } = await import('../src/client/ghl-client.ts');
const { createSendPolicy, DEFAULT_RATE_SETTINGS } = await import('../src/client/send-policy.ts');
const { answersPing } = await import('../test/helpers/redis-server.ts');

const { values } = parseArgs({
  options: {
    calls: { type: 'string', default: '500' },
    max: { type: 'string', default: '100' },
    'interval-ms': { type: 'string', default: '1000' },
    samples: { type: 'string', default: '300' },
    'pit-calls': { type: 'string', default: '100' },
  },
});
const pitCalls = Number(values['pit-calls']);
const calls = Number(values.calls);
const max = Number(values.max);
const intervalMs = Number(values['interval-ms']);
const samples = Number(values.samples);
const TOKEN = 'pit-bench-token';
// An OAuth access token (a JWT), so the server assumes a marketplace app's budget until GHL announces one.
const OAUTH_TOKEN = 'eyJhbGciOiJIUzI1NiJ9.bench.signature';
const TOOL = SEARCH_TOOL;

const fake = new FakeGhl({ tokens: [TOKEN] });
fake.route('GET', '/opportunities/search', () => ({ status: 200, body: { opportunities: [], meta: { total: 0 } } }));
const baseUrl = await fake.listen();

async function startServer(args, env = {}, ghlUrl = baseUrl) {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [CLI, ...args],
    env: { PATH: process.env.PATH ?? '', GHL_API_KEY: TOKEN, GHL_BASE_URL: ghlUrl, GHL_LOG_LEVEL: 'error', GHL_SELF_UPDATE: 'off', ...env },
    stderr: 'inherit',
  });
  const client = new Client({ name: 'bench', version: '1.0.0' });
  await client.connect(transport);
  return client;
}

const search = (client, location) => client.callTool({ name: TOOL, arguments: { location_id: location } }, { timeout: 600_000 });

async function warm(client, location) {
  for (let index = 0; index < 20; index += 1) await search(client, location);
}

const surfaced = (results) => results.filter((result) => result.isError && /\b429\b/.test(result.content[0]?.text ?? '')).length;

// An announced 20 per second, nothing configured: the announcement replaces the assumed 100 per 10 s.
const announcedFake = await startSeparateFake(OAUTH_TOKEN);
const announcedServer = await startServer([], { GHL_API_KEY: OAUTH_TOKEN }, announcedFake.url);
await warm(announcedServer, 'loc-warm');
await announcedFake.reset({ max: 20, intervalMs: 1_000 });
const announcedStarted = performance.now();
const announcedStartedAt = Date.now();
const announcedResults = await Promise.all(Array.from({ length: 100 }, () => search(announcedServer, 'loc-announced')));
const announcedElapsedMs = performance.now() - announcedStarted;
const announcedReport = await announcedFake.report();
await announcedServer.close();
announcedFake.stop();
const announcedTimes = announcedReport.requests.filter((r) => r.status === 200).map((r) => r.time);
// The theoretical minimum as in the throughput section, calls / rate: 5 s. Released in whole windows at their
// edges (which the limiter does not do: it spreads them) the last 20 could go 4 s after the first.
const announcedMinMs = (100 / 20) * 1_000;
const announcedEdgeMs = (Math.ceil(100 / 20) - 1) * 1_000;

// A Private Integration Token against a PIT's budget: 25 per 10 s, no Retry-After, nothing configured.
const pitFake = await startSeparateFake(TOKEN);
const pitServer = await startServer([], {}, pitFake.url);
await pitFake.reset({ preset: 'pit' });
const pitResults = await Promise.all(Array.from({ length: pitCalls }, () => search(pitServer, 'loc-pit')));
const pitReport = await pitFake.report();
await pitServer.close();
pitFake.stop();
const pitTimes = pitReport.requests.filter((r) => r.status === 200).map((r) => r.time).sort((a, b) => a - b);
// Each full 10 s window from the first request on: how much of its 25 was used.
const pitWindows = [];
for (let from = pitTimes[0]; from + 10_000 <= pitTimes.at(-1); from += 10_000) {
  pitWindows.push(pitTimes.filter((time) => time >= from && time < from + 10_000).length / 25);
}

// Throughput under the limit. The fake runs in a process of its own, as GHL would: in this process its clock
// and its request log would wait on this process writing the 500 calls.
const throughputFake = await startSeparateFake(TOKEN);
const limited = await startServer(['--rate-limit-max', String(max), '--rate-limit-interval-ms', String(intervalMs)], {}, throughputFake.url);
await warm(limited, 'loc-warm');
await throughputFake.reset({ max, intervalMs });
const started = performance.now();
const startedAt = Date.now();
const results = await Promise.all(Array.from({ length: calls }, () => search(limited, 'loc-bench')));
const elapsedMs = performance.now() - started;
const report = await throughputFake.report();
const arrivals = report.requests.map((r) => r.time);
// Where the time went: before the first request reached GHL, between the first and the last, after the last.
const phasesMs = {
  toFirstRequest: Math.min(...arrivals) - startedAt,
  firstToLastRequest: Math.max(...arrivals) - Math.min(...arrivals),
  afterLastRequest: startedAt + elapsedMs - Math.max(...arrivals),
};
await limited.close();
throughputFake.stop();
const theoreticalMinMs = (calls / max) * intervalMs;
const surfaced429 = surfaced(results);
const errors = results.filter((result) => result.isError).length;
fake.rateLimit({ max, intervalMs });

// The same burst through the client alone, in this process: the limiter's own pacing, without the MCP hops.
const client = new GhlClient(baseUrl, { token: async () => TOKEN }, { connectMs: 10_000, headersMs: 30_000, bodyMs: 30_000 }, createSendPolicy({ ...DEFAULT_RATE_SETTINGS, cap: { max, intervalMs, dailyMax: 1_000_000 } }));
const searchRequest = (location) => ({ method: 'GET', path: '/opportunities/search', query: [['location_id', location]], headers: { Version: '2021-07-28' }, resource: `location:${location}` });
for (let index = 0; index < 20; index += 1) await client.send(searchRequest('loc-client-warm'));
const clientStarted = performance.now();
const clientResults = await Promise.all(Array.from({ length: calls }, () => client.send(searchRequest('loc-client-bench'))));
const clientElapsedMs = performance.now() - clientStarted;
await client.close();
fake.rateLimit(undefined);

// Per-call overhead: the limiter runs but never has to wait.
const separate = await startSeparateFake(TOKEN);
const dispatcher = new Agent({ keepAliveTimeout: 30_000 });
async function direct(location) {
  const response = await request(`${separate.url}/opportunities/search?location_id=${location}`, {
    headers: { authorization: `Bearer ${TOKEN}`, version: '2021-07-28', accept: 'application/json' },
    dispatcher,
  });
  await response.body.text();
}
async function overhead(client) {
  await warm(client, 'loc-overhead');
  for (let index = 0; index < 20; index += 1) await direct('loc-overhead');
  const viaMcp = [];
  const viaHttp = [];
  const pings = [];
  for (let index = 0; index < samples; index += 1) {
    let t0 = performance.now();
    await direct('loc-overhead');
    viaHttp.push(performance.now() - t0);
    t0 = performance.now();
    await search(client, 'loc-overhead');
    viaMcp.push(performance.now() - t0);
    t0 = performance.now();
    await client.ping();
    pings.push(performance.now() - t0);
  }
  await client.close();
  return {
    mcpMedianMs: round(median(viaMcp)),
    httpMedianMs: round(median(viaHttp)),
    overheadMedianMs: round(median(viaMcp) - median(viaHttp)),
    // The MCP round trip alone (stdio both ways, no tool): the part of the overhead that is the protocol's.
    mcpPingMedianMs: round(median(pings)),
  };
}
const loose = ['--rate-limit-max', '1000000', '--rate-limit-interval-ms', '1000'];
const local = await overhead(await startServer(loose, {}, separate.url));
const redisUrl = process.env.GHL_TEST_REDIS_URL ?? 'redis://127.0.0.1:6390';
const shared = (await answersPing(redisUrl)) ? await overhead(await startServer(loose, { REDIS_URL: redisUrl }, separate.url)) : undefined;
await dispatcher.close();
separate.stop();
await fake.close();

const result = {
  bench: 'rate-limit',
  announced: {
    calls: 100,
    announced: { max: 20, intervalMs: 1_000 },
    elapsedMs: round(announcedElapsedMs),
    theoreticalMinMs: announcedMinMs,
    ratio: round(announcedElapsedMs / announcedMinMs),
    windowEdgeBoundMs: announcedEdgeMs,
    ratioToWindowEdgeBound: round(announcedElapsedMs / announcedEdgeMs),
    phasesMs: {
      toFirstRequest: round(Math.min(...announcedTimes) - announcedStartedAt),
      firstToLastRequest: round(Math.max(...announcedTimes) - Math.min(...announcedTimes)),
      afterLastRequest: round(announcedStartedAt + announcedElapsedMs - Math.max(...announcedTimes)),
    },
    surfaced429: surfaced(announcedResults),
    errors: announcedResults.filter((r) => r.isError).length,
    rejectedByFake: announcedReport.rejected,
    maxAcceptedInAnySecond: maxInAnyWindow(announcedTimes, 1_000),
  },
  pit: {
    calls: pitCalls,
    budget: { max: 25, intervalMs: 10_000, retryAfter: false },
    fullWindows: pitWindows.length,
    budgetUsedPerWindow: pitWindows.map(round),
    budgetUsedMean: round(pitWindows.reduce((sum, share) => sum + share, 0) / Math.max(1, pitWindows.length)),
    surfaced429: surfaced(pitResults),
    errors: pitResults.filter((r) => r.isError).length,
    rejectedByFake: pitReport.rejected,
    maxAcceptedInAny10s: maxInAnyWindow(pitTimes, 10_000),
  },
  throughput: {
    calls,
    limit: { max, intervalMs },
    elapsedMs: round(elapsedMs),
    theoreticalMinMs,
    ratio: round(elapsedMs / theoreticalMinMs),
    phasesMs: Object.fromEntries(Object.entries(phasesMs).map(([name, ms]) => [name, round(ms)])),
    // The paced part alone: the first to the last request GHL saw, against the same minimum.
    pacedRatio: round(phasesMs.firstToLastRequest / theoreticalMinMs),
    // Releasing whole windows at their edges would need only this long; the limiter spreads calls instead.
    windowEdgeBoundMs: (Math.ceil(calls / max) - 1) * intervalMs,
    surfaced429,
    errors,
    rejectedByFake: report.rejected,
  },
  clientOnly: {
    elapsedMs: round(clientElapsedMs),
    ratio: round(clientElapsedMs / theoreticalMinMs),
    surfaced429: clientResults.filter((response) => response.status === 429).length,
  },
  overhead: { samples, local, ...(shared && { redis: shared }) },
  loadAverage: (await import('node:os')).loadavg().map(round),
  targets: { ratio: 1.05, surfaced429: 0, overheadMedianMs: 2, announcedRatio: 1.3, pitBudgetUsed: 0.95 },
};
result.pass = {
  announcedRatio: result.announced.ratio <= 1.3,
  announcedSurfaced429: result.announced.surfaced429 === 0,
  announcedAtMost20PerSecond: result.announced.maxAcceptedInAnySecond <= 20,
  pitBudgetUsed: result.pit.fullWindows > 0 && Math.min(...pitWindows) >= 0.95,
  pitSurfaced429: result.pit.surfaced429 === 0,
  ratio: result.throughput.ratio <= result.targets.ratio,
  surfaced429: surfaced429 === 0,
  overheadMedianMs: local.overheadMedianMs <= result.targets.overheadMedianMs,
};
process.stdout.write(JSON.stringify(result, null, 2) + '\n');

function round(value) {
  return Math.round(value * 100) / 100;
}
