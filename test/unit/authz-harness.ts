import { createHash, randomBytes } from 'node:crypto';
import { createApp } from '../../src/app.js';
import { parseCli } from '../../src/config.js';
import type { FakeGrantSpec } from '../../src/sandbox/fake-oauth.js';
import { type HttpHandle, serveHttp } from '../../src/transports/http.js';
import { capturedLogger, CLIENT_ID, CLIENT_SECRET, oauthWorld } from '../helpers/oauth.js';

/**
 * The real HTTP server in-process with --signin, federating to the fake GHL's OAuth (its chooser redirects at once
 * with the configured consent, so each `consent` change is "another user signing in"), plus the client side of
 * the flow as plain fetches.
 */
export async function authzWorld(options: { consent?: Partial<FakeGrantSpec>; env?: Record<string, string>; args?: string[] } = {}) {
  const ghl = await oauthWorld(options.consent);
  const env = {
    GHL_CLIENT_ID: CLIENT_ID,
    GHL_CLIENT_SECRET: CLIENT_SECRET,
    GHL_AUTH_URL: ghl.baseUrl,
    GHL_BASE_URL: ghl.baseUrl,
    GHL_TOKEN_FILE: ghl.tokenFile,
    GHL_SELF_UPDATE: 'off',
    GHL_NO_OVERRIDES: 'true',
    ...options.env,
  };
  const { config } = parseCli(['--http', '--signin', '--port', '0', ...(options.args ?? [])], env);
  const log = capturedLogger('info');
  const app = createApp(config!, log.logger);
  const server: HttpHandle = await serveHttp(app, { ...config!, http: config!.http! }, log.logger, async () => {});
  const origin = new URL(server.url).origin;
  return {
    ghl,
    origin,
    mcpUrl: server.url,
    log: log.text,
    async close() {
      await server.shutdown('test');
      await ghl.close();
    },
  };
}

export type AuthzWorld = Awaited<ReturnType<typeof authzWorld>>;

export const REDIRECT = 'http://127.0.0.1:7777/callback';

export function pkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

export async function register(world: AuthzWorld, metadata: Record<string, unknown> = {}): Promise<{ status: number; body: Record<string, any> }> {
  const response = await fetch(`${world.origin}/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ redirect_uris: [REDIRECT], token_endpoint_auth_method: 'none', client_name: 'Test client', ...metadata }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, any> };
}

/** GET without following redirects. */
export async function get(url: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, { redirect: 'manual', headers });
}

export function authorizeUrl(world: AuthzWorld, clientId: string, challenge: string, extra: Record<string, string | undefined> = {}): string {
  const url = new URL(`${world.origin}/authorize`);
  const params: Record<string, string | undefined> = {
    response_type: 'code',
    client_id: clientId,
    redirect_uri: REDIRECT,
    code_challenge: challenge,
    code_challenge_method: 'S256',
    state: 'client-state-1',
    resource: world.mcpUrl,
    ...extra,
  };
  for (const [name, value] of Object.entries(params)) if (value !== undefined) url.searchParams.set(name, value);
  return url.toString();
}

export interface ConsentForm {
  request: string;
  csrf: string;
  cookie: string;
  locations: string[];
  html: string;
}

/** The browser's walk from /authorize through GHL's chooser to the callback: a consent page, or the redirect back. */
export async function signIn(world: AuthzWorld, url: string): Promise<{ consent?: ConsentForm; redirect?: URL; response: Response }> {
  const toGhl = await get(url);
  if (toGhl.status !== 302) return { response: toGhl };
  const chooser = new URL(toGhl.headers.get('location')!);
  if (chooser.origin === new URL(REDIRECT).origin) return { redirect: chooser, response: toGhl };
  const fromGhl = await get(chooser.toString());
  // The browser carries the cookie /authorize set back to the callback (it binds the sign-in to this browser).
  const callback = await get(fromGhl.headers.get('location')!, { cookie: (toGhl.headers.get('set-cookie') ?? '').split(';')[0]! });
  if (callback.status === 302) return { redirect: new URL(callback.headers.get('location')!), response: callback };
  const html = await callback.text();
  if (callback.status !== 200) return { response: callback };
  const field = (name: string) => new RegExp(`name="${name}" value="([^"]*)"`).exec(html)?.[1] ?? '';
  const cookie = (callback.headers.get('set-cookie') ?? '').split(';')[0]!;
  const locations = [...html.matchAll(/<option value="([^"]*)"/g)].map((match) => match[1]!);
  return { consent: { request: field('request'), csrf: field('csrf'), cookie, locations, html }, response: callback };
}

export async function answerConsent(world: AuthzWorld, form: ConsentForm, fields: Record<string, string>, cookie = form.cookie): Promise<Response> {
  return fetch(`${world.origin}/consent`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...(cookie && { cookie }) },
    body: new URLSearchParams({ request: form.request, csrf: form.csrf, ...fields }).toString(),
  });
}

export async function tokenRequest(world: AuthzWorld, params: Record<string, string>): Promise<{ status: number; body: Record<string, any> }> {
  const response = await fetch(`${world.origin}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(params).toString(),
  });
  return { status: response.status, body: (await response.json()) as Record<string, any> };
}

/** Registration, sign-in (allowing at consent when asked) and the code exchange: a client's first connection. */
export async function connect(world: AuthzWorld, options: { scope?: string; location?: string } = {}) {
  const client = (await register(world)).body;
  const { verifier, challenge } = pkce();
  const walk = await signIn(world, authorizeUrl(world, client.client_id, challenge, { scope: options.scope }));
  let redirect = walk.redirect;
  if (walk.consent) {
    const answered = await answerConsent(world, walk.consent, { decision: 'allow', ...(options.location !== undefined && { location: options.location }) });
    redirect = new URL(answered.headers.get('location')!);
  }
  const code = redirect!.searchParams.get('code')!;
  const tokens = await tokenRequest(world, { grant_type: 'authorization_code', code, client_id: client.client_id, redirect_uri: REDIRECT, code_verifier: verifier, resource: world.mcpUrl });
  return { client, tokens: tokens.body, code, verifier, consentShown: walk.consent !== undefined };
}

/** One MCP request (initialize) with a bearer token. */
export async function initialize(world: AuthzWorld, token: string | undefined, path = '/mcp'): Promise<Response> {
  return fetch(`${world.origin}${path}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      ...(token && { authorization: `Bearer ${token}` }),
    },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 't', version: '1' } } }),
  });
}
