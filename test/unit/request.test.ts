import { describe, expect, it } from 'vitest';
import type { ToolEntry } from '../../src/catalog/types.js';
import { buildRequest, encodePathValue, UnsafeArgumentError } from '../../src/request.js';

const entry = (overrides: Partial<ToolEntry>): ToolEntry => ({
  name: 'x_y',
  operationId: 'y',
  method: 'GET',
  path: '/things/{thingId}',
  summary: 'Y',
  args: [{ name: 'thingId', in: 'path', required: true, schema: { type: 'string' } }],
  ...overrides,
});

describe('path values', () => {
  it('percent-encodes', () => {
    expect(encodePathValue('id', 'a b+c%2F')).toBe('a%20b%2Bc%252F');
    expect(encodePathValue('id', 42)).toBe('42');
  });

  it.each(['../x', 'a/b', '..', 'a\\b', 'a?b', 'a#b', 'a\nb', 'a\u007fb', ''])('refuses %j', (value) => {
    expect(() => encodePathValue('id', value)).toThrow(UnsafeArgumentError);
  });
});

describe('buildRequest', () => {
  it('puts each argument where the operation wants it, under its wire name, with the Version header', () => {
    const request = buildRequest(
      entry({
        method: 'PUT',
        version: '2021-07-28',
        body: { encoding: 'json', required: true },
        args: [
          { name: 'thingId', in: 'path', required: true, schema: { type: 'string' } },
          { name: 'type', in: 'query', schema: { type: 'string' } },
          { name: 'ids', in: 'query', schema: { type: 'array' } },
          { name: 'tags', in: 'query', csv: true, schema: { type: 'array' } },
          { name: 'X-Trace', in: 'header', schema: { type: 'string' } },
          { name: 'body_type', in: 'body', wire: 'type', schema: { type: 'string' } },
          { name: 'locationId', in: 'body', schema: { type: 'string' } },
        ],
      }),
      { thingId: 't 1', type: 'q', ids: ['a', 'b'], tags: ['x', 'y'], 'X-Trace': 'abc', body_type: 'b', locationId: 'L1' },
    );
    expect(request).toEqual({
      method: 'PUT',
      path: '/things/t%201',
      query: [
        ['type', 'q'],
        ['ids', 'a'],
        ['ids', 'b'],
        ['tags', 'x,y'],
      ],
      headers: { 'X-Trace': 'abc', Version: '2021-07-28' },
      body: { encoding: 'json', value: { type: 'b', locationId: 'L1' } },
      resource: 'location:L1',
    });
  });

  it('sends {} for a required body with nothing in it, and no body when it is optional and empty', () => {
    const required = buildRequest(entry({ method: 'POST', body: { encoding: 'json', required: true, whole: 'body' }, args: [] }), {});
    expect(required.body).toEqual({ encoding: 'json', value: {} });
    const optional = buildRequest(entry({ method: 'POST', body: { encoding: 'json' }, args: [] }), {});
    expect(optional.body).toBeUndefined();
  });

  it('sends a whole-body argument as the body itself', () => {
    const request = buildRequest(
      entry({ method: 'POST', body: { encoding: 'json', whole: 'body' }, args: [{ name: 'body', in: 'body', schema: { type: 'array' } }] }),
      { body: [{ a: 1 }] },
    );
    expect(request.body).toEqual({ encoding: 'json', value: [{ a: 1 }] });
  });

  it('makes multipart parts: base64 fields become files named after `name`', () => {
    const request = buildRequest(
      entry({
        method: 'POST',
        path: '/medias/upload-file',
        body: { encoding: 'multipart' },
        args: [
          { name: 'file', in: 'body', schema: { type: 'string', contentEncoding: 'base64' } },
          { name: 'name', in: 'body', schema: { type: 'string' } },
        ],
      }),
      { file: Buffer.from('hello').toString('base64'), name: 'greeting.txt' },
    );
    expect(request.body).toEqual({
      encoding: 'multipart',
      value: [
        { name: 'file', file: Buffer.from('hello'), filename: 'greeting.txt' },
        { name: 'name', value: 'greeting.txt' },
      ],
    });
  });

  it('keys the call by location, altId of a location, or company', () => {
    const args = [
      { name: 'altId', in: 'query' as const, schema: {} },
      { name: 'altType', in: 'query' as const, schema: {} },
      { name: 'companyId', in: 'query' as const, schema: {} },
    ];
    expect(buildRequest(entry({ path: '/x', args }), { altId: 'L2', altType: 'location' }).resource).toBe('location:L2');
    expect(buildRequest(entry({ path: '/x', args }), { companyId: 'C1' }).resource).toBe('company:C1');
    expect(buildRequest(entry({ path: '/x', args }), {}).resource).toBeUndefined();
  });
});
