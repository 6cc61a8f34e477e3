import { spawn } from 'node:child_process';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { OAuthClient } from './oauth-client.js';
import type { StoredTokens, TokenStore, UserType } from './token-store.js';

export interface LoginOptions {
  clientId: string;
  /** The consent page host: https://marketplace.gohighlevel.com, or a white-label host. */
  authUrl: string;
  /** A loopback http URL registered as one of the app's redirect URLs. */
  redirectUri: string;
  userType: UserType;
  /** Space-separated scopes to ask for; left out, the URL carries none. */
  scope?: string;
  openBrowser: boolean;
  timeoutMs: number;
  /** Progress for the person at the terminal (never a secret). */
  say: (line: string) => void;
}

export class LoginError extends Error {}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * The authorization-code flow from a terminal: listen on the loopback redirect URL, send the person to the
 * consent page, accept only a callback carrying the state this login made, exchange the code, store the pair.
 */
export async function login(options: LoginOptions, oauth: OAuthClient, store: TokenStore): Promise<StoredTokens> {
  const redirect = loopbackRedirect(options.redirectUri);
  const state = randomBytes(24).toString('base64url');
  const callback = await listenForCode(redirect, state, options);
  try {
    const url = authorizationUrl(options, state);
    options.say(`Open this URL to connect ghl-mcp to GoHighLevel (waiting for the redirect to ${options.redirectUri}):\n\n  ${url}\n`);
    if (options.openBrowser) openInBrowser(url);
    const code = await callback.code;
    options.say('Authorization received; exchanging the code for tokens...');
    const tokens = await oauth.exchangeCode(code, options.redirectUri, options.userType);
    await store.withLock(() => store.save(tokens));
    return tokens;
  } finally {
    await callback.close();
  }
}

/** GHL's location chooser for an app, its redirect URL and scopes, carrying `state` (also the sign-in's first step). */
export function authorizationUrl(options: Pick<LoginOptions, 'authUrl' | 'clientId' | 'redirectUri' | 'scope'>, state: string): string {
  const url = new URL('/v2/oauth/chooselocation', options.authUrl);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('redirect_uri', options.redirectUri);
  url.searchParams.set('client_id', options.clientId);
  if (options.scope) url.searchParams.set('scope', options.scope);
  url.searchParams.set('state', state);
  return url.toString();
}

function loopbackRedirect(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new LoginError(`GHL_REDIRECT_URI is not a URL: "${raw}"`);
  }
  if (url.protocol !== 'http:' || !LOOPBACK_HOSTS.has(url.hostname) || !url.port) {
    throw new LoginError(
      `GHL_REDIRECT_URI must be a loopback http URL with a port (e.g. http://localhost:3737/callback), got "${raw}". Add that URL to the app's redirect URLs in the GHL Marketplace.`,
    );
  }
  return url;
}

interface PendingCallback {
  code: Promise<string>;
  close: () => Promise<void>;
}

/** A one-shot loopback server: the first callback with the right state delivers the code; others are refused. */
async function listenForCode(redirect: URL, state: string, options: LoginOptions): Promise<PendingCallback> {
  let deliver!: (code: string) => void;
  let fail!: (error: Error) => void;
  const code = new Promise<string>((resolve, reject) => {
    deliver = resolve;
    fail = reject;
  });
  const server = createServer((req, res) => answerCallback(req, res, redirect, state, { deliver, fail, say: options.say }));
  const host = redirect.hostname === 'localhost' ? '127.0.0.1' : redirect.hostname.replace(/^\[|\]$/g, '');
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(new LoginError(`Cannot listen on ${redirect.host} for the OAuth redirect (${error.code ?? error.message}); free the port or set GHL_REDIRECT_URI.`)),
    );
    server.listen(Number(redirect.port), host, resolve);
  });
  const timer = setTimeout(() => fail(new LoginError(`No authorization arrived within ${Math.round(options.timeoutMs / 1000)} s; run \`ghl-mcp auth login\` again.`)), options.timeoutMs);
  return {
    code,
    close: async () => {
      clearTimeout(timer);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function answerCallback(
  req: IncomingMessage,
  res: ServerResponse,
  redirect: URL,
  state: string,
  outcome: { deliver: (code: string) => void; fail: (error: Error) => void; say: (line: string) => void },
): void {
  const url = new URL(req.url ?? '/', redirect);
  const page = (status: number, text: string) => {
    res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
    res.end(`${text}\n`);
  };
  if (url.pathname !== redirect.pathname) return page(404, 'Not found.');
  if (!sameSecret(url.searchParams.get('state') ?? '', state)) {
    // Not the redirect this login asked for (a stale tab, or a forged request): nothing is exchanged.
    outcome.say('Refused a callback whose state does not match this login.');
    return page(400, 'This authorization does not belong to the running `ghl-mcp auth login` (state mismatch). Nothing was stored.');
  }
  const error = url.searchParams.get('error');
  const code = url.searchParams.get('code');
  if (error || !code) {
    page(400, `Authorization failed: ${error ?? 'no code'}. You can close this tab.`);
    return outcome.fail(new LoginError(`GHL did not authorize the app: ${error ?? 'the redirect carried no code'}${url.searchParams.get('error_description') ? ` (${url.searchParams.get('error_description')})` : ''}`));
  }
  page(200, 'ghl-mcp is connected to GoHighLevel. You can close this tab.');
  outcome.deliver(code);
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Best effort: a person on a desktop gets the page opened; anywhere else the printed URL is enough. */
function openInBrowser(url: string): void {
  const [command, args] =
    // Not `cmd /c start`: cmd would read the `&` between query parameters as a command separator.
    process.platform === 'darwin' ? ['open', [url]] : process.platform === 'win32' ? ['rundll32', ['url.dll,FileProtocolHandler', url]] : ['xdg-open', [url]];
  try {
    const child = spawn(command, args as string[], { stdio: 'ignore', detached: true });
    child.on('error', () => {});
    child.unref();
  } catch {
    // No opener on this machine: the URL is printed.
  }
}
