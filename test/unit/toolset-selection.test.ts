import { describe, expect, it } from 'vitest';
import { Catalog } from '../../src/catalog/catalog.js';
import { DISCOVERY_TOOL_NAMES } from '../../src/discovery/definitions.js';
import { SelectionError, ToolSelection, type SelectionRequest } from '../../src/toolsets/selection.js';
import { MODULES } from '../../tools/index.js';
import { OVERLAYS } from '../../tools/overlays/index.js';

const catalog = new Catalog(MODULES, OVERLAYS);
const select = (request: SelectionRequest) => ToolSelection.create(catalog, request, DISCOVERY_TOOL_NAMES);
const names = (selection: ToolSelection) => selection.listed().map((tool) => tool.name);

describe('toolset selection', () => {
  it('lists the curated default toolset when nothing is asked for', () => {
    const listed = names(select({}));
    expect(listed).toEqual(expect.arrayContaining([
      'contacts_search_contacts_advanced', 'contacts_upsert_contact', 'contacts_add_tags', 'contacts_create_note',
      'contacts_create_task', 'conversations_send_a_new_message', 'conversations_get_messages', 'calendars_get_free_slots',
      'calendars_create_appointment', 'opportunities_update_opportunity_status', 'opportunities_get_pipelines',
      'locations_get_location', 'locations_get_custom_fields', 'users_get_user',
    ]));
    expect(listed.length).toBeGreaterThanOrEqual(25);
    expect(listed.length).toBeLessThanOrEqual(40);
    for (const tool of select({}).listed()) expect(tool.overlay.description, tool.name).toBeTruthy();
  });

  it('lists every catalog tool with all, one module with its name, none with discovery', () => {
    expect(select({ toolsets: ['all'] }).listed()).toHaveLength(catalog.size);
    expect(catalog.size).toBe(576);
    const invoices = names(select({ toolsets: ['invoices'] }));
    expect(invoices.length).toBe(catalog.tools().filter((tool) => tool.module === 'invoices').length);
    expect(invoices.every((name) => name.startsWith('invoices_'))).toBe(true);
    expect(select({ toolsets: ['discovery'] }).listed()).toEqual([]);
  });

  it('extends the default with more toolsets and single tools', () => {
    const base = names(select({}));
    const extended = names(select({ toolsets: ['default', 'invoices'], tools: ['payments_list_orders'] }));
    expect(extended).toEqual(expect.arrayContaining([...base, 'invoices_void_invoice', 'payments_list_orders']));
  });

  it('lists only the named tools when tools are given without toolsets', () => {
    expect(names(select({ tools: ['contacts_get_contact', 'invoices_void_invoice'] }))).toEqual(['contacts_get_contact', 'invoices_void_invoice']);
    // Discovery tools are always there; naming one is accepted and changes nothing.
    expect(names(select({ tools: ['ghl_call_tool', 'contacts_get_contact'] }))).toEqual(['contacts_get_contact']);
  });

  it('lets exclusion win over toolsets and tools, and makes excluded tools unreachable', () => {
    const selection = select({ toolsets: ['contacts'], tools: ['contacts_delete_contact'], excludeTools: ['contacts_delete_contact', 'ghl_call_tool'] });
    expect(names(selection)).not.toContain('contacts_delete_contact');
    expect(names(selection)).toContain('contacts_get_contact');
    expect(selection.reachable(catalog.get('contacts_delete_contact')!)).toBe(false);
    expect(selection.refusal(catalog.get('contacts_delete_contact')!)).toMatch(/excluded/);
    expect(selection.excludes('ghl_call_tool')).toBe(true);
    expect(selection.excludes('ghl_search_tools')).toBe(false);
  });

  it('lets read-only win over everything: no writer listed or reachable, POST searches kept', () => {
    const selection = select({ toolsets: ['all'], tools: ['contacts_create_contact'], readOnly: true });
    const listed = selection.listed();
    expect(listed.length).toBeGreaterThan(100);
    expect(listed.every((tool) => tool.readOnly)).toBe(true);
    expect(names(selection)).not.toContain('contacts_create_contact');
    expect(names(selection)).toContain('contacts_search_contacts_advanced');
    expect(selection.refusal(catalog.get('invoices_void_invoice')!)).toMatch(/read-only/);
    expect(selection.withToolset('invoices').listed().every((tool) => tool.readOnly)).toBe(true);
  });

  it('refuses unknown toolsets with the list of valid ones', () => {
    expect(() => select({ toolsets: ['default', 'invoice'] })).toThrow(SelectionError);
    expect(() => select({ toolsets: ['invoice'] })).toThrow(/Unknown toolset invoice\. Valid toolsets: default, all, discovery, .*invoices/);
  });

  it('refuses unknown tools, listing the valid tools of the module the name points to', () => {
    expect(() => select({ tools: ['contacts_get_contactz'] })).toThrow(/Unknown tool contacts_get_contactz\.\nValid contacts tools: .*contacts_get_contact,/);
    expect(() => select({ excludeTools: ['nosuch_tool'] })).toThrow(/Unknown excluded tool nosuch_tool\.\n.*valid toolsets: .*contacts.*ghl_call_tool/);
  });

  it('enables a toolset at runtime as a new selection with a new cache key', () => {
    const before = select({});
    const after = before.withToolset('invoices');
    expect(after).not.toBe(before);
    expect(after.key).not.toBe(before.key);
    expect(names(after)).toEqual(expect.arrayContaining([...names(before), 'invoices_void_invoice']));
    expect(after.withToolset('invoices')).toBe(after);
    expect(() => before.withToolset('nope')).toThrow(SelectionError);
  });
});
