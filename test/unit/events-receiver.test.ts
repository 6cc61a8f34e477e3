import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, parseCli } from '../../src/config.js';
import type { EventEnvelope } from '../../src/events/envelope.js';
import { MemoryEventLog } from '../../src/events/log.js';
import { WEBHOOK_PATH, type WebhookConfig } from '../../src/events/options.js';
import { createWebhookReceiver, type DeliveryNote, memoryStores, type WebhookReceiver } from '../../src/events/receiver.js';
import { createLogger } from '../../src/logger.js';
import { delivery, ed25519Keys, rsaKeys, signed } from '../helpers/webhooks.js';

const ghl = ed25519Keys();
const legacy = rsaKeys();
const config: WebhookConfig = {
  path: WEBHOOK_PATH,
  ed25519Key: ghl.publicKey,
  legacyRsaKey: legacy.publicKey,
  toleranceMs: 300_000,
  maxBodyBytes: 4096,
  logMaxEvents: 5000,
  logMaxAgeMs: 3_600_000,
};

/** A receiver behind a plain node:http server, as the HTTP transport mounts it; the last access note is kept. */
async function serve(receiver: WebhookReceiver): Promise<{ url: string; server: Server; notes: DeliveryNote[] }> {
  const notes: DeliveryNote[] = [];
  const server = createServer((req, res) => {
    const note: DeliveryNote = {};
    notes.push(note);
    void receiver.handle(req, res, note);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}${WEBHOOK_PATH}`, server, notes };
}

/** A log whose store is down until told otherwise. */
class FailingLog extends MemoryEventLog {
  failing = true;
  override async append(event: EventEnvelope) {
    if (this.failing) throw new Error('store down');
    return super.append(event);
  }
}

const post = (url: string, body: string, headers: Record<string, string>) =>
  fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });

describe('webhook receiver', () => {
  let receiver: WebhookReceiver;
  let url: string;
  let server: Server;
  let notes: DeliveryNote[];
  const stored = async () => (await receiver.log.recent('loc1')).length;

  beforeAll(async () => {
    receiver = createWebhookReceiver(config, createLogger('silent'));
    ({ url, server, notes } = await serve(receiver));
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  it('stores a signed delivery as an envelope and answers 200', async () => {
    const body = delivery({ type: 'InboundMessage', locationId: 'loc1', contactId: 'c1', conversationId: 'v1', body: 'hi' }, { webhookId: 'first' });
    const response = await post(url, body, signed(body, ghl));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ received: true });
    const [event] = await receiver.log.recent('loc1');
    expect(event).toMatchObject({ id: 'first', type: 'InboundMessage', ids: { contactId: 'c1', conversationId: 'v1' }, payload: JSON.parse(body) });
    expect(notes.at(-1)).toEqual({ event: 'InboundMessage' });
  });

  it('accepts the legacy RSA signature when its key is configured', async () => {
    const body = delivery({ type: 'ContactCreate', locationId: 'loc1', id: 'c9' });
    expect((await post(url, body, signed(body, legacy, 'rsa'))).status).toBe(200);
  });

  it.each([
    ['no signature', () => ({}), 401],
    ['a signature by another key', (body: string) => signed(body, ed25519Keys()), 401],
    ['a tampered body', (body: string) => signed(body.replace('loc1', 'loc2'), ghl), 401],
  ])('refuses %s and stores nothing', async (_name, headers, status) => {
    const before = await stored();
    const body = delivery({ type: 'InboundMessage', locationId: 'loc1' });
    const response = await post(url, body, headers(body));
    expect(response.status).toBe(status);
    expect(((await response.json()) as { error: string }).error).toMatch(/^signature refused: /);
    expect(await stored()).toBe(before);
    expect(notes.at(-1)?.refused).toMatch(/^signature refused/);
  });

  it('refuses a replayed webhookId and a stale timestamp, storing nothing', async () => {
    const body = delivery({ type: 'InboundMessage', locationId: 'loc1' }, { webhookId: 'once' });
    expect((await post(url, body, signed(body, ghl))).status).toBe(200);
    const before = await stored();
    expect((await post(url, body, signed(body, ghl))).status).toBe(409);
    const stale = delivery({ type: 'InboundMessage', locationId: 'loc1' }, { timestamp: new Date(Date.now() - 600_000).toISOString() });
    const response = await post(url, stale, signed(stale, ghl));
    expect(response.status).toBe(401);
    expect(((await response.json()) as { error: string }).error).toMatch(/^timestamp is 600 s from now/);
    expect(await stored()).toBe(before);
  });

  it('refuses an oversized body before reading it whole, and signed bodies that are not a JSON object', async () => {
    const before = await stored();
    const big = delivery({ type: 'InboundMessage', locationId: 'loc1', body: 'x'.repeat(5000) });
    expect((await post(url, big, signed(big, ghl))).status).toBe(413);
    for (const body of ['[1,2]', 'not json']) expect((await post(url, body, signed(body, ghl))).status).toBe(400);
    expect(await stored()).toBe(before);
  });

  it('answers 405 to anything but POST', async () => {
    const response = await fetch(url);
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('POST');
  });

  it('keeps an unknown event type, and an event without location, as generic events', async () => {
    const body = delivery({ type: 'SomethingNew', locationId: 'loc1', surprise: { nested: [1] } });
    expect((await post(url, body, signed(body, ghl))).status).toBe(200);
    expect((await receiver.log.recent('loc1', { types: ['SomethingNew'] }))[0]?.payload).toMatchObject({ surprise: { nested: [1] } });
    const agency = delivery({ type: 'INSTALL', companyId: 'co1' });
    expect((await post(url, agency, signed(agency, ghl))).status).toBe(200);
    expect((await receiver.log.recent(''))[0]).toMatchObject({ type: 'INSTALL', companyId: 'co1' });
  });

  // How fast is bench's business (never asserted here); this checks that a burst loses and doubles nothing.
  it('acknowledges a burst of 1,000 overlapping deliveries with no loss and no duplicate', async () => {
    const burst = new MemoryEventLog({ maxEvents: 5000, maxAgeMs: 3_600_000, maxLocations: 10 });
    const burstReceiver = createWebhookReceiver(config, createLogger('silent'), { ...memoryStores(config, createLogger('silent')), log: burst });
    const target = await serve(burstReceiver);
    const bodies = Array.from({ length: 1000 }, (_, index) => delivery({ type: 'InboundMessage', locationId: 'burst', body: `m${index}` }, { webhookId: `b${index}` }));
    const statuses: number[] = [];
    // 50 senders at once, as GHL's delivery workers would overlap.
    await Promise.all(
      Array.from({ length: 50 }, async (_, sender) => {
        for (let index = sender; index < bodies.length; index += 50) statuses.push((await post(target.url, bodies[index]!, signed(bodies[index]!, ghl))).status);
      }),
    );
    await new Promise((resolve) => target.server.close(resolve));
    expect(statuses.filter((status) => status === 200)).toHaveLength(1000);
    const events = await burst.recent('burst');
    expect(new Set(events.map((event) => event.id)).size).toBe(1000);
    expect(events).toHaveLength(1000);
  });

  it('asks GHL to retry (429) when the event cannot be stored, and then lets the same delivery in', async () => {
    const flaky = new FailingLog({ maxEvents: 10, maxAgeMs: 60_000, maxLocations: 10 });
    const target = await serve(createWebhookReceiver(config, createLogger('silent'), { ...memoryStores(config, createLogger('silent')), log: flaky }));
    const body = delivery({ type: 'InboundMessage', locationId: 'loc1' });
    const refused = await post(target.url, body, signed(body, ghl));
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('60');
    expect(target.notes.at(-1)).toEqual({ event: 'InboundMessage', refused: 'event log unavailable' });
    flaky.failing = false;
    expect((await post(target.url, body, signed(body, ghl))).status).toBe(200);
    expect(await flaky.recent('loc1')).toHaveLength(1);
    await new Promise((resolve) => target.server.close(resolve));
  });

  it('asks GHL to retry (429), storing nothing, when the delivery IDs cannot be checked', async () => {
    const stores = memoryStores(config, createLogger('silent'));
    const down = { ...stores, ids: { claim: () => Promise.reject(new Error('redis down')), release: async () => {}, close: async () => {} } };
    const target = await serve(createWebhookReceiver(config, createLogger('silent'), down));
    const body = delivery({ type: 'InboundMessage', locationId: 'loc1' });
    expect((await post(target.url, body, signed(body, ghl))).status).toBe(429);
    expect(target.notes.at(-1)).toEqual({ refused: 'delivery ID store unavailable' });
    expect(await stores.log.recent('loc1')).toEqual([]);
    await new Promise((resolve) => target.server.close(resolve));
  });
});

describe('webhook options', () => {
  const env = { GHL_WEBHOOK_KEY: ghl.publicPem };

  it('are off unless asked for, and then need --http or a stdio listener port, and an Ed25519 key', () => {
    expect(parseCli(['--http'], {}).config!.webhooks).toBeUndefined();
    expect(() => parseCli(['--webhooks'], env)).toThrow(
      new ConfigError('--webhooks needs --http (the receiver beside /mcp) or, for a stdio server, --webhook-port N (a listener of its own; 0: any free port)'),
    );
    expect(parseCli(['--webhooks', '--webhook-port', '8787'], env).config!.webhooks!.listen).toEqual({ host: '127.0.0.1', port: 8787 });
    expect(parseCli(['--webhooks'], { ...env, GHL_WEBHOOK_PORT: '0', GHL_WEBHOOK_HOST: '0.0.0.0' }).config!.webhooks!.listen).toEqual({ host: '0.0.0.0', port: 0 });
    expect(parseCli(['--http', '--webhooks'], env).config!.webhooks!.listen).toBeUndefined();
    expect(() => parseCli(['--http', '--webhooks', '--webhook-port', '8787'], env)).toThrow('--webhook-port is for a stdio server: with --http the receiver is served beside /mcp');
    expect(() => parseCli(['--webhooks', '--webhook-port', '70000'], env)).toThrow('--webhook-port / GHL_WEBHOOK_PORT must be a port number (0 to 65535), got "70000"');
    expect(() => parseCli(['--webhook-port', '8787'], {})).toThrow('--webhook-port needs --webhooks');
    expect(() => parseCli(['--http', '--webhooks'], {})).toThrow(/--webhooks needs GHL's Ed25519 public key/);
    expect(() => parseCli(['--http', '--webhook-tolerance-ms', '5'], {})).toThrow('--webhook-tolerance-ms needs --webhooks');
    expect(() => parseCli(['--http', '--webhooks', `--webhook-key=${legacy.publicPem}`], {})).toThrow(/must be an Ed25519 public key, got rsa/);
    expect(() => parseCli(['--http', '--webhooks', '--webhook-key', '/nonexistent/key.pem'], {})).toThrow(/cannot read \/nonexistent\/key\.pem \(ENOENT\)/);
  });

  it('take the keys as PEM text (newlines escaped or not) and the limits from the environment', () => {
    const webhooks = parseCli([], {
      GHL_HTTP: 'true',
      GHL_WEBHOOKS: 'true',
      GHL_WEBHOOK_KEY: ghl.publicPem.replace(/\n/g, '\\n'),
      GHL_WEBHOOK_LEGACY_KEY: legacy.publicPem,
      GHL_WEBHOOK_TOLERANCE_MS: '60000',
    }).config!.webhooks!;
    expect(webhooks).toMatchObject({ path: '/webhooks/ghl', toleranceMs: 60_000, maxBodyBytes: 1_048_576, logMaxEvents: 1000 });
    expect(webhooks.ed25519Key!.equals(ghl.publicKey)).toBe(true);
    expect(webhooks.legacyRsaKey!.asymmetricKeyType).toBe('rsa');
    expect(() => parseCli(['--http', '--webhooks', '--webhook-max-body-bytes', '0'], env)).toThrow('--webhook-max-body-bytes / GHL_WEBHOOK_MAX_BODY_BYTES must be a positive whole number, got "0"');
  });
});
