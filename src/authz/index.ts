import { createOAuthClient } from '../auth/auth.js';
import { type Config, ConfigError } from '../config.js';
import type { Logger } from '../logger.js';
import { ClientRegistry } from './clients.js';
import { Disconnection } from './disconnect.js';
import { Endpoints } from './endpoints.js';
import { SigninFlow } from './flow.js';
import { type GrantStores, grantStores } from './grants.js';
import type { SigninConfig } from './options.js';
import { isLoopbackHost } from './redirect-uris.js';
import { ResourceGuard } from './resource.js';
import { AuthzRoutes } from './routes.js';
import { type AuthzStore, MemoryAuthzStore, RedisAuthzStore } from './store.js';
import { TokenService } from './tokens.js';

export interface Authz {
  routes: AuthzRoutes;
  guard: ResourceGuard;
  grants: GrantStores;
  endpoints: Endpoints;
  /** Where the server turned out to listen; the public URL when --public-url is not set. */
  listening(url: string): void;
  close(): Promise<void>;
}

/**
 * "Sign in with HighLevel" (--signin): the OAuth authorization server MCP clients sign in with, federating to the
 * operator's GHL marketplace app, and the resource-server check on /mcp. Records live in Redis with REDIS_URL.
 */
export function createAuthz(config: Config & { signin: SigninConfig }, logger: Logger): Authz {
  if (!config.clientId || !config.clientSecret) {
    throw new ConfigError("--signin needs your GHL marketplace app's GHL_CLIENT_ID and GHL_CLIENT_SECRET (its redirect URL: <public url>/oauth/callback)");
  }
  let origin = config.signin.publicUrl;
  // OAuth 2.1 §1.5: tokens and codes only over TLS, bar loopback. The SDK refuses an http issuer beyond loopback too.
  const localOnly = origin ? isLoopbackHost(new URL(origin).hostname) : config.http?.loopback !== false;
  if (origin ? !origin.startsWith('https:') && !localOnly : !localOnly) {
    throw new ConfigError('--signin beyond loopback needs --public-url https://<your host> (the https origin users reach, e.g. behind a TLS proxy)');
  }
  const endpoints = new Endpoints(() => {
    if (!origin) throw new Error('the authorization server is used before the server listens');
    return origin;
  });
  const redis = config.redisUrl ? new RedisAuthzStore(config.redisUrl) : undefined;
  const store: AuthzStore = redis ?? new MemoryAuthzStore();
  const tokens = new TokenService(store, { accessTtlMs: config.signin.accessTtlSeconds * 1000, refreshTtlMs: config.signin.refreshTtlSeconds * 1000 }, logger);
  const lost = async (subject: string) => void (await tokens.revokeSubject(subject, 'GHL refused the stored grant'));
  const grants = grantStores(config.redisUrl, lost, redis && (() => redis.connection()));
  // Client metadata documents on loopback http only when the server itself is local (tests, development).
  const clients = new ClientRegistry(store, {
    get allowLoopbackHttp() {
      return isLoopbackHost(new URL(endpoints.issuer).hostname);
    },
  });
  const guard = new ResourceGuard(tokens, endpoints);
  const disconnection = new Disconnection({ store, tokens, grants, endpoints, logger });
  const flow = new SigninFlow({
    endpoints,
    clients,
    tokens,
    grants,
    store,
    ghl: createOAuthClient(config),
    app: { clientId: config.clientId, authUrl: config.authUrl, scopes: config.signin.ghlScopes, userType: config.signin.userType },
    logger,
    disconnection,
  });
  const routes = new AuthzRoutes({ endpoints, clients, tokens, flow, guard, disconnection, logger });
  return {
    routes,
    guard,
    grants,
    endpoints,
    listening: (url) => {
      origin ??= new URL(url).origin;
    },
    close: () => store.close(),
  };
}
