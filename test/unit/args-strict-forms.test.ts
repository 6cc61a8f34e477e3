import { describe, expect, it } from 'vitest';
import type { Findings } from '../../src/args/coerce.js';
import { mapsFromPairs } from '../../src/args/maps.js';
import { nullsLeftOut, topLevelNullsLeftOut } from '../../src/args/nulls.js';
import type { ArgSpec, JsonSchema } from '../../src/catalog/types.js';

/** What strict-mode clients send for a listing in the strict subset, turned back into what GHL wants. */
const findings = (): Findings => ({ notes: [], refusals: [] });

describe('maps sent as {key, value} pairs', () => {
  const meta: JsonSchema = { type: 'object' };

  it('become the object, with a note saying so', () => {
    const found = findings();
    const pairs = [{ key: 'source', value: 'web' }, { key: 'score', value: 3 }];
    expect(mapsFromPairs(meta, pairs, 'meta', found)).toEqual({ source: 'web', score: 3 });
    expect(found).toEqual({ notes: ['meta read from 2 key/value pairs as {"source":"web","score":3}'], refusals: [] });
  });

  it('reach maps inside objects, lists and a single kind of a union; typed map values are walked too', () => {
    const schema: JsonSchema = {
      type: 'object',
      properties: {
        steps: { type: 'array', items: { type: 'object', properties: { data: { anyOf: [{ type: 'object' }, { type: 'null' }] } } } },
        phones: { type: 'object', additionalProperties: { type: 'object' } },
      },
    };
    const found = findings();
    const value = { steps: [{ data: [{ key: 'a', value: true }] }], phones: [{ key: 'L1', value: [{ key: 'main', value: '+1' }] }] };
    expect(mapsFromPairs(schema, value, 'args', found)).toEqual({ steps: [{ data: { a: true } }], phones: { L1: { main: '+1' } } });
    expect(found.notes).toHaveLength(3);
  });

  it('leave an object sent as such, and lists that are not pairs, for validation to judge', () => {
    const found = findings();
    expect(mapsFromPairs(meta, { source: 'web' }, 'meta', found)).toEqual({ source: 'web' });
    expect(mapsFromPairs(meta, [{ key: 'a', value: 1, extra: 2 }], 'meta', found)).toEqual([{ key: 'a', value: 1, extra: 2 }]);
    expect(mapsFromPairs(meta, ['a'], 'meta', found)).toEqual(['a']);
    // Where a list is one of several kinds a field takes, pairs could be that list: nothing is changed.
    const either: JsonSchema = { anyOf: [{ type: 'object' }, { type: 'array', items: { type: 'object' } }] };
    expect(mapsFromPairs(either, [{ key: 'a', value: 1 }], 'x', found)).toEqual([{ key: 'a', value: 1 }]);
    expect(found).toEqual({ notes: [], refusals: [] });
  });

  it('refuse a key given twice: which value was meant is unclear', () => {
    const found = findings();
    mapsFromPairs(meta, [{ key: 'a', value: 1 }, { key: 'a', value: 2 }], 'meta', found);
    expect(found.refusals).toEqual([{ path: 'meta', text: 'meta: key "a" is given twice; give each key once' }]);
  });

  it('an empty list of pairs is the empty map', () => {
    expect(mapsFromPairs(meta, [], 'meta', findings())).toEqual({});
  });
});

describe('null for a field left out', () => {
  const args: ArgSpec[] = [
    { name: 'name', in: 'body', required: true, schema: { type: 'string' } },
    { name: 'note', in: 'body', schema: { type: ['string', 'null'] } },
    { name: 'tags', in: 'body', schema: { type: 'array', items: { type: 'string' } } },
    {
      name: 'address',
      in: 'body',
      schema: { type: 'object', properties: { city: { type: 'string' }, zip: { anyOf: [{ type: 'string' }, { type: 'null' }] }, lines: { type: 'array', items: { type: 'object', properties: { text: { type: 'string' } } } } } },
    },
  ];

  it('is dropped at every depth, where the documents let a field take null too (an update would empty it), and named in one note', () => {
    const found = findings();
    const sent = { name: 'Ada', note: null, tags: null, address: { city: null, zip: null, lines: [{ text: null }] }, other: null };
    // An undeclared field is left for validation to refuse.
    expect(nullsLeftOut(args, sent, found)).toEqual({ name: 'Ada', address: { lines: [{}] }, other: null });
    expect(found.notes).toEqual(['null read as left out: note, tags, address.city, address.zip, address.lines[0].text']);
  });

  it('changes nothing when no field is null', () => {
    const found = findings();
    expect(nullsLeftOut(args, { name: 'Ada' }, found)).toEqual({ name: 'Ada' });
    expect(found.notes).toEqual([]);
  });

  it('is dropped at the top level of the server\'s own tools', () => {
    expect(topLevelNullsLeftOut({ name: 'contacts_get_contact', arguments: '{}', maxPages: null })).toEqual({ name: 'contacts_get_contact', arguments: '{}' });
    expect(topLevelNullsLeftOut(undefined)).toBeUndefined();
  });
});
