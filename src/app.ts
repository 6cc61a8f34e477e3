import { Catalog } from './catalog/catalog.js';
import { createAuth } from './auth/auth.js';
import { GhlClient } from './client/ghl-client.js';
import { createSendPolicy } from './client/send-policy.js';
import { type Config, ConfigError } from './config.js';
import { discoveryDefinitions, DISCOVERY_TOOL_NAMES } from './discovery/definitions.js';
import { DiscoveryTools } from './discovery/handlers.js';
import { Executor } from './executor.js';
import { sandboxNotice } from './sandbox/notice.js';
import type { Logger } from './logger.js';
import { ResourceHub } from './resources/hub.js';
import { tokenScope } from './resources/scope.js';
import { createSelfUpdate, SELF_UPDATE_TOOL, selfUpdateDefinitions } from './self-update/index.js';
import { createServer, type ServerDeps } from './server.js';
import { ToolListing } from './toolsets/listing.js';
import { SelectionError, ToolSelection } from './toolsets/selection.js';
import { MODULES } from '../tools/index.js';
import { OVERLAYS } from '../tools/overlays/index.js';

export const VERSION = '0.1.0';

/** Wires one configured server: catalog, token source, GHL client, executor, MCP server definition. */
export function createApp(config: Config, logger: Logger) {
  const catalog = new Catalog(MODULES, OVERLAYS);
  // Before the selection: saved overrides may add tools a user selects by name.
  const selfUpdate = createSelfUpdate(catalog, MODULES, OVERLAYS, config, logger);
  const auth = createAuth(config, logger);
  const policy = createSendPolicy({ ...config.rate, redisUrl: config.redisUrl }, logger);
  const client = new GhlClient(config.baseUrl, auth.tokens, config.timeouts, policy);
  const defaults = { locationId: config.locationId, companyId: config.companyId };
  const executor = new Executor(
    client,
    {
      defaults,
      maxResultChars: config.maxResultChars,
      secrets: auth.secrets,
      notices: auth.notices,
      onUpstreamError: (tool, result, status) => selfUpdate.failures.enrich(tool, result, status),
    },
    logger,
  );
  const notices = auth.startupNotice ? [auth.startupNotice] : [];
  if (config.sandbox) notices.unshift(sandboxNotice(config.sandbox.dataFile));
  notices.push(...selfUpdate.notices);
  const selection = selectTools(catalog, config);
  const listing = new ToolListing(defaults, () => [...discoveryDefinitions(), ...selfUpdateDefinitions()]);
  const discovery = new DiscoveryTools(catalog, executor, defaults);
  const oauth = auth.oauth;
  const resources: ServerDeps['resources'] = {
    hub: new ResourceHub({ ttlMs: config.resourceCacheTtlMs, logger }),
    catalog,
    scope: tokenScope(defaults, oauth && { current: () => oauth.refresher.current(), appId: oauth.client.appId }),
    defaultLocationId: config.locationId,
    maxChars: config.maxResultChars,
    secrets: auth.secrets,
    logger,
  };
  // One definition for every session: an HTTP session may bring its own selection, or (multi-tenant) its own executor.
  const newServer = (session: SessionParts = {}) =>
    createServer({ catalog, executor, selection, listing, discovery, logger, version: VERSION, notices, resources, selfUpdate: selfUpdate.tool, ...session });
  const server = newServer();
  return { catalog, client, server, newServer, policy, resources, notices, auth };
}

type SessionParts = Partial<Pick<ServerDeps, 'selection' | 'executor' | 'discovery' | 'listing' | 'notices' | 'resources'>>;

/** The configured selection; unknown names stop the start-up with the list of valid ones. */
function selectTools(catalog: Catalog, config: Config): ToolSelection {
  try {
    return ToolSelection.create(catalog, config.selection, [...DISCOVERY_TOOL_NAMES, SELF_UPDATE_TOOL]);
  } catch (error) {
    if (error instanceof SelectionError) throw new ConfigError(error.message);
    throw error;
  }
}
