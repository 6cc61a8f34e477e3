import { type ArgDefaults, Catalog } from './catalog/catalog.js';
import { createAuth } from './auth/auth.js';
import { createBus } from './bus/index.js';
import { DestructiveConfirmation } from './confirm/destructive.js';
import { GhlClient } from './client/ghl-client.js';
import { createSendPolicy } from './client/send-policy.js';
import { type Config, ConfigError } from './config.js';
import { discoveryDefinitions, DISCOVERY_TOOL_NAMES } from './discovery/definitions.js';
import { DiscoveryTools } from './discovery/handlers.js';
import { provenScope } from './events/access.js';
import { AppEvents } from './events/runtime.js';
import { EVENT_TOOL_NAMES, listedEventTools } from './events/tool-definitions.js';
import { Executor, type ExecutorOptions } from './executor.js';
import { sandboxNotice } from './sandbox/notice.js';
import type { Logger } from './logger.js';
import type { Bus } from './bus/index.js';
import { ResourceHub } from './resources/hub.js';
import { RedisSubscriptionIndex } from './resources/redis-subscriptions.js';
import { tokenScope } from './resources/scope.js';
import { createSelfUpdate, SELF_UPDATE_TOOL, selfUpdateDefinitions } from './self-update/index.js';
import { createServer, type ServerDeps } from './server.js';
import { ToolListing } from './toolsets/listing.js';
import { fingerprint, type HeaderTenant, type SignedInUser } from './transports/http/auth.js';
import { createOAuthClient } from './auth/auth.js';
import { LocationTokens } from './auth/location-tokens.js';
import { OAuthTokenSource } from './auth/oauth-source.js';
import { Refresher } from './auth/refresher.js';
import type { GrantStores } from './authz/grants.js';
import { SignedInTokenSource } from './authz/user-tokens.js';
import { SelectionError, type SelectionRequest, ToolSelection } from './toolsets/selection.js';
import { MODULES } from '../tools/index.js';
import { OVERLAYS } from '../tools/overlays/index.js';
import { RESOURCES } from '../resources/index.js';
import type { ResourceDefinition } from './resources/types.js';

export const VERSION = '0.1.0';

/** Wires one configured server: catalog, token source, GHL client, executor, MCP server definition. */
export function createApp(config: Config, logger: Logger) {
  const catalog = new Catalog(MODULES, OVERLAYS);
  // Before the selection: saved overrides may add tools a user selects by name.
  const selfUpdate = createSelfUpdate(catalog, MODULES, OVERLAYS, config, logger);
  const auth = createAuth(config, logger);
  const policy = createSendPolicy({ ...config.rate, redisUrl: config.redisUrl }, logger);
  const client = new GhlClient(config.baseUrl, auth.tokens, config.timeouts, policy);
  // One per process: replicas share it through Redis (session notifications, cache invalidation, events).
  let lastBusError = '';
  const bus = createBus(config.redisUrl, (error) => {
    // ioredis repeats the same error on every reconnect attempt: one line per distinct failure is enough.
    const text = (error as Error).message;
    if (text !== lastBusError) logger.warn({ err: text }, 'message bus: Redis failed; other replicas may miss news from this one');
    lastBusError = text;
  });
  const defaults = { locationId: config.locationId, companyId: config.companyId };
  const onUpstreamError: ExecutorOptions['onUpstreamError'] = (tool, result, status) => selfUpdate.failures.enrich(tool, result, status);
  const executor = new Executor(
    client,
    {
      defaults,
      maxResultChars: config.maxResultChars,
      resultFormat: config.resultFormat,
      secrets: auth.secrets,
      notices: auth.notices,
      onUpstreamError,
    },
    logger,
  );
  const notices = auth.startupNotice ? [auth.startupNotice] : [];
  if (config.sandbox) notices.unshift(sandboxNotice(config.sandbox.dataFile));
  notices.push(...selfUpdate.notices);
  // One event log per process (Redis streams with REDIS_URL): the HTTP receiver or a stdio server's listener fills it.
  const events = new AppEvents(config.webhooks, config.redisUrl, logger);
  if (events.feed) notices.push(EVENTS_NOTICE);
  const selection = selectTools(catalog, config);
  const extraTools = (selected: ToolSelection) => [...discoveryDefinitions(), ...selfUpdateDefinitions(), ...listedEventTools(selected)];
  const listing = new ToolListing(defaults, extraTools);
  const discovery = new DiscoveryTools(catalog, executor, defaults);
  const oauth = auth.oauth;
  const hub = createHub(config, logger, bus, events.resource ? [...RESOURCES, events.resource] : RESOURCES);
  events.announceTo(hub);
  const resources: ServerDeps['resources'] = {
    hub,
    tenantKey: serverTenantKey(config),
    catalog,
    scope: tokenScope(defaults, oauth && { current: () => oauth.refresher.current(), appId: oauth.client.appId }),
    defaultLocationId: config.locationId,
    maxChars: config.maxResultChars,
    secrets: auth.secrets,
    logger,
  };
  // One definition for every session: an HTTP session may bring its own selection, or (multi-tenant) its own executor.
  const confirm = config.confirmDestructive ? new DestructiveConfirmation() : undefined;
  const newServer = (session: SessionParts = {}) =>
    createServer({ catalog, executor, selection, listing, discovery, logger, version: VERSION, notices, resources, selfUpdate: selfUpdate.tool, confirm, stateless: config.http?.stateless, eventFeed: events.feed, requestTimeoutMs: config.http?.requestTimeoutMs, ...session });
  const server = newServer();

  // Listed schemas depend only on which defaults exist, never on their values: tenants of one shape share a listing.
  const listings = new Map<string, ToolListing>();
  const listingFor = ({ locationId, companyId }: ArgDefaults) => {
    const shape = `${locationId ? 'L' : '-'}${companyId ? 'C' : '-'}`;
    if (!listings.has(shape)) listings.set(shape, new ToolListing({ locationId: locationId && shape, companyId: companyId && shape }, extraTools));
    return listings.get(shape)!;
  };
  /** Multi-tenant HTTP: a client's own GHL credentials, with its own client, limiter slots, executor and resource view. */
  const forTenant = (tenant: HeaderTenant) => {
    const tenantClient = new GhlClient(config.baseUrl, { token: async () => tenant.token }, config.timeouts, policy.withOwnConcurrency(), `tenant:${tenant.id}`);
    const tenantDefaults = { locationId: tenant.locationId, companyId: tenant.companyId };
    const secrets = () => [tenant.token];
    const tenantCheck: ExecutorOptions['onUpstreamError'] = (tool, result, status) => selfUpdate.tenant.failures.enrich(tool, result, status);
    const tenantExecutor = new Executor(
      tenantClient,
      { defaults: tenantDefaults, maxResultChars: config.maxResultChars, resultFormat: config.resultFormat, secrets, onUpstreamError: tenantCheck },
      logger,
    );
    return {
      executor: tenantExecutor,
      discovery: new DiscoveryTools(catalog, tenantExecutor, tenantDefaults),
      listing: listingFor(tenantDefaults),
      // Events are served from the server's own store: the tenant's location is checked with GHL first (events/access.ts).
      resources: { ...resources, tenantKey: `tenant:${tenant.id}`, scope: provenScope(tokenScope(tenantDefaults), catalog, tenantExecutor), defaultLocationId: tenant.locationId, secrets },
      selfUpdate: selfUpdate.tenant.tool,
      close: () => tenantClient.close(),
    };
  };
  /**
   * Signed-in users (--signin): the user's stored GHL grant, refreshed (and rotated) by the server through the same
   * refresher as `auth login`, with the user's own client, limiter slots, executor and resource view. Built from
   * the grant store alone, so any replica can build it.
   */
  const forUser = (user: SignedInUser, grants: GrantStores) => {
    const store = grants.forSubject(user.subject);
    const ghlOAuth = createOAuthClient(config);
    const refresher = new Refresher(store, ghlOAuth, logger);
    const locations = new LocationTokens(ghlOAuth, refresher, logger);
    const userClient = new GhlClient(config.baseUrl, new SignedInTokenSource(new OAuthTokenSource(refresher, locations), () => grants.lost(user.subject)), config.timeouts, policy.withOwnConcurrency(), user.id);
    const userDefaults = { locationId: user.locationId, companyId: user.companyId };
    const secrets = () => [...refresher.secrets(), ...locations.secrets()];
    const onUpstreamError: ExecutorOptions['onUpstreamError'] = (tool, result, status) => selfUpdate.tenant.failures.enrich(tool, result, status);
    const userExecutor = new Executor(
      userClient,
      { defaults: userDefaults, maxResultChars: config.maxResultChars, resultFormat: config.resultFormat, secrets, notices: () => refresher.notices(), onUpstreamError },
      logger,
    );
    const scope = provenScope(tokenScope(userDefaults, { current: () => refresher.current(), appId: ghlOAuth.appId }), catalog, userExecutor);
    return {
      executor: userExecutor,
      discovery: new DiscoveryTools(catalog, userExecutor, userDefaults),
      listing: listingFor(userDefaults),
      resources: { ...resources, tenantKey: user.id, scope, defaultLocationId: user.locationId, secrets },
      selfUpdate: selfUpdate.tenant.tool,
      close: async () => {
        await userClient.close();
        await refresher.close();
        await store.close();
      },
    };
  };
  /** A session's own selection (HTTP headers or URL); SelectionError when it names unknown toolsets or tools. */
  const select = (request: SelectionRequest) => ToolSelection.create(catalog, request, NON_CATALOG_TOOLS);
  return { catalog, client, server, newServer, select, forTenant, forUser, notices, auth, bus, hub, events };
}

/**
 * The resource hub: changes reach every replica over the bus; with REDIS_URL and stateful HTTP sessions, who
 * subscribed to what is kept in Redis, so the replica that sees a change finds every subscriber.
 */
function createHub(config: Config, logger: Logger, bus: Bus, definitions: ResourceDefinition[]): ResourceHub {
  const shared = config.redisUrl && config.http && !config.http.stateless;
  const index = shared
    ? new RedisSubscriptionIndex({
        url: config.redisUrl!,
        idleMs: config.http!.sessionIdleMs,
        onError: (error) => logger.warn({ err: (error as Error).message }, 'resource subscriptions: Redis failed'),
      })
    : undefined;
  return new ResourceHub({ ttlMs: config.resourceCacheTtlMs, logger, bus, index }, definitions);
}

/** The server's own credentials as a tenant: the same on every replica configured alike, and no secret in it. */
function serverTenantKey(config: Config): string {
  const credentials = config.apiKey ? `pit\0${config.apiKey}` : `oauth\0${config.clientId ?? 'default'}`;
  return `server:${fingerprint(`${credentials}\0${config.locationId ?? ''}\0${config.companyId ?? ''}`, 'ghl-tenant')}`;
}

type SessionParts = Partial<Pick<ServerDeps, 'selection' | 'selectionCell' | 'executor' | 'discovery' | 'listing' | 'notices' | 'resources' | 'selfUpdate'>>;

/** Tools that are not catalog operations, which a selection may still exclude by name. */
const NON_CATALOG_TOOLS = [...DISCOVERY_TOOL_NAMES, SELF_UPDATE_TOOL, ...EVENT_TOOL_NAMES];

/** Said to agents when the server receives GHL's webhooks. */
const EVENTS_NOTICE =
  'GHL events (webhooks) are received: read ghl://locations/{locationId}/events (subscribe for new ones); ' +
  'ghl_wait_for_event waits for the next matching one, ghl_list_events catches up with a cursor (toolset events: ghl_enable_toolset lists them).';

/** The configured selection; unknown names stop the start-up with the list of valid ones. */
function selectTools(catalog: Catalog, config: Config): ToolSelection {
  try {
    return ToolSelection.create(catalog, config.selection, NON_CATALOG_TOOLS);
  } catch (error) {
    if (error instanceof SelectionError) throw new ConfigError(error.message);
    throw error;
  }
}
