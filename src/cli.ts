#!/usr/bin/env node
import { createApp, VERSION } from './app.js';
import { ConfigError, parseCli, USAGE } from './config.js';
import { createLogger } from './logger.js';
import { serveStdio } from './transports/stdio.js';

async function main(): Promise<void> {
  // `auth ...` and `doctor` talk to a person on a terminal; they never serve MCP.
  if (process.argv[2] === 'auth' || process.argv[2] === 'doctor') {
    const { runCommand } = await import('./auth/commands.js');
    process.exit(await runCommand(process.argv.slice(2), process.env));
  }
  let request;
  try {
    request = parseCli(process.argv.slice(2), process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`ghl-mcp: ${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  // --help and --version are answers a person asked for on a terminal, not protocol traffic.
  if (request.help) return void process.stderr.write(USAGE);
  if (request.version) return void process.stderr.write(`${VERSION}\n`);
  let config = request.config!;
  const logger = createLogger(config.logLevel);
  let sandbox: { close(): Promise<void> } | undefined;
  if (config.sandbox) {
    // Loaded only in sandbox mode: the fake GHL and its demo data stay out of a normal start.
    const { sandboxConfig, startSandbox } = await import('./sandbox/sandbox.js');
    const started = await startSandbox(config.sandbox);
    config = sandboxConfig(config, started);
    sandbox = started;
  }
  const app = createApp(config, logger);
  const { server, client, notices, auth } = app;
  // A multi-tenant server never uses its own credentials, so their absence is no news.
  if (!config.http?.multiTenant) for (const notice of notices) logger.warn(notice);
  const close = async () => {
    await client.close();
    await auth.close();
    await sandbox?.close();
  };
  if (config.http) {
    // Loaded only in HTTP mode: a stdio start never pays for the HTTP stack.
    const { serveHttp } = await import('./transports/http.js');
    const http = await serveHttp(app, { ...config, http: config.http }, logger, close);
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      process.once(signal, () => void http.shutdown(signal).then(() => process.exit(0)));
    }
    return;
  }
  await serveStdio(server, logger, close);
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    process.stderr.write(`ghl-mcp: ${error.message}\n`);
    process.exit(2);
  }
  process.stderr.write(`ghl-mcp: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
  process.exit(1);
});
