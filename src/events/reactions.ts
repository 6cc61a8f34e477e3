import type { ResourceChange } from '../resources/changes.js';
import type { EventEnvelope } from './envelope.js';
import { EVENTS_RESOURCE } from './resource.js';

/** Which cached resources an event type changes; `listed`: items came or went (resources/list changes). */
interface Affects {
  resources: string[];
  listed?: boolean;
  /** Only when the payload says so (a contact event changes tags only when it carries some). */
  when?: (payload: Record<string, unknown>) => boolean;
}

const carriesTags = (payload: Record<string, unknown>) => Array.isArray(payload.tags) && payload.tags.length > 0;

/**
 * What each event type makes stale in the resource cache (the resources in resources/). Appointment, opportunity,
 * message and invoice events change none of them (calendars and pipelines resources hold settings, not bookings
 * or deals): agents see those through the events resource. GHL's object-schema events carry no `type`, so they
 * cannot be told apart here; the objects resource catches up when its cached answer expires.
 */
export const EVENT_AFFECTS: Readonly<Record<string, Affects>> = {
  // A contact tagged with a new name creates the tag in the location.
  ContactCreate: { resources: ['tags'], when: carriesTags },
  ContactUpdate: { resources: ['tags'], when: carriesTags },
  ContactTagUpdate: { resources: ['tags'] },
  LocationCreate: { resources: ['locations'], listed: true },
  LocationUpdate: { resources: ['locations', 'location'] },
  // The app's installed locations are the agency's reachable ones.
  INSTALL: { resources: ['locations'], listed: true },
  UNINSTALL: { resources: ['locations'], listed: true },
  UserCreate: { resources: ['users'] },
};

/**
 * The change one stored event makes: the location's events resource (`query`: subscribers of a URI filtered by
 * type or contactId are told only of matching events), and the cached resources the event type affects. Events without a location change
 * nothing a location's resources show, except the installed-locations list.
 */
export function changeOf(event: EventEnvelope): ResourceChange | undefined {
  const affects = EVENT_AFFECTS[event.type];
  const cached = affects && (!affects.when || affects.when(event.payload)) ? affects.resources : [];
  if (!event.locationId) return cached.length > 0 ? { resources: cached, ...(affects?.listed && { listChanged: true }) } : undefined;
  return {
    locationId: event.locationId,
    resources: [EVENTS_RESOURCE, ...cached],
    ...(affects?.listed && cached.length > 0 && { listChanged: true }),
    query: { type: event.type, contactId: event.ids.contactId ?? '' },
  };
}
