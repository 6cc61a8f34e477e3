import { describe, expect, it } from 'vitest';
import { isoInZone, localDateKey, offsetMinutes, parseInZone } from '../../src/sandbox/slots.js';

/** The offset as Intl names it (`GMT-05:00`), the reference the cached offsets must agree with. */
function referenceOffset(ms: number, timeZone: string): number {
  const name = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' }).formatToParts(new Date(ms)).find((part) => part.type === 'timeZoneName')!.value;
  const match = /GMT(?:([+-])(\d{2}):(\d{2}))?/.exec(name)!;
  return match[1] ? (match[1] === '-' ? -1 : 1) * (Number(match[2]) * 60 + Number(match[3])) : 0;
}

describe('sandbox time zones', () => {
  it.each([
    ['America/Chicago', '2026-03-07T00:00:00Z', '2026-03-10T00:00:00Z'],
    ['America/Chicago', '2026-10-31T00:00:00Z', '2026-11-03T00:00:00Z'],
    ['Europe/London', '2026-03-28T00:00:00Z', '2026-03-31T00:00:00Z'],
    ['Australia/Lord_Howe', '2026-04-04T00:00:00Z', '2026-04-06T00:00:00Z'],
    ['Asia/Kathmandu', '2026-01-01T00:00:00Z', '2026-01-02T00:00:00Z'],
  ])('gives the offset of %s exactly, every 5 minutes across %s → %s', (zone, from, to) => {
    const wrong: string[] = [];
    for (let ms = Date.parse(from); ms < Date.parse(to); ms += 5 * 60_000) {
      if (offsetMinutes(ms, zone) !== referenceOffset(ms, zone)) wrong.push(new Date(ms).toISOString());
    }
    expect(wrong).toEqual([]);
  });

  it('writes and reads wall-clock times in a zone', () => {
    const ms = Date.parse('2026-03-09T14:30:00Z');
    expect(isoInZone(ms, 'America/Chicago')).toBe('2026-03-09T09:30:00-05:00');
    expect(isoInZone(ms, 'Asia/Kathmandu')).toBe('2026-03-09T20:15:00+05:45');
    expect(localDateKey(Date.parse('2026-03-09T04:00:00Z'), 'America/Chicago')).toBe('2026-03-08');
    expect(parseInZone('2026-03-09T09:30', 'America/Chicago')).toBe(ms);
    expect(parseInZone('2026-03-09T09:30:00-05:00', 'Europe/London')).toBe(ms);
  });
});
