// Rate limiting through the MCP server against the fake GHL, and the per-call cost of the MCP path, in one run.
// Usage: npm run build && node bench/rate-limit.mjs [--calls 500] [--max 100] [--interval-ms 1000] [--samples 300]
//   throughput: N concurrent calls for one location with the fake enforcing `max` per `interval-ms`: total time as
//     a ratio of the theoretical minimum N / (max / interval), and the 429s the agent saw (target: ratio ≤ 1.05, 0).
//   overhead: sequential calls, the same request through the MCP server (limiter on, not binding) and directly over
//     HTTP, interleaved; the difference of the medians (target ≤ 2 ms). The fake runs in a process of its own here,
//     so the direct request crosses processes as the server's does (as a request to GHL would). With
//     GHL_TEST_REDIS_URL reachable, also through the Redis-shared limiter.
import { spawn } from 'node:child_process';
import { connect } from 'node:net';
import { parseArgs } from 'node:util';
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { register } from 'tsx/esm/api';
import { Agent, request } from 'undici';
import { CLI, median } from './lib.mjs';

// The fake GHL is the tests' own (TypeScript): loaded through tsx, so the bench runs with plain node.
register();
const { FakeGhl } = await import('../src/sandbox/fake-ghl.ts');
const { GhlClient } = await import('../src/client/ghl-client.ts');
const { createSendPolicy, DEFAULT_RATE_SETTINGS } = await import('../src/client/send-policy.ts');

const { values } = parseArgs({
  options: {
    calls: { type: 'string', default: '500' },
    max: { type: 'string', default: '100' },
    'interval-ms': { type: 'string', default: '1000' },
    samples: { type: 'string', default: '300' },
  },
});
const calls = Number(values.calls);
const max = Number(values.max);
const intervalMs = Number(values['interval-ms']);
const samples = Number(values.samples);
const TOKEN = 'pit-bench-token';
const TOOL = 'opportunities_search_opportunity';

const fake = new FakeGhl({ tokens: [TOKEN] });
fake.route('GET', '/opportunities/search', () => ({ status: 200, body: { opportunities: [], meta: { total: 0 } } }));
const baseUrl = await fake.listen();

async function startServer(args, env = {}, ghlUrl = baseUrl) {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [CLI, ...args],
    env: { PATH: process.env.PATH ?? '', GHL_API_KEY: TOKEN, GHL_BASE_URL: ghlUrl, GHL_LOG_LEVEL: 'error', ...env },
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

// Throughput under the limit. The fake runs in a process of its own, as GHL would: in this process its clock
// and its request log would wait on this process writing the 500 calls.
const throughputFake = await startSeparateFake();
const limited = await startServer(['--rate-limit-max', String(max), '--rate-limit-interval-ms', String(intervalMs)], {}, throughputFake.url);
await warm(limited, 'loc-warm');
await benchControl(throughputFake.url, 'reset', { max, intervalMs });
const started = performance.now();
const startedAt = Date.now();
const results = await Promise.all(Array.from({ length: calls }, () => search(limited, 'loc-bench')));
const elapsedMs = performance.now() - started;
const report = await benchControl(throughputFake.url, 'report');
const arrivals = report.times;
// Where the time went: before the first request reached GHL, between the first and the last, after the last.
const phasesMs = {
  toFirstRequest: Math.min(...arrivals) - startedAt,
  firstToLastRequest: Math.max(...arrivals) - Math.min(...arrivals),
  afterLastRequest: startedAt + elapsedMs - Math.max(...arrivals),
};
await limited.close();
throughputFake.process.kill();
const theoreticalMinMs = (calls / max) * intervalMs;
const surfaced429 = results.filter((result) => result.isError && /HTTP 429/.test(result.content[0]?.text ?? '')).length;
const errors = results.filter((result) => result.isError).length;
fake.rateLimit({ max, intervalMs });

// The same burst through the client alone, in this process: the limiter's own pacing, without the MCP hops.
const client = new GhlClient(baseUrl, { token: async () => TOKEN }, { connectMs: 10_000, headersMs: 30_000, bodyMs: 30_000 }, createSendPolicy({ ...DEFAULT_RATE_SETTINGS, limits: { max, intervalMs, dailyMax: 1_000_000 } }));
const searchRequest = (location) => ({ method: 'GET', path: '/opportunities/search', query: [['location_id', location]], headers: { Version: '2021-07-28' }, resource: `location:${location}` });
for (let index = 0; index < 20; index += 1) await client.send(searchRequest('loc-client-warm'));
const clientStarted = performance.now();
const clientResults = await Promise.all(Array.from({ length: calls }, () => client.send(searchRequest('loc-client-bench'))));
const clientElapsedMs = performance.now() - clientStarted;
await client.close();
fake.rateLimit(undefined);

// Per-call overhead: the limiter runs but never has to wait.
const separate = await startSeparateFake();
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
separate.process.kill();
await fake.close();

const result = {
  bench: 'rate-limit',
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
  targets: { ratio: 1.05, surfaced429: 0, overheadMedianMs: 2 },
};
result.pass = {
  ratio: result.throughput.ratio <= result.targets.ratio,
  surfaced429: surfaced429 === 0,
  overheadMedianMs: local.overheadMedianMs <= result.targets.overheadMedianMs,
};
process.stdout.write(JSON.stringify(result, null, 2) + '\n');

/**
 * The same fake GHL, answering the same route, in a child process of its own; POST /bench/reset clears its log
 * and sets its rate limit, GET /bench/report returns the arrival times of the searches and the 429s it sent.
 */
async function startSeparateFake() {
  const script =
    "const { FakeGhl } = await import('../src/sandbox/fake-ghl.ts');" +
    `const fake = new FakeGhl({ tokens: [${JSON.stringify(TOKEN)}] });` +
    "fake.route('GET', '/opportunities/search', () => ({ status: 200, body: { opportunities: [], meta: { total: 0 } } }));" +
    "fake.route('POST', '/bench/reset', (req) => { fake.requests.length = 0; fake.rateLimit(req.json); return { status: 200, body: {} }; });" +
    "fake.route('GET', '/bench/report', () => ({ status: 200, body: { rejected: fake.rejected, times: fake.requests.filter((r) => r.path === '/opportunities/search').map((r) => r.time) } }));" +
    'process.stdout.write((await fake.listen()) + "\\n");';
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: import.meta.dirname,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise((resolve, reject) => {
    child.once('error', reject);
    child.stdout.once('data', (data) => resolve(String(data).trim()));
  });
  return { url, process: child };
}

async function benchControl(url, action, limits) {
  const response = await request(`${url}/bench/${action}`, {
    method: action === 'reset' ? 'POST' : 'GET',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: limits && JSON.stringify(limits),
  });
  return response.body.json();
}

function round(value) {
  return Math.round(value * 100) / 100;
}

function answersPing(url) {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect({ host: hostname, port: Number(port || 6379) });
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.on('error', () => done(false));
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (data) => done(String(data).startsWith('+PONG')));
  });
}
