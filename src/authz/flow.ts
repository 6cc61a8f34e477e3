import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { authorizationUrl } from '../auth/login.js';
import { type OAuthClient, OAuthError } from '../auth/oauth-client.js';
import type { StoredTokens } from '../auth/token-store.js';
import type { Logger } from '../logger.js';
import type { ClientRegistry } from './clients.js';
import { AuthzError, type AuthzErrorCode } from './errors.js';
import { type GrantStores, subjectOf } from './grants.js';
import { cookie, fromThisBrowser, same, sendConsentPage, sendErrorPage } from './pages.js';
import { redirectUriRegistered } from './redirect-uris.js';
import type { Disconnection } from './disconnect.js';
import { type Endpoints, PATHS } from './endpoints.js';
import type { AuthzStore } from './store.js';
import { hashSecret, type TokenService } from './tokens.js';

/** An /authorize request, checked, while the user is away at GHL's location chooser. */
interface PendingAuthorization {
  clientId: string;
  clientName: string;
  redirectUri: string;
  codeChallenge: string;
  resource: string;
  scope: string;
  state?: string;
  /** The request named no redirect_uri (the client's only one is used). */
  redirectUriOmitted?: boolean;
}

/** The consent page's request: the pending authorization plus who signed in at GHL. */
interface ConsentRequest extends PendingAuthorization {
  subject: string;
  userType: 'Location' | 'Company';
  locationId?: string;
  companyId?: string;
  csrf: string;
  /** Agency grants: the locations the user may choose from. */
  locationIds?: string[];
}

export interface FlowOptions {
  endpoints: Endpoints;
  clients: ClientRegistry;
  tokens: TokenService;
  grants: GrantStores;
  store: AuthzStore;
  ghl: OAuthClient;
  /** The marketplace app and its chooser: client id, chooser host, scopes, install level. */
  app: { clientId: string; authUrl: string; scopes?: string; userType?: 'Location' | 'Company' };
  logger: Logger;
  disconnection: Disconnection;
}

const PENDING_TTL_MS = 10 * 60_000;
const CONSENT_TTL_MS = 365 * 24 * 3600_000;
const CHALLENGE = /^[A-Za-z0-9_-]{43,128}$/;

/**
 * The browser side of the sign-in: /authorize checks the client and sends the user to GHL's location chooser,
 * /oauth/callback exchanges GHL's code and stores the user's GHL grant, /consent records the user's answer; then
 * the MCP client gets its own authorization code (never the GHL grant).
 */
export class SigninFlow {
  constructor(private readonly options: FlowOptions) {}

  async authorize(res: ServerResponse, query: URLSearchParams): Promise<void> {
    const { clients, endpoints } = this.options;
    const clientId = query.get('client_id');
    if (!clientId) return sendErrorPage(res, 400, 'Missing client_id', 'The MCP client sent no client_id. Reconnect from your MCP client.');
    const client = await clients.find(clientId).catch((error: unknown) => {
      if (error instanceof AuthzError) return error;
      throw error;
    });
    if (client instanceof AuthzError) return sendErrorPage(res, 400, 'Unknown client (invalid_client)', client.description);
    if (!client) return sendErrorPage(res, 400, 'Unknown client (invalid_client)', 'This client_id is not registered here. Remove the connector and add it again.');
    const redirectUri = query.get('redirect_uri') ?? (client.redirect_uris.length === 1 ? client.redirect_uris[0]! : '');
    if (!redirectUriRegistered(client.redirect_uris, redirectUri)) {
      return sendErrorPage(res, 400, 'Redirect URI not registered (invalid_request)', 'The redirect_uri is not one the client registered, so the sign-in cannot return to it.');
    }
    const state = query.get('state') ?? undefined;
    const fail = (code: AuthzErrorCode, description: string) => this.redirect(res, redirectUri, { error: code, error_description: description, state });
    if (query.get('response_type') !== 'code') return fail('unsupported_response_type', 'response_type must be code');
    const challenge = query.get('code_challenge');
    if (!challenge) return fail('invalid_request', 'code_challenge is required (PKCE with S256)');
    if (query.get('code_challenge_method') !== 'S256') return fail('invalid_request', 'code_challenge_method must be S256 (plain is not accepted)');
    if (!CHALLENGE.test(challenge)) return fail('invalid_request', 'code_challenge is not a base64url S256 challenge');
    const resource = endpoints.audience(query.get('resource') ?? undefined);
    if (!resource) return fail('invalid_target', `resource must be this server's MCP URL, ${endpoints.resource}`);
    const pending: PendingAuthorization = {
      clientId,
      clientName: client.client_name ?? clientId,
      redirectUri,
      codeChallenge: challenge,
      resource,
      scope: grantedScope(query.get('scope')),
      ...(state !== undefined && { state }),
      ...(!query.has('redirect_uri') && { redirectUriOmitted: true }),
    };
    await this.toChooser(res, 'pending', pending);
  }

  /**
   * Keeps `record` under a new state for 10 minutes and sends the browser to GHL's location chooser with it. The
   * state is bound to this browser by a cookie (RFC 6749 §10.12): a chooser link forwarded to someone else (who
   * would sign in to GHL and land on a consent page for a stranger's client) fails at the callback.
   */
  async toChooser(res: ServerResponse, kind: 'pending' | 'leaving', record: unknown): Promise<void> {
    const { store, app, endpoints } = this.options;
    const id = randomBytes(24).toString('base64url');
    const browser = randomBytes(24).toString('base64url');
    await store.put(`${kind}:${hashSecret(id)}`, record, PENDING_TTL_MS);
    await store.put(`browser:${hashSecret(id)}`, hashSecret(browser), PENDING_TTL_MS);
    const chooser = authorizationUrl({ authUrl: app.authUrl, clientId: app.clientId, redirectUri: endpoints.callback, scope: app.scopes }, id);
    // Lax, not Strict: the callback is a top-level navigation from GHL's site.
    const cookie = `${browserCookie(id)}=${browser}; HttpOnly; SameSite=Lax; Path=${PATHS.callback}; Max-Age=600${endpoints.issuer.startsWith('https:') ? '; Secure' : ''}`;
    res.writeHead(302, { location: chooser, 'cache-control': 'no-store', 'set-cookie': cookie });
    res.end();
  }

  async callback(req: IncomingMessage, res: ServerResponse, query: URLSearchParams): Promise<void> {
    const { store, grants, endpoints, logger } = this.options;
    const state = query.get('state') ?? '';
    const id = hashSecret(state);
    const bound = await store.get<string>(`browser:${id}`);
    if (!bound || !same(hashSecret(cookie(req.headers.cookie, browserCookie(state)) ?? ''), bound)) {
      return sendErrorPage(res, 400, 'Sign-in not started here', 'This sign-in was started in another browser, or is more than 10 minutes old. Start again from your MCP client.');
    }
    await store.delete(`browser:${id}`);
    const code = query.get('code');
    const leaving = await store.take<{ at: number }>(`leaving:${id}`);
    if (leaving) {
      const grant = code ? await this.exchange(code).catch(() => undefined) : undefined;
      if (!grant) return sendErrorPage(res, 400, 'Not signed in', 'HighLevel did not confirm who you are, so nothing was disconnected. Try again.');
      return this.options.disconnection.signedIn(res, grant);
    }
    const pending = await store.take<PendingAuthorization>(`pending:${id}`);
    if (!pending) return sendErrorPage(res, 400, 'Sign-in expired', 'This sign-in was already completed or is more than 10 minutes old. Start again from your MCP client.');
    if (!code) return this.redirect(res, pending.redirectUri, { error: 'access_denied', error_description: 'The HighLevel sign-in was cancelled or refused', state: pending.state });
    let grant: StoredTokens;
    try {
      grant = await this.exchange(code);
    } catch (error) {
      const refused = error instanceof OAuthError && error.failure === 'rejected';
      return this.redirect(res, pending.redirectUri, {
        error: refused ? 'access_denied' : 'temporarily_unavailable',
        error_description: refused ? 'HighLevel refused the sign-in' : 'HighLevel could not be reached; try again',
        state: pending.state,
      });
    }
    const subject = subjectOf(grant);
    const grantStore = grants.forSubject(subject);
    try {
      await grantStore.withLock(() => grantStore.save(grant));
    } finally {
      await grantStore.close();
    }
    logger.info({ audit: 'ghl-grant', subject, userType: grant.userType, location: grant.locationId, company: grant.companyId, ghlUser: grant.userId }, 'sign-in: GHL grant stored');
    // Allowed before, for this scope or a wider one: a client allowed read-only is asked again for full access.
    const allowed = await store.get<string>(consentKey(subject, pending.clientId));
    if ((allowed === 'mcp' || allowed === pending.scope) && grant.userType === 'Location') {
      return this.issue(res, pending, { subject, userType: 'Location', locationId: grant.locationId, companyId: grant.companyId });
    }
    const locations = grant.userType === 'Company' ? await this.installedLocations(grant) : undefined;
    const request = randomBytes(24).toString('base64url');
    const consent: ConsentRequest = {
      ...pending,
      subject,
      userType: grant.userType,
      locationId: grant.locationId,
      companyId: grant.companyId,
      csrf: randomBytes(24).toString('base64url'),
      ...(locations && { locationIds: locations.map((location) => location.id) }),
    };
    await store.put(`consent-request:${hashSecret(request)}`, consent, PENDING_TTL_MS);
    sendConsentPage(res, {
      request,
      csrf: consent.csrf,
      clientName: pending.clientName,
      clientId: pending.clientId,
      redirectHost: redirectHost(pending.redirectUri),
      account: grant.userType === 'Company' ? `agency ${grant.companyId ?? ''}` : `location ${grant.locationId ?? ''}`,
      readOnly: pending.scope === 'mcp:readonly',
      ...(locations && { locations }),
      secureCookie: endpoints.issuer.startsWith('https:'),
    });
  }

  private async exchange(code: string): Promise<StoredTokens> {
    const { ghl, endpoints, app, logger } = this.options;
    try {
      return await ghl.exchangeCode(code, endpoints.callback, app.userType);
    } catch (error) {
      logger.warn({ err: (error as Error).message }, 'sign-in: GHL code exchange failed');
      throw error;
    }
  }

  async consent(req: IncomingMessage, res: ServerResponse, form: URLSearchParams): Promise<void> {
    const { store } = this.options;
    const key = `consent-request:${hashSecret(form.get('request') ?? '')}`;
    const request = await store.get<ConsentRequest>(key);
    if (!request) return sendErrorPage(res, 400, 'Consent expired', 'This consent form was already answered or is more than 10 minutes old. Start again from your MCP client.');
    if (!fromThisBrowser(req, form, request.csrf)) {
      return sendErrorPage(res, 403, 'Consent not accepted', 'The form did not come from the page this server showed in this browser. Start again from your MCP client.');
    }
    if (!(await store.take<ConsentRequest>(key))) return sendErrorPage(res, 400, 'Consent expired', 'This consent form was already answered.');
    const decision = form.get('decision');
    if (decision !== 'allow') {
      this.options.logger.info({ audit: 'consent-denied', subject: request.subject, client: request.clientId }, 'sign-in: the user denied the client');
      return this.redirect(res, request.redirectUri, { error: 'access_denied', error_description: 'The user denied access', state: request.state });
    }
    let locationId = request.locationId;
    if (request.userType === 'Company') {
      const chosen = form.get('location') ?? '';
      if (chosen !== '' && !request.locationIds?.includes(chosen)) {
        return sendErrorPage(res, 400, 'Unknown location', 'The chosen location is not one the app is installed in. Start again from your MCP client.');
      }
      locationId = chosen || undefined;
    }
    const before = await store.get<string>(consentKey(request.subject, request.clientId));
    await store.put(consentKey(request.subject, request.clientId), before === 'mcp' ? before : request.scope, CONSENT_TTL_MS);
    await store.addMember(`consents:${request.subject}`, consentKey(request.subject, request.clientId), CONSENT_TTL_MS);
    return this.issue(res, request, { subject: request.subject, userType: request.userType, locationId, companyId: request.companyId });
  }

  private async issue(
    res: ServerResponse,
    pending: PendingAuthorization,
    who: { subject: string; userType: 'Location' | 'Company'; locationId?: string; companyId?: string },
  ): Promise<void> {
    const grant = { ...who, clientId: pending.clientId, resource: pending.resource, scope: pending.scope };
    const code = await this.options.tokens.issueCode(grant, pending.redirectUri, pending.codeChallenge, pending.redirectUriOmitted);
    this.redirect(res, pending.redirectUri, { code, state: pending.state });
  }

  /** Back to the client's registered redirect URI, with the issuer named (RFC 9207). */
  private redirect(res: ServerResponse, redirectUri: string, params: Record<string, string | undefined>): void {
    const target = new URL(redirectUri);
    for (const [name, value] of Object.entries(params)) if (value !== undefined) target.searchParams.set(name, value);
    target.searchParams.set('iss', this.options.endpoints.issuer);
    res.writeHead(302, { location: target.toString(), 'cache-control': 'no-store' });
    res.end();
  }

  /** The agency's locations with the app installed; GHL's approved list (ids only) when the listing fails. */
  private async installedLocations(grant: StoredTokens): Promise<{ id: string; name?: string }[]> {
    if (!grant.companyId) return [];
    try {
      return await this.options.ghl.installedLocations(grant.accessToken, grant.companyId);
    } catch (error) {
      this.options.logger.warn({ err: (error as Error).message }, 'sign-in: could not list the agency locations');
      return (grant.approvedLocations ?? []).map((id) => ({ id }));
    }
  }
}

/** `mcp` (everything the server allows) unless the client asked only for `mcp:readonly`. */
export function grantedScope(requested: string | null): string {
  const scopes = (requested ?? '').split(' ').filter(Boolean);
  return scopes.includes('mcp:readonly') && !scopes.includes('mcp') ? 'mcp:readonly' : 'mcp';
}

/** One cookie per sign-in under way (a person may start two at once), named by its state's hash. */
function browserCookie(state: string): string {
  return `ghl_mcp_signin_${hashSecret(state).slice(0, 16)}`;
}

function consentKey(subject: string, clientId: string): string {
  return `consent:${subject}:${hashSecret(clientId).slice(0, 32)}`;
}

function redirectHost(uri: string): string {
  const url = new URL(uri);
  return url.host ? `${url.protocol}//${url.host}` : url.protocol;
}
