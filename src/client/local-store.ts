import type { Decision, SlotStore } from './limiter.js';
import type { RateObservation } from './rate-headers.js';
import { ASSUMED_LIMITS, type RateCap, type TokenKind } from './rate-rules.js';
import { type OwnEntry, RateWindow } from './rate-window.js';

export interface LocalStoreOptions {
  now?: () => number;
  /** Windows kept before idle ones are forgotten; busy ones are never dropped. */
  maxKeys?: number;
}

const DEFAULT_MAX_KEYS = 10_000;
const IDLE_SWEEP_MS = 60_000;

/**
 * Windows kept in this process: the whole budget when one server talks to GHL, and the fallback (kept up to date
 * as a shadow) when the windows live in Redis. A window is made for every resource a call names, so idle ones are
 * forgotten once there are more than `maxKeys` (and every minute): the map stays bounded however many location
 * IDs callers invent. A forgotten window had nothing counting; only its daily count is lost, and GHL's headers
 * give that back on the next answer.
 */
export class LocalSlotStore implements SlotStore {
  private readonly windows = new Map<string, RateWindow>();
  private readonly now: () => number;
  private readonly maxKeys: number;
  /** The size at which the next sweep runs: at least twice what the last one kept, so sweeps stay rare. */
  private sweepAt: number;
  private counter = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly cap: RateCap = {},
    options: LocalStoreOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.maxKeys = options.maxKeys ?? DEFAULT_MAX_KEYS;
    this.sweepAt = this.maxKeys;
    this.timer = setInterval(() => this.sweep(), IDLE_SWEEP_MS);
    this.timer.unref();
  }

  /** Windows held now. */
  get size(): number {
    return this.windows.size;
  }

  async acquire(key: string, kind: TokenKind = 'app'): Promise<Decision> {
    return this.decide(key, kind, `l:${this.counter++}`);
  }

  /** A slot for request `id` from this process's window, or how long to wait. */
  decide(key: string, kind: TokenKind, id: string): Decision {
    const window = this.window(key, kind);
    const decision = window.tryAcquire(id, this.now());
    if ('dailyResetAt' in decision) return { dailyResetAt: decision.dailyResetAt, dailyMax: window.budget().dailyMax };
    if ('waitMs' in decision) return decision;
    return {
      slot: {
        finish: (observation, sentAt) => this.finish(key, id, observation, sentAt),
        cancel: () => this.cancel(key, id),
      },
    };
  }

  window(key: string, kind: TokenKind): RateWindow {
    let window = this.windows.get(key);
    if (window) {
      // Most recently used last: the sweep looks at the oldest first.
      this.windows.delete(key);
    } else {
      window = new RateWindow(ASSUMED_LIMITS[kind], this.cap);
      if (this.windows.size >= this.sweepAt) this.sweep();
    }
    this.windows.set(key, window);
    return window;
  }

  /** The key's window if there is one (without making it the most recently used). */
  existing(key: string): RateWindow | undefined {
    return this.windows.get(key);
  }

  /** A request granted by the shared window, counted here too. */
  record(key: string, kind: TokenKind, id: string): void {
    this.window(key, kind).record(id, this.now());
  }

  finish(key: string, id: string, observation: RateObservation | undefined, sentAt: number): void {
    const window = this.windows.get(key);
    if (!window) return;
    const now = this.now();
    window.finish(id, now, observation?.limited === true);
    if (observation) window.observe(observation, sentAt, now);
  }

  cancel(key: string, id: string): void {
    this.windows.get(key)?.cancel(id);
  }

  /** Every resource's own requests that still count. */
  ownEntries(): Map<string, OwnEntry[]> {
    const now = this.now();
    const entries = new Map<string, OwnEntry[]>();
    for (const [key, window] of this.windows) {
      const own = window.ownEntries(now);
      if (own.length > 0) entries.set(key, own);
    }
    return entries;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
  }

  private sweep(): void {
    const now = this.now();
    for (const [key, window] of this.windows) if (window.idle(now)) this.windows.delete(key);
    this.sweepAt = Math.max(this.maxKeys, 2 * this.windows.size);
  }
}
