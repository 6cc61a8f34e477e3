import type { Decision, SlotStore } from './limiter.js';
import { RateWindow, type RateLimits } from './rate-window.js';

/** Windows kept in this process: the whole budget when one server talks to GHL, the fallback when Redis is gone. */
export class LocalSlotStore implements SlotStore {
  private readonly windows = new Map<string, RateWindow>();

  constructor(
    private readonly limits: RateLimits,
    private readonly now: () => number = Date.now,
  ) {}

  async acquire(key: string): Promise<Decision> {
    return this.decide(key);
  }

  decide(key: string): Decision {
    const window = this.window(key);
    const decision = window.tryAcquire(this.now());
    if ('dailyResetAt' in decision) return { dailyResetAt: decision.dailyResetAt, dailyMax: window.limits().dailyMax };
    if ('waitMs' in decision) return decision;
    const { id } = decision;
    return {
      slot: {
        finish: (observation) => {
          window.finish(id, this.now());
          if (observation) window.observe(observation, this.now());
        },
        cancel: () => window.cancel(id),
      },
    };
  }

  async close(): Promise<void> {}

  private window(key: string): RateWindow {
    let window = this.windows.get(key);
    if (!window) this.windows.set(key, (window = new RateWindow(this.limits)));
    return window;
  }
}
