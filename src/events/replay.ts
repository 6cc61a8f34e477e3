import { epochMs } from './envelope.js';

/**
 * Delivery IDs already accepted, shared by whoever must refuse a duplicate: this process (memory) or every
 * replica (Redis).
 */
export interface DeliveryIds {
  /** Claims an ID for `ttlMs`: true when it is new, false when it was claimed already. */
  claim(webhookId: string, ttlMs: number): Promise<boolean>;
  /** Gives an ID back, when what it carried could not be stored (so GHL's retry is not refused). */
  release(webhookId: string): Promise<void>;
  close(): Promise<void>;
}

export type ReplayCheck = { ok: true; webhookId: string } | { ok: false; status: 400 | 401 | 409; reason: string };

/**
 * Refuses replays of signed deliveries: a `timestamp` outside the window, or a `webhookId` already accepted.
 * An ID is remembered only as long as a delivery carrying it could pass the timestamp check (twice the window).
 */
export class ReplayGuard {
  constructor(
    private readonly ids: DeliveryIds,
    private readonly toleranceMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Checks a delivery and, when it passes, claims its ID. */
  async admit(payload: Record<string, unknown>): Promise<ReplayCheck> {
    const webhookId = payload.webhookId;
    if (typeof webhookId !== 'string' || webhookId.length === 0 || webhookId.length > MAX_ID_LENGTH) {
      return { ok: false, status: 400, reason: 'the body has no webhookId' };
    }
    const sentAt = epochMs(payload.timestamp);
    if (sentAt === undefined) return { ok: false, status: 400, reason: 'the body has no readable timestamp' };
    const offsetMs = this.now() - sentAt;
    if (Math.abs(offsetMs) > this.toleranceMs) {
      return { ok: false, status: 401, reason: `timestamp is ${Math.round(offsetMs / 1000)} s from now (allowed ±${this.toleranceMs / 1000} s)` };
    }
    if (!(await this.ids.claim(webhookId, 2 * this.toleranceMs))) return { ok: false, status: 409, reason: 'this webhookId was already received' };
    return { ok: true, webhookId };
  }

  release(webhookId: string): Promise<void> {
    return this.ids.release(webhookId);
  }
}

/** Delivery IDs in this process, bounded: past `max`, the oldest are forgotten first (past the window, or soon). */
export class MemoryDeliveryIds implements DeliveryIds {
  /** webhookId → when it may be forgotten; insertion order is expiry order, as every claim lasts as long. */
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly max: number,
    private readonly now: () => number = Date.now,
  ) {}

  async claim(webhookId: string, ttlMs: number): Promise<boolean> {
    const now = this.now();
    for (const [id, until] of this.seen) {
      if (until > now) break;
      this.seen.delete(id);
    }
    if (this.seen.has(webhookId)) return false;
    this.seen.set(webhookId, now + ttlMs);
    if (this.seen.size > this.max) this.seen.delete(this.seen.keys().next().value!);
    return true;
  }

  async release(webhookId: string): Promise<void> {
    this.seen.delete(webhookId);
  }

  async close(): Promise<void> {
    this.seen.clear();
  }

  get size(): number {
    return this.seen.size;
  }
}

/** GHL's IDs are short; a longer one is not a delivery ID and would only fill memory. */
const MAX_ID_LENGTH = 200;
