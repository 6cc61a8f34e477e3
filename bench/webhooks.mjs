// GHL webhook deliveries against the built server (--webhooks): a burst of signed deliveries, overlapping as GHL's
// delivery workers would. Reports acknowledgements (target: all 200), the time to acknowledge (p50/p99), the whole
// burst's duration and the server's peak RSS. Receive-to-notification latency comes once notifications exist.
// Usage: npm run build && node bench/webhooks.mjs [--deliveries 1000] [--senders 50] [--redis redis://127.0.0.1:6390]
//   --redis: the event log and delivery IDs in that Redis (as replicas share them) instead of in memory.
import { spawn } from 'node:child_process';
import { generateKeyPairSync, randomUUID, sign } from 'node:crypto';
import { request } from 'node:http';
import { parseArgs } from 'node:util';
import { CLI, peakRssMb } from './lib.mjs';

const { values } = parseArgs({ options: { deliveries: { type: 'string', default: '1000' }, senders: { type: 'string', default: '50' }, redis: { type: 'string' } } });
const deliveries = Number(values.deliveries);
const senders = Number(values.senders);

const { privateKey, publicKey } = generateKeyPairSync('ed25519');
// No GHL call is made: the credentials are never used.
const server = spawn(process.execPath, [CLI, '--http', '--port', '0', '--webhooks'], {
  env: { PATH: process.env.PATH, GHL_API_KEY: 'pit-unused', GHL_LOCATION_ID: 'loc-bench', ...(values.redis && { REDIS_URL: values.redis }), GHL_LOG_LEVEL: 'info', GHL_WEBHOOK_LOG_MAX_AGE_MS: '600000', GHL_WEBHOOK_KEY: publicKey.export({ type: 'spki', format: 'pem' }).toString(), GHL_WEBHOOK_LOG_MAX_EVENTS: String(deliveries) },
  stdio: ['ignore', 'ignore', 'pipe'],
});
let announced = '';
const origin = await new Promise((resolve, reject) => {
  server.stderr.on('data', (chunk) => {
    announced += chunk;
    const match = /(http:\/\/127\.0\.0\.1:\d+)\/mcp/.exec(announced);
    if (match) resolve(match[1]);
  });
  server.once('exit', (code) => reject(new Error(`server exited (${code}): ${announced}`)));
});

/** One delivery; resolves with its status and the milliseconds until the answer. */
function deliver(body) {
  const started = performance.now();
  const headers = { 'content-type': 'application/json', 'x-ghl-signature': sign(null, Buffer.from(body), privateKey).toString('base64') };
  return new Promise((resolve, reject) => {
    const req = request(`${origin}/webhooks/ghl`, { method: 'POST', headers }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode, ms: performance.now() - started }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const bodies = Array.from({ length: deliveries }, (_, index) =>
  JSON.stringify({ type: 'InboundMessage', locationId: 'loc-bench', contactId: `c${index % 40}`, body: `message ${index}`, timestamp: new Date().toISOString(), webhookId: randomUUID() }),
);
const results = [];
const started = performance.now();
await Promise.all(
  Array.from({ length: senders }, async (_, sender) => {
    for (let index = sender; index < bodies.length; index += senders) results.push(await deliver(bodies[index]));
  }),
);
const burstMs = performance.now() - started;
// Each delivery again: every one must be refused as a replay (409), i.e. each was stored exactly once.
const replays = await Promise.all(bodies.slice(0, 100).map(deliver));
const rssMb = peakRssMb(server.pid);
server.kill();

const latencies = results.map((result) => result.ms).sort((a, b) => a - b);
const percentile = (p) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))];
process.stdout.write(
  `${JSON.stringify({
    bench: 'webhooks',
    store: values.redis ? 'redis' : 'memory',
    deliveries,
    senders,
    acknowledged: results.filter((result) => result.status === 200).length,
    refused: results.filter((result) => result.status !== 200).length,
    replaysRefused: `${replays.filter((result) => result.status === 409).length}/${replays.length}`,
    burstMs: Math.round(burstMs),
    ackMs: { p50: Number(percentile(50).toFixed(2)), p99: Number(percentile(99).toFixed(2)) },
    rssMb: Number(rssMb.toFixed(1)),
  })}\n`,
);
