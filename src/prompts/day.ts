const DAY_MS = 86_400_000;
const formats = new Map<string, Intl.DateTimeFormat>();

function wallClock(timeZone: string): Intl.DateTimeFormat {
  let format = formats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
    });
    formats.set(timeZone, format);
  }
  return format;
}

/** The wall-clock time in the zone at an instant, read as if it were UTC. */
function wallAsUtc(instant: number, timeZone: string): number {
  const part = Object.fromEntries(wallClock(timeZone).formatToParts(new Date(instant)).map((piece) => [piece.type, Number(piece.value)]));
  return Date.UTC(part.year!, part.month! - 1, part.day!, part.hour!, part.minute!, part.second!);
}

/** The date (`YYYY-MM-DD`) the zone's calendar shows at an instant. */
export function dateIn(timeZone: string, instant = Date.now()): string {
  return new Date(wallAsUtc(instant, timeZone)).toISOString().slice(0, 10);
}

/** The first instant of a date in the zone (its midnight, or the first minute after a gap at midnight). */
function startOf(date: string, timeZone: string): number {
  const midnight = Date.parse(`${date}T00:00:00Z`);
  const guess = midnight - (wallAsUtc(midnight, timeZone) - midnight);
  // One correction covers an offset that changes between the guess and midnight; when midnight falls in a
  // spring-forward gap the correction lands on the day before, and the guess is the first instant of the day.
  const corrected = guess - (wallAsUtc(guess, timeZone) - midnight);
  return dateIn(timeZone, corrected) === date ? corrected : guess;
}

/** A whole day in the zone as epoch milliseconds, first to last: what GHL's event windows take. */
export function dayWindow(date: string, timeZone: string): { start: number; end: number } {
  const next = new Date(Date.parse(`${date}T00:00:00Z`) + DAY_MS).toISOString().slice(0, 10);
  return { start: startOf(date, timeZone), end: startOf(next, timeZone) - 1 };
}

/** `today`, `tomorrow` or a `YYYY-MM-DD` date → the date; undefined for anything else. */
export function resolveDate(text: string | undefined, timeZone: string, now = Date.now()): string | undefined {
  const value = (text ?? '').trim().toLowerCase();
  if (value === '' || value === 'today') return dateIn(timeZone, now);
  if (value === 'tomorrow') return dateIn(timeZone, now + DAY_MS);
  return /^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(Date.parse(`${value}T00:00:00Z`)) ? value : undefined;
}
