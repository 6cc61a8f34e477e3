import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../logger.js';
import { BodyTooLargeError, readBodyBytes } from '../transports/http/limits.js';
import { json } from '../transports/http/responses.js';
import { normaliseEvent } from './envelope.js';
import { type EventLog, type LoggedEvent, MemoryEventLog } from './log.js';
import type { WebhookConfig } from './options.js';
import { RedisDeliveryIds, RedisEventLog } from './redis-log.js';
import { type DeliveryIds, MemoryDeliveryIds, ReplayGuard } from './replay.js';
import { checkSignature, type SignatureKeys } from './signature.js';

/** What the access log learns of a delivery: never its body. */
export interface DeliveryNote {
  event?: string;
  refused?: string;
}

export interface WebhookReceiver {
  readonly path: string;
  readonly log: EventLog;
  handle(req: IncomingMessage, res: ServerResponse, note: DeliveryNote): Promise<void>;
  close(): Promise<void>;
}

/** IDs remembered against replays at most: a day's worth at over 10 deliveries a second within a 5-minute window. */
const MAX_REMEMBERED_DELIVERIES = 100_000;
/** GHL waits about 10 minutes between retries whatever we say (api-facts §5); this is for other senders. */
const RETRY_AFTER_SECONDS = 60;
/** Locations with events kept at most. */
const MAX_LOGGED_LOCATIONS = 10_000;

/**
 * Receives GHL's webhook deliveries: reads the raw body (bounded), checks its signature on those exact bytes, then
 * its timestamp and ID against replays, and stores it in the event log before answering 200. Anything refused is
 * not stored. Whatever follows a stored event (notifications, cache invalidation) runs after the answer.
 */
export function createWebhookReceiver(
  config: WebhookConfig,
  logger: Logger,
  stores: WebhookStores = memoryStores(config, logger),
  /** Runs once per stored event, on the replica that received it, after the answer (cache invalidation, notifications). */
  onStored?: (event: LoggedEvent) => Promise<void>,
): WebhookReceiver {
  const { log, ids } = stores;
  const keys: SignatureKeys = { ed25519: config.ed25519Key, ed25519Also: config.extraEd25519Keys, legacyRsa: config.legacyRsaKey };
  const replay = new ReplayGuard(ids, config.toleranceMs);
  const refuse = (res: ServerResponse, note: DeliveryNote, status: number, reason: string) => {
    note.refused = reason;
    json(res, status, { error: reason }, status === 413 ? { connection: 'close' } : {});
  };

  const handle = async (req: IncomingMessage, res: ServerResponse, note: DeliveryNote): Promise<void> => {
    if (req.method !== 'POST') return json(res, 405, { error: 'Method not allowed: GHL posts deliveries here' }, { allow: 'POST' });
    let raw: Buffer;
    try {
      raw = await readBodyBytes(req, config.maxBodyBytes);
    } catch (error) {
      if (error instanceof BodyTooLargeError) return refuse(res, note, 413, error.message);
      throw error;
    }
    const signature = checkSignature(raw, req.headers, keys);
    if (!signature.ok) return refuse(res, note, 401, `signature refused: ${signature.reason}`);
    let payload: unknown;
    try {
      payload = JSON.parse(raw.toString('utf8'));
    } catch {
      return refuse(res, note, 400, 'the body is not JSON');
    }
    if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) return refuse(res, note, 400, 'the body is not a JSON object');
    // Not stored (the store is down): GHL retries on 429 only (api-facts §5), never on 5xx, so ask for that.
    const retryLater = (error: unknown, what: string) => {
      note.refused = `${what} unavailable`;
      logger.error({ err: (error as Error).message }, `webhook delivery not stored: the ${what} is unavailable`);
      json(res, 429, { error: 'The event could not be stored; retry later' }, { 'retry-after': String(RETRY_AFTER_SECONDS) });
    };
    let admitted: Awaited<ReturnType<ReplayGuard['admit']>>;
    try {
      admitted = await replay.admit(payload as Record<string, unknown>);
    } catch (error) {
      return retryLater(error, 'delivery ID store');
    }
    if (!admitted.ok) return refuse(res, note, admitted.status, admitted.reason);
    const envelope = normaliseEvent(payload as Record<string, unknown>, admitted.webhookId, new Date());
    note.event = envelope.type;
    let logged: LoggedEvent;
    try {
      logged = await log.append(envelope);
    } catch (error) {
      // The retry must not be refused as a duplicate of what was never stored.
      await replay.release(admitted.webhookId).catch(() => {});
      return retryLater(error, 'event log');
    }
    json(res, 200, { received: true });
    if (onStored) {
      setImmediate(() => void onStored(logged).catch((error: unknown) => logger.error({ err: (error as Error).message, event: logged.type }, 'reacting to a stored event failed')));
    }
  };

  const close = async () => {
    await Promise.all([log.close(), ids.close()]);
  };
  return { path: config.path, log, handle, close };
}

/** Where deliveries go: the event log, and the IDs duplicates are refused by. */
export interface WebhookStores {
  log: EventLog;
  ids: DeliveryIds;
}

/** Redis when REDIS_URL is set (shared by replicas), else this process's own memory. */
export function webhookStores(config: WebhookConfig, redisUrl: string | undefined, logger: Logger): WebhookStores {
  if (!redisUrl) return memoryStores(config, logger);
  return {
    log: new RedisEventLog({
      url: redisUrl,
      retention: { maxEvents: config.logMaxEvents, maxAgeMs: config.logMaxAgeMs },
      onListenerError: (error) => logger.error({ err: (error as Error).message }, 'an event listener failed'),
    }),
    ids: new RedisDeliveryIds(redisUrl),
  };
}

/** This process's own stores: a bounded ring per location, bounded delivery IDs. */
export function memoryStores(config: WebhookConfig, logger: Logger): WebhookStores {
  return {
    log: new MemoryEventLog(
      { maxEvents: config.logMaxEvents, maxAgeMs: config.logMaxAgeMs, maxLocations: MAX_LOGGED_LOCATIONS },
      { onListenerError: (error) => logger.error({ err: (error as Error).message }, 'an event listener failed') },
    ),
    ids: new MemoryDeliveryIds(MAX_REMEMBERED_DELIVERIES),
  };
}
