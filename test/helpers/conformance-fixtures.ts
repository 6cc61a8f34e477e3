/**
 * TEST HARNESS, never shipped (not in src/, not built into dist/): ghl-mcp's own HTTP server — serveHttp, session
 * records, the event store (Redis Streams with REDIS_URL), drain — with the one fixture tool the conformance
 * suite's `server-sse-polling` scenario (SEP-1699) calls, `test_reconnection`. The product has no fixture tools;
 * this entry adds one by wrapping every session server `serveHttp` builds, so the scenario exercises the real
 * transport, event store and replica hand-over around it.
 *
 * Run as the CLI's `--http` mode is: `node --import tsx test/helpers/conformance-fixtures.ts --http --port 0`
 * (same options and environment); test/helpers/replicas.ts starts replicas of it with `entry: FIXTURE_ENTRY`.
 */
import { fileURLToPath } from 'node:url';
import type { Server } from '@modelcontextprotocol/server';
import { parseCli } from '../../src/config.js';
import { launch } from '../../src/launch.js';
import { createLogger } from '../../src/logger.js';
import { type HttpApp, serveHttp } from '../../src/transports/http.js';

/** How test helpers start a process of this harness instead of dist/cli.js. */
export const FIXTURE_ENTRY = ['--import', 'tsx', fileURLToPath(import.meta.url)];

export const RECONNECTION_TOOL = 'test_reconnection';

type Handler = (request: { params?: { name?: string } }, ctx: FixtureContext) => Promise<unknown>;

interface FixtureContext {
  http?: { closeSSE?: () => void };
}

/** The SDK's accessor for a registered handler (protected in its types: the fixture delegates to the real one). */
interface HandlerAccess {
  _getRequestHandler(method: string): Handler | undefined;
}

/**
 * `tools/call` of `test_reconnection` closes the request's SSE stream (the SDK's SEP-1699 hook, offered when the
 * session negotiated 2025-11-25 or later) and then answers: the client gets the answer only by reconnecting with
 * Last-Event-ID, to whichever replica the balancer picks. Every other call goes to ghl-mcp's own handler.
 */
export function withReconnectionFixture(server: Server): Server {
  const served = (server as unknown as HandlerAccess)._getRequestHandler('tools/call');
  if (!served) throw new Error('the server has no tools/call handler to wrap');
  server.setRequestHandler('tools/call', async (request, ctx) => {
    if (request.params.name !== RECONNECTION_TOOL) return (await served(request, ctx as FixtureContext)) as never;
    const close = (ctx as FixtureContext).http?.closeSSE;
    close?.();
    const how = close ? 'the stream was closed before this answer; it came by reconnecting with Last-Event-ID' : 'the stream could not be closed (no SEP-1699 on this session)';
    return { content: [{ type: 'text', text: `test_reconnection: ${how}` }] };
  });
  return server;
}

/** The CLI's HTTP start-up (src/cli.ts), with every session server given the fixture. */
async function main(): Promise<void> {
  const request = parseCli(process.argv.slice(2), process.env);
  if (!request.config?.http) throw new Error('the conformance harness serves HTTP only: pass --http');
  const logger = createLogger(request.config.logLevel);
  const { app, config, close } = await launch(request.config, logger);
  const newServer = app.newServer;
  const fixtured: HttpApp = { ...app, newServer: (parts) => withReconnectionFixture(newServer(parts)) };
  const http = await serveHttp(fixtured, { ...config, http: config.http! }, logger, close);
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => void http.shutdown(signal).then(() => process.exit(0)));
  logger.info('ready: ghl-mcp with the conformance fixture test_reconnection (test harness)');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().catch((error: unknown) => {
    process.stderr.write(`conformance harness: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  });
}
