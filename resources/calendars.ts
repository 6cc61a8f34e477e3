import { bounded, clip, compact, idOf, list } from '../src/resources/project.js';
import type { Invalidation, Json, ResourceDefinition } from '../src/resources/types.js';

const MAX_CALENDARS = 200;
const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

const CALENDAR_WRITES: Invalidation = { tools: ['calendars_create_calendar', 'calendars_update_calendar', 'calendars_delete_calendar'] };

const twoDigits = (value: unknown) => String(Number(value) || 0).padStart(2, '0');

/** `{ daysOfTheWeek: [1,2], hours: [{ openHour: 9, ... }] }` → `{ days: ['mon','tue'], hours: ['09:00-12:00'] }`. */
function openHours(rules: unknown): Json[] {
  return list(rules).map((rule) => ({
    days: (Array.isArray(rule.daysOfTheWeek) ? rule.daysOfTheWeek : []).map((day: number) => DAYS[day] ?? String(day)),
    hours: list(rule.hours).map(
      (span) => `${twoDigits(span.openHour)}:${twoDigits(span.openMinute)}-${twoDigits(span.closeHour)}:${twoDigits(span.closeMinute)}`,
    ),
  }));
}

function duration(amount: unknown, unit: unknown): string | undefined {
  return typeof amount === 'number' ? `${amount} ${typeof unit === 'string' ? unit : 'mins'}` : undefined;
}

function summary(calendar: Json): Json {
  return compact({
    id: idOf(calendar),
    name: calendar.name,
    calendarType: calendar.calendarType,
    groupId: calendar.groupId,
    isActive: calendar.isActive,
    slotDuration: duration(calendar.slotDuration, calendar.slotDurationUnit),
    teamMemberIds: list(calendar.teamMembers).map((member) => member.userId).filter(Boolean),
  });
}

function details(calendar: Json): Json {
  return compact({
    ...summary(calendar),
    description: clip(calendar.description, 500),
    slotInterval: duration(calendar.slotInterval, calendar.slotIntervalUnit),
    slotBuffer: duration(calendar.slotBuffer, calendar.slotBufferUnit),
    appointmentsPerSlot: calendar.appoinmentPerSlot,
    autoConfirm: calendar.autoConfirm,
    teamMemberIds: undefined,
    teamMembers: list(calendar.teamMembers).map((member) => compact({ userId: member.userId, isPrimary: member.isPrimary, priority: member.priority })),
    openHours: openHours(calendar.openHours),
  });
}

const fetchCalendars = ({ locationId }: Record<string, string>) => ({ tool: 'calendars_get_calendars', args: { locationId } });

export const calendars: ResourceDefinition = {
  name: 'calendars',
  uriTemplate: 'ghl://locations/{locationId}/calendars',
  title: 'Calendars',
  description: 'Calendars of a location: IDs, names, type, slot length and team members (the calendarId free-slot and booking tools need).',
  fetch: fetchCalendars,
  project: (body, { locationId }) => ({
    locationId,
    ...bounded('calendars', list(body.calendars).map(summary), MAX_CALENDARS, 'Use calendars_get_calendars with groupId to narrow.'),
  }),
  items: (view) => list(view.calendars).map((calendar) => ({ id: String(calendar.id), name: calendar.name })),
  invalidatedBy: CALENDAR_WRITES,
  listChangedBy: ['calendars_create_calendar', 'calendars_delete_calendar'],
  label: (vars, names) => `Calendars of ${names.locationId ?? vars.locationId}`,
};

export const calendar: ResourceDefinition = {
  name: 'calendar',
  uriTemplate: 'ghl://locations/{locationId}/calendars/{calendarId}',
  title: 'Calendar settings',
  description: 'One calendar: slot length, interval and buffer, team members and open hours per weekday.',
  fetch: fetchCalendars,
  project: (body, { locationId, calendarId }) => {
    const found = list(body.calendars).find((item) => idOf(item) === calendarId);
    return found && { locationId, ...details(found) };
  },
  invalidatedBy: CALENDAR_WRITES,
  label: (vars, names) => `Calendar ${names.calendarId ?? vars.calendarId}`,
};
