import { MissingCredentialsError } from '../client/ghl-client.js';
import type { Logger } from '../logger.js';
import { type OAuthClient, OAuthError } from './oauth-client.js';
import type { StoredTokens, TokenStore } from './token-store.js';

export const REFRESH_AHEAD_MS = 5 * 60_000;
export const LOGIN_FIX = 'Run `ghl-mcp auth login` to connect again; a running server picks up the new tokens without a restart.';

export interface RefresherOptions {
  refreshAheadMs?: number;
  /** First delay before a failed save is tried again; it doubles up to a minute. */
  saveRetryMs?: number;
}

/** A refreshed pair that exists only in memory because the store refused it. */
interface UnsavedPair {
  tokens: StoredTokens;
  /** The refresh token it replaced: a store still holding that one may be overwritten, anything else is newer. */
  replaces: string;
  error: string;
  timer?: NodeJS.Timeout;
}

export function expiresSoon(tokens: { expiresAt: number }, aheadMs: number): boolean {
  return tokens.expiresAt - Date.now() <= aheadMs;
}

/**
 * Keeps one OAuth grant alive: refreshes ahead of expiry or when GHL calls the access token expired, once per
 * process at a time (single-flight) and once across processes (the store's lock). The rotated pair is saved
 * before anyone uses it; a failed save keeps the pair in memory, is retried, and is reported on every call.
 */
export class Refresher {
  private cached?: StoredTokens;
  private inflight?: Promise<StoredTokens>;
  private unsaved?: UnsavedPair;
  /** Set when GHL refused the stored refresh token: no more refreshes until the store holds a new one. */
  private deadRefreshToken?: string;
  private deadReason = '';
  private readonly seen = new Set<string>();
  private readonly refreshAheadMs: number;

  constructor(
    readonly store: TokenStore,
    private readonly oauth: OAuthClient,
    private readonly logger: Logger,
    private readonly options: RefresherOptions = {},
  ) {
    this.refreshAheadMs = options.refreshAheadMs ?? REFRESH_AHEAD_MS;
  }

  /** The grant to use now, refreshed first when it expires within the refresh-ahead window. */
  async current(): Promise<StoredTokens | undefined> {
    let tokens = this.unsaved?.tokens ?? this.cached ?? (await this.reload());
    if (!tokens || !expiresSoon(tokens, this.refreshAheadMs)) return tokens;
    if (this.deadRefreshToken === tokens.refreshToken) {
      // No refresh possible: someone may have logged in again since; otherwise use the old token while it lasts.
      tokens = await this.reload();
      if (!tokens || !expiresSoon(tokens, this.refreshAheadMs)) return tokens;
      if (this.deadRefreshToken === tokens.refreshToken) {
        if (expiresSoon(tokens, 0)) throw this.rejected();
        return tokens;
      }
    }
    return this.refresh(tokens.accessToken);
  }

  /**
   * A fresh grant after `staleAccessToken` expired or was refused. Callers that arrive while a refresh is running
   * share it; a caller holding a token that was already replaced gets the replacement without a new refresh.
   */
  async refresh(staleAccessToken: string): Promise<StoredTokens> {
    const known = this.unsaved?.tokens ?? this.cached;
    if (known && known.accessToken !== staleAccessToken && !expiresSoon(known, this.refreshAheadMs)) return known;
    this.inflight ??= this.refreshOnce(staleAccessToken).finally(() => {
      this.inflight = undefined;
    });
    return this.inflight;
  }

  /** Every token value this process has held, so results and errors can be scrubbed of all of them. */
  secrets(): string[] {
    return [...this.seen];
  }

  /** Said on every tool result while a refreshed pair is not yet saved. */
  notices(): string[] {
    if (!this.unsaved) return [];
    return [
      `WARNING: GHL tokens were refreshed but could not be saved to ${this.store.location} (${this.unsaved.error}). ` +
        'Retrying the save. Free disk space or fix the permissions; if this server stops before the save succeeds, run `ghl-mcp auth login` again.',
    ];
  }

  /** Re-reads the store: another process (a refresh, `auth login`) may have written a newer grant. */
  async reload(): Promise<StoredTokens | undefined> {
    const stored = await this.store.load();
    if (stored) this.remember(stored);
    else this.cached = undefined;
    return stored;
  }

  async close(): Promise<void> {
    const unsaved = this.unsaved;
    if (!unsaved) return;
    clearTimeout(unsaved.timer);
    await this.retrySave().catch(() => {});
    if (this.unsaved) {
      this.logger.error({ store: this.store.location, err: this.unsaved.error }, `Exiting with refreshed GHL tokens that could not be saved. ${LOGIN_FIX}`);
    }
  }

  private async refreshOnce(staleAccessToken: string): Promise<StoredTokens> {
    return this.store.withLock(async () => {
      // Another process may have refreshed while this one waited for the lock: its pair is in the store.
      const latest = this.unsaved?.tokens ?? (await this.reload());
      if (!latest) throw new MissingCredentialsError(`No OAuth tokens in ${this.store.location}.`, LOGIN_FIX);
      if (latest.accessToken !== staleAccessToken && !expiresSoon(latest, this.refreshAheadMs)) return latest;
      if (this.deadRefreshToken === latest.refreshToken) throw this.rejected();
      let fresh: StoredTokens;
      try {
        fresh = await this.oauth.refresh(latest);
      } catch (error) {
        if (error instanceof OAuthError && error.failure === 'rejected') {
          this.deadRefreshToken = latest.refreshToken;
          this.deadReason = error.message;
          this.logger.error({ store: this.store.location, err: error.message }, `GHL refused the stored refresh token. ${LOGIN_FIX}`);
          throw this.rejected();
        }
        throw new MissingCredentialsError(
          `Could not refresh the GHL access token: ${(error as Error).message}`,
          'GHL or the network is unavailable; try again shortly. The stored tokens are unchanged.',
        );
      }
      this.remember(fresh);
      await this.persist(fresh, latest.refreshToken);
      this.logger.info({ store: this.store.location, expiresAt: new Date(fresh.expiresAt).toISOString() }, 'GHL access token refreshed');
      return fresh;
    });
  }

  private rejected(): MissingCredentialsError {
    return new MissingCredentialsError(
      `GHL refused the stored refresh token (it was already used, or the app was uninstalled): ${this.deadReason}`,
      LOGIN_FIX,
    );
  }

  private remember(tokens: StoredTokens): void {
    this.cached = tokens;
    this.seen.add(tokens.accessToken);
    this.seen.add(tokens.refreshToken);
  }

  /** Saves at once; on failure keeps the pair in memory, says so loudly and keeps trying in the background. */
  private async persist(tokens: StoredTokens, replaces: string): Promise<void> {
    const previous = this.unsaved;
    if (previous) clearTimeout(previous.timer);
    this.unsaved = undefined;
    try {
      await this.store.save(tokens);
    } catch (error) {
      // Rotating an unsaved pair again: the store still holds the pair the first unsaved one replaced.
      this.unsaved = { tokens, replaces: previous?.replaces ?? replaces, error: describe(error) };
      this.logger.error(
        { store: this.store.location, err: this.unsaved.error },
        'Refreshed GHL tokens could NOT be saved; the old refresh token no longer works. Retrying the save.',
      );
      this.scheduleRetry(this.options.saveRetryMs ?? 1000);
    }
  }

  private scheduleRetry(delayMs: number): void {
    const unsaved = this.unsaved;
    if (!unsaved) return;
    unsaved.timer = setTimeout(() => {
      void this.retrySave().then(
        () => undefined,
        () => this.scheduleRetry(Math.min(delayMs * 2, 60_000)),
      );
    }, delayMs);
    unsaved.timer.unref();
  }

  private async retrySave(): Promise<void> {
    await this.store.withLock(async () => {
      const unsaved = this.unsaved;
      if (!unsaved) return;
      const stored = await this.store.load().catch(() => undefined);
      if (stored && stored.refreshToken !== unsaved.replaces && stored.refreshToken !== unsaved.tokens.refreshToken) {
        // Someone logged in again meanwhile: their grant is newer than the one this process could not save.
        this.unsaved = undefined;
        this.remember(stored);
        this.logger.warn({ store: this.store.location }, 'A newer GHL login replaced the tokens this process could not save');
        return;
      }
      try {
        await this.store.save(unsaved.tokens);
      } catch (error) {
        unsaved.error = describe(error);
        this.logger.error({ store: this.store.location, err: unsaved.error }, 'Saving the refreshed GHL tokens failed again; retrying');
        throw error;
      }
      this.unsaved = undefined;
      this.logger.info({ store: this.store.location }, 'Refreshed GHL tokens saved after an earlier failure');
    });
  }
}

function describe(error: unknown): string {
  const cause = error as NodeJS.ErrnoException;
  return cause.code ? `${cause.code}: ${cause.message}` : String(cause.message ?? error);
}
