const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const offsetFormats = new Map<string, Intl.DateTimeFormat>();
const dateFormats = new Map<string, Intl.DateTimeFormat>();

function offsetFormat(timeZone: string): Intl.DateTimeFormat {
  let format = offsetFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' });
    offsetFormats.set(timeZone, format);
  }
  return format;
}

/** Whether the runtime knows this IANA zone name (`America/Chicago`). */
export function isKnownZone(timeZone: string): boolean {
  try {
    offsetFormat(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The zone's offset from UTC at an instant, in minutes (`-360` for America/Chicago in winter). */
export function zoneOffset(instant: number, timeZone: string): number {
  const name = offsetFormat(timeZone).formatToParts(new Date(instant)).find((part) => part.type === 'timeZoneName')?.value ?? 'GMT';
  const match = /^GMT([+-])(\d{2}):(\d{2})$/.exec(name);
  if (!match) return 0;
  const minutes = Number(match[2]) * 60 + Number(match[3]);
  return match[1] === '-' ? -minutes : minutes;
}

/**
 * Every instant at which the zone's clock shows this wall-clock time (given as if it were UTC): one normally,
 * none in a spring-forward gap, two in a fall-back hour. Offsets are taken a day either side, which covers
 * every zone's single change on a given day.
 */
export function wallClockInstants(wallAsUtc: number, timeZone: string): number[] {
  const offsets = new Set([zoneOffset(wallAsUtc - 24 * HOUR, timeZone), zoneOffset(wallAsUtc + 24 * HOUR, timeZone), zoneOffset(wallAsUtc, timeZone)]);
  const instants = new Set<number>();
  for (const offset of offsets) {
    const instant = wallAsUtc - offset * MINUTE;
    if (zoneOffset(instant, timeZone) === offset) instants.add(instant);
  }
  return [...instants].sort((a, b) => a - b);
}

/** The calendar date at an instant in the zone, `YYYY-MM-DD`. */
export function dateInZone(instant: number, timeZone: string): string {
  let format = dateFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    dateFormats.set(timeZone, format);
  }
  const parts = Object.fromEntries(format.formatToParts(new Date(instant)).map((part) => [part.type, part.value]));
  return `${parts.year}-${parts.month}-${parts.day}`;
}

/** `-05:00` for -300 minutes. */
export function offsetText(minutes: number): string {
  const size = Math.abs(minutes);
  const pad = (value: number) => String(value).padStart(2, '0');
  return `${minutes < 0 ? '-' : '+'}${pad(Math.floor(size / 60))}:${pad(size % 60)}`;
}
