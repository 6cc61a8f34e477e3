import { correct } from '../catalog/errata.js';
import type { ToolEntry } from '../catalog/types.js';
import { MODULES } from '../../tools/index.js';
import { OVERLAYS } from '../../tools/overlays/index.js';
import { checkDeclared } from './declared.js';
import type { FakeGhl, FakeRequest, FakeResponse } from './fake-ghl.js';
import { GhlError } from './http.js';
import type { SandboxStore } from './state.js';

/** What every sandbox handler works with: the state and the one location (and its company) the token reaches. */
export interface SandboxContext {
  store: SandboxStore;
  locationId: string;
  companyId: string;
}

export interface SandboxRequest {
  params: Record<string, string>;
  query: URLSearchParams;
  /** The JSON body when it is an object, else `{}`. */
  body: Record<string, unknown>;
}

export type SandboxHandler = (request: SandboxRequest) => FakeResponse;

interface Operation {
  module: string;
  entry: ToolEntry;
  handler?: SandboxHandler;
}

export interface RouterHooks {
  /** Called after every successful write (persistence saves here). */
  afterWrite?: () => void;
  /**
   * Called before each write with the operation (`METHOD /path` as the catalog writes it); what it returns is called
   * with the answer once the write has succeeded (webhook events: the record before and after).
   */
  watchWrite?: (operation: string, request: SandboxRequest) => ((response: FakeResponse) => void) | undefined;
}

/**
 * Maps every operation of the catalog onto the fake: the ones the sandbox models go to their handler, every other
 * one answers that it is not modelled. Each request first passes the checks GHL makes on every route: the
 * operation's `Version` header, no undeclared property, and access to the location named in the call.
 */
export class SandboxRouter {
  private readonly operations = new Map<string, Operation>();

  constructor(
    readonly context: SandboxContext,
    private readonly hooks: RouterHooks = {},
  ) {
    for (const { module, tools } of MODULES) {
      // The live API as the errata know it: the documented operation with its corrections.
      for (const generated of tools) {
        const { entry } = correct(generated, OVERLAYS[generated.name]?.errata);
        this.operations.set(`${entry.method} ${entry.path}`, { module, entry });
      }
    }
  }

  /** Models one operation, named `METHOD /path` exactly as the documents write it. */
  on(operation: string, handler: SandboxHandler): this {
    const known = this.operations.get(operation);
    if (!known) throw new Error(`The sandbox models ${operation}, which is not in the catalog`);
    known.handler = handler;
    return this;
  }

  /** Whether the sandbox answers this operation (`METHOD /path`) itself. */
  models(operation: string): boolean {
    return Boolean(this.operations.get(operation)?.handler);
  }

  /** The modules with at least one modelled operation. */
  modelledModules(): string[] {
    return [...new Set([...this.operations.values()].filter((op) => op.handler).map((op) => op.module))];
  }

  /** Registers every operation on the fake, the most specific paths last so that they win (`/search` over `/{id}`). */
  install(fake: FakeGhl): void {
    const modelled = new Set(this.modelledModules());
    const keyed = [...this.operations.values()].map((operation) => ({ operation, key: specificity(operation.entry.path) }));
    const ordered = keyed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)).map(({ operation }) => operation);
    for (const operation of ordered) {
      fake.route(operation.entry.method, operation.entry.path, (request) => this.answer(operation, modelled, request));
    }
  }

  /** Runs a modelled operation from inside the sandbox (simulated traffic), with the same handler and hooks as a request. */
  perform(operation: string, request: SandboxRequest): FakeResponse {
    const known = this.operations.get(operation);
    if (!known?.handler) throw new Error(`The sandbox does not model ${operation}`);
    return this.answered(() => this.run(known, request));
  }

  private answer(operation: Operation, modelled: Set<string>, request: FakeRequest): FakeResponse {
    const { entry, module, handler } = operation;
    return this.answered(() => {
      checkVersion(entry, request);
      if (!handler) throw notModelled(module, entry, modelled.has(module));
      const body = isObject(request.json) ? request.json : {};
      checkDeclared(entry, request.query, request.json);
      this.checkLocation(request.params, request.query, body);
      return this.run(operation, { params: request.params, query: request.query, body });
    });
  }

  private run({ entry, handler }: Operation, request: SandboxRequest): FakeResponse {
    const write = entry.method !== 'GET';
    const settle = write ? this.hooks.watchWrite?.(`${entry.method} ${entry.path}`, request) : undefined;
    const response = handler!(request);
    if (write && response.status < 300) {
      this.hooks.afterWrite?.();
      settle?.(response);
    }
    return response;
  }

  /** A GhlError thrown by a check or a handler, as the answer GHL gives. */
  private answered(respond: () => FakeResponse): FakeResponse {
    try {
      return respond();
    } catch (error) {
      if (!(error instanceof GhlError)) throw error;
      return { status: error.status, body: { ...error.body, traceId: this.context.store.uuid() } };
    }
  }

  private checkLocation(params: Record<string, string>, query: URLSearchParams, body: Record<string, unknown>): void {
    const altType = query.get('altType') ?? body.altType;
    const named = [
      params.locationId,
      query.get('locationId'),
      query.get('location_id'),
      body.locationId,
      altType === 'location' ? (query.get('altId') ?? body.altId) : undefined,
    ];
    if (named.some((id) => typeof id === 'string' && id !== '' && id !== this.context.locationId)) {
      throw new GhlError(403, { statusCode: 403, message: 'The token does not have access to this location' });
    }
  }
}

/** GHL refuses a request without the `Version` header; the sandbox also insists on the operation's own version. */
function checkVersion(entry: ToolEntry, request: FakeRequest): void {
  if (!entry.version) return;
  const sent = request.headers.version;
  if (!sent) throw new GhlError(401, { statusCode: 401, message: 'version header was not found.' });
  if (sent !== entry.version) {
    throw new GhlError(401, { statusCode: 401, message: `version header is invalid (this route takes ${entry.version})` });
  }
}

function notModelled(module: string, entry: ToolEntry, partly: boolean): GhlError {
  const operation = `${entry.method} ${entry.path}`;
  const message = partly
    ? `${operation} (${module}) is not modelled in the sandbox; other ${module} operations are. Use a real token for this one.`
    : `${module} is not modelled in the sandbox (${operation}). Use a real token for this module.`;
  return new GhlError(501, { statusCode: 501, message, error: 'Not Implemented' });
}

/**
 * A path as a sort key, one letter per segment: `a` for a `{param}`, `b` for a literal. Keys compare so that, segment
 * by segment, a literal sorts after a parameter, and a shorter path before a longer one with the same start.
 */
function specificity(path: string): string {
  return path
    .split('/')
    .filter(Boolean)
    .map((segment) => (segment.startsWith('{') ? 'a' : 'b'))
    .join('');
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
