import { MissingCredentialsError, type TokenSource } from '../client/ghl-client.js';
import type { LocationTokens } from './location-tokens.js';
import type { Refresher } from './refresher.js';

/**
 * GHL says a token is no longer valid (expired, or replaced by a refresh) with these 401 messages; a 401 about
 * a missing scope, a location or an unsupported route is not cured by a refresh and is returned as it is.
 */
const EXPIRED = /invalid (jwt|token)|expired/i;
const NOT_EXPIRY = /scope|location|not yet supported/i;

export function meansExpired(body: string): boolean {
  return EXPIRED.test(body) && !NOT_EXPIRY.test(body);
}

/**
 * Tokens from an OAuth login: the stored grant for its own location or company, and for an agency grant a
 * location token per location the call acts on.
 */
export class OAuthTokenSource implements TokenSource {
  constructor(
    private readonly refresher: Refresher,
    private readonly locations: LocationTokens,
  ) {}

  async token(resource: string | undefined): Promise<string> {
    const grant = await this.refresher.current();
    if (!grant) {
      throw new MissingCredentialsError(
        `No GHL credentials: GHL_API_KEY is not set and there are no OAuth tokens in ${this.refresher.store.location}.`,
        'Run `ghl-mcp auth login` (a running server picks the tokens up without a restart), or set GHL_API_KEY to a Private Integration Token.',
      );
    }
    const locationId = resource?.startsWith('location:') ? resource.slice('location:'.length) : undefined;
    if (grant.userType === 'Company' && locationId) return this.locations.token(grant, locationId);
    return grant.accessToken;
  }

  async onUnauthorized(_resource: string | undefined, token: string, body: string): Promise<boolean> {
    if (!meansExpired(body)) return false;
    if (this.locations.drop(token)) return true;
    const fresh = await this.refresher.refresh(token);
    return fresh.accessToken !== token;
  }
}
