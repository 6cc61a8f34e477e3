import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Catalog } from '../../src/catalog/catalog.js';
import { MODULES } from '../../tools/index.js';
import { OVERLAYS } from '../../tools/overlays/index.js';
import { SANDBOX_MODULES } from '../../src/sandbox/notice.js';
import { GHL_RATE_LIMIT, type Sandbox, startSandbox } from '../../src/sandbox/sandbox.js';
import { seededRandom } from '../../src/sandbox/state.js';
import { sandboxRequester } from '../helpers/sandbox-http.js';

// Thursday 5 March 2026, 10:00 in Austin (CST, -06:00); US daylight saving time starts on Sunday 8 March.
const NOW = Date.parse('2026-03-05T16:00:00Z');
const DAY = 24 * 60 * 60 * 1000;

describe('the sandbox fake, over HTTP with a fixed clock', () => {
  let sandbox: Sandbox;

  beforeAll(async () => {
    sandbox = await startSandbox({ now: () => NOW, random: seededRandom(7), token: 'sandbox-test-token' });
  });

  afterAll(async () => {
    await sandbox?.close();
  });

  const request = sandboxRequester(() => sandbox);
  const location = () => sandbox.locationId;

  it('checks the bearer token, the Version header and the location like GHL', async () => {
    expect((await request('GET', `/locations/${location()}`, { token: 'pit-wrong' })).body.message).toBe('Invalid token: access token is invalid');
    const missing = await request('GET', `/locations/${location()}`, { version: null });
    expect(missing).toMatchObject({ status: 401, body: { message: 'version header was not found.' } });
    const wrong = await request('GET', `/locations/${location()}`, { version: '2021-04-15' });
    expect(wrong.status).toBe(401);
    expect(wrong.body.message).toMatch(/^version header is invalid/);
    const elsewhere = await request('GET', '/locations/someOtherLocation00001');
    expect(elsewhere).toMatchObject({ status: 403, body: { message: 'The token does not have access to this location' } });
    expect(elsewhere.body.traceId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("sends GHL's rate-limit headers and counts down", async () => {
    const first = await request('GET', `/users/?locationId=${location()}`);
    const second = await request('GET', `/users/?locationId=${location()}`);
    expect(first.headers.get('x-ratelimit-max')).toBe('100');
    expect(first.headers.get('x-ratelimit-interval-milliseconds')).toBe('10000');
    expect(first.headers.get('x-ratelimit-limit-daily')).toBe('200000');
    expect(Number(second.headers.get('x-ratelimit-remaining'))).toBe(Number(first.headers.get('x-ratelimit-remaining')) - 1);
  });

  it('routes every operation of the catalog to itself: modelled ones to their handler, the rest to "not modelled"', async () => {
    sandbox.fake.rateLimit(undefined); // ~600 requests at once; the limit itself is tested above
    const modelled = new Set<string>();
    // The operations as the sandbox serves them: with their errata (funnels gain the Version header GHL wants).
    for (const { module, entry } of new Catalog(MODULES, OVERLAYS).tools()) {
      const path = entry.path.replace(/\{[^}]+\}/g, 'x1');
      const answer = await request(entry.method, path, { version: entry.version ?? null, body: entry.method === 'GET' ? undefined : {} });
      expect(String(answer.body?.message ?? ''), `${entry.method} ${entry.path}`).not.toMatch(/^Cannot /);
      if (answer.status === 501) expect(answer.body.message).toContain(`${entry.method} ${entry.path}`);
      else modelled.add(module);
    }
    expect([...modelled].sort()).toEqual([...SANDBOX_MODULES].sort());
    sandbox.fake.rateLimit(GHL_RATE_LIMIT);
  });

  it('computes free slots from open hours in the location time zone, across a DST change, without booked ones', async () => {
    const { calendars } = (await request('GET', `/calendars/?locationId=${location()}`, { version: '2021-04-15' })).body;
    const calendar = calendars.find((item: { name: string }) => item.name === 'New Patient Consultation');
    const query = `startDate=${NOW}&endDate=${NOW + 6 * DAY}`;
    const { traceId, ...days } = (await request('GET', `/calendars/${calendar.id}/free-slots?${query}`, { version: '2021-04-15' })).body;
    expect(traceId).toBeTypeOf('string');
    expect(Object.keys(days)).toEqual(['2026-03-05', '2026-03-06', '2026-03-09', '2026-03-10', '2026-03-11']);
    const slots = Object.values(days as Record<string, { slots: string[] }>).flatMap((day) => day.slots);
    for (const slot of slots) {
      const [, date, hour, minute, offset] = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2}):00([+-]\d{2}:00)$/.exec(slot)!;
      expect(offset).toBe(date! < '2026-03-08' ? '-06:00' : '-05:00');
      expect(['00', '30']).toContain(minute);
      expect((hour! >= '09' && hour! < '12') || (hour! >= '13' && hour! < '17')).toBe(true);
      expect(Date.parse(slot)).toBeGreaterThanOrEqual(NOW);
    }
    expect(days['2026-03-05'].slots[0]).toMatch(/^2026-03-05T1[01]:[03]0:00-06:00$/);
    const { events } = (await request('GET', `/calendars/events?locationId=${location()}&calendarId=${calendar.id}&startTime=${NOW}&endTime=${NOW + 6 * DAY}`, { version: '2021-04-15' })).body;
    expect(events.length).toBeGreaterThan(0);
    for (const event of events) expect(slots).not.toContain(event.startTime);
    const perWeekday = 14;
    const booked = events.filter((event: { startTime: string }) => event.startTime.startsWith('2026-03-09')).length;
    expect(days['2026-03-09'].slots).toHaveLength(perWeekday - booked);

    const london = (await request('GET', `/calendars/${calendar.id}/free-slots?${query}&timezone=Europe/London`, { version: '2021-04-15' })).body;
    expect(london['2026-03-09'].slots[0]).toMatch(/\+00:00$/);
    const tooLong = await request('GET', `/calendars/${calendar.id}/free-slots?startDate=${NOW}&endDate=${NOW + 40 * DAY}`, { version: '2021-04-15' });
    expect(tooLong).toMatchObject({ status: 422, body: { message: [expect.stringContaining('31 days')] } });
  });

  it("reads a booking time without an offset as the location's wall clock", async () => {
    const calendars = (await request('GET', `/calendars/?locationId=${location()}`, { version: '2021-04-15' })).body.calendars;
    const calendar = calendars.find((item: { name: string }) => item.name === 'Cleaning & Checkup');
    const days = (await request('GET', `/calendars/${calendar.id}/free-slots?startDate=${NOW + 4 * DAY}&endDate=${NOW + 5 * DAY}`, { version: '2021-04-15' })).body;
    const slot: string = days['2026-03-09'].slots[0];
    const contact = (await request('GET', `/contacts/?locationId=${location()}&limit=1`)).body.contacts[0];
    const booked = await request('POST', '/calendars/events/appointments', {
      version: '2021-04-15',
      body: { calendarId: calendar.id, locationId: location(), contactId: contact.id, startTime: slot.slice(0, 19) },
    });
    expect(booked.status).toBe(200);
    expect(booked.body.startTime).toBe(slot);
    expect(Date.parse(booked.body.endTime) - Date.parse(slot)).toBe(60 * 60 * 1000);
  });

  it('gives real-looking IDs and timestamps from its clock', async () => {
    const created = await request('POST', '/contacts/', { body: { locationId: location(), firstName: 'Mary', lastName: 'Jackson', email: 'mary.jackson@example.com' } });
    expect(created.status).toBe(201);
    expect(created.body.contact.id).toMatch(/^[A-Za-z0-9]{20}$/);
    expect(created.body.contact.dateAdded).toBe(new Date(NOW).toISOString());
    const product = (await request('GET', `/products/?locationId=${location()}&limit=1`)).body.products[0];
    expect(product._id).toMatch(/^[0-9a-f]{24}$/);
    const { pipelines } = (await request('GET', `/opportunities/pipelines?locationId=${location()}`)).body;
    expect(pipelines[0].stages[0].id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const missingLocation = await request('POST', '/contacts/', { body: { firstName: 'No location' } });
    expect(missingLocation).toMatchObject({ status: 422, body: { statusCode: 422, message: ['locationId should not be empty'], error: 'Unprocessable Entity' } });
  });
});
