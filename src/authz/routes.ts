import type { IncomingMessage, ServerResponse } from 'node:http';
import { buildOAuthProtectedResourceMetadata, type OAuthMetadata } from '@modelcontextprotocol/server';
import type { Logger } from '../logger.js';
import { BodyTooLargeError, ClientRequestCaps, readBody } from '../transports/http/limits.js';
import { MCP_PATH, parseMcpPath } from '../transports/http/selection.js';
import type { ClientRegistry } from './clients.js';
import { AS_METADATA_PATHS, type Endpoints, PATHS, PRM_PATH } from './endpoints.js';
import { AuthzError, sendError, sendJson } from './errors.js';
import { DISCONNECT_CONFIRM_PATH, type Disconnection } from './disconnect.js';
import type { SigninFlow } from './flow.js';
import { sendErrorPage } from './pages.js';
import type { ResourceGuard } from './resource.js';
import type { TokenService } from './tokens.js';

export interface RouteDeps {
  endpoints: Endpoints;
  clients: ClientRegistry;
  tokens: TokenService;
  flow: SigninFlow;
  guard: ResourceGuard;
  disconnection: Disconnection;
  logger: Logger;
}

const MAX_FORM_BYTES = 16 * 1024;
/**
 * Per address and minute: each registration and each sign-in started is a stored record. Generous, as every user
 * behind one proxy shares an address.
 */
const REGISTRATIONS_PER_MINUTE = 60;
const SIGN_INS_PER_MINUTE = 120;
export const SCOPES = ['mcp', 'mcp:readonly'];

/**
 * The authorization server's HTTP surface beside /mcp: discovery documents (RFC 9728, RFC 8414), registration
 * (RFC 7591), /authorize with GHL's location chooser, the token and revocation endpoints (RFC 6749, RFC 7009),
 * the consent form and disconnect. Answers true when the path was one of these.
 */
export class AuthzRoutes {
  private readonly registrations = new ClientRequestCaps(REGISTRATIONS_PER_MINUTE);
  private readonly signIns = new ClientRequestCaps(SIGN_INS_PER_MINUTE);

  constructor(private readonly deps: RouteDeps) {}

  async handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
    const path = url.pathname.replace(/\/+$/, '') || '/';
    const route = this.route(path, req.method === 'GET' || req.method === 'HEAD');
    if (!route) return false;
    if (req.method === 'OPTIONS' && route.cors) {
      res.writeHead(204, {
        'access-control-allow-origin': '*',
        'access-control-allow-methods': route.method === 'GET' ? 'GET, OPTIONS' : 'POST, OPTIONS',
        'access-control-allow-headers': 'authorization, content-type, mcp-protocol-version',
        'access-control-max-age': '600',
      });
      res.end();
      return true;
    }
    if (req.method !== route.method && !(route.method === 'GET' && req.method === 'HEAD')) {
      sendJson(res, 405, { error: 'invalid_request', error_description: `Use ${route.method}` }, { allow: route.method });
      return true;
    }
    try {
      await route.run(req, res, url);
    } catch (error) {
      if (error instanceof BodyTooLargeError) sendError(res, new AuthzError('invalid_request', error.message));
      else if (error instanceof AuthzError) sendError(res, error);
      else {
        this.deps.logger.error({ err: (error as Error).message, path }, 'authorization server: request failed');
        if (route.cors) sendError(res, new AuthzError('server_error', 'The authorization server failed; try again'));
        else sendErrorPage(res, 500, 'Sign-in failed', 'The server could not complete this step; start again from your MCP client.');
      }
    }
    return true;
  }

  private route(path: string, reading: boolean): { method: 'GET' | 'POST'; cors: boolean; run: (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void> } | undefined {
    const { flow } = this.deps;
    if (path === PRM_PATH || (path.startsWith(`${PRM_PATH}/`) && parseMcpPath(path.slice(PRM_PATH.length)))) {
      const mcpPath = path.slice(PRM_PATH.length) || MCP_PATH;
      return { method: 'GET', cors: true, run: async (_req, res) => sendJson(res, 200, this.resourceMetadata(mcpPath), { 'cache-control': 'max-age=300' }) };
    }
    if (AS_METADATA_PATHS.includes(path)) return { method: 'GET', cors: true, run: async (_req, res) => sendJson(res, 200, this.serverMetadata(), { 'cache-control': 'max-age=300' }) };
    switch (path) {
      case PATHS.authorize:
        return {
          method: 'GET',
          cors: false,
          run: async (req, res, url) => {
            if (!this.admit(this.signIns, req, res, 'sign-ins')) return;
            await flow.authorize(res, url.searchParams);
          },
        };
      case PATHS.callback:
        return { method: 'GET', cors: false, run: (req, res, url) => flow.callback(req, res, url.searchParams) };
      case PATHS.consent:
        return { method: 'POST', cors: false, run: async (req, res) => flow.consent(req, res, await form(req)) };
      case PATHS.register:
        return { method: 'POST', cors: true, run: (req, res) => this.register(req, res) };
      case PATHS.token:
        return { method: 'POST', cors: true, run: (req, res) => this.token(req, res) };
      case PATHS.revoke:
        return { method: 'POST', cors: true, run: (req, res) => this.revoke(req, res) };
      case PATHS.disconnect:
        // A browser (GET) signs in with HighLevel to say who leaves; an MCP client (POST) shows its token.
        return reading
          ? { method: 'GET', cors: false, run: (_req, res) => flow.toChooser(res, 'leaving', { at: Date.now() }) }
          : { method: 'POST', cors: true, run: (req, res) => this.disconnect(req, res) };
      case DISCONNECT_CONFIRM_PATH:
        return { method: 'POST', cors: false, run: async (req, res) => this.deps.disconnection.confirm(req, res, await form(req)) };
      default:
        return undefined;
    }
  }

  /**
   * RFC 9728, built by the MCP SDK. `resource` is the MCP URL whose well-known path was asked for (§3.3: a client
   * must not use metadata naming another resource); tokens for any of them are bound to `<origin>/mcp` alike.
   */
  private resourceMetadata(mcpPath: string): unknown {
    const { endpoints } = this.deps;
    const loopback = /^http:\/\/(localhost|127\.[\d.]+|\[::1\])(:\d+)?$/.test(endpoints.issuer);
    return {
      ...buildOAuthProtectedResourceMetadata({
        oauthMetadata: this.serverMetadata(),
        resourceServerUrl: new URL(endpoints.url(mcpPath)),
        scopesSupported: SCOPES,
        resourceName: 'ghl-mcp (HighLevel)',
        dangerouslyAllowInsecureIssuerUrl: loopback,
      }),
      bearer_methods_supported: ['header'],
    };
  }

  /** RFC 8414 (also served at the OpenID discovery path clients probe). */
  private serverMetadata(): OAuthMetadata & Record<string, unknown> {
    const { endpoints } = this.deps;
    return {
      issuer: endpoints.issuer,
      authorization_endpoint: endpoints.url(PATHS.authorize),
      token_endpoint: endpoints.url(PATHS.token),
      registration_endpoint: endpoints.url(PATHS.register),
      revocation_endpoint: endpoints.url(PATHS.revoke),
      scopes_supported: SCOPES,
      response_types_supported: ['code'],
      response_modes_supported: ['query'],
      grant_types_supported: ['authorization_code', 'refresh_token'],
      token_endpoint_auth_methods_supported: ['none', 'client_secret_post', 'client_secret_basic'],
      revocation_endpoint_auth_methods_supported: ['none', 'client_secret_post', 'client_secret_basic'],
      code_challenge_methods_supported: ['S256'],
      client_id_metadata_document_supported: true,
      authorization_response_iss_parameter_supported: true,
    };
  }

  private async register(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!this.admit(this.registrations, req, res, 'registrations')) return;
    let body: unknown;
    try {
      body = JSON.parse(await readBody(req, MAX_FORM_BYTES));
    } catch (error) {
      if (error instanceof BodyTooLargeError) throw error;
      throw new AuthzError('invalid_client_metadata', 'The registration body must be a JSON object');
    }
    const client = await this.deps.clients.register(body);
    this.deps.logger.info({ audit: 'register', client: client.client_id, name: client.client_name, auth: client.token_endpoint_auth_method }, 'sign-in: client registered');
    sendJson(res, 201, client);
  }

  /** Takes one from the address's allowance, or answers 429 with Retry-After. */
  private admit(caps: ClientRequestCaps, req: IncomingMessage, res: ServerResponse, what: string): boolean {
    const waitMs = caps.take(`ip:${req.socket.remoteAddress ?? '?'}`);
    if (waitMs > 0) {
      sendJson(res, 429, { error: 'temporarily_unavailable', error_description: `Too many ${what} from this address` }, { 'retry-after': String(Math.ceil(waitMs / 1000)) });
      return false;
    }
    return true;
  }

  private async token(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const params = await form(req);
    const client = await this.deps.clients.authenticate(req, params);
    const resource = params.get('resource') ?? undefined;
    const audience = resource === undefined ? undefined : this.deps.endpoints.audience(resource);
    if (resource !== undefined && !audience) throw new AuthzError('invalid_target', `resource must be this server's MCP URL, ${this.deps.endpoints.resource}`);
    const grantType = params.get('grant_type');
    const required = (name: string) => {
      const value = params.get(name);
      if (!value) throw new AuthzError('invalid_request', `${name} is required`);
      return value;
    };
    if (grantType === 'authorization_code') {
      const tokens = await this.deps.tokens.exchangeCode({
        code: required('code'),
        clientId: client.client_id,
        redirectUri: params.get('redirect_uri') ?? undefined,
        codeVerifier: params.get('code_verifier') ?? undefined,
        resource: audience,
      });
      return sendJson(res, 200, tokens);
    }
    if (grantType === 'refresh_token') {
      const tokens = await this.deps.tokens.refresh({ refreshToken: required('refresh_token'), clientId: client.client_id, resource: audience, scope: params.get('scope') ?? undefined });
      return sendJson(res, 200, tokens);
    }
    throw new AuthzError(grantType ? 'unsupported_grant_type' : 'invalid_request', grantType ? `grant_type ${grantType} is not supported` : 'grant_type is required');
  }

  private async revoke(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const params = await form(req);
    const client = await this.deps.clients.authenticate(req, params);
    const token = params.get('token');
    if (!token) throw new AuthzError('invalid_request', 'token is required');
    await this.deps.tokens.revoke(token, client.client_id);
    sendJson(res, 200, {});
  }

  /** A user ends the connection: every MCP token of theirs is revoked and their GHL grant deleted. */
  private async disconnect(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const outcome = await this.deps.guard.check(req, '/mcp/readonly', true);
    if ('refuse' in outcome) return outcome.refuse(res);
    const revoked = await this.deps.disconnection.disconnect(outcome.user.subject, 'client');
    sendJson(res, 200, { disconnected: true, revokedGrants: revoked });
  }
}

/** An x-www-form-urlencoded body (the token, revocation and consent requests). */
async function form(req: IncomingMessage): Promise<URLSearchParams> {
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded') throw new AuthzError('invalid_request', 'Send the parameters as application/x-www-form-urlencoded');
  return new URLSearchParams(await readBody(req, MAX_FORM_BYTES));
}
