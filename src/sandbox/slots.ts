import type { Doc } from './state.js';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let cached = formatters.get(timeZone);
  if (!cached) {
    cached = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, cached);
  }
  return cached;
}

export function isTimeZone(value: string): boolean {
  try {
    formatter(value);
    return true;
  } catch {
    return false;
  }
}

const QUARTER_HOUR = 15 * MINUTE;
const SPAN = 6 * 60 * MINUTE;
const offsets = new Map<string, number>();

function exactOffset(ms: number, timeZone: string): number {
  const parts = Object.fromEntries(formatter(timeZone).formatToParts(new Date(ms)).map((part) => [part.type, part.value]));
  const wall = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
  return Math.round((wall - ms) / MINUTE);
}

/**
 * The zone's offset from UTC at that instant, in minutes (-360 for America/Chicago in winter). Intl is slow, so
 * answers are cached: for a whole six-hour span when the offset is the same at both ends, else per quarter hour
 * (zones change offset on quarter-hour boundaries).
 */
export function offsetMinutes(ms: number, timeZone: string): number {
  const span = Math.floor(ms / SPAN) * SPAN;
  const spanKey = `${timeZone}@${span}`;
  let offset = offsets.get(spanKey);
  if (offset !== undefined) return offset;
  const quarter = Math.floor(ms / QUARTER_HOUR) * QUARTER_HOUR;
  const quarterKey = `${timeZone}@${quarter}~`;
  offset = offsets.get(quarterKey);
  if (offset !== undefined) return offset;
  if (offsets.size > 50_000) offsets.clear();
  const first = exactOffset(span, timeZone);
  if (first === exactOffset(span + SPAN - QUARTER_HOUR, timeZone)) {
    offsets.set(spanKey, first);
    return first;
  }
  offset = exactOffset(quarter, timeZone);
  offsets.set(quarterKey, offset);
  return offset;
}

/** ISO 8601 with the zone's offset, the way GHL writes slots and appointment times: `2025-03-04T09:30:00-06:00`. */
export function isoInZone(ms: number, timeZone: string): string {
  const offset = offsetMinutes(ms, timeZone);
  const wall = new Date(ms + offset * MINUTE).toISOString().slice(0, 19);
  const size = Math.abs(offset);
  const pad = (value: number) => String(value).padStart(2, '0');
  return `${wall}${offset < 0 ? '-' : '+'}${pad(Math.floor(size / 60))}:${pad(size % 60)}`;
}

/**
 * An ISO date-time as an instant; one without `Z` or an offset is a wall-clock time in the zone (the location's),
 * not in whatever zone the machine running the sandbox is in.
 */
export function parseInZone(text: string, timeZone: string): number {
  const local = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?$/.exec(text);
  if (!local) return Date.parse(text);
  const [, date, hours, minutes, seconds = '0'] = local;
  return wallClockInstant(Date.parse(`${date}T00:00:00Z`), Number(hours) * 60 + Number(minutes), timeZone) + Number(seconds) * 1000;
}

/** The wall-clock date of an instant in the zone, as `YYYY-MM-DD`. */
export function localDateKey(ms: number, timeZone: string): string {
  return new Date(ms + offsetMinutes(ms, timeZone) * MINUTE).toISOString().slice(0, 10);
}

/** The instant at which the zone's wall clock shows `minutes` past midnight of the day `dayStartUtc` names. */
function wallClockInstant(dayStartUtc: number, minutes: number, timeZone: string): number {
  const wall = dayStartUtc + minutes * MINUTE;
  const first = wall - offsetMinutes(wall, timeZone) * MINUTE;
  return wall - offsetMinutes(first, timeZone) * MINUTE;
}

function toMinutes(value: unknown, unit: unknown, fallback: number): number {
  const amount = typeof value === 'number' && value > 0 ? value : fallback;
  return unit === 'hours' ? amount * 60 : amount;
}

/** How long an appointment of this calendar lasts, in milliseconds. */
export function slotLength(calendar: Doc): number {
  return toMinutes(calendar.slotDuration, calendar.slotDurationUnit, 30) * MINUTE;
}

export interface SlotQuery {
  from: number;
  to: number;
  now: number;
  /** The calendar's zone: its open hours are wall-clock times there. */
  calendarZone: string;
  /** The zone the answer is written in (dates and offsets). */
  answerZone: string;
}

/** Whether an appointment still holds its time (cancelled and invalid ones free it). */
export function holdsTime(appointment: Doc): boolean {
  return !['cancelled', 'invalid'].includes(String(appointment.appointmentStatus));
}

/**
 * Free slots of a calendar between two instants, keyed by date as GHL answers them: the open hours of each day,
 * stepped by the slot interval, without slots in the past, before the minimum notice, or overlapping a booking.
 */
export function freeSlots(calendar: Doc, bookings: Doc[], query: SlotQuery): Record<string, { slots: string[] }> {
  const length = slotLength(calendar);
  const step = toMinutes(calendar.slotInterval, calendar.slotIntervalUnit, length / MINUTE) * MINUTE;
  const notice = toMinutes(calendar.allowBookingAfter, calendar.allowBookingAfterUnit, 0) * MINUTE;
  const taken = bookings.filter(holdsTime).map((booking) => [Date.parse(booking.startTime), Date.parse(booking.endTime)] as const);
  const answer: Record<string, { slots: string[] }> = {};
  const firstDay = Date.parse(`${localDateKey(query.from, query.calendarZone)}T00:00:00Z`);
  for (let day = firstDay; day <= query.to + DAY; day += DAY) {
    const weekday = new Date(day).getUTCDay();
    for (const rule of (calendar.openHours ?? []) as Doc[]) {
      if (!(rule.daysOfTheWeek as number[]).includes(weekday)) continue;
      for (const hours of rule.hours as Doc[]) {
        const open = hours.openHour * 60 + hours.openMinute;
        const close = hours.closeHour * 60 + hours.closeMinute;
        for (let minute = open; minute + length / MINUTE <= close; minute += step / MINUTE) {
          const start = wallClockInstant(day, minute, query.calendarZone);
          const end = start + length;
          if (start < query.from || start > query.to || start < query.now + notice) continue;
          if (taken.some(([bookedStart, bookedEnd]) => bookedStart < end && bookedEnd > start)) continue;
          const key = localDateKey(start, query.answerZone);
          (answer[key] ??= { slots: [] }).slots.push(isoInZone(start, query.answerZone));
        }
      }
    }
  }
  return answer;
}

/** Whether [start, end) is one of the calendar's free slots right now (the check behind a booking). */
export function isFreeSlot(calendar: Doc, bookings: Doc[], start: number, now: number, zone: string): boolean {
  const slots = freeSlots(calendar, bookings, { from: start, to: start, now, calendarZone: zone, answerZone: zone });
  return Object.values(slots).some((day) => day.slots.some((slot) => Date.parse(slot) === start));
}
