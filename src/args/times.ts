import { offsetText, wallClockInstants, zoneOffset } from './zone.js';

/** The zone that a date or time without an offset is read in: the location's, or why it is not known. */
export type ZoneAnswer = { zone: string } | { unknown: string };

/** How a text was read as an instant (`shown` says it in words), or why it was not. */
export type TimeReading = { instant: number; shown: string } | { refused: string };

const DAY = 24 * 60 * 60 * 1000;
const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|[+-]\d{2}(?::?\d{2})?)?)?$/i;
/** Day and month in either order: 01/02/2026 is 1 February in most of the world and January 2 in the US. */
const DAY_MONTH_EITHER_WAY = /^\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}$/;
export const TIME_FORMS = 'ISO 8601 (2026-12-01, 2026-12-01T09:30, or with Z or an offset: 2026-12-01T09:30-06:00)';

/** Why a date like 01/02/2026 is refused, or undefined when the text is not one. */
export function dayMonthUnclear(text: string): string | undefined {
  if (!DAY_MONTH_EITHER_WAY.test(text.trim())) return undefined;
  return `"${text.trim()}" puts day and month in an order that differs by country (01/02 is 1 February or January 2); send ${TIME_FORMS}`;
}

/** A date or time as written: its wall clock (as if UTC), how to show it, and its offset in minutes when it has one. */
export interface WrittenTime {
  wall: number;
  clock: string;
  offset?: number;
  /** A date without a time: it names the start of that day. */
  dateOnly?: true;
}

/**
 * Parses an ISO 8601 date or date-time (a date is its midnight). Refused: what is not ISO 8601, a day/month order
 * that cannot be told, a date or offset that does not exist.
 */
export function parseTime(text: string): WrittenTime | { refused: string } {
  const trimmed = text.trim();
  const unordered = dayMonthUnclear(trimmed);
  if (unordered) return { refused: unordered };
  const match = ISO.exec(trimmed);
  if (!match) return { refused: `"${trimmed}" is not a date or time this server reads; send ${TIME_FORMS} or epoch milliseconds` };
  const [, year, month, day, hour = '00', minute = '00', second, fraction = '', offset] = match;
  const wall = Date.UTC(Number(year), Number(month) - 1, Number(day), Number(hour), Number(minute), Number(second ?? 0)) + Math.round(Number(`0${fraction}`) * 1000);
  const date = `${year}-${month}-${day}`;
  const real = new Date(wall).toISOString().slice(0, 10) === date && Number(hour) < 24 && Number(minute) < 60 && Number(second ?? 0) < 60;
  if (!real) return { refused: `"${trimmed}" is not a real date and time` };
  const clock = `${date}T${hour}:${minute}${second !== undefined ? `:${second}${fraction}` : ''}`;
  if (!offset) return match[4] === undefined ? { wall, clock, dateOnly: true } : { wall, clock };
  if (offset.toUpperCase() === 'Z') return { wall, clock, offset: 0 };
  const digits = offset.slice(1).replace(':', '');
  const [hours, minutes] = [Number(digits.slice(0, 2)), Number(digits.slice(2) || 0)];
  if (hours > 14 || minutes >= 60) return { refused: `"${trimmed}" has an offset no zone uses` };
  return { wall, clock, offset: (offset.startsWith('-') ? -1 : 1) * (hours * 60 + minutes) };
}

/**
 * The instant a written time names: by its own offset, else as a wall-clock time in the location's zone. A time
 * the clocks skip or show twice there has two readings (or none) and is refused, as is a zone that is not known;
 * a date is the start of its day even where midnight is skipped or shown twice.
 */
export function instantOf(time: WrittenTime, zone: ZoneAnswer | undefined): TimeReading {
  const { wall, clock } = time;
  if (time.offset !== undefined) return { instant: wall - time.offset * 60_000, shown: `${clock}${time.offset === 0 ? 'Z' : offsetText(time.offset)}` };
  if (!zone || 'unknown' in zone) {
    const why = zone ? ` (${zone.unknown})` : '';
    return { refused: `${clock} has no offset and the location's time zone is not known${why}; send it with Z or an offset (${clock}-06:00) or as epoch milliseconds` };
  }
  const instants = wallClockInstants(wall, zone.zone);
  if (instants.length === 1 || (time.dateOnly && instants.length === 2)) return { instant: instants[0]!, shown: `${clock} ${zone.zone}` };
  if (time.dateOnly) {
    const start = wall - zoneOffset(wall - DAY, zone.zone) * 60_000;
    const starts = new Date(start + zoneOffset(start, zone.zone) * 60_000).toISOString().slice(11, 16);
    return { instant: start, shown: `${clock.slice(0, 10)}T${starts} ${zone.zone} (the start of that day: the clocks skip midnight)` };
  }
  const before = offsetText(zoneOffset(wall - DAY, zone.zone));
  const after = offsetText(zoneOffset(wall + DAY, zone.zone));
  if (instants.length === 0) {
    return { refused: `${clock} does not exist in ${zone.zone} (the clocks jump forward that night); send the offset you mean: ${clock}${before} or ${clock}${after}` };
  }
  return { refused: `${clock} happens twice in ${zone.zone} (the clocks go back that night); send the offset you mean: ${clock}${before} (the first) or ${clock}${after} (the second)` };
}
