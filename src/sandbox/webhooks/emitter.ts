import { generateKeyPairSync, type KeyObject, randomUUID, sign } from 'node:crypto';

/** What became of one delivery: the receiver's status, or why there was none. */
export interface DeliveryOutcome {
  type: string;
  webhookId: string;
  /** The receiver's answer (200 stored; 401/409/413 refused); absent when it never answered. */
  status?: number;
  /** Why it was not delivered: no receiver, the queue was full, or the receiver could not be reached. */
  problem?: string;
}

export interface EmitterOptions {
  /** Deliveries waiting at most; past it the oldest waiting one is dropped (and counted). */
  maxQueue?: number;
  /** Tries per delivery when the receiver answers 429 or 5xx or cannot be reached. */
  attempts?: number;
  /** First wait between tries; doubled each time. */
  retryDelayMs?: number;
  timeoutMs?: number;
}

interface Queued {
  body: string;
  outcome: DeliveryOutcome;
  settle: (outcome: DeliveryOutcome) => void;
}

/**
 * Signs and delivers the sandbox's webhook events as GHL does: a JSON body carrying `timestamp` and `webhookId`,
 * `x-ghl-signature` = Ed25519 over its exact bytes, POSTed to the receiver. Delivery happens after the write that
 * raised the event has been answered, one at a time in order, from a bounded queue: a slow or absent receiver
 * never slows the sandbox's API.
 */
export class WebhookEmitter {
  readonly publicKey: KeyObject;
  readonly publicKeyPem: string;
  private readonly privateKey: KeyObject;
  private readonly queue: Queued[] = [];
  private target?: string;
  /** Set while deliveries are being sent; cleared in the same turn the queue is found empty, so an emit never waits on a finished run. */
  private draining = false;
  private running?: Promise<void>;
  private closed = false;
  readonly counts = { delivered: 0, refused: 0, failed: 0, dropped: 0 };

  private readonly maxQueue: number;
  private readonly attempts: number;
  private readonly retryDelayMs: number;
  private readonly timeoutMs: number;

  constructor(options: EmitterOptions = {}) {
    // A new key at every start: it signs only this sandbox's events and is never saved.
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    this.privateKey = privateKey;
    this.publicKey = publicKey;
    this.publicKeyPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    this.maxQueue = options.maxQueue ?? 1000;
    this.attempts = options.attempts ?? 3;
    this.retryDelayMs = options.retryDelayMs ?? 200;
    this.timeoutMs = options.timeoutMs ?? 5_000;
  }

  /** Where deliveries go (the server's receiver, e.g. http://127.0.0.1:3000/webhooks/ghl). */
  deliverTo(url: string): void {
    this.target = url;
  }

  get receiver(): string | undefined {
    return this.target;
  }

  /**
   * Queues one event; resolves with its outcome once delivered or given up. With no receiver the event is not
   * queued at all (there is no one to tell).
   */
  emit(payload: Record<string, unknown>): Promise<DeliveryOutcome> {
    const webhookId = randomUUID();
    const outcome: DeliveryOutcome = { type: String(payload.type), webhookId };
    if (this.closed) return Promise.resolve({ ...outcome, problem: 'the sandbox stopped' });
    if (!this.target) return Promise.resolve({ ...outcome, problem: 'no receiver: the server was started without one' });
    const body = JSON.stringify({ ...payload, timestamp: new Date().toISOString(), webhookId });
    return new Promise((settle) => {
      this.queue.push({ body, outcome, settle });
      if (this.queue.length > this.maxQueue) {
        const dropped = this.queue.shift()!;
        this.counts.dropped += 1;
        dropped.settle({ ...dropped.outcome, problem: `dropped: more than ${this.maxQueue} deliveries were waiting` });
      }
      if (!this.draining) {
        this.draining = true;
        this.running = this.drain();
      }
    });
  }

  /** Resolves once nothing is waiting or in flight. */
  async idle(): Promise<void> {
    while (this.draining) await this.running;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const waiting of this.queue.splice(0)) waiting.settle({ ...waiting.outcome, problem: 'the sandbox stopped' });
    await this.idle();
  }

  private async drain(): Promise<void> {
    try {
      for (let next = this.queue.shift(); next; next = this.queue.shift()) next.settle(await this.deliver(next));
    } finally {
      this.draining = false;
    }
  }

  private async deliver({ body, outcome }: Queued): Promise<DeliveryOutcome> {
    const signature = sign(null, Buffer.from(body), this.privateKey).toString('base64');
    let problem = 'the sandbox stopped';
    for (let attempt = 1; attempt <= this.attempts; attempt += 1) {
      if (attempt > 1) await new Promise((resolve) => setTimeout(resolve, this.retryDelayMs * 2 ** (attempt - 2)));
      // A sandbox that stopped meanwhile tries no more (its receiver is usually gone too).
      if (this.closed) break;
      try {
        const response = await fetch(this.target!, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-ghl-signature': signature },
          body,
          signal: AbortSignal.timeout(this.timeoutMs),
        });
        await response.arrayBuffer();
        // GHL retries a 429 only; the sandbox also retries 5xx, as its receiver is a server starting or stopping.
        if (response.status === 429 || response.status >= 500) {
          problem = `the receiver answered ${response.status}`;
          continue;
        }
        this.counts[response.ok ? 'delivered' : 'refused'] += 1;
        return { ...outcome, status: response.status };
      } catch (error) {
        problem = `the receiver could not be reached (${(error as Error).message})`;
      }
    }
    this.counts.failed += 1;
    return { ...outcome, problem };
  }
}
