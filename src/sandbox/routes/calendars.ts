import { crud } from '../crud.js';
import { badRequest, created, notFound, ok, unprocessable } from '../http.js';
import type { SandboxRouter } from '../router.js';
import { freeSlots, holdsTime, isFreeSlot, isoInZone, isTimeZone, parseInZone, slotLength } from '../slots.js';
import type { Doc } from '../state.js';
import { type Rule, validate } from '../validate.js';

const DAY = 24 * 60 * 60 * 1000;
const MAX_SLOT_RANGE_DAYS = 31;
const APPOINTMENT_STATUSES = ['new', 'confirmed', 'cancelled', 'showed', 'noshow', 'invalid'] as const;
const APPOINTMENT_FIELDS = ['title', 'appointmentStatus', 'assignedUserId', 'address', 'description', 'meetingLocationType'];
const APPOINTMENT_RULES: Record<string, Rule[]> = {
  calendarId: ['required', 'string'],
  locationId: ['required', 'string'],
  contactId: ['required', 'string'],
  startTime: ['required', 'date'],
  endTime: ['date'],
  title: ['string'],
  appointmentStatus: [APPOINTMENT_STATUSES],
  assignedUserId: ['string'],
  userId: ['string'],
  ignoreFreeSlotValidation: ['boolean'],
};

/** Calendars with working hours, free slots computed from them, and appointments that take those slots. */
export function calendarRoutes(router: SandboxRouter): void {
  const { store, locationId } = router.context;
  const calendars = store.collection('calendars');
  const appointments = store.collection('appointments');
  const zone = () => String(store.collection('locations').get(locationId)!.timezone);
  const calendarOf = (id: string) => {
    const calendar = calendars.get(id);
    if (!calendar) throw notFound('Calendar not found');
    return calendar;
  };
  const appointmentOf = (id: string) => {
    const appointment = appointments.get(id);
    if (!appointment) throw notFound('Appointment not found');
    return appointment;
  };
  const bookingsOf = (calendarId: string, except?: string) => appointments.filter((item) => item.calendarId === calendarId && item.id !== except);

  /** Times, calendar, contact and slot of a new or moved appointment; throws GHL's answer when one is wrong. */
  const schedule = (appointment: Doc, body: Record<string, unknown>, force: boolean) => {
    const calendar = calendars.get(String(body.calendarId ?? appointment.calendarId));
    const found: string[] = [];
    if (!calendar) found.push(`calendarId ${body.calendarId} is not a calendar of this location`);
    if (!store.collection('contacts').get(String(body.contactId ?? appointment.contactId))) found.push(`contactId ${body.contactId} is not a contact of this location`);
    validate(body, {}, found);
    const start = parseInZone(String(body.startTime ?? appointment.startTime), zone());
    const end = body.endTime !== undefined ? parseInZone(String(body.endTime), zone()) : start + slotLength(calendar!);
    if (end <= start) throw unprocessable(['endTime must be after startTime']);
    if (!force && !isFreeSlot(calendar!, bookingsOf(calendar!.id, appointment.id), start, store.now(), zone())) {
      throw badRequest('The slot you have selected is no longer available.');
    }
    appointment.calendarId = calendar!.id;
    appointment.groupId = calendar!.groupId ?? '';
    appointment.startTime = isoInZone(start, zone());
    appointment.endTime = isoInZone(end, zone());
  };

  router
    .on('GET /calendars/', ({ query }) => {
      const group = query.get('groupId');
      return ok({ calendars: calendars.filter((calendar) => !group || calendar.groupId === group) });
    })
    .on('GET /calendars/groups', () => ok({ groups: [] }))
    .on('GET /calendars/{calendarId}/free-slots', ({ params, query }) => {
      const calendar = calendarOf(params.calendarId!);
      const from = Number(query.get('startDate'));
      const to = Number(query.get('endDate'));
      const answerZone = query.get('timezone') || zone();
      const found: string[] = [];
      if (!Number.isFinite(from) || !Number.isFinite(to)) found.push('startDate and endDate must be epoch milliseconds');
      else if (to < from) found.push('endDate must be after startDate');
      else if (to - from > MAX_SLOT_RANGE_DAYS * DAY) found.push(`the range between startDate and endDate must not exceed ${MAX_SLOT_RANGE_DAYS} days`);
      if (!isTimeZone(answerZone)) found.push('timezone must be a valid IANA time zone');
      if (found.length > 0) throw unprocessable(found);
      const userId = query.get('userId');
      const serves = !userId || (calendar.teamMembers as Doc[]).some((member) => member.userId === userId);
      const slots = serves ? freeSlots(calendar, bookingsOf(calendar.id), { from, to, now: store.now(), calendarZone: zone(), answerZone }) : {};
      return ok({ ...slots, traceId: store.uuid() });
    })
    .on('GET /calendars/events', ({ query }) => {
      const [calendarId, userId, groupId] = ['calendarId', 'userId', 'groupId'].map((name) => query.get(name));
      const from = Number(query.get('startTime'));
      const to = Number(query.get('endTime'));
      const found: string[] = [];
      const owners = [calendarId, userId, groupId].filter(Boolean).length;
      if (owners !== 1) found.push(`exactly one of calendarId, userId or groupId is required (got ${owners})`);
      if (!Number.isFinite(from) || !Number.isFinite(to)) found.push('startTime and endTime must be epoch milliseconds');
      if (found.length > 0) throw unprocessable(found);
      const events = appointments.filter(
        (event) =>
          (!calendarId || event.calendarId === calendarId) &&
          (!userId || event.assignedUserId === userId) &&
          (!groupId || event.groupId === groupId) &&
          Date.parse(event.startTime) < to &&
          Date.parse(event.endTime) > from,
      );
      return ok({ events: events.sort((a, b) => Date.parse(a.startTime) - Date.parse(b.startTime)) });
    })
    .on('POST /calendars/events/appointments', ({ body }) => {
      validate(body, APPOINTMENT_RULES);
      const calendar = calendars.get(String(body.calendarId));
      const contact = store.collection('contacts').get(String(body.contactId));
      const now = store.iso();
      const appointment: Doc = {
        id: store.id(),
        locationId,
        contactId: body.contactId,
        title: contact?.contactName ?? 'Appointment',
        appointmentStatus: calendar?.autoConfirm === false ? 'new' : 'confirmed',
        assignedUserId: (calendar?.teamMembers as Doc[] | undefined)?.[0]?.userId,
        address: calendar?.meetingLocation ?? '',
        isRecurring: false,
        dateAdded: now,
        createdBy: { source: 'third_party' },
      };
      schedule(appointment, body, body.ignoreFreeSlotValidation === true);
      applyFields(appointment, body);
      appointment.users = appointment.assignedUserId ? [appointment.assignedUserId] : [];
      appointment.dateUpdated = now;
      appointments.insert(appointment);
      return ok(appointment);
    })
    // The live answer names the record `appointment` (the document says `event`) and carries a traceId.
    .on('GET /calendars/events/appointments/{eventId}', ({ params }) => ok({ appointment: appointmentOf(params.eventId!), traceId: store.uuid() }))
    .on('PUT /calendars/events/appointments/{eventId}', ({ params, body }) => {
      const appointment = appointmentOf(params.eventId!);
      validate(body, Object.fromEntries(Object.entries(APPOINTMENT_RULES).map(([field, rules]) => [field, rules.filter((rule) => rule !== 'required')])));
      const moves = ['startTime', 'endTime', 'calendarId'].some((field) => body[field] !== undefined);
      const reopens = body.appointmentStatus !== undefined && !holdsTime(appointment) && holdsTime(body);
      if (moves || reopens) schedule(appointment, body, body.ignoreFreeSlotValidation === true);
      applyFields(appointment, body);
      appointment.dateUpdated = store.iso();
      return ok(appointment);
    })
    .on('DELETE /calendars/events/{eventId}', ({ params }) => {
      appointments.remove(appointmentOf(params.eventId!).id);
      return created({ succeeded: true });
    });

  crud(router, {
    collection: 'calendars',
    listPath: '/calendars/',
    itemPath: '/calendars/{calendarId}',
    label: 'Calendar',
    one: 'calendar',
    scope: () => ({ locationId }),
    rules: { name: ['required', 'string'], slotDuration: ['number'], slotInterval: ['number'], openHours: ['array'], teamMembers: ['array'], description: ['string'] },
    fields: ['name', 'description', 'slug', 'widgetSlug', 'calendarType', 'eventTitle', 'eventColor', 'slotDuration', 'slotDurationUnit', 'slotInterval', 'slotIntervalUnit', 'slotBuffer', 'allowBookingAfter', 'allowBookingAfterUnit', 'allowBookingFor', 'allowBookingForUnit', 'openHours', 'teamMembers', 'meetingLocation', 'autoConfirm', 'isActive', 'groupId'],
    build: (_body, calendar) => {
      calendar.calendarType ??= 'event';
      calendar.slotDuration ??= 30;
      calendar.slotDurationUnit ??= 'mins';
      calendar.openHours ??= [];
      calendar.teamMembers ??= [];
      calendar.isActive ??= true;
    },
    deleted: { success: true },
    createStatus: 200,
    only: ['get', 'create', 'update', 'delete'],
  });
}

/** The writable fields of an appointment; `userId`, accepted though undocumented (doc-errata.md), names the assignee. */
function applyFields(appointment: Doc, body: Record<string, unknown>): void {
  for (const field of APPOINTMENT_FIELDS) if (body[field] !== undefined) appointment[field] = body[field];
  if (typeof body.userId === 'string' && body.assignedUserId === undefined) appointment.assignedUserId = body.userId;
}
