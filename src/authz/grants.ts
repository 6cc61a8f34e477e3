import type { Redis } from 'ioredis';
import { RedisTokenStore } from '../auth/redis-store.js';
import type { StoredTokens, TokenStore } from '../auth/token-store.js';
import { fingerprint } from '../transports/http/auth.js';

/**
 * Each signed-in user's GHL grant, in a token store of its own: the same stores, refresher and rotation as
 * `auth login` uses, one per user. With REDIS_URL a Redis key per user (any replica refreshes it, under the
 * store's lock), else memory.
 */
export interface GrantStores {
  /** The store of one user's grant; close it when done. */
  forSubject(subject: string): TokenStore;
  /** GHL refused a user's grant for good: their MCP tokens end, so their client signs in again. */
  lost(subject: string): Promise<void>;
}

/** Who signed in, stable on every replica: GHL's user, and the location or company the grant is for. */
export function subjectOf(grant: Pick<StoredTokens, 'userType' | 'companyId' | 'locationId' | 'userId'>): string {
  return fingerprint([grant.userType, grant.companyId ?? '', grant.locationId ?? '', grant.userId ?? ''].join('\0'), 'authz-subject');
}

/** With Redis, every user's store runs on `connection` (the authorization server's own), not one connection each. */
export function grantStores(redisUrl: string | undefined, lost: GrantStores['lost'], connection?: () => Promise<Redis>): GrantStores {
  if (redisUrl) return { forSubject: (subject) => new RedisTokenStore(redisUrl, `ghl-mcp:authz:grant:${subject}`, { connection }), lost };
  const stores = new Map<string, MemoryTokenStore>();
  return {
    lost,
    forSubject: (subject) => {
      let store = stores.get(subject);
      if (!store) stores.set(subject, (store = new MemoryTokenStore(subject)));
      return store;
    },
  };
}

/** One process's copy of a user's grant; the lock is a queue, as nothing outside the process shares it. */
export class MemoryTokenStore implements TokenStore {
  readonly location: string;
  private tokens?: StoredTokens;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(subject: string) {
    this.location = `memory (signed-in user ${subject})`;
  }

  async load(): Promise<StoredTokens | undefined> {
    return this.tokens && { ...this.tokens };
  }

  async save(tokens: StoredTokens): Promise<void> {
    this.tokens = { ...tokens };
  }

  async clear(): Promise<void> {
    this.tokens = undefined;
  }

  withLock<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => undefined);
    return run;
  }

  async close(): Promise<void> {}
}
