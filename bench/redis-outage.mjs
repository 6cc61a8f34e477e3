// Three server processes sharing one Redis, against the fake GHL announcing and enforcing 20 requests per second,
// each with calls always waiting: Redis is stopped (SIGSTOP: hung, socket open) for 15 s, resumed, then killed and
// restarted empty. Needs redis-server; prints {"skipped": ...} without it.
// Usage: npm run build && node bench/redis-outage.mjs [--stop-s 15] [--per-process 10]
// Reports from the fake's own arrival times: the share of the budget used while Redis was stopped (target ≥ 90%),
// the budget lost in the 3 s after it resumed and after it restarted empty (target ≤ 1 s each), the switches each
// process logged (target: one each way per event), and the 429s agents saw (target 0).
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { register } from 'tsx/esm/api';
import { CLI } from './lib.mjs';
import { acceptedBetween, round, SEARCH_TOOL, startSeparateFake } from './separate-fake.js';

// The tests' own redis-server helper (TypeScript), loaded through tsx.
register();
const { redisServerMissing, startOwnRedis } = await import('../test/helpers/redis-server.ts');

const { values } = parseArgs({ options: { 'stop-s': { type: 'string', default: '15' }, 'per-process': { type: 'string', default: '10' } } });
const stopMs = Number(values['stop-s']) * 1000;
const perProcess = Number(values['per-process']);
const TOKEN = 'pit-outage-bench-token';
const LIMIT = { max: 20, intervalMs: 1_000 };
const RATE = LIMIT.max / (LIMIT.intervalMs / 1000);
const AFTER_MS = 3_000;

if (redisServerMissing()) {
  process.stdout.write(`${JSON.stringify({ bench: 'redis-outage', skipped: 'redis-server is not installed' })}\n`);
  process.exit(0);
}

const redis = await startOwnRedis();
const redisUrl = redis.url;
const fake = await startSeparateFake(TOKEN);
const servers = await Promise.all([0, 1, 2].map(() => startServer()));
await fake.reset(LIMIT);

const events = {};
const mark = (name) => (events[name] = Date.now());
let running = true;
const results = [];
const loops = servers.flatMap((server) =>
  Array.from({ length: perProcess }, async () => {
    while (running) {
      results.push(await server.client.callTool({ name: SEARCH_TOOL, arguments: { location_id: 'loc-outage' } }, { timeout: 120_000 }));
    }
  }),
);

await sleep(4_000);
mark('stopped');
redis.pause();
await sleep(stopMs);
mark('resumed');
redis.resume();
await sleep(6_000);
mark('restarted');
await redis.restart();
await sleep(6_000);
running = false;
await Promise.all(loops);
mark('end');

const report = await fake.report();
const requests = report.requests;
const logged = servers.map((server) => server.transitions());
const transitionsIn = (from, to) => logged.map((lines) => ({
  unreachable: lines.filter((line) => line.time >= from && line.time < to && line.text.includes('Redis is unreachable')).length,
  reachableAgain: lines.filter((line) => line.time >= from && line.time < to && line.text.includes('reachable again')).length,
}));
const lost = (from) => Math.max(0, AFTER_MS / 1000 - acceptedBetween(requests, from, from + AFTER_MS) / RATE);
const surfaced429 = results.filter((result) => result.isError && /\b429\b/.test(result.content[0]?.text ?? '')).length;

const result = {
  bench: 'redis-outage',
  processes: servers.length,
  callsInFlightPerProcess: perProcess,
  limit: LIMIT,
  redisStoppedMs: stopMs,
  budgetUsedBeforeStop: round(acceptedBetween(requests, events.stopped - 3_000, events.stopped) / (3 * RATE)),
  budgetUsedWhileStopped: round(acceptedBetween(requests, events.stopped, events.resumed) / ((stopMs / 1000) * RATE)),
  budgetLostAfterResumeS: round(lost(events.resumed)),
  budgetLostAfterRestartEmptyS: round(lost(events.restarted)),
  transitionsAtStop: transitionsIn(events.stopped, events.restarted),
  transitionsAtRestart: transitionsIn(events.restarted, events.end + 1),
  calls: results.length,
  surfaced429,
  errors: results.filter((result) => result.isError).length,
  rejectedByFake: report.rejected,
  targets: { budgetUsedWhileStopped: 0.9, budgetLostS: 1, transitionsEachWay: 1, surfaced429: 0 },
};
const oneEachWay = (list) => list.every((counts) => counts.unreachable === 1 && counts.reachableAgain === 1);
result.pass = {
  budgetUsedWhileStopped: result.budgetUsedWhileStopped >= 0.9,
  budgetLostAfterResume: result.budgetLostAfterResumeS <= 1,
  budgetLostAfterRestartEmpty: result.budgetLostAfterRestartEmptyS <= 1,
  transitionsAtStop: oneEachWay(result.transitionsAtStop),
  transitionsAtRestart: oneEachWay(result.transitionsAtRestart),
  surfaced429: surfaced429 === 0,
};

await Promise.all(servers.map((server) => server.client.close()));
fake.stop();
await redis.stop();
process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);

async function startServer() {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [CLI],
    env: { PATH: process.env.PATH ?? '', GHL_API_KEY: TOKEN, GHL_BASE_URL: fake.url, REDIS_URL: redisUrl, GHL_LOG_LEVEL: 'warn', GHL_SELF_UPDATE: 'off' },
    stderr: 'pipe',
  });
  const lines = [];
  transport.stderr.on('data', (chunk) => {
    for (const text of String(chunk).split('\n').filter(Boolean)) lines.push({ time: Date.now(), text });
  });
  const client = new Client({ name: 'bench', version: '1.0.0' });
  await client.connect(transport);
  return { client, transitions: () => lines };
}
