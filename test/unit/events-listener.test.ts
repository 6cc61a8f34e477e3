import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config.js';
import { listenForWebhooks, type WebhookListener } from '../../src/events/listener.js';
import { WEBHOOK_PATH, type WebhookConfig } from '../../src/events/options.js';
import { AppEvents } from '../../src/events/runtime.js';
import { createLogger } from '../../src/logger.js';
import type { ResourceChange } from '../../src/resources/changes.js';
import { delivery, ed25519Keys, signed } from '../helpers/webhooks.js';

const ghl = ed25519Keys();
const config: WebhookConfig = { path: WEBHOOK_PATH, ed25519Key: ghl.publicKey, toleranceMs: 300_000, maxBodyBytes: 4096, logMaxEvents: 100, logMaxAgeMs: 3_600_000 };

describe("a stdio server's webhook listener", () => {
  const events = new AppEvents(config, undefined, createLogger('silent'));
  const changes: ResourceChange[] = [];
  let announced!: () => void;
  const changed = new Promise<void>((resolve) => (announced = resolve));
  events.announceTo({
    invalidate: async (change) => {
      changes.push(change);
      announced();
    },
  });
  let listener: WebhookListener;

  afterAll(async () => {
    await listener?.close();
    await events.close();
  });

  it('receives verified deliveries into the app\'s log and announces what they change, on its own port', async () => {
    listener = await listenForWebhooks(events.receiver!, { host: '127.0.0.1', port: 0 }, createLogger('silent'));
    expect(listener.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/webhooks\/ghl$/);
    const body = delivery({ type: 'ContactTagUpdate', locationId: 'loc1', id: 'c1', tags: ['vip'] });
    const answer = await fetch(listener.url, { method: 'POST', body, headers: { 'content-type': 'application/json', ...signed(body, ghl) } });
    expect(answer.status).toBe(200);
    expect((await events.feed!.recent('loc1', {}, { limit: 5 })).events.map((event) => event.type)).toEqual(['ContactTagUpdate']);
    await changed;
    expect(changes).toEqual([{ locationId: 'loc1', resources: ['events', 'tags'], query: { type: 'ContactTagUpdate', contactId: 'c1' } }]);
    expect((await fetch(listener.url, { method: 'POST', body, headers: { 'content-type': 'application/json' } })).status).toBe(401);
  });

  it('serves nothing else, and says plainly when its port is taken', async () => {
    expect((await fetch(new URL('/mcp', listener.url))).status).toBe(404);
    const port = Number(new URL(listener.url).port);
    await expect(listenForWebhooks(events.receiver!, { host: '127.0.0.1', port }, createLogger('silent'))).rejects.toThrow(
      new ConfigError(`--webhook-port ${port} on 127.0.0.1: cannot listen (EADDRINUSE)`),
    );
  });
});
