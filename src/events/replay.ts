import { epochMs } from './envelope.js';

export interface ReplayOptions {
  /** How far a delivery's `timestamp` may lie from now, either way. */
  toleranceMs: number;
  /** Delivery IDs remembered at most; the oldest are forgotten first (they are past the window by then, or soon). */
  maxRemembered: number;
  now?: () => number;
}

export type ReplayCheck = { ok: true; webhookId: string } | { ok: false; status: 400 | 401 | 409; reason: string };

/**
 * Refuses replays of signed deliveries: a `timestamp` outside the window, or a `webhookId` already accepted.
 * An ID is remembered only as long as a delivery carrying it could pass the timestamp check, so memory stays
 * bounded by the delivery rate times the window (and by maxRemembered).
 */
export class ReplayGuard {
  /** webhookId → when it may be forgotten; insertion order is expiry order, as the window is the same for all. */
  private readonly seen = new Map<string, number>();
  private readonly now: () => number;

  constructor(private readonly options: ReplayOptions) {
    this.now = options.now ?? Date.now;
  }

  /** Checks a delivery and, when it passes, remembers its ID. */
  admit(payload: Record<string, unknown>): ReplayCheck {
    const webhookId = payload.webhookId;
    if (typeof webhookId !== 'string' || webhookId.length === 0 || webhookId.length > MAX_ID_LENGTH) {
      return { ok: false, status: 400, reason: 'the body has no webhookId' };
    }
    const sentAt = epochMs(payload.timestamp);
    if (sentAt === undefined) return { ok: false, status: 400, reason: 'the body has no readable timestamp' };
    const now = this.now();
    if (Math.abs(now - sentAt) > this.options.toleranceMs) {
      return { ok: false, status: 401, reason: `timestamp is ${Math.round((now - sentAt) / 1000)} s from now (allowed ±${this.options.toleranceMs / 1000} s)` };
    }
    this.forgetExpired(now);
    if (this.seen.has(webhookId)) return { ok: false, status: 409, reason: 'this webhookId was already received' };
    this.seen.set(webhookId, now + 2 * this.options.toleranceMs);
    if (this.seen.size > this.options.maxRemembered) this.seen.delete(this.seen.keys().next().value!);
    return { ok: true, webhookId };
  }

  /** Forgets an admitted ID, when what it carried could not be stored (so GHL's retry is not refused). */
  forget(webhookId: string): void {
    this.seen.delete(webhookId);
  }

  get size(): number {
    return this.seen.size;
  }

  private forgetExpired(now: number): void {
    for (const [id, until] of this.seen) {
      if (until > now) break;
      this.seen.delete(id);
    }
  }
}

/** GHL's IDs are short; a longer one is not a delivery ID and would only fill memory. */
const MAX_ID_LENGTH = 200;
