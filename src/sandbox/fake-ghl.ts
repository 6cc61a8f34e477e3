import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the fake saw: every request, in order, with its arrival time. */
export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: string;
  time: number;
}

export interface FakeRequest extends RecordedRequest {
  params: Record<string, string>;
  /** The body parsed as JSON, when it is JSON. */
  json: unknown;
}

export interface FakeResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export type FakeHandler = (request: FakeRequest) => FakeResponse | Promise<FakeResponse>;

interface Route {
  method: string;
  pattern: RegExp;
  names: string[];
  handler: FakeHandler;
  /** Answered without a bearer token (the OAuth token endpoint, the consent page). */
  anonymous?: boolean;
}

/**
 * A bearer check added by a feature of the fake (OAuth grants): accepts the token, refuses it with a response
 * (expired, missing scope, wrong location), or passes it on (undefined) to the next check and the static tokens.
 */
export type BearerCheck = (token: string, request: RecordedRequest) => FakeResponse | 'accept' | undefined;

export interface FakeGhlOptions {
  /** Bearer tokens the fake accepts; any other token gets GHL's 401. */
  tokens?: string[];
}

/**
 * A loopback stand-in for the GHL API: routes answered by handlers, every request recorded, bearer tokens
 * checked the way GHL does. The sandbox and the test suite share it.
 */
export class FakeGhl {
  readonly requests: RecordedRequest[] = [];
  private readonly routes: Route[] = [];
  private readonly tokens: Set<string>;
  private readonly bearerChecks: BearerCheck[] = [];
  private server?: Server;

  constructor(options: FakeGhlOptions = {}) {
    this.tokens = new Set(options.tokens ?? ['test-token']);
  }

  /** Answers `METHOD /path/{param}` with the handler; later routes win over earlier ones. */
  route(method: string, path: string, handler: FakeHandler, options: { anonymous?: boolean } = {}): this {
    const names: string[] = [];
    const source = path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{([^}]+)\\?\}/g, (_match, name: string) => {
      names.push(name);
      return '([^/]+)';
    });
    this.routes.unshift({ method: method.toUpperCase(), pattern: new RegExp(`^${source}/?$`), names, handler, ...options });
    return this;
  }

  checkBearer(check: BearerCheck): this {
    this.bearerChecks.push(check);
    return this;
  }

  async listen(port = 0, host = '127.0.0.1'): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(port, host, resolve));
    const address = this.server.address() as AddressInfo;
    return `http://${host}:${address.port}`;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url ?? '/', 'http://fake');
    const recorded: RecordedRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      body: Buffer.concat(chunks).toString('utf8'),
      time: Date.now(),
    };
    this.requests.push(recorded);
    const response = await this.respond(recorded).catch(
      (error: unknown): FakeResponse => ({ status: 500, body: { statusCode: 500, message: (error as Error).message } }),
    );
    const text = response.body === undefined ? '' : typeof response.body === 'string' ? response.body : JSON.stringify(response.body);
    res.writeHead(response.status, { 'content-type': 'application/json', ...response.headers });
    res.end(text);
  }

  private async respond(recorded: RecordedRequest): Promise<FakeResponse> {
    let matched: { route: Route; params: Record<string, string> } | undefined;
    for (const route of this.routes) {
      if (route.method !== recorded.method) continue;
      const match = route.pattern.exec(recorded.path);
      if (!match) continue;
      matched = { route, params: Object.fromEntries(route.names.map((name, index) => [name, decodeURIComponent(match[index + 1]!)])) };
      break;
    }
    if (!matched?.route.anonymous) {
      const refusal = this.authenticate(recorded);
      if (refusal) return refusal;
    }
    if (!matched) return { status: 404, body: { statusCode: 404, message: `Cannot ${recorded.method} ${recorded.path}` } };
    return matched.route.handler({ ...recorded, params: matched.params, json: parseJson(recorded.body) });
  }

  private authenticate(recorded: RecordedRequest): FakeResponse | undefined {
    const token = /^Bearer (.+)$/.exec(recorded.headers.authorization ?? '')?.[1];
    for (const check of token ? this.bearerChecks : []) {
      const verdict = check(token!, recorded);
      if (verdict === 'accept') return undefined;
      if (verdict) return verdict;
    }
    if (!token || !this.tokens.has(token)) {
      return { status: 401, body: { statusCode: 401, message: 'Invalid token: access token is invalid', error: 'Unauthorized' } };
    }
    return undefined;
  }
}

function parseJson(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
