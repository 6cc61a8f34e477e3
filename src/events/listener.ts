import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConfigError } from '../config.js';
import type { Logger } from '../logger.js';
import { json } from '../transports/http/responses.js';
import type { DeliveryNote, WebhookReceiver } from './receiver.js';

export interface WebhookListener {
  /** Where GHL (or the sandbox) posts deliveries, e.g. http://127.0.0.1:8787/webhooks/ghl. */
  url: string;
  close(): Promise<void>;
}

/**
 * A small HTTP listener beside a stdio server, serving the webhook receiver and nothing else: the MCP protocol
 * stays on stdin/stdout, deliveries come here. Every log line goes to stderr through the logger.
 */
export async function listenForWebhooks(receiver: WebhookReceiver, listen: { host: string; port: number }, logger: Logger): Promise<WebhookListener> {
  const server = createServer({ connectionsCheckingInterval: 1_000 }, (req, res) => {
    const started = performance.now();
    const note: DeliveryNote = {};
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    res.on('close', () => logger.info({ method: req.method, path: path.slice(0, 120), status: res.statusCode, ms: Math.round(performance.now() - started), ...note }, 'webhook'));
    if (path !== receiver.path) return json(res, 404, { error: `Not found: GHL's deliveries go to ${receiver.path}` });
    receiver.handle(req, res, note).catch((error: unknown) => {
      logger.error({ err: (error as Error).message }, 'webhook delivery failed');
      if (!res.headersSent) json(res, 500, { error: 'Internal server error' });
    });
  });
  // Slow senders cannot hold a connection (as on the HTTP server).
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    // A port taken or an address not here is a start-up problem the person can fix: said as one line.
    server.once('error', (error: NodeJS.ErrnoException) => reject(new ConfigError(`--webhook-port ${listen.port} on ${listen.host}: cannot listen (${error.code ?? error.message})`)));
    server.listen(listen.port, listen.host, resolve);
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}${receiver.path}`;
  logger.info({ url }, 'receiving GHL webhooks beside the stdio server');
  return {
    url,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
