import { describe, expect, it } from 'vitest';
import { Catalog, CatalogTool, type ToolDefinition } from '../../src/catalog/catalog.js';
import type { ToolEntry } from '../../src/catalog/types.js';
import { discoveryDefinitions } from '../../src/discovery/definitions.js';
import { selfUpdateDefinitions } from '../../src/self-update/index.js';
import { ToolListing } from '../../src/toolsets/listing.js';
import { ToolSelection } from '../../src/toolsets/selection.js';
import { MODULES } from '../../tools/index.js';
import { OVERLAYS } from '../../tools/overlays/index.js';

type Props = Record<string, { description?: string; enum?: unknown[]; format?: string; properties?: Props; items?: { properties?: Props }; type?: string }>;
const propsOf = (definition: ToolDefinition) => definition.inputSchema.properties as Props;

const catalog = new Catalog(MODULES, OVERLAYS);
const countries = ['US', 'CA', ...Array.from({ length: 120 }, (_, index) => `${String.fromCharCode(65 + (index % 26))}${String.fromCharCode(65 + Math.floor(index / 26))}`)];
const kinds = Array.from({ length: 20 }, (_, index) => `kind${index}`);

const entry: ToolEntry = {
  name: 'calendars_book_thing',
  operationId: 'book-thing',
  method: 'POST',
  path: '/calendars/{calendarId}/things',
  summary: 'Book a thing',
  returns: 'thing.id',
  scopes: ['calendars.write'],
  args: [
    { name: 'calendarId', in: 'path', required: true, schema: { type: 'string' } },
    { name: 'startTime', in: 'body', required: true, schema: { type: 'number', format: 'epoch-ms', examples: [1548898600000], 'x-range-days': 31 } },
    { name: 'phone', in: 'body', schema: { type: 'string', examples: ['+1 888-888-8888'] } },
    { name: 'country', in: 'body', required: true, schema: { type: 'string', enum: countries } },
    { name: 'kind', in: 'body', required: true, schema: { type: 'string', enum: kinds } },
    { name: 'flavor', in: 'body', schema: { type: 'string', enum: kinds } },
    { name: 'limit', in: 'body', schema: { type: 'number', 'x-maximum': 100, default: 20 } },
    { name: 'note', in: 'body', schema: { type: 'string' } },
    { name: 'days', in: 'body', schema: { type: 'array', items: { type: 'number', minimum: 0, maximum: 6 } } },
    { name: 'links', in: 'body', schema: { type: 'array', items: { type: 'string', format: 'uri' } } },
    { name: 'value', in: 'body', schema: { anyOf: [{ type: 'string' }, { type: 'number' }] } },
    {
      name: 'options',
      in: 'body',
      schema: { type: 'object', properties: { mode: { type: 'string', enum: ['a', 'b'] }, label: { type: 'string' }, size: { type: 'number' } }, required: ['mode'] },
    },
  ],
};

describe('argument hints', () => {
  const tool = new CatalogTool('calendars', entry, { args: { note: 'Shown to the guest.' } });
  const rich = propsOf(tool.definition({}, 'rich'));
  const lean = propsOf(tool.definition({}, 'lean'));

  it('say formats, examples, limits, defaults and where IDs come from, in our words', () => {
    expect(rich.calendarId!.description).toBe('from calendars_get_calendars, calendars_create_calendar or ghl://locations/{locationId}/calendars');
    expect(rich.startTime!.description).toBe('epoch milliseconds; e.g. 1548898600000; range at most 31 days');
    expect(rich.phone!.description).toBe('phone in E.164; e.g. +14155550123');
    expect(rich.limit!.description).toBe('max 100; default 20');
    expect(rich.options!.description).toBe('also: label, size');
    expect(rich.days!.description).toBe('each 0 to 6');
    expect(rich.links!.description).toBe('each URL');
    expect(rich.value!.description).toBe('string or number');
    // The catalog's own keywords never reach tools/list; standard ones do.
    expect(JSON.stringify(rich)).not.toMatch(/x-range-days|x-maximum|epoch-ms|examples|"default"/);
  });

  it('let an overlay\'s text win', () => {
    expect(rich.note!.description).toBe('Shown to the guest.');
  });

  it('say standard value sets in words, keep a required long enum and drop an optional one', () => {
    expect(rich.country!.enum).toBeUndefined();
    expect(rich.country!.description).toBe('ISO 3166-1 alpha-2 country code, e.g. US');
    expect(rich.kind!.enum).toEqual(kinds);
    expect(rich.flavor!.enum).toBeUndefined();
    expect(rich.flavor!.description).toBe('one of 20 values, e.g. kind0 (all: ghl_describe_tool)');
  });

  it('keep only what must be read right in a lean listing', () => {
    expect(lean.calendarId!.description).toBeUndefined();
    expect(lean.startTime!.description).toBe('epoch milliseconds');
    expect(lean.phone!.description).toBe('phone in E.164; e.g. +14155550123');
    expect(lean.country!.description).toBe('ISO 3166-1 alpha-2 country code, e.g. US');
    expect(lean.options).toEqual({ type: 'object', properties: { mode: { type: 'string', enum: ['a', 'b'] } }, required: ['mode'] });
  });

  it('name the configured location as the default of the arguments it fills', () => {
    const located = new CatalogTool('contacts', { ...entry, name: 'contacts_x', args: [{ name: 'locationId', in: 'query', required: true, schema: { type: 'string' } }] });
    const definition = located.definition({ locationId: 'L1' }, 'rich');
    expect(definition.inputSchema.required).toBeUndefined();
    expect(propsOf(definition).locationId!.description).toBe('default: the configured location; from locations_search_locations, locations_create_location or ghl://locations');
  });

  it('mark what the server fills as optional, and say so even under an overlay\'s text', () => {
    const invoice = catalog.get('invoices_create_invoice')!;
    const definition = invoice.definition({ locationId: 'L1' }, 'rich');
    const required = definition.inputSchema.required as string[];
    expect(required).not.toContain('businessDetails');
    expect(required).toContain('currency');
    expect(propsOf(definition).businessDetails!.description).toMatch(/^filled when left out: from the location profile/);
    expect(propsOf(definition).sentTo!.description).toMatch(/filled when left out/);
    const items = propsOf(definition).items!.items!;
    expect((items as { required?: string[] }).required).not.toContain('currency');
    // Validation is unchanged: it runs after the server's fill.
    expect(invoice.zod().safeParse({ altId: 'L1', altType: 'location', name: 'x', currency: 'USD', items: [], contactDetails: {}, issueDate: '2026-01-01', liveMode: true }).success).toBe(false);
  });

  it('give ghl_describe_tool the whole schema with every fact, optional nested fields included', () => {
    const described = tool.describedInputSchema({}) as { properties: Props & Record<string, Record<string, unknown>> };
    expect(described.properties.options!.properties!.label).toEqual({ type: 'string' });
    expect(described.properties.startTime).toMatchObject({ format: 'epoch-ms', examples: [1548898600000] });
    expect(described.properties.kind!.enum).toEqual(kinds);
    expect(described.properties.calendarId!.description).toMatch(/^from calendars_get_calendars/);
  });
});

describe('tool descriptions', () => {
  const STOCK = [/^[A-Z]+ \/\S*\.$/, /^Scopes: .*\.$/, /^Agency token\.$/, /^OAuth token only.*\.$/, /^Pages: .*\.$/, /^Deprecated\.$/];
  const own = (description: string) =>
    description
      .split(/(?<=\.)\s+(?=[A-Z])/)
      .filter((sentence) => !STOCK.some((stock) => stock.test(sentence)))
      .join(' ');

  it('say something of their own for every tool, in every listing', () => {
    for (const detail of ['lean', 'rich', 'full'] as const) {
      const bare = catalog.tools().filter((tool) => own(tool.description(detail)) === '');
      expect(bare.map((tool) => tool.name)).toEqual([]);
    }
  });

  it('state the rules a schema cannot, in every listing', () => {
    const events = catalog.get('calendars_get_calendar_events')!;
    expect(events.definition({}, 'lean').description).toMatch(/Give exactly one of calendarId, userId, groupId\./);
  });
});

describe('the tools/list budget', () => {
  const extra = () => [...discoveryDefinitions(), ...selfUpdateDefinitions()];
  const bytesOf = (toolsets: string[], defaults: { locationId?: string }) => {
    const selection = ToolSelection.create(catalog, { toolsets });
    return Buffer.byteLength(JSON.stringify({ tools: new ToolListing(defaults, extra).list(selection) }));
  };

  it('keeps all 576 tools within 300 KB, with or without a configured location', () => {
    expect(bytesOf(['all'], {})).toBeLessThanOrEqual(300 * 1024);
    expect(bytesOf(['all'], { locationId: 'L1' })).toBeLessThanOrEqual(300 * 1024);
  });

  it('spends the room of a short list on richer hints', () => {
    const selection = ToolSelection.create(catalog, { toolsets: ['contacts'] });
    const listed = new ToolListing({}, extra).list(selection);
    const create = listed.find((definition) => definition.name === 'contacts_create_contact')!;
    expect(create.description).toMatch(/POST \/contacts\/\. Scopes: contacts\.write\./);
    // Said in words: Gemini takes no format but date-time.
    expect(propsOf(create).email!.format).toBeUndefined();
    expect(propsOf(create).email!.description).toMatch(/^email address/);
  });
});
