import type { Agent, FormData } from 'undici';
import type { HttpRequest, MultipartPart } from '../request.js';
import type { CallScope } from './call-scope.js';
import { CallFailedError } from './errors.js';
import { tokenKind } from './rate-rules.js';
import { createSendPolicy, limiterKey, type SendPolicy } from './send-policy.js';

type Undici = typeof import('undici');
let undici: Promise<Undici> | undefined;

/** undici is loaded on the first request: starting up and listing tools never needs HTTP. */
function loadUndici(): Promise<Undici> {
  // Bundled, the CommonJS module arrives as the default export of the namespace.
  undici ??= import('undici').then((mod) => ('Agent' in mod ? mod : (mod as unknown as { default: Undici }).default));
  return undici;
}

export interface GhlResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

export interface ClientTimeouts {
  connectMs: number;
  headersMs: number;
  bodyMs: number;
}

/** Supplies the bearer token for a request; the resource says which location or company it acts on. */
export interface TokenSource {
  /** `signal` ends when the call does; the call stops waiting then whether or not the source does. */
  token(resource: string | undefined, signal?: AbortSignal): Promise<string | undefined>;
  /**
   * GHL answered 401 to `token`: true when a replacement is ready (an expired OAuth token was refreshed), so
   * the call is made once more. A 401 is refused before anything runs, so repeating even a POST is safe.
   */
  onUnauthorized?(resource: string | undefined, token: string, body: string, signal?: AbortSignal): Promise<boolean>;
}

/** No usable credentials: the hint says how to get them (set a token, log in again). */
export class MissingCredentialsError extends Error {
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
  }
}

const MAX_RESPONSE_BYTES = 32 * 1024 * 1024;
const USER_AGENT = 'ghl-mcp';

/**
 * The one HTTP client every tool call goes through: a keep-alive pool with connect/headers/body timeouts, each
 * attempt admitted by the rate limiter of its resource and retried under the send policy.
 */
export class GhlClient {
  private agent?: Agent;

  constructor(
    private readonly baseUrl: string,
    private readonly tokens: TokenSource,
    private readonly timeouts: ClientTimeouts,
    private readonly policy: SendPolicy = createSendPolicy(),
    /**
     * Set for one tenant of a multi-tenant HTTP server: prefixes its limiter keys, so its slots are its own, and
     * marks the policy as borrowed from the process (closing this client leaves it open).
     */
    private readonly limiterScope?: string,
  ) {}

  /** One call: credentials, then the request under the rate budget; waiting for either ends at the call's deadline. */
  async send(req: HttpRequest, signal?: AbortSignal): Promise<GhlResponse> {
    return this.policy.call(signal, async (call) => {
      const token = await call.credentials((wait) => this.tokens.token(req.resource, wait));
      if (!token) throw new MissingCredentialsError('No GHL credentials are configured');
      const response = await this.sendWith(req, token, call);
      if (response.status !== 401) return response;
      const replaced = await call.credentials(async (wait) => (await this.tokens.onUnauthorized?.(req.resource, token, response.text, wait)) ?? false);
      if (!replaced) return response;
      const fresh = await call.credentials((wait) => this.tokens.token(req.resource, wait));
      return fresh ? this.sendWith(req, fresh, call) : response;
    });
  }

  private async sendWith(req: HttpRequest, token: string, call: CallScope): Promise<GhlResponse> {
    const { Agent, FormData, request: undiciRequest } = await loadUndici();
    this.agent ??= new Agent({
      connect: { timeout: this.timeouts.connectMs },
      headersTimeout: this.timeouts.headersMs,
      bodyTimeout: this.timeouts.bodyMs,
      keepAliveTimeout: 30_000,
      connections: 32,
    });
    const url = this.urlFor(req.path);
    for (const [key, value] of req.query) url.searchParams.append(key, value);
    const headers: Record<string, string> = {
      accept: 'application/json',
      'user-agent': USER_AGENT,
      ...req.headers,
      authorization: `Bearer ${token}`,
    };
    const body = encodeBody(req, headers, FormData);
    const dispatcher = this.agent;
    const key = limiterKey(req.resource, token);
    const budgeted = { method: req.method, key: this.limiterScope ? `${this.limiterScope}/${key}` : key, kind: tokenKind(token) };
    return this.policy.run(call, budgeted, async (attemptSignal) => {
      const response = await undiciRequest(url, { method: req.method as 'GET', headers, body, signal: attemptSignal, dispatcher });
      const text = await readText(response.body);
      return { status: response.statusCode, headers: response.headers, text };
    });
  }

  /**
   * The request's URL, which must stay on the GHL host: the path comes from the catalog, and with self-update
   * from the live docs or the overrides file, so a path such as `@other.host/x` or `.other.host/x` would move
   * the request (and its bearer token) to another host. Nothing is sent then.
   */
  private urlFor(path: string): URL {
    const base = new URL(this.baseUrl);
    const url = path.startsWith('/') ? new URL(this.baseUrl + path) : undefined;
    if (!url || url.origin !== base.origin) {
      throw new CallFailedError(
        `The operation's path ${JSON.stringify(path)} does not stay on ${base.origin}; the request was not sent.`,
        'The tool definition is broken (from the live docs or the overrides file?): clear its override with ghl_self_update {"action": "clear"}.',
        false,
      );
    }
    return url;
  }

  async close(): Promise<void> {
    await Promise.all([this.agent?.close(), this.limiterScope ? undefined : this.policy.close()]);
  }
}

function encodeBody(req: HttpRequest, headers: Record<string, string>, Form: Undici['FormData']): string | FormData | undefined {
  if (!req.body) return undefined;
  const { encoding, value } = req.body;
  if (encoding === 'json') {
    headers['content-type'] = 'application/json';
    return JSON.stringify(value);
  }
  if (encoding === 'form') {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    const form = new URLSearchParams();
    for (const [key, field] of Object.entries(value as Record<string, unknown>)) {
      form.append(key, typeof field === 'object' ? JSON.stringify(field) : String(field));
    }
    return form.toString();
  }
  const form = new Form();
  for (const part of value as MultipartPart[]) {
    if ('file' in part) form.append(part.name, new Blob([part.file]), part.filename);
    else form.append(part.name, part.value);
  }
  return form;
}

async function readText(body: AsyncIterable<Buffer>): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > MAX_RESPONSE_BYTES) throw new Error(`GHL's response is larger than ${MAX_RESPONSE_BYTES} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
