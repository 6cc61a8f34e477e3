import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { FakeFaults, FakeRateLimit, type Fault, type RateLimitRules } from './traffic.js';

/** What the fake saw: every request, in order, with its arrival time. */
export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: string;
  time: number;
  /** The status answered; absent while pending, or when the connection was reset or closed first. */
  status?: number;
  /** The client closed the connection before the answer was complete (a cancelled or timed-out call). */
  aborted?: boolean;
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
  /** Faults injected into the next matching requests. */
  readonly faults = new FakeFaults();
  private limits?: FakeRateLimit;

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

  /** Turns GHL's rate limiting on (per token and location, with its headers and 429s), or off. */
  rateLimit(rules: RateLimitRules | undefined): this {
    this.limits = rules && new FakeRateLimit(rules);
    return this;
  }

  /** Requests refused with 429 since rate limiting was switched on. */
  get rejected(): number {
    return this.limits?.rejected ?? 0;
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
    res.on('close', () => {
      if (!res.writableFinished) recorded.aborted = true;
    });
    const faults = this.faults.take(recorded);
    const fault = <K extends Fault['kind']>(kind: K) => faults.find((item) => item.kind === kind) as Extract<Fault, { kind: K }> | undefined;
    if (fault('reset')) return void req.socket.destroy();
    const latency = fault('latency');
    if (latency) await sleep(latency.ms);
    await fault('hold')?.until.catch(() => {});
    if (recorded.aborted) return;
    const failure = fault('status');
    let response =
      failure && !failure.afterHandler
        ? statusResponse(failure.status)
        : await this.respond(recorded).catch(
            (error: unknown): FakeResponse => ({ status: 500, body: { statusCode: 500, message: (error as Error).message } }),
          );
    if (failure?.afterHandler) response = statusResponse(failure.status);
    const text = response.body === undefined ? '' : typeof response.body === 'string' ? response.body : JSON.stringify(response.body);
    res.writeHead(response.status, { 'content-type': 'application/json', ...response.headers });
    recorded.status = response.status;
    const slow = fault('slow-body');
    if (slow) {
      const size = Math.max(1, Math.ceil(text.length / slow.chunks));
      const pieces = text.match(new RegExp(`[\\s\\S]{1,${size}}`, 'g')) ?? [''];
      for (const piece of pieces.slice(0, -1)) {
        res.write(piece);
        await sleep(slow.chunkDelayMs);
        if (res.destroyed) return;
      }
      return void res.end(pieces.at(-1));
    }
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
    const verdict = matched?.route.anonymous ? undefined : this.limits?.admit(recorded.headers.authorization ?? '', recorded);
    if (verdict?.refusal) return { ...verdict.refusal, headers: verdict.headers };
    const response: FakeResponse = matched
      ? await matched.route.handler({ ...recorded, params: matched.params, json: parseJson(recorded.body) })
      : { status: 404, body: { statusCode: 404, message: `Cannot ${recorded.method} ${recorded.path}` } };
    return verdict ? { ...response, headers: { ...verdict.headers, ...response.headers } } : response;
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

function statusResponse(status: number): FakeResponse {
  return { status, body: { statusCode: status, message: status >= 500 ? 'Internal server error (injected fault)' : `HTTP ${status} (injected fault)` } };
}

function parseJson(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
