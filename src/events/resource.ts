import { ResourceReadError } from '../resources/reader.js';
import { InvalidResourceUri } from '../resources/registry.js';
import type { Json, ResourceDefinition, Vars } from '../resources/types.js';
import type { EventFeed, EventFilter } from './feed.js';
import { locationRefusal } from './access.js';

export const EVENTS_RESOURCE = 'events';
const DEFAULT_LIMIT = 20;
const MAX_LIMIT = 100;

/**
 * `ghl://locations/{locationId}/events`: the events received for a location, newest first (the size limit cuts the
 * oldest), filtered by the URI's query. Read from the event log every time, never cached; subscribers hear of each
 * new event of the location (src/events/reactions.ts). Offered only by a server that receives events.
 */
export function eventsResource(feed: EventFeed): ResourceDefinition {
  return {
    name: EVENTS_RESOURCE,
    uriTemplate: 'ghl://locations/{locationId}/events{?type,contactId,limit}',
    title: 'Events',
    description:
      `GHL events (webhooks) received for a location, newest first: inbound messages, appointments, deals, payments. ` +
      `Query: type (one or several, comma-separated), contactId, limit (default ${DEFAULT_LIMIT}, at most ${MAX_LIMIT}). ` +
      'Subscribe to be told of new ones; next is the cursor for ghl_list_events and ghl_wait_for_event.',
    fetch: async (vars, scope) => {
      const { locationId } = vars as { locationId: string };
      const refusal = await locationRefusal(locationId, scope);
      if (refusal) throw new ResourceReadError(refusal, 'not-found');
      const page = await feed.recent(locationId, filterOf(vars), { limit: limitOf(vars) });
      return { answer: { locationId, events: page.events.reverse(), next: page.next, ...(page.more && { more: 'Older events are left out: raise limit or use ghl_list_events.' }) } as Json };
    },
    // Read from the log at every read; new events are announced (reactions.ts), so the hub never polls it.
    live: true,
    // Never called: the view is the answer itself.
    project: () => undefined,
    invalidatedBy: { tools: [] },
    label: (vars, names) => `Events of ${names.locationId ?? vars.locationId}`,
  };
}

function filterOf(vars: Vars): EventFilter {
  const types = vars.type?.split(',').map((type) => type.trim()).filter(Boolean);
  return { ...(types?.length && { types }), ...(vars.contactId && { ids: { contactId: vars.contactId } }) };
}

function limitOf(vars: Vars): number {
  if (vars.limit === undefined) return DEFAULT_LIMIT;
  const limit = Number(vars.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) throw new InvalidResourceUri(`limit must be a whole number from 1 to ${MAX_LIMIT}, got "${vars.limit}"`);
  return limit;
}
