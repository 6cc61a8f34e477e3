import { existsSync } from 'node:fs';
import type { TokenSource } from '../client/ghl-client.js';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import { FileTokenStore } from './file-store.js';
import { LocationTokens } from './location-tokens.js';
import { OAuthClient } from './oauth-client.js';
import { OAuthTokenSource } from './oauth-source.js';
import { RedisTokenStore } from './redis-store.js';
import { Refresher } from './refresher.js';
import type { TokenStore } from './token-store.js';

/** How the server authenticates: a Private Integration Token from the environment, or an OAuth login. */
export interface Auth {
  kind: 'pit' | 'oauth';
  tokens: TokenSource;
  /** Every token and secret value in play now, for scrubbing results and errors. */
  secrets(): string[];
  /** Warnings every tool result must carry while they hold (tokens refreshed but not saved). */
  notices(): string[];
  /** Said once at start-up when nothing will work yet. */
  startupNotice?: string;
  oauth?: { store: TokenStore; client: OAuthClient; refresher: Refresher; locations: LocationTokens };
  close(): Promise<void>;
}

export function createTokenStore(config: Config): TokenStore {
  if (config.tokenStore === 'redis') return new RedisTokenStore(config.redisUrl!, `ghl-mcp:oauth:${config.clientId ?? 'default'}`);
  return new FileTokenStore(config.tokenFile);
}

export function createOAuthClient(config: Config): OAuthClient {
  const app = config.clientId && config.clientSecret ? { clientId: config.clientId, clientSecret: config.clientSecret } : undefined;
  return new OAuthClient(config.baseUrl, app);
}

/** GHL_API_KEY wins when set; otherwise tokens come from the store `auth login` filled. */
export function createAuth(config: Config, logger: Logger, store: TokenStore = createTokenStore(config)): Auth {
  const configured = [config.clientSecret].filter((value): value is string => Boolean(value));
  const apiKey = config.apiKey;
  if (apiKey) {
    return {
      kind: 'pit',
      tokens: { token: async () => apiKey },
      secrets: () => [apiKey, ...configured],
      notices: () => [],
      close: () => store.close(),
    };
  }
  const client = createOAuthClient(config);
  const refresher = new Refresher(store, client, logger);
  const locations = new LocationTokens(client, refresher, logger);
  const loggedOut = config.tokenStore === 'file' && !existsSync(config.tokenFile);
  return {
    kind: 'oauth',
    tokens: new OAuthTokenSource(refresher, locations),
    secrets: () => [...refresher.secrets(), ...locations.secrets(), ...configured],
    notices: () => refresher.notices(),
    startupNotice: loggedOut
      ? 'No GHL credentials yet (GHL_API_KEY is not set and `ghl-mcp auth login` has not been run): tools are listed, but calls fail until one is done.'
      : undefined,
    oauth: { store, client, refresher, locations },
    close: async () => {
      await refresher.close();
      await store.close();
    },
  };
}
