import { scrubSecrets } from '../logger.js';
import type { StoredTokens, UserType } from './token-store.js';

export interface OAuthApp {
  clientId: string;
  clientSecret: string;
}

/** A grant GHL refused (bad or used code / refresh token, wrong client) versus one that could not be asked. */
export type OAuthFailure = 'rejected' | 'unavailable';

export class OAuthError extends Error {
  constructor(
    message: string,
    readonly failure: OAuthFailure,
    readonly status?: number,
  ) {
    super(message);
  }
}

export interface LocationToken {
  accessToken: string;
  expiresAt: number;
  scope?: string;
}

export interface InstalledLocation {
  id: string;
  name?: string;
}

interface TokenResponse {
  access_token?: string;
  refresh_token?: string;
  expires_in?: number;
  scope?: string;
  userType?: string;
  locationId?: string;
  companyId?: string;
  userId?: string;
  approvedLocations?: string[];
}

const OAUTH_VERSION = '2021-07-28';
const PAGE_SIZE = 100;
const MAX_PAGES = 100;

/** The GHL OAuth endpoints: code exchange, refresh, agency → location tokens, installed locations. */
export class OAuthClient {
  constructor(
    private readonly baseUrl: string,
    private readonly app: OAuthApp | undefined,
    private readonly timeoutMs = 30_000,
  ) {}

  /** GHL client ids are `<appId>-<suffix>`; installedLocations wants the app id. */
  get appId(): string | undefined {
    return this.app?.clientId.split('-')[0];
  }

  /** Without `userType` GHL answers with the kind of token the user chose (a location, or the agency). */
  async exchangeCode(code: string, redirectUri: string, userType?: UserType): Promise<StoredTokens> {
    const app = this.requireApp('exchange the authorization code');
    const response = await this.tokenRequest(
      { grant_type: 'authorization_code', code, redirect_uri: redirectUri, ...(userType && { user_type: userType }) },
      [code],
      'The authorization code was refused',
    );
    return toStored(response, { userType: userType ?? (response.companyId && !response.locationId ? 'Company' : 'Location'), clientId: app.clientId });
  }

  /** One refresh: GHL answers with a new pair and the old refresh token stops working. */
  async refresh(current: StoredTokens): Promise<StoredTokens> {
    this.requireApp('refresh the access token');
    const response = await this.tokenRequest(
      { grant_type: 'refresh_token', refresh_token: current.refreshToken, user_type: current.userType },
      [current.refreshToken, current.accessToken],
      'GHL refused the refresh token',
    );
    return toStored(response, current);
  }

  async locationToken(companyToken: string, companyId: string, locationId: string): Promise<LocationToken> {
    const response = await this.call('/oauth/locationToken', {
      method: 'POST',
      headers: { authorization: `Bearer ${companyToken}`, version: OAUTH_VERSION, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ companyId, locationId }).toString(),
    });
    const body = (await this.json(response, [companyToken], `GHL refused a token for location ${locationId}`)) as TokenResponse;
    if (!body.access_token) throw new OAuthError('GHL sent no access token for the location', 'unavailable', response.status);
    return { accessToken: body.access_token, expiresAt: expiresAt(body.expires_in), scope: body.scope };
  }

  /** Every location of the company where the app is installed (paged through). */
  async installedLocations(companyToken: string, companyId: string): Promise<InstalledLocation[]> {
    const appId = this.appId;
    if (!appId) throw new OAuthError('GHL_CLIENT_ID is needed to list the locations the app is installed in', 'rejected');
    const locations: InstalledLocation[] = [];
    for (let page = 0; page < MAX_PAGES; page++) {
      const query = new URLSearchParams({ companyId, appId, isInstalled: 'true', skip: String(page * PAGE_SIZE), limit: String(PAGE_SIZE) });
      const response = await this.call(`/oauth/installedLocations?${query}`, {
        method: 'GET',
        headers: { authorization: `Bearer ${companyToken}`, version: OAUTH_VERSION },
      });
      const body = (await this.json(response, [companyToken], 'GHL refused to list the installed locations')) as {
        locations?: { _id: string; name?: string }[];
        count?: number;
      };
      const batch = body.locations ?? [];
      locations.push(...batch.map((location) => ({ id: location._id, name: location.name })));
      if (batch.length < PAGE_SIZE || (body.count !== undefined && locations.length >= body.count)) break;
    }
    return locations;
  }

  private requireApp(purpose: string): OAuthApp {
    if (!this.app) throw new OAuthError(`GHL_CLIENT_ID and GHL_CLIENT_SECRET are needed to ${purpose}`, 'rejected');
    return this.app;
  }

  private async tokenRequest(fields: Record<string, string>, secrets: string[], refused: string): Promise<TokenResponse> {
    const app = this.app!;
    const body = new URLSearchParams({ client_id: app.clientId, client_secret: app.clientSecret, ...fields });
    const response = await this.call('/oauth/token', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: body.toString(),
    });
    const parsed = (await this.json(response, [...secrets, app.clientSecret], refused)) as TokenResponse;
    if (!parsed.access_token || !parsed.refresh_token) {
      throw new OAuthError('GHL answered the token request without an access and refresh token', 'unavailable', response.status);
    }
    return parsed;
  }

  private async call(pathAndQuery: string, init: RequestInit): Promise<Response> {
    try {
      // Never follow a redirect: a 307/308 would send the client secret and refresh token (the POST body) on
      // to wherever it points. A 3xx is answered as the failure it is.
      return await fetch(this.baseUrl + pathAndQuery, {
        ...init,
        redirect: 'manual',
        headers: { accept: 'application/json', 'user-agent': 'ghl-mcp', ...(init.headers as Record<string, string>) },
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      const cause = (error as Error & { cause?: { code?: string } }).cause?.code ?? (error as Error).name;
      throw new OAuthError(`Could not reach GHL at ${this.baseUrl} (${cause})`, 'unavailable');
    }
  }

  /** The JSON body of a 2xx answer; otherwise an OAuthError carrying GHL's own words, with secrets scrubbed. */
  private async json(response: Response, secrets: string[], refused: string): Promise<unknown> {
    const text = await response.text();
    let body: Record<string, unknown> | undefined;
    try {
      body = JSON.parse(text) as Record<string, unknown>;
    } catch {
      body = undefined;
    }
    if (response.ok && body) return body;
    const said = [body?.error, body?.error_description, body?.message].flat().filter((part) => typeof part === 'string');
    const detail = scrubSecrets(said.join(': ') || text.slice(0, 200) || `HTTP ${response.status}`, secrets);
    const failure: OAuthFailure = response.status >= 400 && response.status < 500 && response.status !== 429 ? 'rejected' : 'unavailable';
    throw new OAuthError(`${refused} (HTTP ${response.status}: ${detail})`, failure, response.status);
  }
}

function expiresAt(expiresIn: number | undefined): number {
  return Date.now() + (typeof expiresIn === 'number' && expiresIn > 0 ? expiresIn : 86_399) * 1000;
}

/** A token response as the store keeps it; fields GHL leaves out of a refresh keep their previous values. */
function toStored(response: TokenResponse, previous: Partial<StoredTokens> & { userType: UserType }): StoredTokens {
  const userType: UserType = response.userType === 'Company' || response.userType === 'Location' ? response.userType : previous.userType;
  const tokens: StoredTokens = {
    ...previous,
    accessToken: response.access_token!,
    refreshToken: response.refresh_token!,
    expiresAt: expiresAt(response.expires_in),
    userType,
    savedAt: Date.now(),
  };
  if (response.scope !== undefined) tokens.scope = response.scope;
  if (response.locationId) tokens.locationId = response.locationId;
  if (response.companyId) tokens.companyId = response.companyId;
  if (response.userId) tokens.userId = response.userId;
  if (response.approvedLocations) tokens.approvedLocations = response.approvedLocations;
  return tokens;
}
