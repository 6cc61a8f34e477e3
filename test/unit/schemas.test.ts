import { describe, expect, it } from 'vitest';
import { ANNOTATION_DEFAULTS, CatalogTool, listedAnnotations } from '../../src/catalog/catalog.js';
import { listedSchema } from '../../src/catalog/listing.js';
import type { ToolEntry } from '../../src/catalog/types.js';
import { objectZod, zodFromSchema } from '../../src/catalog/zod.js';

describe('zod conversion of catalog schemas', () => {
  it('validates types, enums, nullable, bounds and patterns', () => {
    const schema = zodFromSchema({ type: ['string', 'null'], enum: ['a', 'b', null] });
    expect(schema.safeParse('a').success).toBe(true);
    expect(schema.safeParse(null).success).toBe(true);
    expect(schema.safeParse('c').success).toBe(false);
    const time = zodFromSchema({ type: 'string', pattern: '^([01]?[0-9]|2[0-3]):[0-5][0-9]$' });
    expect(time.safeParse('09:30').success).toBe(true);
    expect(time.safeParse('9h30').success).toBe(false);
    const count = zodFromSchema({ type: 'integer', minimum: 1, maximum: 100 });
    expect(count.safeParse(5).success).toBe(true);
    expect(count.safeParse(5.5).success).toBe(false);
    expect(count.safeParse(0).success).toBe(false);
    expect(zodFromSchema({ type: 'array', items: { type: 'number' }, minItems: 1 }).safeParse([]).success).toBe(false);
  });

  it('accepts any of the anyOf variants', () => {
    const schema = zodFromSchema({ anyOf: [{ type: 'string' }, { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] }] });
    expect(schema.safeParse('x').success).toBe(true);
    expect(schema.safeParse({ id: 'x' }).success).toBe(true);
    expect(schema.safeParse({}).success).toBe(false);
  });

  it('is strict at the top level and open in nested objects, and types maps', () => {
    const top = objectZod(
      { type: 'object', properties: { nested: { type: 'object', properties: { a: { type: 'string' } } } }, required: ['nested'] },
      true,
    );
    expect(top.safeParse({ nested: { a: 'x', extra: 1 } }).success).toBe(true);
    expect(top.safeParse({ nested: {}, typo: 1 }).success).toBe(false);
    expect(top.safeParse({}).success).toBe(false);
    const map = zodFromSchema({ type: 'object', additionalProperties: { type: 'number' } });
    expect(map.safeParse({ a: 1 }).success).toBe(true);
    expect(map.safeParse({ a: 'x' }).success).toBe(false);
  });
});

describe('listed schemas', () => {
  const big = {
    type: 'object',
    properties: {
      id: { type: 'string' },
      settings: {
        type: 'object',
        properties: Object.fromEntries(Array.from({ length: 30 }, (_, index) => [`field${index}`, { type: 'object', properties: { on: { type: 'boolean' } } }])),
      },
      color: { type: ['string', 'null'], enum: ['red', 'blue', null] },
      scope: { type: 'string', enum: Array.from({ length: 40 }, (_, index) => `scope${index}`) },
    },
    required: ['id'],
  };

  it('keeps every argument, its type and required flag, lists the fields of an object that needs none, drops long enums', () => {
    const listed = listedSchema(big) as { properties: Record<string, Record<string, unknown>>; required: string[] };
    expect(Object.keys(listed.properties)).toEqual(['id', 'settings', 'color', 'scope']);
    expect(listed.required).toEqual(['id']);
    // Strict providers refuse an object without fields: with none required, its optional ones are listed.
    const settings = listed.properties.settings as { properties: Record<string, unknown> };
    expect(Object.keys(settings.properties)).toHaveLength(30);
    expect(settings.properties.field7).toEqual({ type: 'object', properties: { on: { type: 'boolean' } } });
    expect(listed.properties.color).toEqual({ type: 'string', enum: ['red', 'blue'] });
    expect(listed.properties.scope).toEqual({ type: 'string' });
  });

  it('keeps required nested fields at every depth, with type and enum, and leaves optional ones out where some are required', () => {
    const kinds = Array.from({ length: 20 }, (_, index) => `kind${index}`);
    const listed = listedSchema({
      type: 'object',
      properties: {
        dob: { type: 'object', properties: { year: { type: 'number' } } },
        rule: {
          type: 'object',
          properties: {
            frequency: { type: 'object', properties: { every: { type: 'number' }, unit: { type: 'string', enum: ['day', 'week'] } }, required: ['unit'] },
            kind: { type: 'string', enum: kinds },
            note: { type: 'string' },
          },
          required: ['frequency', 'kind'],
        },
      },
    });
    expect(listed.properties).toEqual({
      dob: { type: 'object', properties: { year: { type: 'number' } } },
      rule: {
        type: 'object',
        properties: {
          frequency: { type: 'object', properties: { unit: { type: 'string', enum: ['day', 'week'] } }, required: ['unit'] },
          kind: { type: 'string', enum: kinds },
        },
        required: ['frequency', 'kind'],
      },
    });
  });
});

describe('catalog tools', () => {
  const entry = (overrides: Partial<ToolEntry>): ToolEntry => ({
    name: 'contacts_get_contact',
    operationId: 'get-contact',
    method: 'GET',
    path: '/contacts/{contactId}',
    summary: 'Get Contact',
    args: [{ name: 'contactId', in: 'path', required: true, schema: { type: 'string' } }],
    ...overrides,
  });

  it('lists annotations that mean the same as the full set under the specification defaults', () => {
    const cases = [
      entry({}),
      entry({ method: 'DELETE', name: 'contacts_delete_contact' }),
      entry({ method: 'POST', name: 'contacts_create_contact' }),
      entry({ method: 'PUT', name: 'contacts_update_contact' }),
      entry({ method: 'POST', name: 'contacts_search_contacts_advanced' }),
    ];
    for (const [index, item] of cases.entries()) {
      const tool = new CatalogTool('contacts', item, index === 4 ? { readOnly: true } : {});
      const full = tool.annotations();
      const listed = listedAnnotations(full);
      const restored = { ...ANNOTATION_DEFAULTS, ...listed };
      expect(restored.readOnlyHint).toBe(full.readOnlyHint);
      expect(restored.openWorldHint).toBe(full.openWorldHint);
      expect(restored.title).toBe(full.title);
      if (!full.readOnlyHint) {
        expect(restored.destructiveHint).toBe(full.destructiveHint);
        expect(restored.idempotentHint).toBe(full.idempotentHint);
      }
    }
    expect(new CatalogTool('contacts', entry({ method: 'DELETE', name: 'contacts_delete_contact' })).annotations()).toMatchObject({
      readOnlyHint: false,
      destructiveHint: true,
      idempotentHint: true,
    });
  });

  it('says what a tool does and returns, never only its method and path; lean lists leave method, path and scopes out', () => {
    const get = new CatalogTool('contacts', entry({ returns: 'contact.id', scopes: ['contacts.readonly'] }));
    expect(get.description()).toBe('Get Contact. Returns contact.id. GET /contacts/{contactId}. Scopes: contacts.readonly.');
    // The title repeats the name: a lean line keeps only what the name does not say.
    expect(get.description('lean')).toBe('Returns contact.id.');
    const kb = new CatalogTool('knowledge_base', entry({ name: 'knowledge_base_list', summary: 'Get all knowledge bases for a location', paging: 'last-id' }));
    expect(kb.description()).toBe('Get all knowledge bases for a location. GET /contacts/{contactId}. Pages: pass the last id seen.');
    expect(kb.description('lean')).toBe('Get all knowledge bases for a location. Pages: pass the last id seen.');
    const curated = new CatalogTool('contacts', entry({}), { description: 'One contact with its tags; to find one by name use contacts_search.' });
    expect(curated.description('lean')).toBe('One contact with its tags.');
    expect(curated.description('rich')).toBe('One contact with its tags; to find one by name use contacts_search. GET /contacts/{contactId}.');
  });

  it('fills configured locations and single-value constants, and lists them as optional or not at all', () => {
    const tool = new CatalogTool(
      'custom_fields',
      entry({
        args: [
          { name: 'altId', in: 'query', required: true, schema: { type: 'string' } },
          { name: 'altType', in: 'query', required: true, schema: { type: 'string', enum: ['location'] } },
          { name: 'locationId', in: 'body', required: true, schema: { type: 'string' } },
        ],
      }),
    );
    expect([...tool.constants()]).toEqual([['altType', 'location']]);
    expect([...tool.defaultedArgs({ locationId: 'L1' })]).toEqual([
      ['locationId', 'L1'],
      ['altId', 'L1'],
      ['altType', 'location'],
    ]);
    expect(tool.inputSchema({}).required).toEqual(['altId', 'locationId']);
    expect(tool.inputSchema({ locationId: 'L1' }).required).toBeUndefined();
    expect(Object.keys(tool.inputSchema({}).properties as object)).toEqual(['altId', 'locationId']);
  });
});
