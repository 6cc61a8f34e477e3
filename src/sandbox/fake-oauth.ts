import { randomBytes } from 'node:crypto';
import type { ToolEntry } from '../catalog/types.js';
import { MODULES } from '../../tools/index.js';
import { type ChooserOptions, type FakeGhlUser, readChoice, renderChooser } from './authorize-page.js';
import type { FakeGhl, FakeRequest, FakeResponse, RecordedRequest } from './fake-ghl.js';

export type FakeUserType = 'Location' | 'Company';

/** What a grant is for: the consent a login gives, or a token a test starts with. */
export interface FakeGrantSpec {
  userType: FakeUserType;
  scopes: string[];
  locationId?: string;
  companyId?: string;
  /** The GHL user who signed in (GHL reports the installer's user id). */
  userId?: string;
  /** Which sign-in on the chooser page the grant comes from: refreshed and derived tokens keep it. */
  signIn?: number;
}

interface AccessGrant extends FakeGrantSpec {
  expiresAt: number;
}

interface RefreshGrant {
  spec: FakeGrantSpec;
  used: boolean;
}

export interface FakeInstalledLocation {
  _id: string;
  name: string;
  address: string;
}

export interface FakeOAuthOptions {
  clientId: string;
  clientSecret: string;
  /** What the consent page grants: the location or company the user picks, and the app's scopes. */
  consent: FakeGrantSpec;
  /** The locations of the company the app is installed in. */
  locations?: FakeInstalledLocation[];
  accessTtlSeconds?: number;
  /**
   * Show GHL's "choose location" page (who signs in, which location or the agency) instead of granting `consent`
   * at once; the choice is posted back to the same path.
   */
  chooser?: { users: FakeGhlUser[]; companyId?: string };
}

interface Operation {
  entry: ToolEntry;
  pattern: RegExp;
  names: string[];
}

const UNAUTHORIZED = (message: string): FakeResponse => ({ status: 401, body: { statusCode: 401, message, error: 'Unauthorized' } });
const WRONG_CLASS = 'This authClass type is not allowed to access this scope. Please reach out to the Platform team to get it added.';

/**
 * GHL's OAuth on the fake: the consent page, the token endpoint with rotating single-use refresh tokens, expiry,
 * agency → location tokens, installed locations, and on every call the checks GHL makes on an OAuth token
 * (expired, scope, token type, location).
 */
export class FakeOAuth {
  readonly clientId: string;
  readonly clientSecret: string;
  consent: FakeGrantSpec;
  locations: FakeInstalledLocation[];
  accessTtlSeconds: number;
  /** Every code and token handed out: none of them may ever show up in a log or a result. */
  readonly issued: string[] = [];
  private readonly access = new Map<string, AccessGrant>();
  private readonly refreshTokens = new Map<string, RefreshGrant>();
  private readonly codes = new Map<string, { spec: FakeGrantSpec; redirectUri: string }>();
  private readonly operations: Operation[];
  private readonly chooser?: ChooserOptions;
  private signIns = 0;

  constructor(options: FakeOAuthOptions) {
    this.clientId = options.clientId;
    this.clientSecret = options.clientSecret;
    this.consent = options.consent;
    this.locations = options.locations ?? [];
    this.accessTtlSeconds = options.accessTtlSeconds ?? 86_399;
    this.operations = catalogOperations();
    if (options.chooser) this.chooser = { clientId: this.clientId, locations: this.locations, ...options.chooser };
  }

  install(fake: FakeGhl): this {
    fake
      .route('GET', '/v2/oauth/chooselocation', (request) => this.chooseLocation(request), { anonymous: true })
      .route('POST', '/v2/oauth/chooselocation', (request) => this.chosen(request), { anonymous: true })
      .route('POST', '/oauth/token', (request) => this.token(request), { anonymous: true })
      .route('POST', '/oauth/locationToken', (request) => this.locationToken(request))
      .route('GET', '/oauth/installedLocations', (request) => this.installedLocations(request))
      .checkBearer((token, request) => this.check(token, request));
    return this;
  }

  /** Hands out a grant directly (the state a test starts from); `accessToken` names a Private Integration Token. */
  grant(spec: FakeGrantSpec, options: { accessToken?: string; expiresInSeconds?: number } = {}) {
    const accessToken = options.accessToken ?? this.secret('at');
    this.access.set(accessToken, { ...spec, expiresAt: Date.now() + (options.expiresInSeconds ?? this.accessTtlSeconds) * 1000 });
    if (options.accessToken) return { accessToken, refreshToken: undefined };
    const refreshToken = this.secret('rt');
    this.refreshTokens.set(refreshToken, { spec, used: false });
    return { accessToken, refreshToken };
  }

  /** Makes GHL consider the access token expired from now on, whatever the client believes. */
  expire(accessToken: string): void {
    const grant = this.access.get(accessToken);
    if (grant) grant.expiresAt = Date.now() - 1;
  }

  /** The grant an access token (OAuth or derived location token) stands for: whose sign-in, which location. */
  grantOf(accessToken: string): FakeGrantSpec | undefined {
    const grant = this.access.get(accessToken);
    if (!grant) return undefined;
    const { expiresAt: _expiresAt, ...spec } = grant;
    return spec;
  }

  /** The app uninstalled by the person of one sign-in: GHL refuses its access tokens and its refresh token from now on. */
  uninstall(signIn: number): void {
    for (const grant of this.access.values()) if (grant.signIn === signIn) grant.expiresAt = Date.now() - 1;
    for (const grant of this.refreshTokens.values()) if (grant.spec.signIn === signIn) grant.used = true;
  }

  /** The refresh tokens GHL would still accept. */
  liveRefreshTokens(): string[] {
    return [...this.refreshTokens].filter(([, grant]) => !grant.used).map(([token]) => token);
  }

  private chooseLocation(request: FakeRequest): FakeResponse {
    if (this.chooser) return renderChooser(request, this.chooser);
    const redirectUri = request.query.get('redirect_uri');
    if (request.query.get('client_id') !== this.clientId || request.query.get('response_type') !== 'code' || !redirectUri) {
      return { status: 400, body: { statusCode: 400, message: 'Invalid client_id, response_type or redirect_uri' } };
    }
    return this.redirectWithCode(this.consent, redirectUri, request.query.get('state'));
  }

  /** The choice posted from the chooser page: a grant for that user and location (or the agency). */
  private chosen(request: FakeRequest): FakeResponse {
    if (!this.chooser) return { status: 404, body: { statusCode: 404, message: 'Cannot POST /v2/oauth/chooselocation' } };
    const read = readChoice(request, this.chooser);
    if ('status' in read) return read;
    const { choice, form } = read;
    const spec: FakeGrantSpec =
      choice.kind === 'company'
        ? { userType: 'Company', scopes: this.consent.scopes, companyId: this.chooser.companyId, userId: choice.userId }
        : { userType: 'Location', scopes: this.consent.scopes, locationId: choice.locationId, companyId: this.chooser.companyId, userId: choice.userId };
    spec.signIn = ++this.signIns;
    return this.redirectWithCode(spec, form.get('redirect_uri')!, form.get('state'));
  }

  private redirectWithCode(spec: FakeGrantSpec, redirectUri: string, state: string | null): FakeResponse {
    const code = this.secret('code');
    this.codes.set(code, { spec, redirectUri });
    const target = new URL(redirectUri);
    target.searchParams.set('code', code);
    if (state !== null) target.searchParams.set('state', state);
    return { status: 302, headers: { location: target.toString() } };
  }

  private token(request: FakeRequest): FakeResponse {
    const form = new URLSearchParams(request.body);
    if (form.get('client_id') !== this.clientId || form.get('client_secret') !== this.clientSecret) {
      return { status: 401, body: { error: 'invalid_client', error_description: 'Client authentication failed' } };
    }
    let spec: FakeGrantSpec;
    if (form.get('grant_type') === 'authorization_code') {
      const code = this.codes.get(form.get('code') ?? '');
      if (!code) return invalidGrant('Invalid grant: authorization code is invalid');
      this.codes.delete(form.get('code')!);
      if (code.redirectUri !== form.get('redirect_uri')) return invalidGrant('redirect_uri does not match the authorization request');
      spec = code.spec;
    } else if (form.get('grant_type') === 'refresh_token') {
      const grant = this.refreshTokens.get(form.get('refresh_token') ?? '');
      if (!grant || grant.used) return invalidGrant('Invalid grant: refresh token is invalid');
      grant.used = true;
      spec = grant.spec;
    } else {
      return { status: 400, body: { error: 'unsupported_grant_type', error_description: 'grant_type is not supported' } };
    }
    // user_type is optional: without it the token is of the kind the user chose on the consent page.
    const userType = form.get('user_type');
    if (userType !== null && userType !== spec.userType) return invalidGrant(`This grant is for user_type ${spec.userType}`);
    const { accessToken, refreshToken } = this.grant(spec);
    return {
      status: 200,
      body: {
        access_token: accessToken,
        token_type: 'Bearer',
        expires_in: this.accessTtlSeconds,
        refresh_token: refreshToken,
        scope: spec.scopes.join(' '),
        userType: spec.userType,
        locationId: spec.locationId,
        companyId: spec.companyId,
        userId: spec.userId ?? 'user-1',
        approvedLocations: spec.userType === 'Company' ? this.locations.map((location) => location._id) : undefined,
      },
    };
  }

  private locationToken(request: FakeRequest): FakeResponse {
    const agency = this.access.get(bearer(request)!);
    const form = new URLSearchParams(request.body);
    const locationId = form.get('locationId');
    if (!agency || form.get('companyId') !== agency.companyId) {
      return { status: 400, body: { statusCode: 400, message: 'companyId does not match the token' } };
    }
    if (!this.locations.some((location) => location._id === locationId)) {
      return { status: 400, body: { statusCode: 400, message: `The app is not installed in location ${locationId}` } };
    }
    const accessToken = this.secret('lt');
    const scopes = agency.scopes;
    const { userId = 'user-1', signIn } = agency;
    this.access.set(accessToken, { userType: 'Location', scopes, locationId: locationId!, companyId: agency.companyId, userId, signIn, expiresAt: Date.now() + this.accessTtlSeconds * 1000 });
    return {
      status: 200,
      body: { access_token: accessToken, token_type: 'Bearer', expires_in: this.accessTtlSeconds, scope: scopes.join(' '), locationId, userId },
    };
  }

  private installedLocations(request: FakeRequest): FakeResponse {
    const agency = this.access.get(bearer(request)!);
    if (!agency || request.query.get('companyId') !== agency.companyId || request.query.get('appId') !== this.clientId.split('-')[0]) {
      return { status: 400, body: { statusCode: 400, message: 'companyId and appId must name this app and company' } };
    }
    const skip = Number(request.query.get('skip') ?? 0);
    const limit = Number(request.query.get('limit') ?? 20);
    return { status: 200, body: { locations: this.locations.slice(skip, skip + limit), count: this.locations.length } };
  }

  /** GHL's checks on an OAuth token; tokens this fake did not issue pass on to the fake's static tokens. */
  private check(token: string, request: RecordedRequest): FakeResponse | 'accept' | undefined {
    const grant = this.access.get(token);
    if (!grant) return undefined;
    if (grant.expiresAt <= Date.now()) return UNAUTHORIZED('Invalid JWT');
    const operation = this.operationOf(request);
    if (!operation) return 'accept';
    const { entry, params } = operation;
    const kinds = entry.tokens ?? ['location', 'agency'];
    if (!kinds.includes(grant.userType === 'Company' ? 'agency' : 'location')) return UNAUTHORIZED(WRONG_CLASS);
    if (entry.scopes && !entry.scopes.some((scope) => grant.scopes.includes(scope))) {
      return UNAUTHORIZED('The token is not authorized for this scope.');
    }
    if (grant.userType === 'Location' && namedLocations(params, request).some((id) => id !== grant.locationId)) {
      return { status: 403, body: { statusCode: 403, message: 'The token does not have access to this location' } };
    }
    return 'accept';
  }

  private operationOf(request: RecordedRequest): { entry: ToolEntry; params: Record<string, string> } | undefined {
    for (const operation of this.operations) {
      if (operation.entry.method !== request.method) continue;
      const match = operation.pattern.exec(request.path);
      if (match) return { entry: operation.entry, params: Object.fromEntries(operation.names.map((name, index) => [name, decodeURIComponent(match[index + 1]!)])) };
    }
    return undefined;
  }

  private secret(kind: string): string {
    const value = `${kind}-${randomBytes(18).toString('base64url')}`;
    this.issued.push(value);
    return value;
  }
}

function invalidGrant(description: string): FakeResponse {
  return { status: 400, body: { error: 'invalid_grant', error_description: description } };
}

function bearer(request: RecordedRequest): string | undefined {
  return /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
}

/** The locations a request names, wherever GHL reads them from. */
function namedLocations(params: Record<string, string>, request: RecordedRequest): string[] {
  let body: Record<string, unknown> = {};
  try {
    body = (JSON.parse(request.body) as Record<string, unknown>) ?? {};
  } catch {
    body = {};
  }
  const altType = request.query.get('altType') ?? body.altType;
  const named = [
    params.locationId,
    request.query.get('locationId'),
    request.query.get('location_id'),
    body.locationId,
    altType === 'location' ? (request.query.get('altId') ?? body.altId) : undefined,
  ];
  return named.filter((id): id is string => typeof id === 'string' && id !== '');
}

/** Every catalog operation as a path pattern, literal segments before parameters (`/search` over `/{id}`). */
function catalogOperations(): Operation[] {
  const operations = MODULES.flatMap((module) =>
    module.tools.map((entry) => {
      const names: string[] = [];
      const source = entry.path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{([^}]+)\}/g, (_match, name: string) => {
        names.push(name);
        return '([^/]+)';
      });
      return { entry, pattern: new RegExp(`^${source}/?$`), names };
    }),
  );
  return operations.sort((a, b) => a.names.length - b.names.length);
}
