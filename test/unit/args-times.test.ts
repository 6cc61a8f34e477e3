import { describe, expect, it } from 'vitest';
import { instantOf, parseTime, type TimeReading } from '../../src/args/times.js';
import { dateInZone } from '../../src/args/zone.js';

const CHICAGO = { zone: 'America/Chicago' };

function read(text: string, zone: { zone: string } | { unknown: string } = CHICAGO): TimeReading {
  const written = parseTime(text);
  return 'refused' in written ? written : instantOf(written, zone);
}

describe('ISO 8601 read as an instant', () => {
  it.each([
    ['2026-12-01', Date.UTC(2026, 11, 1, 6), '2026-12-01T00:00 America/Chicago'],
    ['2026-12-01T09:30', Date.UTC(2026, 11, 1, 15, 30), '2026-12-01T09:30 America/Chicago'],
    ['2026-12-01 09:30:15.250', Date.UTC(2026, 11, 1, 15, 30, 15, 250), '2026-12-01T09:30:15.250 America/Chicago'],
    ['2026-07-01T09:00', Date.UTC(2026, 6, 1, 14), '2026-07-01T09:00 America/Chicago'],
    ['2026-12-01T09:30Z', Date.UTC(2026, 11, 1, 9, 30), '2026-12-01T09:30Z'],
    ['2026-12-01T09:30+05:30', Date.UTC(2026, 11, 1, 4), '2026-12-01T09:30+05:30'],
    ['2026-12-01T09:30-0600', Date.UTC(2026, 11, 1, 15, 30), '2026-12-01T09:30-06:00'],
  ])('%s', (text, instant, shown) => {
    expect(read(text)).toEqual({ instant, shown });
  });

  it('reads a time without an offset in the zone given, not the machine’s', () => {
    expect(read('2026-12-01T09:00', { zone: 'Asia/Kolkata' })).toEqual({ instant: Date.UTC(2026, 11, 1, 3, 30), shown: '2026-12-01T09:00 Asia/Kolkata' });
  });

  it('takes the offset a time carries, whatever the zone', () => {
    expect(read('2026-12-01T09:00-05:00', { unknown: 'not read' })).toEqual({ instant: Date.UTC(2026, 11, 1, 14), shown: '2026-12-01T09:00-05:00' });
  });
});

describe('times with two readings (or none) are refused with the fix', () => {
  it('a time the clocks skip (spring forward in Chicago) names both offsets', () => {
    expect(read('2026-03-08T02:30')).toEqual({ refused: expect.stringMatching(/does not exist in America\/Chicago.*2026-03-08T02:30-06:00 or 2026-03-08T02:30-05:00/) });
  });

  it('a time shown twice (fall back in Chicago) names the first and the second', () => {
    expect(read('2026-11-01T01:30')).toEqual({
      refused: expect.stringMatching(/happens twice in America\/Chicago.*2026-11-01T01:30-05:00 \(the first\) or 2026-11-01T01:30-06:00 \(the second\)/),
    });
  });

  it('just outside the DST hours there is one reading', () => {
    expect(read('2026-03-08T01:59')).toMatchObject({ instant: Date.UTC(2026, 2, 8, 7, 59) });
    expect(read('2026-03-08T03:00')).toMatchObject({ instant: Date.UTC(2026, 2, 8, 8) });
    expect(read('2026-11-01T00:59')).toMatchObject({ instant: Date.UTC(2026, 10, 1, 5, 59) });
    expect(read('2026-11-01T02:00')).toMatchObject({ instant: Date.UTC(2026, 10, 1, 8) });
  });

  it('southern-hemisphere and half-hour shifts too', () => {
    expect(read('2026-04-05T02:30', { zone: 'Australia/Sydney' })).toMatchObject({ refused: expect.stringContaining('+11:00 (the first) or 2026-04-05T02:30+10:00') });
    expect(read('2026-10-04T02:15', { zone: 'Australia/Lord_Howe' })).toMatchObject({ refused: expect.stringContaining('+10:30 or 2026-10-04T02:15+11:00') });
  });

  it('a date is the start of its day, even where the clocks skip midnight', () => {
    expect(read('2026-09-06', { zone: 'America/Santiago' })).toEqual({
      instant: Date.UTC(2026, 8, 6, 4),
      shown: '2026-09-06T01:00 America/Santiago (the start of that day: the clocks skip midnight)',
    });
  });

  it('a date whose midnight happens twice is the first (the start of the day)', () => {
    expect(read('2026-11-01', { zone: 'America/Havana' })).toEqual({ instant: Date.UTC(2026, 10, 1, 4), shown: '2026-11-01T00:00 America/Havana' });
    expect(read('2026-11-01T00:00', { zone: 'America/Havana' })).toMatchObject({ refused: expect.stringContaining('happens twice in America/Havana') });
  });

  it('a date and time with no offset when the location zone is not known', () => {
    expect(read('2026-12-01', { unknown: 'the location profile could not be read: HTTP 403' })).toEqual({
      refused: expect.stringMatching(/no offset.*not known \(the location profile could not be read: HTTP 403\).*2026-12-01T00:00-06:00/),
    });
  });

  it.each(['01/02/2026', '1.2.26', '13-02-2026'])('day and month in a local order: %s', (text) => {
    expect(read(text)).toEqual({ refused: expect.stringContaining('order that differs by country') });
  });

  it.each([
    ['2026-02-30', 'not a real date'],
    ['2026-12-01T24:00', 'not a real date'],
    ['2026-12-01T09:30+15:00', 'offset no zone uses'],
    ['next tuesday', 'not a date or time this server reads'],
    ['2026-12-01T09', 'not a date or time this server reads'],
    ['Dec 1, 2026', 'not a date or time this server reads'],
  ])('%s is refused (%s)', (text, reason) => {
    expect(read(text)).toEqual({ refused: expect.stringContaining(reason) });
  });
});

describe('today in a zone', () => {
  it('is the zone’s calendar date, which differs from UTC’s around midnight', () => {
    const lateEvening = Date.UTC(2026, 11, 2, 3); // 21:00 on 1 December in Chicago
    expect(dateInZone(lateEvening, 'America/Chicago')).toBe('2026-12-01');
    expect(dateInZone(lateEvening, 'Asia/Tokyo')).toBe('2026-12-02');
  });
});
