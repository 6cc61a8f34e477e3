import { z } from 'zod';
import { listedAnnotations, type ToolDefinition } from '../catalog/catalog.js';
import { ALL_TOOLSET, EVENTS_TOOLSET, type ToolSelection } from '../toolsets/selection.js';

export const WAIT_TOOL = 'ghl_wait_for_event';
export const RECENT_TOOL = 'ghl_list_events';
export const EVENT_TOOL_NAMES = [WAIT_TOOL, RECENT_TOOL] as const;
export type EventToolName = (typeof EVENT_TOOL_NAMES)[number];


export const WAIT_DEFAULT_SECONDS = 30;
/** Below the HTTP server's request timeout (120 s by default) and what clients that reset on progress allow. */
export const WAIT_MAX_SECONDS = 100;
export const RECENT_DEFAULT_LIMIT = 20;
export const RECENT_MAX_LIMIT = 100;

/** The record IDs an event may name (the envelope's `ids`). */
const ID_FIELDS = ['contactId', 'conversationId', 'opportunityId', 'appointmentId', 'invoiceId'] as const;

const id = z.string().min(1).max(200);
const cursor = z.string().regex(/^(\d{16}|\d+-\d+)$/, 'a cursor this server gave (next of an earlier answer)');
const filterShape = {
  locationId: id.optional(),
  types: z.array(z.string().min(1).max(100)).max(20).optional(),
  ...Object.fromEntries(ID_FIELDS.map((field) => [field, id.optional()])),
  after: cursor.optional(),
} as Record<string, z.ZodType>;

export const EVENT_INPUTS = {
  [WAIT_TOOL]: z.strictObject({ ...filterShape, timeoutSeconds: z.number().int().min(1).max(WAIT_MAX_SECONDS).optional() }),
  [RECENT_TOOL]: z.strictObject({ ...filterShape, limit: z.number().int().min(1).max(RECENT_MAX_LIMIT).optional() }),
};

export interface EventToolArgs {
  locationId?: string;
  types?: string[];
  contactId?: string;
  conversationId?: string;
  opportunityId?: string;
  appointmentId?: string;
  invoiceId?: string;
  after?: string;
  timeoutSeconds?: number;
  limit?: number;
}

export const ID_ARGUMENTS: readonly (keyof EventToolArgs & (typeof ID_FIELDS)[number])[] = ID_FIELDS;

const str = (description: string) => ({ type: 'string', description });
const filterProperties = {
  locationId: str('Default: the configured location.'),
  types: { type: 'array', items: { type: 'string' }, description: 'Any of these GHL event types (exact, case-sensitive): InboundMessage, OutboundMessage, ContactCreate, ContactUpdate, AppointmentCreate, AppointmentUpdate, OpportunityStageUpdate, InvoicePaid, InvoiceSent…' },
  contactId: str('Only events about this contact.'),
  conversationId: { type: 'string' },
  opportunityId: { type: 'string' },
  appointmentId: { type: 'string' },
  invoiceId: str('The invoice\'s _id, not its number.'),
  after: str('The next cursor of an earlier answer: only events after it.'),
};

const DEFINITIONS: ToolDefinition[] = [
  {
    name: WAIT_TOOL,
    description:
      'Wait for the next GHL event (webhook) matching a filter, e.g. an inbound message from a contact, and return it. ' +
      'Returns at once when one was logged after `after`. Times out with the cursor to call again with.',
    inputSchema: {
      type: 'object',
      properties: {
        ...filterProperties,
        timeoutSeconds: { type: 'integer', minimum: 1, maximum: WAIT_MAX_SECONDS, description: `Seconds, default ${WAIT_DEFAULT_SECONDS}.` },
      },
    },
    annotations: listedAnnotations({ title: 'Wait for a GHL event', readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true }),
  },
  {
    name: RECENT_TOOL,
    description:
      'Recent GHL events (webhooks) of a location, oldest first, filtered by type and record. With `after`: what came ' +
      'since that cursor, to catch up. Returns next, the cursor to pass as `after` later.',
    inputSchema: {
      type: 'object',
      properties: {
        ...filterProperties,
        limit: { type: 'integer', minimum: 1, maximum: RECENT_MAX_LIMIT, description: `Default ${RECENT_DEFAULT_LIMIT}.` },
      },
    },
    annotations: listedAnnotations({ title: 'List recent GHL events', readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true }),
  },
];

export function eventToolDefinitions(): readonly ToolDefinition[] {
  return DEFINITIONS;
}

/**
 * The event tools a selection lists: both with the `events` toolset or `all`, else those named one by one. Not in
 * `default`, whose listing is at its size budget; a call by name works unlisted, as for the discovery tools.
 */
export function listedEventTools(selection: ToolSelection): readonly ToolDefinition[] {
  const whole = selection.toolsets.includes(EVENTS_TOOLSET) || selection.toolsets.includes(ALL_TOOLSET);
  return whole ? DEFINITIONS : DEFINITIONS.filter((definition) => selection.tools.includes(definition.name));
}
