/**
 * One small shape for every GHL webhook event, whatever its payload: what happened, where, when, and to whom.
 * The field names read here are the ones GHL's 58 documented event payloads use (webhook-events/*.md).
 */
export interface EventEnvelope {
  /** The delivery's `webhookId`: unique per delivery, the key duplicates are refused by. */
  id: string;
  /** The payload's `type` (e.g. InboundMessage); `unknown` when it carries none (the invoice, product and price examples). */
  type: string;
  /** The location the event belongs to; absent for agency-level events (an agency install carries only companyId). */
  locationId?: string;
  companyId?: string;
  /** When the event happened, ISO 8601: the payload's own time when it has one, else when it was received. */
  time: string;
  receivedAt: string;
  /** The records the event is about, when the payload names them. */
  ids: EventIds;
  /** The payload as GHL sent it. */
  payload: Record<string, unknown>;
}

export interface EventIds {
  contactId?: string;
  conversationId?: string;
  messageId?: string;
  opportunityId?: string;
  appointmentId?: string;
  invoiceId?: string;
}

export const UNKNOWN_EVENT_TYPE = 'unknown';

/** Where a type family keeps the ID of its own record: `id` (or `_id`) at the top level of the payload. */
const OWN_ID_BY_TYPE_PREFIX: ReadonlyArray<[prefix: string, key: keyof EventIds]> = [
  ['Contact', 'contactId'],
  ['ConversationUnread', 'conversationId'],
  ['Opportunity', 'opportunityId'],
  ['Invoice', 'invoiceId'],
];

/** Time fields in order of preference: when the event was sent, then when its record last changed or was made. */
const TIME_FIELDS = ['timestamp', 'dateUpdated', 'updatedAt', 'dateAdded', 'createdAt'] as const;

/**
 * Normalises a verified payload. Never throws on an unknown or odd payload: what cannot be read is left out, and
 * the payload is kept whole.
 */
export function normaliseEvent(payload: Record<string, unknown>, webhookId: string, receivedAt: Date): EventEnvelope {
  const type = text(payload.type) ?? UNKNOWN_EVENT_TYPE;
  const appointment = record(payload.appointment);
  const ids: EventIds = {
    contactId: text(payload.contactId) ?? text(appointment?.contactId) ?? text(record(payload.contactDetails)?.id),
    conversationId: text(payload.conversationId),
    messageId: text(payload.messageId),
    appointmentId: text(appointment?.id),
  };
  const ownId = text(payload.id) ?? text(payload._id);
  for (const [prefix, key] of OWN_ID_BY_TYPE_PREFIX) if (type.startsWith(prefix) && ownId) ids[key] = ownId;
  // Invoice examples carry no `type`; an invoice number says what the record is.
  if (!ids.invoiceId && typeof payload.invoiceNumber === 'string' && ownId) ids.invoiceId = ownId;
  return {
    id: webhookId,
    type,
    ...defined({ locationId: locationOf(payload, type), companyId: text(payload.companyId) }),
    time: eventTime(payload, appointment) ?? receivedAt.toISOString(),
    receivedAt: receivedAt.toISOString(),
    ids: defined(ids),
    payload,
  };
}

function locationOf(payload: Record<string, unknown>, type: string): string | undefined {
  const direct = text(payload.locationId);
  if (direct) return direct;
  // Invoices and orders name their owner as altId/altType; LocationCreate/Update carry the location as `id`.
  if (payload.altType === 'location') return text(payload.altId);
  if (type.startsWith('Location')) return text(payload.id);
  return undefined;
}

function eventTime(payload: Record<string, unknown>, appointment: Record<string, unknown> | undefined): string | undefined {
  for (const source of [payload, appointment]) {
    for (const field of TIME_FIELDS) {
      const time = isoTime(source?.[field]);
      if (time) return time;
    }
  }
  return undefined;
}

/** An ISO string, or epoch seconds / milliseconds, as ISO 8601; undefined when it is neither. */
export function isoTime(value: unknown): string | undefined {
  const ms = epochMs(value);
  return ms === undefined ? undefined : new Date(ms).toISOString();
}

export function epochMs(value: unknown): number | undefined {
  let ms: number;
  if (typeof value === 'number') ms = value < 1e12 ? value * 1000 : value;
  else if (typeof value === 'string' && /^\d+$/.test(value)) return epochMs(Number(value));
  else if (typeof value === 'string') ms = Date.parse(value);
  else return undefined;
  return Number.isFinite(ms) && Math.abs(ms) <= 8.64e15 ? ms : undefined;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

function record(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function defined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, item]) => item !== undefined)) as T;
}
