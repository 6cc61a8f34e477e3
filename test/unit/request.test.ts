import { describe, expect, it } from 'vitest';
import { Catalog } from '../../src/catalog/catalog.js';
import type { ToolEntry } from '../../src/catalog/types.js';
import type { GhlClient } from '../../src/client/ghl-client.js';
import { Executor } from '../../src/executor.js';
import { createLogger } from '../../src/logger.js';
import { buildRequest, encodePathValue, UnsafeArgumentError } from '../../src/request.js';
import { MODULES } from '../../tools/index.js';
import { OVERLAYS } from '../../tools/overlays/index.js';

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

  // The URL parser drops a "." segment (and %2e is the same segment), so the request would reach another endpoint.
  it.each(['.', '%2e', '%2E', '.%2e', '%2e%2E'])('refuses the dot segment %j', (value) => {
    expect(() => encodePathValue('id', value)).toThrow(/only dots/);
  });

  it.each(['a.b', '.a', 'v1.', '1.5'])('keeps dots inside an ID: %j', (value) => {
    expect(encodePathValue('id', value)).toBe(value);
  });

  it.each(['\uD800', 'a\uDC00b', 'x\uDBFF'])('refuses a lone surrogate %j with the argument named', (value) => {
    expect(() => encodePathValue('contactId', value)).toThrow(/contactId: contains a lone UTF-16 surrogate/);
  });

  it('keeps a whole surrogate pair (an emoji) and encodes it', () => {
    expect(encodePathValue('id', 'a\u{1F600}')).toBe('a%F0%9F%98%80');
  });
});

describe('path values of every catalog operation', () => {
  const catalog = new Catalog(MODULES, OVERLAYS);
  const withPathArgs = catalog.tools().filter((tool) => tool.entry.args.some((arg) => arg.in === 'path'));

  it('never let "." in any path parameter reach another endpoint (e.g. a get landing on its list)', () => {
    expect(withPathArgs.length).toBeGreaterThan(300);
    for (const tool of withPathArgs) {
      const pathArgs = tool.entry.args.filter((arg) => arg.in === 'path');
      for (const target of pathArgs) {
        const args = Object.fromEntries(pathArgs.map((arg) => [arg.name, arg === target ? '.' : 'x1']));
        expect(() => buildRequest(tool.entry, args), `${tool.name} ${target.name}`).toThrow(UnsafeArgumentError);
      }
    }
  });

  it('contacts_get_note {id: "."} and contacts_delete_contact {contactId: "."} are error results, and nothing is sent', async () => {
    const sent: unknown[] = [];
    const client = { send: async (request: unknown) => void sent.push(request) } as unknown as GhlClient;
    const executor = new Executor(client, { defaults: {}, maxResultChars: 10_000, secrets: () => [] }, createLogger('silent'));
    const note = await executor.call(catalog.get('contacts_get_note')!, { contactId: 'c1', id: '.' });
    expect(note.isError).toBe(true);
    expect(note.content[0]!.text).toContain('id: must be a plain ID');
    const deleted = await executor.call(catalog.get('contacts_delete_contact')!, { contactId: '%2e' });
    expect(deleted.isError).toBe(true);
    const surrogate = await executor.call(catalog.get('contacts_get_contact')!, { contactId: 'c\uD800' });
    expect(surrogate.isError).toBe(true);
    expect(surrogate.content[0]!.text).toContain('contactId: contains a lone UTF-16 surrogate');
    expect(sent).toEqual([]);
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

  it('refuses a lone surrogate in a query or header value instead of sending it altered', () => {
    const args = [
      { name: 'q', in: 'query' as const, schema: {} },
      { name: 'X-Trace', in: 'header' as const, schema: {} },
    ];
    expect(() => buildRequest(entry({ path: '/x', args }), { q: 'ab\uDC00' })).toThrow(/^q: contains a lone UTF-16 surrogate/);
    expect(() => buildRequest(entry({ path: '/x', args }), { q: ['ok', '\uD83D'] })).toThrow(UnsafeArgumentError);
    expect(() => buildRequest(entry({ path: '/x', args }), { 'X-Trace': '\uD83D' })).toThrow(/^X-Trace: /);
    expect(buildRequest(entry({ path: '/x', args }), { q: '\u{1F600}' }).query).toEqual([['q', '\u{1F600}']]);
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
