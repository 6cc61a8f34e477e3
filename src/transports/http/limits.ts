import type { IncomingMessage } from 'node:http';

/** Buckets kept at most; a full bucket carries no state, so the oldest are dropped first without changing any answer. */
const MAX_TRACKED_CLIENTS = 10_000;

/**
 * Requests per minute per client (its auth principal, tenant or address): a token bucket that refills steadily,
 * so a client can burst up to its whole minute and is then paced.
 */
export class ClientRequestCaps {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private readonly perMs: number;

  constructor(
    private readonly perMinute: number,
    private readonly now: () => number = Date.now,
  ) {
    this.perMs = perMinute / 60_000;
  }

  /**
   * Takes `count` requests (a JSON-RPC batch counts each of its messages) from the client's bucket, all or none:
   * 0 when admitted, else the milliseconds until that many are available.
   */
  take(client: string, count = 1): number {
    const waitMs = this.wait(client, count);
    if (waitMs === 0) this.buckets.get(client)!.tokens -= count;
    return waitMs;
  }

  /** The milliseconds until the client may make `count` more requests; 0 when it may now. Takes nothing. */
  wait(client: string, count = 1): number {
    const bucket = this.refilled(client);
    return bucket.tokens >= count ? 0 : Math.ceil((count - bucket.tokens) / this.perMs);
  }

  /**
   * Takes `count` whether or not the bucket holds them, down to a minute in debt: a client that goes on after a
   * refusal stays refused until it pauses.
   */
  charge(client: string, count = 1): void {
    const bucket = this.refilled(client);
    bucket.tokens = Math.max(-this.perMinute, bucket.tokens - count);
  }

  private refilled(client: string): { tokens: number; at: number } {
    const now = this.now();
    const bucket = this.buckets.get(client) ?? { tokens: this.perMinute, at: now };
    this.buckets.delete(client);
    bucket.tokens = Math.min(this.perMinute, bucket.tokens + (now - bucket.at) * this.perMs);
    bucket.at = now;
    this.buckets.set(client, bucket);
    if (this.buckets.size > MAX_TRACKED_CLIENTS) this.buckets.delete(this.buckets.keys().next().value!);
    return bucket;
  }
}

export class BodyTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`Request body is larger than ${limit} bytes`);
  }
}

/** Reads a request body up to `limit` bytes; a declared or actual larger body is refused without reading on. */
export async function readBody(req: IncomingMessage, limit: number): Promise<string> {
  return (await readBodyBytes(req, limit)).toString('utf8');
}

/** The body's exact bytes, up to `limit` (a webhook's signature covers these bytes, not a decoded copy). */
export async function readBodyBytes(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) throw new BodyTooLargeError(limit);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new BodyTooLargeError(limit);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}
