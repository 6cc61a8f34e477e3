import type { KeyObject } from 'node:crypto';
import type { FakeGhl, FakeResponse } from '../fake-ghl.js';
import { GhlError } from '../http.js';
import type { SandboxRequest, SandboxRouter } from '../router.js';
import type { SandboxStore } from '../state.js';
import { announceSandbox, forgetSandbox } from './control-file.js';
import { type DeliveryOutcome, type EmitterOptions, WebhookEmitter } from './emitter.js';
import { EVENT_RULES, watchWrite } from './rules.js';
import { simulate, SIMULATIONS, type SimulationInput, type SimulationKind } from './simulate.js';

/** What the rest of the server sees of the sandbox's webhooks. */
export interface SandboxWebhooks {
  /** Ed25519, made at every sandbox start: what the receiver is configured with in sandbox mode. */
  publicKey: KeyObject;
  publicKeyPem: string;
  /** Starts delivering to the server's receiver, and makes the sandbox reachable by `ghl-mcp sandbox simulate`. */
  deliverTo(url: string): void;
  /** Resolves once every queued delivery is done. */
  idle(): Promise<void>;
  readonly counts: WebhookEmitter['counts'];
}

/** The route `ghl-mcp sandbox simulate` posts to (not a GHL path: GHL has no such thing). */
export const SIMULATE_PATH = '/sandbox/simulate/{kind}';

export interface SandboxWebhookOptions extends EmitterOptions {
  /** Where the sandbox leaves its address once it delivers (see control-file.ts); absent: nowhere. */
  controlDir?: string;
}

/** The sandbox's events: raised by its writes and by simulated traffic, signed and delivered to the receiver. */
export class SandboxEvents implements SandboxWebhooks {
  private readonly emitter: WebhookEmitter;
  private collecting?: Promise<DeliveryOutcome>[];
  private address?: { url: string; token: string };
  private controlFile?: string;

  constructor(
    private readonly store: SandboxStore,
    private readonly locationId: string,
    private readonly options: SandboxWebhookOptions = {},
  ) {
    this.emitter = new WebhookEmitter(options);
  }

  get publicKey(): KeyObject {
    return this.emitter.publicKey;
  }

  get publicKeyPem(): string {
    return this.emitter.publicKeyPem;
  }

  get counts(): WebhookEmitter['counts'] {
    return this.emitter.counts;
  }

  /**
   * The router hook: each modelled write raises its events (see rules.ts). An event that cannot be built is lost,
   * never the write's answer: the API answers as GHL would whatever happens to its webhooks.
   */
  readonly watchWrite = (operation: string, request: SandboxRequest) => {
    const settle = unfailing(() => watchWrite(this.store, this.locationId, this.emit, operation, request));
    return settle && ((response: FakeResponse) => void unfailing(() => settle(response)));
  };

  /** Serves the simulation route on the fake, behind the sandbox's own bearer token. */
  install(fake: FakeGhl, router: SandboxRouter, token: string, saved: () => void): void {
    // A rule for an operation the sandbox does not answer would never fire: refuse it at start.
    const unmodelled = Object.keys(EVENT_RULES).filter((operation) => !router.models(operation));
    if (unmodelled.length > 0) throw new Error(`Webhook rules name operations the sandbox does not model: ${unmodelled.join(', ')}`);
    const context = { router, emit: this.emit, saved };
    fake.route(
      'POST',
      SIMULATE_PATH,
      async (request) => {
        if (request.headers.authorization !== `Bearer ${token}`) return { status: 401, body: { statusCode: 401, message: 'Invalid token: access token is invalid' } };
        const kind = request.params.kind!;
        if (!Object.hasOwn(SIMULATIONS, kind)) return { status: 404, body: { statusCode: 404, message: `No simulation "${kind}": ${Object.keys(SIMULATIONS).join(', ')}` } };
        return this.simulated(() => simulate(kind as SimulationKind, (request.json ?? {}) as SimulationInput, context));
      },
      // Its own token check; and simulated traffic is not the agent's, so it is not counted against GHL's rate limit.
      { anonymous: true },
    );
    this.address = { url: '', token };
  }

  /** The fake's URL, once it listens: written to the control file when deliveries start. */
  listening(url: string): void {
    if (this.address) this.address.url = url;
  }

  deliverTo(url: string): void {
    this.emitter.deliverTo(url);
    if (this.options.controlDir && this.address?.url && !this.controlFile) {
      this.controlFile = announceSandbox(this.options.controlDir, {
        ...this.address,
        pid: process.pid,
        locationId: this.locationId,
        startedAt: new Date().toISOString(),
      });
    }
  }

  idle(): Promise<void> {
    return this.emitter.idle();
  }

  async close(): Promise<void> {
    if (this.controlFile) forgetSandbox(this.controlFile);
    await this.emitter.close();
  }

  private readonly emit = (payload: Record<string, unknown>): void => {
    const delivery = this.emitter.emit(payload);
    this.collecting?.push(delivery);
  };

  /** Runs a simulation and answers once its events are delivered (or given up), saying what became of each. */
  private async simulated(run: () => { summary: string }): Promise<FakeResponse> {
    const deliveries: Promise<DeliveryOutcome>[] = [];
    this.collecting = deliveries;
    let summary: string;
    try {
      summary = run().summary;
    } catch (error) {
      if (!(error instanceof GhlError)) throw error;
      return { status: error.status, body: error.body };
    } finally {
      this.collecting = undefined;
    }
    return { status: 200, body: { summary, receiver: this.emitter.receiver ?? null, events: await Promise.all(deliveries) } };
  }
}

/** What `run` returns, or undefined when it throws (counted nowhere: a sandbox bug, caught by its tests). */
function unfailing<T>(run: () => T): T | undefined {
  try {
    return run();
  } catch {
    return undefined;
  }
}
