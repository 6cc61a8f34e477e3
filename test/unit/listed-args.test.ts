import { describe, expect, it } from 'vitest';
import { Catalog, type CatalogTool, type ToolDefinition } from '../../src/catalog/catalog.js';
import { listingDetail } from '../../src/catalog/listing.js';
import { MODULES } from '../../tools/index.js';
import { OVERLAYS } from '../../tools/overlays/index.js';
import { argsFromListing, LISTED_LOCATION as LOCATION, validationProblems } from '../helpers/listed-args.js';

/**
 * Built only from what tools/list shows, a call to any tool passes our own validation: the arguments come from
 * the listed schema and description (never the full contract), then constants, configured defaults and what
 * the location supplies are filled as the executor fills them, then the tool's validator judges them.
 */
const catalog = new Catalog(MODULES, OVERLAYS);

async function problemsOf(tool: CatalogTool, definition: ToolDefinition, defaults: { locationId?: string }): Promise<string | undefined> {
  const written = argsFromListing(definition);
  const issues = await validationProblems(tool, written, defaults);
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
