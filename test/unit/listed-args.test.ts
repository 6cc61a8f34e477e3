import { describe, expect, it } from 'vitest';
import { Catalog, type CatalogTool, type ToolDefinition } from '../../src/catalog/catalog.js';
import { listingDetail } from '../../src/catalog/listing.js';
import { ArgPreparer } from '../../src/args/prepare.js';
import type { Lookups } from '../../src/args/lookups.js';
import { MODULES } from '../../tools/index.js';
import { OVERLAYS } from '../../tools/overlays/index.js';
import { argsFromListing } from '../helpers/listed-args.js';

/**
 * Built only from what tools/list shows, a call to any tool passes our own validation: the arguments come from
 * the listed schema and description (never the full contract), then constants, configured defaults and what
 * the location supplies are filled as the executor fills them, then the tool's validator judges them.
 */
const catalog = new Catalog(MODULES, OVERLAYS);
const LOCATION = 'loc-listed-1';

const profile = {
  id: LOCATION,
  name: 'Bright Smile Dental',
  phone: '+14155550123',
  email: 'front@brightsmile.example',
  address: '1 Main St',
  city: 'Austin',
  state: 'TX',
  country: 'US',
  postalCode: '78701',
  timezone: 'America/Chicago',
  business: { name: 'Bright Smile Dental' },
};
const lookups = {
  location: async () => profile,
  contact: async (id: string) => ({ id, name: 'Ada Okafor', email: 'ada@example.com', phone: '+14155550199' }),
} as unknown as Lookups;

async function problemsOf(tool: CatalogTool, definition: ToolDefinition, defaults: { locationId?: string }): Promise<string | undefined> {
  const written = argsFromListing(definition);
  const args: Record<string, unknown> = { ...written };
  for (const [name, value] of tool.constants()) args[name] ??= value;
  for (const [name, value] of tool.defaultedArgs(defaults)) args[name] ??= value;
  const prepared = await new ArgPreparer(lookups, defaults, undefined, () => Date.UTC(2026, 10, 1)).prepare(tool, args);
  const parsed = tool.zod().safeParse(prepared.args);
  const issues = [...prepared.refusals.map((refusal) => refusal.text), ...(parsed.success ? [] : parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`))];
  return issues.length > 0 ? `${tool.name} ${JSON.stringify(written)} → ${issues.join('; ')}` : undefined;
}

async function failures(detail: 'lean' | 'rich', defaults: { locationId?: string }): Promise<string[]> {
  const found: string[] = [];
  for (const tool of catalog.tools()) {
    const problem = await problemsOf(tool, tool.definition(defaults, detail), defaults);
    if (problem) found.push(problem);
  }
  return found;
}

describe('arguments written from the listing alone', () => {
  it('covers the whole catalog', () => {
    expect(catalog.size).toBe(576);
    expect(listingDetail(catalog.size)).toBe('lean');
    expect(listingDetail(183)).toBe('rich');
  });

  for (const detail of ['lean', 'rich'] as const) {
    it(`pass validation for every tool in a ${detail} listing, with and without a configured location`, async () => {
      expect(await failures(detail, {})).toEqual([]);
      expect(await failures(detail, { locationId: LOCATION })).toEqual([]);
    });
  }

  it('fail when the listing hides a required field (the check above can fail)', async () => {
    const tool = catalog.get('invoices_create_invoice')!;
    const definition = structuredClone(tool.definition({ locationId: LOCATION }, 'lean'));
    const items = (definition.inputSchema.properties as Record<string, { items: { properties: Record<string, unknown> } }>).items;
    delete items!.items.properties.qty;
    expect(await problemsOf(tool, definition, { locationId: LOCATION })).toMatch(/items\.0\.qty/);
    const rule = catalog.get('calendars_get_calendar_events')!;
    const unruled = { ...rule.definition({ locationId: LOCATION }, 'lean') };
    unruled.description = unruled.description.replace(/Give exactly one of [^.]+\./, '');
    expect(await problemsOf(rule, unruled, { locationId: LOCATION })).toMatch(/exactly one|calendarId/i);
  });
});
