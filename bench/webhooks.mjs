// GHL webhook deliveries against the built server (--webhooks): a burst of signed deliveries, overlapping as GHL's
// delivery workers would, while an MCP client is subscribed to the location's events resource. Reports
// acknowledgements (target: all 200), the time to acknowledge (p50/p99), receive-to-notification latency (p50/p99:
// from the signed POST leaving the sender to notifications/resources/updated arriving at the subscribed client),
// the whole burst's duration and the server's peak RSS.
// Usage: npm run build && node bench/webhooks.mjs [--deliveries 1000] [--senders 50] [--subscribers 1] [--redis redis://127.0.0.1:6390]
//   --redis: the event log and delivery IDs in that Redis (as replicas share them) instead of in memory.
import { spawn } from 'node:child_process';
import { loadavg } from 'node:os';
import { generateKeyPairSync, randomUUID, sign } from 'node:crypto';
import { request } from 'node:http';
import { parseArgs } from 'node:util';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { CLI, peakRssMb } from './lib.mjs';

const { values } = parseArgs({ options: { deliveries: { type: 'string', default: '1000' }, senders: { type: 'string', default: '50' }, subscribers: { type: 'string', default: '1' }, redis: { type: 'string' } } });
const deliveries = Number(values.deliveries);
const senders = Number(values.senders);

const { privateKey, publicKey } = generateKeyPairSync('ed25519');
// No GHL call is made: the credentials are never used.
const server = spawn(process.execPath, [CLI, '--http', '--port', '0', '--webhooks', '--toolsets', 'all'], {
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

// The agents: each subscribed to the location's events; the first one's notifications are timed. --subscribers 0
// measures the receiver alone, for comparison.
const EVENTS_URI = 'ghl://locations/loc-bench/events';
const notified = [];
const clients = await Promise.all(
  Array.from({ length: Number(values.subscribers) }, async (_, index) => {
    const client = new Client({ name: 'webhooks-bench', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(`${origin}/mcp`)));
    client.setNotificationHandler('notifications/resources/updated', (notification) => {
      if (index === 0 && notification.params.uri === EVENTS_URI) notified.push(performance.now());
    });
    await client.subscribeResource({ uri: EVENTS_URI });
    return client;
  }),
);

/** One delivery; resolves with its status, when it left and the milliseconds until the answer. */
function deliver(body) {
  const started = performance.now();
  const headers = { 'content-type': 'application/json', 'x-ghl-signature': sign(null, Buffer.from(body), privateKey).toString('base64') };
  return new Promise((resolve, reject) => {
    const req = request(`${origin}/webhooks/ghl`, { method: 'POST', headers }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode, sentAt: started, ackAt: performance.now(), ms: performance.now() - started }));
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
// Notifications still on their way: wait until they stop coming (a second with none), at most 30 s.
for (let seen = -1, waited = 0; clients.length > 0 && seen !== notified.length && waited < 30_000; waited += 1000) {
  seen = notified.length;
  await new Promise((resolve) => setTimeout(resolve, 1000));
}
const notifications = notified.length;
// Each delivery again: every one must be refused as a replay (409), i.e. each was stored exactly once.
const replays = await Promise.all(bodies.slice(0, 100).map(deliver));
const rssMb = peakRssMb(server.pid);
await Promise.all(clients.map((client) => client.close()));
server.kill();

const percentileOf = (values, p) => {
  const sorted = [...values].sort((a, b) => a - b);
  return Number(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))].toFixed(2));
};
const percentile = (p) => percentileOf(results.map((result) => result.ms), p);
// A notification does not say which event it is about. When there is one per stored event, the k-th to arrive is
// the k-th event stored, and events are stored in the order they are acknowledged: pair them in that order. When
// the server sends fewer (coalesced), each delivery is paired with the first notification after its
// acknowledgement instead, and `paired` says so.
const acked = results.filter((result) => result.status === 200).sort((a, b) => a.ackAt - b.ackAt);
const oneEach = notifications === acked.length;
const notifiedAt = acked.map((result, k) => (oneEach ? notified[k] : notified.find((at) => at >= result.ackAt)));
const notifyMs = acked.map((result, k) => notifiedAt[k] - result.sentAt).filter((ms) => Number.isFinite(ms));
// The part after the acknowledgement: what the server does once the event is stored, without the senders' queueing.
const afterAckMs = acked.map((result, k) => notifiedAt[k] - result.ackAt).filter((ms) => Number.isFinite(ms));
process.stdout.write(
  `${JSON.stringify({
    bench: 'webhooks',
    store: values.redis ? 'redis' : 'memory',
    deliveries,
    senders,
    subscribers: clients.length,
    acknowledged: results.filter((result) => result.status === 200).length,
    refused: results.filter((result) => result.status !== 200).length,
    replaysRefused: `${replays.filter((result) => result.status === 409).length}/${replays.length}`,
    burstMs: Math.round(burstMs),
    ackMs: { p50: percentile(50), p99: percentile(99) },
    notifications,
    notifyMs: notifyMs.length ? { p50: percentileOf(notifyMs, 50), p99: percentileOf(notifyMs, 99), paired: oneEach ? 'k-th notification to k-th acknowledged delivery' : 'first notification after each acknowledgement' } : null,
    notifyAfterAckMs: afterAckMs.length ? { p50: percentileOf(afterAckMs, 50), p99: percentileOf(afterAckMs, 99) } : null,
    loadAverage: Number(loadavg()[0].toFixed(1)),
    rssMb: Number(rssMb.toFixed(1)),
  })}\n`,
);
