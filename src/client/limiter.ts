import type { RateObservation } from './rate-headers.js';
import type { TokenKind } from './rate-rules.js';

/** A granted place in a resource's window; it keeps counting until `finish` plus one interval. */
export interface Slot {
  /**
   * The request sent at `sentAt` is over; `observation` is what GHL's headers said about the budget, if anything.
   */
  finish(observation: RateObservation | undefined, sentAt: number): void;
  /** The slot was never used for a request. */
  cancel(): void;
}

export type Decision = { slot: Slot } | { waitMs: number } | { dailyResetAt: number; dailyMax: number };

/** Where windows live: this process (LocalSlotStore) or Redis, shared by every replica (RedisSlotStore). */
export interface SlotStore {
  /** `kind` says which budget to assume for the key until GHL announces its own. */
  acquire(key: string, kind: TokenKind): Promise<Decision>;
  close(): Promise<void>;
}

/** A granted request: its window slot and its share of the concurrency cap. */
export interface Lease {
  finish(observation?: RateObservation): void;
}

/** The resource's daily budget is spent: nothing is sent until `resetsAt`. */
export class DailyBudgetSpent extends Error {
  constructor(
    readonly resetsAt: number,
    readonly dailyMax: number,
  ) {
    super('daily budget spent');
  }
}

interface Waiter {
  grant(slot: Slot): void;
  fail(error: unknown): void;
}

/**
 * Admits requests per resource key in arrival order at the pace the slot store allows, then through a concurrency
 * cap served round-robin across keys: a busy location waits on its own window and cannot starve the others.
 */
export class Limiter {
  private readonly queues = new Map<string, Waiter[]>();
  /** Pumps sleeping on their key's window: a request of that key finishing may free a place sooner. */
  private readonly sleepers = new Map<string, () => void>();
  private readonly gate: FairGate;

  constructor(
    private readonly store: SlotStore,
    private readonly concurrency: number,
  ) {
    this.gate = new FairGate(concurrency);
  }

  /** Waits for the key's turn; rejects with `signal.reason` if aborted first, or DailyBudgetSpent. */
  async acquire(key: string, kind: TokenKind, signal: AbortSignal): Promise<Lease> {
    signal.throwIfAborted();
    const slot = await this.turn(key, kind, signal);
    try {
      await this.gate.enter(key, signal);
    } catch (error) {
      slot.cancel();
      throw error;
    }
    const sentAt = Date.now();
    let open = true;
    return {
      finish: (observation) => {
        if (!open) return;
        open = false;
        slot.finish(observation, sentAt);
        this.gate.leave();
        this.sleepers.get(key)?.();
      },
    };
  }

  close(): Promise<void> {
    return this.store.close();
  }

  /** A limiter over the same windows with a concurrency cap of its own (one tenant of a multi-tenant server). */
  sharingWindows(): Limiter {
    return new Limiter(this.store, this.concurrency);
  }

  private turn(key: string, kind: TokenKind, signal: AbortSignal): Promise<Slot> {
    return new Promise<Slot>((resolve, reject) => {
      let queue = this.queues.get(key);
      const start = !queue;
      if (!queue) this.queues.set(key, (queue = []));
      const onAbort = () => {
        const index = queue.indexOf(waiter);
        if (index >= 0) queue.splice(index, 1);
        reject(signal.reason);
      };
      const waiter: Waiter = {
        grant: (slot) => {
          signal.removeEventListener('abort', onAbort);
          resolve(slot);
        },
        fail: (error) => {
          signal.removeEventListener('abort', onAbort);
          reject(error);
        },
      };
      queue.push(waiter);
      signal.addEventListener('abort', onAbort, { once: true });
      if (start) void this.pump(key, kind, queue);
    });
  }

  /**
   * One pump per key with waiters: asks the store for a slot for the head of the queue, or sleeps as told (or
   * until one of the key's requests finishes).
   */
  private async pump(key: string, kind: TokenKind, queue: Waiter[]): Promise<void> {
    while (queue.length > 0) {
      const decision = await this.store.acquire(key, kind).catch((error: unknown) => ({ error }));
      if ('error' in decision) {
        for (const waiter of queue.splice(0)) waiter.fail(decision.error);
      } else if ('slot' in decision) {
        const waiter = queue.shift();
        if (waiter) waiter.grant(decision.slot);
        else decision.slot.cancel();
      } else if ('dailyResetAt' in decision) {
        for (const waiter of queue.splice(0)) waiter.fail(new DailyBudgetSpent(decision.dailyResetAt, decision.dailyMax));
      } else {
        await this.sleep(key, decision.waitMs);
      }
    }
    this.queues.delete(key);
  }

  private sleep(key: string, waitMs: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.sleepers.delete(key);
        resolve();
      };
      const timer = setTimeout(wake, Math.max(1, Math.ceil(waitMs)));
      this.sleepers.set(key, wake);
    });
  }
}

/** A concurrency cap whose free places go to waiting keys in turn, not to whichever key queued most. */
export class FairGate {
  private active = 0;
  /** Insertion order is the rotation: a key that was served moves to the back. */
  private readonly waiting = new Map<string, (() => void)[]>();

  constructor(private readonly capacity: number) {}

  enter(key: string, signal: AbortSignal): Promise<void> {
    if (this.active < this.capacity && this.waiting.size === 0) {
      this.active += 1;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const admit = () => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      };
      const onAbort = () => {
        const list = this.waiting.get(key);
        const index = list?.indexOf(admit) ?? -1;
        if (index >= 0) list!.splice(index, 1);
        if (list?.length === 0) this.waiting.delete(key);
        reject(signal.reason);
      };
      const list = this.waiting.get(key);
      if (list) list.push(admit);
      else this.waiting.set(key, [admit]);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  leave(): void {
    this.active -= 1;
    const next = this.waiting.entries().next();
    if (next.done) return;
    const [key, list] = next.value;
    this.waiting.delete(key);
    const admit = list.shift()!;
    if (list.length > 0) this.waiting.set(key, list);
    this.active += 1;
    admit();
  }
}
