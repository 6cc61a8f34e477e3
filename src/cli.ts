#!/usr/bin/env node
import { VERSION } from './app.js';
import { ConfigError, parseCli, USAGE } from './config.js';
import { securityWarnings } from './config-warnings.js';
import { launch } from './launch.js';
import { createLogger } from './logger.js';
import { serveStdio } from './transports/stdio.js';

async function main(): Promise<void> {
  // `auth ...`, `doctor`, `tools`, `call` and `sandbox simulate` talk to a person on a terminal; they never serve MCP.
  if (process.argv[2] === 'auth' || process.argv[2] === 'doctor') {
    const { runCommand } = await import('./auth/commands.js');
    process.exit(await runCommand(process.argv.slice(2), process.env));
  }
  if (process.argv[2] === 'sandbox') {
    const { runSandboxCommand } = await import('./sandbox/webhooks/command.js');
    process.exit(await runSandboxCommand(process.argv.slice(3), process.env));
  }
  if (process.argv[2] === 'tools' || process.argv[2] === 'call') {
    const { runTerminalCommand } = await import('./terminal/commands.js');
    process.exit(await runTerminalCommand(process.argv.slice(2), process.env));
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
  const logger = createLogger(request.config!.logLevel);
  for (const warning of securityWarnings(request.config!)) logger.warn(warning);
  const { app, config, sandbox, close } = await launch(request.config!, logger);
  if (config.http) {
    // Loaded only in HTTP mode: a stdio start never pays for the HTTP stack.
    const { serveHttp } = await import('./transports/http.js');
    const http = await serveHttp(app, { ...config, http: config.http }, logger, close);
    // Sandbox mode: the sandbox delivers its signed events to this server's own receiver.
    if (sandbox && config.webhooks) sandbox.webhooks.deliverTo(new URL(config.webhooks.path, http.url).href);
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      process.once(signal, () => void http.shutdown(signal).then(() => process.exit(0)));
    }
    const bearer = config.http.authTokens.length > 0 ? ', sending Authorization: Bearer <one of MCP_AUTH_TOKENS>' : '';
    logger.info(`ready: point a streamable-HTTP MCP client at ${http.url}${bearer}`);
    return;
  }
  await serveStdio(app.server, logger, close);
  logger.info(
    "ready: this process speaks MCP on stdin/stdout, so an MCP client starts it (Claude Desktop, Cursor, VS Code: see mcp.json.example); " +
      "to try tools from a terminal instead: ghl-mcp tools, ghl-mcp call <tool> '<json>'",
  );
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    process.stderr.write(`ghl-mcp: ${error.message}\n`);
    process.exit(2);
  }
  process.stderr.write(`ghl-mcp: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
  process.exit(1);
});
