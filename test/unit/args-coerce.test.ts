import { describe, expect, it, vi } from 'vitest';
import { coerce, type Findings } from '../../src/args/coerce.js';
import type { ZoneAnswer } from '../../src/args/times.js';
import type { JsonSchema } from '../../src/catalog/types.js';

const CHICAGO: ZoneAnswer = { zone: 'America/Chicago' };
const EPOCH_MS: JsonSchema = { type: 'number', format: 'epoch-ms' };
const EPOCH_S: JsonSchema = { type: 'integer', format: 'epoch-s' };

async function run(schema: JsonSchema, value: unknown, options: { zone?: ZoneAnswer; csv?: boolean; asText?: boolean } = {}) {
  const found: Findings = { notes: [], refusals: [] };
  const zone = vi.fn(async () => options.zone ?? CHICAGO);
  const out = await coerce(schema, value, 'field', found, zone, { csv: options.csv, asText: options.asText });
  return { out, notes: found.notes, refusals: found.refusals.map((refusal) => refusal.text), zoneReads: zone.mock.calls.length };
}

describe('epoch fields take ISO 8601 and say how they read it', () => {
  it('a date without an offset is midnight in the location zone, stated in the note', async () => {
    const { out, notes } = await run(EPOCH_MS, '2026-12-01');
    expect(out).toBe(Date.UTC(2026, 11, 1, 6));
    expect(notes).toEqual(['field read as 2026-12-01T00:00 America/Chicago = 1796104800000 (epoch ms)']);
  });

  it('seconds for an epoch-s field', async () => {
    const { out, notes } = await run(EPOCH_S, '2026-12-01T09:00Z');
    expect(out).toBe(Date.UTC(2026, 11, 1, 9) / 1000);
    expect(notes).toEqual([`field read as 2026-12-01T09:00Z = ${Date.UTC(2026, 11, 1, 9) / 1000} (epoch seconds)`]);
  });

  it('reads the zone only when a time has no offset', async () => {
    expect((await run(EPOCH_MS, '2026-12-01T09:00-05:00')).zoneReads).toBe(0);
    expect((await run(EPOCH_MS, 1796104800000)).zoneReads).toBe(0);
    expect((await run(EPOCH_MS, '2026-12-01T09:00')).zoneReads).toBe(1);
  });

  it('a number in its unit passes untouched, as text it becomes the number', async () => {
    expect(await run(EPOCH_MS, 1796104800000)).toMatchObject({ out: 1796104800000, notes: [], refusals: [] });
    expect(await run(EPOCH_MS, '1796104800000')).toMatchObject({ out: 1796104800000, notes: ['field read as the number 1796104800000'] });
  });

  it('a small number is taken as it is (no one sends a 1970 date by mistake)', async () => {
    expect(await run(EPOCH_MS, 5)).toMatchObject({ out: 5, refusals: [] });
  });

  it('a number a thousand times off is refused, naming both fixes', async () => {
    const seconds = await run(EPOCH_MS, 1796104800);
    expect(seconds.refusals).toEqual([expect.stringMatching(/^field: 1796104800 as milliseconds is a moment in 1970-1973; if it is in seconds, send 1796104800000/)]);
    const millis = await run(EPOCH_S, '1796104800000');
    expect(millis.refusals).toEqual([expect.stringMatching(/^field: 1796104800000 as seconds .* send 1796104800,/)]);
    expect(millis.out).toBe('1796104800000');
  });

  it.each([
    ['01/02/2026', 'order that differs by country'],
    ['2026-03-08T02:30', 'does not exist in America/Chicago'],
    ['2026-11-01T01:30', 'happens twice in America/Chicago'],
    ['tomorrow', 'not a date or time this server reads'],
  ])('%s is refused and left as it was', async (text, reason) => {
    const { out, refusals, notes } = await run(EPOCH_MS, text);
    expect(out).toBe(text);
    expect(notes).toEqual([]);
    expect(refusals).toEqual([expect.stringContaining(reason)]);
    expect(refusals[0]).toMatch(/^field: /);
  });

  it('an unknown zone refuses times without an offset, with the reason', async () => {
    const { refusals } = await run(EPOCH_MS, '2026-12-01', { zone: { unknown: 'no location is named in the call or configured' } });
    expect(refusals).toEqual([expect.stringContaining('not known (no location is named in the call or configured)')]);
  });

  it('an epoch field typed string (calendar events) takes ISO 8601 too, sent as the digits GHL expects', async () => {
    const EPOCH_TEXT: JsonSchema = { type: 'string', format: 'epoch-ms' };
    const iso = await run(EPOCH_TEXT, '2026-12-01', { asText: true });
    expect(iso).toMatchObject({ out: '1796104800000', refusals: [] });
    expect(iso.notes).toEqual(['field read as 2026-12-01T00:00 America/Chicago = 1796104800000 (epoch ms, sent as text)']);
    expect(await run(EPOCH_TEXT, '2026-12-01T09:00Z', { asText: true })).toMatchObject({ out: String(Date.UTC(2026, 11, 1, 9)), zoneReads: 0 });
    expect(await run(EPOCH_TEXT, '1796104800000', { asText: true })).toMatchObject({ out: '1796104800000', notes: [], refusals: [] });
    expect(await run(EPOCH_TEXT, 1796104800000, { asText: true })).toMatchObject({ out: '1796104800000', notes: ['field read as the text "1796104800000"'] });
    expect((await run(EPOCH_TEXT, '1796104800', { asText: true })).refusals).toEqual([expect.stringMatching(/^field: 1796104800 as milliseconds is a moment in 1970/)]);
    expect((await run(EPOCH_TEXT, '01/12/2026', { asText: true })).refusals).toEqual([expect.stringContaining('order that differs by country')]);
  });
});

describe('numbers and booleans written as text', () => {
  it.each([
    ['10', 10],
    [' -2.5 ', -2.5],
    ['1e3', 1000],
  ])('number %j', async (text, number) => {
    const { out, notes } = await run({ type: 'number' }, text);
    expect(out).toBe(number);
    expect(notes).toEqual([`field read as the number ${number}`]);
  });

  it('an integer field takes "3" (and leaves "3.5" for validation to refuse)', async () => {
    expect((await run({ type: 'integer' }, '3')).out).toBe(3);
    expect((await run({ type: 'integer' }, '3.5')).out).toBe(3.5);
  });

  it('a comma in a number has two readings: refused', async () => {
    const { out, refusals } = await run({ type: 'number' }, '1,500');
    expect(out).toBe('1,500');
    expect(refusals).toEqual([expect.stringContaining('the comma could group thousands or mark decimals')]);
  });

  it('other text is left for validation', async () => {
    expect(await run({ type: 'number' }, 'ten')).toEqual({ out: 'ten', notes: [], refusals: [], zoneReads: 0 });
  });

  it.each([
    ['true', true],
    ['FALSE', false],
  ])('boolean %j', async (text, flag) => {
    expect(await run({ type: 'boolean' }, text)).toMatchObject({ out: flag, notes: [`field read as ${flag}`] });
  });

  it('"yes" is not a boolean here', async () => {
    expect((await run({ type: 'boolean' }, 'yes')).out).toBe('yes');
  });
});

describe('text fields', () => {
  it('a number or boolean becomes its text where the value travels as text anyway (query, path, header)', async () => {
    expect(await run({ type: 'string' }, 10, { asText: true })).toMatchObject({ out: '10', notes: ['field read as the text "10"'] });
    expect(await run({ type: 'string' }, false, { asText: true })).toMatchObject({ out: 'false', notes: ['field read as the text "false"'] });
    expect(await run({ type: 'array', items: { type: 'string' } }, [1, 'b'], { asText: true })).toMatchObject({ out: ['1', 'b'] });
  });

  it('in a JSON body a number for a text field is left for validation (its form may be lost: 02134, 1.50)', async () => {
    expect(await run({ type: 'string' }, 78704)).toEqual({ out: 78704, notes: [], refusals: [], zoneReads: 0 });
    expect(await run({ type: 'object', properties: { zip: { type: 'string' } } }, { zip: 2134 }, { asText: true })).toMatchObject({ out: { zip: 2134 }, notes: [] });
  });

  it('a date field refuses a number and a day/month date with the fix', async () => {
    expect((await run({ type: 'string', format: 'date' }, 1796104800000)).refusals).toEqual([expect.stringContaining('a number is not a date here; send ISO 8601')]);
    expect((await run({ type: 'string', format: 'date-time' }, '02/01/2026')).refusals).toEqual([expect.stringContaining('order that differs by country')]);
    expect(await run({ type: 'string', format: 'date' }, '2026-12-01')).toEqual({ out: '2026-12-01', notes: [], refusals: [], zoneReads: 0 });
    expect(await run({ type: 'string' }, '02/01/2026')).toEqual({ out: '02/01/2026', notes: [], refusals: [], zoneReads: 0 });
  });
});

describe('a single value where a list is wanted', () => {
  const tags: JsonSchema = { type: 'array', items: { type: 'string' } };

  it('becomes a list of one', async () => {
    expect(await run(tags, 'vip')).toMatchObject({ out: ['vip'], notes: ['field read as a list of one: ["vip"]'] });
  });

  it('items are converted too, with their index in the path', async () => {
    const { out, notes } = await run({ type: 'array', items: { type: 'object', properties: { qty: { type: 'number' } } } }, { qty: '2', name: 'x' });
    expect(out).toEqual([{ qty: 2, name: 'x' }]);
    expect(notes).toEqual(['field read as a list of one: [{"qty":"2","name":"x"}]', 'field[0].qty read as the number 2']);
  });

  it('text with commas could be one value or several: refused, unless the list is sent comma-separated anyway', async () => {
    const { refusals } = await run(tags, 'vip, newsletter');
    expect(refusals).toEqual(['field: "vip, newsletter" could be one value or 2; send a list: ["vip","newsletter"] or ["vip, newsletter"]']);
    expect((await run(tags, 'a,b', { csv: true })).out).toEqual(['a,b']);
  });

  it('a list or object written as JSON text is refused', async () => {
    expect((await run(tags, '["vip"]')).refusals).toEqual([expect.stringContaining('a list written as text')]);
    expect((await run({ type: 'object', properties: {} }, '{"a":1}')).refusals).toEqual([expect.stringContaining('an object written as text')]);
  });
});

describe('schemas the walk follows', () => {
  it('nested objects, nullable types and a single anyOf branch', async () => {
    const schema: JsonSchema = {
      type: 'object',
      properties: {
        when: { anyOf: [{ type: 'number', format: 'epoch-ms' }, { type: 'null' }] },
        count: { type: ['integer', 'null'] },
        inner: { type: 'object', properties: { on: { type: 'boolean' } } },
      },
    };
    const { out } = await run(schema, { when: '2026-12-01T00:00Z', count: '4', inner: { on: 'true' }, other: '5' });
    expect(out).toEqual({ when: Date.UTC(2026, 11, 1), count: 4, inner: { on: true }, other: '5' });
  });

  it('leaves values alone where the schema allows several types', async () => {
    expect(await run({ anyOf: [{ type: 'number' }, { type: 'string' }] }, '5')).toMatchObject({ out: '5', notes: [] });
    expect(await run({ type: ['number', 'string'] }, '5')).toMatchObject({ out: '5', notes: [] });
    expect(await run({}, '5')).toMatchObject({ out: '5', notes: [] });
  });
});
