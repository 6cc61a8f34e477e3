// Load through the streamable HTTP transport against the fake GHL, loopback only and bounded.
// Usage: npm run build && node bench/http-load.mjs [--sessions 50] [--calls 200] [--rounds 2] [--stateless] [--replicas 3]
//   Opens `sessions` SDK clients at once; each makes `calls` tool calls in a row, all sessions concurrently; `rounds`
//   times, each round with fresh sessions (ended with DELETE). Reports errors (target 0), client-side latency p50/p99,
//   throughput, and the server's RSS after a warm-up round and after each measured round. Bound: from the first
//   measured round to the last, RSS grows by at most GROWTH_BOUND_MB (sessions and their servers are released).
//   --replicas N: N server processes sharing a private redis-server (sessions, event store, bus in Redis) behind a
//   plain round-robin balancer (test/helpers/replicas.ts), so every call of a session may land on another replica;
//   RSS is reported per replica, and the bound applies to each.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { register } from 'tsx/esm/api';
import { CLI, median } from './lib.mjs';

register();
const { FakeGhl } = await import('../src/sandbox/fake-ghl.ts');
const round1 = (value) => Math.round(value * 10) / 10;

const GROWTH_BOUND_MB = 20;
const { values } = parseArgs({
  options: {
    sessions: { type: 'string', default: '50' },
    calls: { type: 'string', default: '200' },
    rounds: { type: 'string', default: '2' },
    stateless: { type: 'boolean', default: false },
    replicas: { type: 'string', default: '0' },
  },
});
const sessions = Number(values.sessions);
const calls = Number(values.calls);
const rounds = Number(values.rounds);
const replicaCount = Number(values.replicas);
const TOKEN = 'pit-http-bench';

const fake = new FakeGhl({ tokens: [TOKEN] });
fake.route('GET', '/locations/{locationId}', (req) => ({ status: 200, body: { location: { id: req.params.locationId, name: 'Bench location' } } }));
const baseUrl = await fake.listen();

// The limiter and the per-client caps are lifted: this measures the transport, not the GHL budget.
const args = ['--http', '--port', '0', '--rate-limit-max', '1000000', '--rate-limit-interval-ms', '1000', '--max-concurrency', String(sessions)];
args.push('--client-rpm', '10000000', '--max-sessions-per-client', String(sessions * 2));
if (values.stateless) args.push('--stateless');
const env = { GHL_API_KEY: TOKEN, GHL_BASE_URL: baseUrl, GHL_LOCATION_ID: 'loc-bench' };
const { url, pids, stop } = replicaCount > 0 ? await startSet() : await startOne();

/** One server process; its endpoint once it announces it. */
async function startOne() {
  const server = spawn(process.execPath, [CLI, ...args], { env: { PATH: process.env.PATH, ...env, GHL_LOG_LEVEL: 'info' }, stdio: ['ignore', 'ignore', 'pipe'] });
  let announced = '';
  const url = await new Promise((resolve, reject) => {
    const onData = (chunk) => {
      announced += chunk;
      const match = /"url":"(http:\/\/[^"]+\/mcp)"/.exec(announced);
      if (match) {
        announced = '';
        // Access logs keep coming (one line per request); they are read and dropped.
        server.stderr.off('data', onData).on('data', () => {});
        resolve(match[1]);
      }
    };
    server.stderr.on('data', onData);
    server.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
  const stop = async () => {
    server.kill('SIGTERM');
    await new Promise((resolve) => server.once('exit', resolve));
  };
  return { url, pids: () => [server.pid], stop };
}

/** N replicas sharing a private Redis behind the round-robin balancer. */
async function startSet() {
  const { startReplicas } = await import('../test/helpers/replicas.ts');
  const set = await startReplicas({ count: replicaCount, env, args: args.slice(3) });
  return { url: set.url, pids: () => set.replicas.map((replica) => replica.child.pid), stop: () => set.close() };
}

const rssOf = (pid) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024;
/** The RSS of each server process (one, or one per replica), in MB. */
const rssMb = () => pids().map((pid) => round1(rssOf(pid)));

async function round(callsPerSession) {
  const clients = await Promise.all(
    Array.from({ length: sessions }, async () => {
      const transport = new StreamableHTTPClientTransport(new URL(url));
      const client = new Client({ name: 'http-bench', version: '1.0.0' });
      await client.connect(transport);
      return { client, transport };
    }),
  );
  const latencies = [];
  let errors = 0;
  const fail = (message) => {
    if (errors++ < 5) process.stderr.write(`call failed: ${message}\n`);
  };
  const started = performance.now();
  await Promise.all(
    clients.map(async ({ client }) => {
      for (let index = 0; index < callsPerSession; index += 1) {
        const before = performance.now();
        try {
          const result = await client.callTool({ name: 'locations_get_location', arguments: {} });
          if (result.isError) fail(result.content?.[0]?.text);
        } catch (error) {
          fail(`${error.message}${error.cause ? `: ${error.cause.code ?? error.cause.message}` : ""}`);
        }
        latencies.push(performance.now() - before);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  await Promise.all(
    clients.map(async ({ client, transport }) => {
      if (transport.sessionId) await transport.terminateSession().catch(() => {});
      await client.close();
    }),
  );
  return { latencies, errors, seconds };
}

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

const warmup = await round(20);
await new Promise((resolve) => setTimeout(resolve, 500));
const rss = { afterWarmup: rssMb(), afterRounds: [] };
const latencies = [];
let errors = warmup.errors;
let seconds = 0;
for (let index = 0; index < rounds; index += 1) {
  const result = await round(calls);
  latencies.push(...result.latencies);
  errors += result.errors;
  seconds += result.seconds;
  await new Promise((resolve) => setTimeout(resolve, 500));
  rss.afterRounds.push(rssMb());
}
const sorted = latencies.sort((a, b) => a - b);
// The largest growth of any one process from the first measured round to the last.
const growthMb = round1(Math.max(...rss.afterRounds.at(-1).map((mb, index) => mb - rss.afterRounds[0][index])));
const requestsSeen = fake.requests.length;
await stop();
await fake.close();
// One process: plain numbers, as before replicas; replicas: one figure per replica.
const perProcess = (list) => (replicaCount > 0 ? list : list[0]);

process.stdout.write(
  `${JSON.stringify({
    bench: 'http-load',
    mode: values.stateless ? 'stateless' : 'stateful',
    replicas: replicaCount > 0 ? replicaCount : undefined,
    sessions,
    callsPerSession: calls,
    rounds,
    calls: latencies.length,
    ghlRequests: requestsSeen,
    errors,
    p50Ms: round1(median(sorted)),
    p99Ms: round1(percentile(sorted, 99)),
    callsPerSecond: Math.round(latencies.length / seconds),
    rssMb: { afterWarmup: perProcess(rss.afterWarmup), afterRounds: rss.afterRounds.map(perProcess) },
    growthMb,
    growthBoundMb: GROWTH_BOUND_MB,
    withinBound: errors === 0 && growthMb <= GROWTH_BOUND_MB,
    // Other work on the machine during the run (1-minute load average at the end): latencies scale with it.
    loadAverage: Math.round(loadavg()[0] * 10) / 10,
  })}\n`,
);
