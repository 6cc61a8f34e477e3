import { MissingCredentialsError } from '../client/ghl-client.js';
import type { Logger } from '../logger.js';
import { type InstalledLocation, type LocationToken, type OAuthClient, OAuthError } from './oauth-client.js';
import { expiresSoon, REFRESH_AHEAD_MS, type Refresher } from './refresher.js';
import type { StoredTokens } from './token-store.js';

/**
 * Location tokens minted from an agency (Company) grant with POST /oauth/locationToken: one per location, on
 * demand, cached until shortly before they expire. They carry no refresh token; a new one is simply minted.
 */
export class LocationTokens {
  private readonly cache = new Map<string, LocationToken>();
  private readonly inflight = new Map<string, Promise<LocationToken>>();
  private readonly seen = new Set<string>();

  constructor(
    private readonly oauth: OAuthClient,
    private readonly refresher: Refresher,
    private readonly logger: Logger,
    private readonly refreshAheadMs = REFRESH_AHEAD_MS,
  ) {}

  async token(grant: StoredTokens, locationId: string): Promise<string> {
    const cached = this.cache.get(locationId);
    if (cached && !expiresSoon(cached, this.refreshAheadMs)) return cached.accessToken;
    let pending = this.inflight.get(locationId);
    if (!pending) {
      pending = this.mint(grant, locationId).finally(() => this.inflight.delete(locationId));
      this.inflight.set(locationId, pending);
    }
    return (await pending).accessToken;
  }

  /** Forgets a location token GHL refused; true when it was one of ours (the next call mints a new one). */
  drop(token: string): boolean {
    for (const [locationId, cached] of this.cache) {
      if (cached.accessToken === token) {
        this.cache.delete(locationId);
        return true;
      }
    }
    return false;
  }

  /** The locations the app is installed in, under the agency grant. */
  async installed(grant: StoredTokens): Promise<InstalledLocation[]> {
    return this.withCompanyToken(grant, (token) => this.oauth.installedLocations(token, companyOf(grant)));
  }

  secrets(): string[] {
    return [...this.seen];
  }

  private async mint(grant: StoredTokens, locationId: string): Promise<LocationToken> {
    const companyId = companyOf(grant);
    let minted: LocationToken;
    try {
      minted = await this.withCompanyToken(grant, (token) => this.oauth.locationToken(token, companyId, locationId));
    } catch (error) {
      if (error instanceof OAuthError && error.failure === 'rejected') {
        throw new MissingCredentialsError(
          `GHL would not give the agency token access to location ${locationId}: ${error.message}`,
          `Check that the app is installed in location ${locationId} (\`ghl-mcp doctor\` lists the locations it can reach) and that the agency token has the oauth.write scope.`,
        );
      }
      throw error;
    }
    this.cache.set(locationId, minted);
    this.seen.add(minted.accessToken);
    this.logger.debug({ locationId, expiresAt: new Date(minted.expiresAt).toISOString() }, 'location token minted');
    return minted;
  }

  /** Runs an agency call; when GHL says the agency token expired, refreshes it and runs the call once more. */
  private async withCompanyToken<T>(grant: StoredTokens, call: (token: string) => Promise<T>): Promise<T> {
    try {
      return await call(grant.accessToken);
    } catch (error) {
      if (!(error instanceof OAuthError) || error.status !== 401 || /scope/i.test(error.message)) throw error;
      const fresh = await this.refresher.refresh(grant.accessToken);
      return call(fresh.accessToken);
    }
  }
}

function companyOf(grant: StoredTokens): string {
  if (!grant.companyId) {
    throw new MissingCredentialsError('The stored agency grant has no companyId.', 'Run `ghl-mcp auth login --user-type Company` again.');
  }
  return grant.companyId;
}
