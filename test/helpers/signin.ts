import { randomBytes } from 'node:crypto';
import {
  Client,
  type OAuthClientMetadata,
  type OAuthClientProvider,
  type OAuthDiscoveryState,
  type StoredOAuthClientInformation,
  type StoredOAuthTokens,
  StreamableHTTPClientTransport,
  UnauthorizedError,
} from '@modelcontextprotocol/client';
import { enableSandboxSignIn, type SandboxSignIn } from '../../src/sandbox/authorize-page-sandbox.js';
import type { RecordedRequest } from '../../src/sandbox/fake-ghl.js';
import { type Sandbox, startSandbox } from '../../src/sandbox/sandbox.js';
// @ts-expect-error -- a plain ES module without types (it also runs as mcp-remote's BROWSER command)
import { signIn } from '../../scripts/mcp-remote-browser.mjs';
import { type HttpServerProcess, startHttpServer } from './http.js';
import { type Balancer, roundRobin } from './replicas.js';

/** What the person does in the browser: the buttons pressed (chooser, consent) and fields set (`user`, `location`). */
export interface BrowserChoices {
  press: string[];
  fields?: Record<string, string>;
}

export interface BrowserRun {
  url: URL;
  steps: { method: string; url: string; status: number }[];
}

export const browse = signIn as (url: string, options: BrowserChoices & { stopAt?: (url: URL) => boolean }) => Promise<BrowserRun>;

/** The sandbox's fake GHL with sign-in on, and the built server federating to it (`--http --signin`). */
export interface SigninWorld {
  sandbox: Sandbox;
  ghl: SandboxSignIn;
  server: HttpServerProcess;
  close(): Promise<void>;
}

/** What points a server at the sandbox's marketplace app: sign-in on, GHL's chooser and API on the sandbox. */
function signinEnv(sandbox: Sandbox, ghl: SandboxSignIn): Record<string, string> {
  return {
    GHL_SIGNIN: 'true',
    GHL_CLIENT_ID: ghl.clientId,
    GHL_CLIENT_SECRET: ghl.clientSecret,
    GHL_AUTH_URL: ghl.authUrl,
    GHL_BASE_URL: sandbox.baseUrl,
    GHL_SELF_UPDATE: 'off',
    GHL_NO_OVERRIDES: 'true',
  };
}

export async function startSigninWorld(env: Record<string, string> = {}, args: string[] = []): Promise<SigninWorld> {
  const sandbox = await startSandbox();
  const ghl = enableSandboxSignIn(sandbox);
  try {
    const server = await startHttpServer({ ...signinEnv(sandbox, ghl), ...env }, args);
    return { sandbox, ghl, server, close: async () => void (await server.stop(), await sandbox.close()) };
  } catch (error) {
    await sandbox.close();
    throw error;
  }
}

/** Sign-in served by several replicas sharing a Redis, behind a round-robin balancer whose origin is the public URL. */
export interface SigninReplicas {
  sandbox: Sandbox;
  ghl: SandboxSignIn;
  balancer: Balancer;
  replicas: HttpServerProcess[];
  close(): Promise<void>;
}

export async function startSigninReplicas(count: number, redisUrl: string, args: string[] = []): Promise<SigninReplicas> {
  const sandbox = await startSandbox();
  const ghl = enableSandboxSignIn(sandbox);
  const replicas: HttpServerProcess[] = [];
  const balancer = await roundRobin(() => replicas.map((replica) => replica.url));
  const close = async () => {
    await balancer.close();
    await Promise.all(replicas.map((replica) => replica.stop()));
    await sandbox.close();
  };
  try {
    const env = { ...signinEnv(sandbox, ghl), REDIS_URL: redisUrl, GHL_PUBLIC_URL: new URL(balancer.url).origin };
    replicas.push(...(await Promise.all(Array.from({ length: count }, () => startHttpServer(env, args)))));
    return { sandbox, ghl, balancer, replicas, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/**
 * An MCP client's OAuth state kept in memory, whose "browser" is the scripted user agent: it follows the
 * authorization URL through the server, GHL's chooser and the consent page, and stops at the client's redirect.
 */
export class TestOAuthProvider implements OAuthClientProvider {
  readonly redirectUrl: string;
  readonly authorizationUrls: URL[] = [];
  /** The browser's last walk, up to the redirect back to this client. */
  lastRun?: BrowserRun;
  /** Every MCP authorization code and token this client was given: none may show up in a log. */
  readonly secrets: string[] = [];
  /** Set to false to make a new authorization fail the test instead of signing in again silently. */
  allowAuthorization = true;
  private client?: StoredOAuthClientInformation;
  private saved?: StoredOAuthTokens;
  private verifier = '';
  private discovery?: OAuthDiscoveryState;
  private expectedState = '';
  private callback?: Promise<URL>;

  constructor(
    readonly choices: BrowserChoices,
    readonly name = 'ghl-mcp signin test',
  ) {
    this.redirectUrl = `http://127.0.0.1:9/callback/${randomBytes(4).toString('hex')}`;
  }

  get clientMetadata(): OAuthClientMetadata {
    return {
      client_name: this.name,
      redirect_uris: [this.redirectUrl],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
    };
  }

  state(): string {
    this.expectedState = randomBytes(12).toString('base64url');
    return this.expectedState;
  }

  clientInformation() {
    return this.client;
  }

  saveClientInformation(information: StoredOAuthClientInformation): void {
    this.client = information;
  }

  tokens() {
    return this.saved;
  }

  saveTokens(tokens: StoredOAuthTokens): void {
    this.saved = tokens;
    this.secrets.push(tokens.access_token, ...(tokens.refresh_token ? [tokens.refresh_token] : []));
  }

  /** Replaces the access token the client presents (a test's way to make the server see a stale one). */
  overwriteAccessToken(accessToken: string): void {
    if (this.saved) this.saved = { ...this.saved, access_token: accessToken };
  }

  invalidateCredentials(scope: 'all' | 'client' | 'tokens' | 'verifier' | 'discovery'): void {
    if (scope === 'all' || scope === 'tokens') this.saved = undefined;
    if (scope === 'all' || scope === 'client') this.client = undefined;
    if (scope === 'all' || scope === 'discovery') this.discovery = undefined;
  }

  saveCodeVerifier(verifier: string): void {
    this.verifier = verifier;
  }

  codeVerifier(): string {
    return this.verifier;
  }

  saveDiscoveryState(state: OAuthDiscoveryState): void {
    this.discovery = state;
  }

  discoveryState() {
    return this.discovery;
  }

  redirectToAuthorization(url: URL): void {
    this.authorizationUrls.push(url);
    if (!this.allowAuthorization) {
      this.callback = Promise.reject(new Error('the client was sent to sign in again'));
      this.callback.catch(() => {});
      return;
    }
    const redirect = this.redirectUrl;
    this.callback = browse(url.href, { ...this.choices, stopAt: (next) => next.href.startsWith(redirect) }).then((run) => {
      this.lastRun = run;
      return run.url;
    });
  }

  /** The redirect back to this client, checked for the state it sent. */
  async callbackParams(): Promise<URLSearchParams> {
    if (!this.callback) throw new Error('no authorization was started');
    const url = await this.callback;
    this.callback = undefined;
    if (url.searchParams.get('state') !== this.expectedState) throw new Error(`state mismatch in ${url.search}`);
    const code = url.searchParams.get('code');
    if (code) this.secrets.push(code);
    return url.searchParams;
  }
}

export interface SignedInClient {
  client: Client;
  transport: StreamableHTTPClientTransport;
  close(): Promise<void>;
}

/** What the MCP client sent and got back, for asserting the discovery and token steps. */
export type Exchange = { method: string; url: string; status: number };

/**
 * Connects as a new client would: the first attempt meets the 401, discovers, registers and is sent to sign in;
 * after the browser's walk, the code is exchanged and the client connects again with its token.
 */
export async function connectSignedIn(url: string, provider: TestOAuthProvider, exchanges: Exchange[] = []): Promise<SignedInClient> {
  const fetchRecorded: typeof fetch = async (input, init) => {
    const response = await fetch(input, init);
    const target = new URL(input instanceof Request ? input.url : input.toString());
    exchanges.push({ method: init?.method ?? 'GET', url: `${target.origin}${target.pathname}`, status: response.status });
    return response;
  };
  const open = () => new StreamableHTTPClientTransport(new URL(url), { authProvider: provider, fetch: fetchRecorded });
  let transport = open();
  let client = new Client({ name: provider.name, version: '1.0.0' });
  try {
    await client.connect(transport);
  } catch (error) {
    if (!(error instanceof UnauthorizedError)) throw error;
    await transport.finishAuth(await provider.callbackParams());
    await client.close().catch(() => {});
    transport = open();
    client = new Client({ name: provider.name, version: '1.0.0' });
    await client.connect(transport);
  }
  const connected = transport;
  return {
    client,
    transport: connected,
    close: async () => {
      if (connected.sessionId) await connected.terminateSession().catch(() => {});
      await client.close();
    },
  };
}

/** The GHL access tokens (bearer) the fake saw on API calls (not OAuth endpoints) from `since` on. */
export function ghlBearers(requests: RecordedRequest[], since = 0): string[] {
  return requests
    .slice(since)
    .filter((request) => !request.path.startsWith('/oauth/') && !request.path.startsWith('/v2/oauth/'))
    .map((request) => /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1] ?? '');
}
