import { describe, expect, it } from 'vitest';
import { dateIn, dayWindow, resolveDate } from '../../src/prompts/day.js';

const HOUR = 3_600_000;

describe('a day in a time zone', () => {
  it('runs from local midnight to the last millisecond before the next one', () => {
    expect(dayWindow('2025-07-01', 'America/Chicago')).toEqual({ start: Date.parse('2025-07-01T05:00:00Z'), end: Date.parse('2025-07-02T05:00:00Z') - 1 });
    expect(dayWindow('2025-07-01', 'Asia/Kolkata')).toEqual({ start: Date.parse('2025-06-30T18:30:00Z'), end: Date.parse('2025-07-01T18:30:00Z') - 1 });
    expect(dayWindow('2025-07-01', 'UTC').start).toBe(Date.parse('2025-07-01T00:00:00Z'));
  });

  it('has 23 or 25 hours on the days the clocks change', () => {
    const spring = dayWindow('2025-03-09', 'America/Chicago');
    expect(spring.end + 1 - spring.start).toBe(23 * HOUR);
    const autumn = dayWindow('2025-11-02', 'America/Chicago');
    expect(autumn.end + 1 - autumn.start).toBe(25 * HOUR);
    // Clocks jump from 00:00 to 01:00 here: the day starts at 01:00 local.
    expect(dayWindow('2025-03-30', 'Atlantic/Azores').start).toBe(Date.parse('2025-03-30T01:00:00Z'));
  });

  it('reads today, tomorrow and dates in the zone, and nothing else', () => {
    const now = Date.parse('2025-07-01T03:00:00Z'); // still June 30 in Chicago
    expect(dateIn('America/Chicago', now)).toBe('2025-06-30');
    expect(resolveDate(undefined, 'America/Chicago', now)).toBe('2025-06-30');
    expect(resolveDate('Tomorrow', 'America/Chicago', now)).toBe('2025-07-01');
    expect(resolveDate('2025-12-24', 'America/Chicago', now)).toBe('2025-12-24');
    expect(resolveDate('2025-13-40', 'America/Chicago', now)).toBeUndefined();
    expect(resolveDate('next week', 'America/Chicago', now)).toBeUndefined();
  });
});
