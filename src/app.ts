import { Catalog } from './catalog/catalog.js';
import { GhlClient, type TokenSource } from './client/ghl-client.js';
import { createSendPolicy } from './client/send-policy.js';
import type { Config } from './config.js';
import { Executor } from './executor.js';
import type { Logger } from './logger.js';
import { createServer } from './server.js';
import { MODULES } from '../tools/index.js';
import { OVERLAYS } from '../tools/overlays/index.js';

export const VERSION = '0.1.0';

/** Wires one configured server: catalog, token source, GHL client, executor, MCP server definition. */
export function createApp(config: Config, logger: Logger) {
  const catalog = new Catalog(MODULES, OVERLAYS);
  const tokens: TokenSource = { token: async () => config.apiKey };
  const policy = createSendPolicy({ ...config.rate, redisUrl: config.redisUrl }, logger);
  const client = new GhlClient(config.baseUrl, tokens, config.timeouts, policy);
  const secrets = [config.apiKey, config.clientSecret].filter((value): value is string => Boolean(value));
  const defaults = { locationId: config.locationId, companyId: config.companyId };
  const executor = new Executor(client, { defaults, maxResultChars: config.maxResultChars, secrets: () => secrets }, logger);
  const notices: string[] = [];
  if (!config.apiKey) {
    notices.push('No GHL credentials are configured (GHL_API_KEY): tools are listed, but calls will fail until a token is set.');
  }
  const server = createServer({ catalog, executor, defaults, logger, version: VERSION, notices });
  return { catalog, client, server, notices };
}
