import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Catalog, CatalogTool } from '../../src/catalog/catalog.js';
import { correct } from '../../src/catalog/errata.js';
import { MODULES } from '../../tools/index.js';
import { ERRATA, errataOverlays, REVIEWED } from '../../tools/overlays/errata.js';
import { OVERLAYS } from '../../tools/overlays/index.js';
import { PRISM_EXCEPTIONS } from '../contract/exceptions.js';
import { sampleArgs } from '../contract/sample-args.js';
import { SHARED_DIR, sharedMissing } from '../helpers/shared.js';

type Args = Record<string, unknown>;

const catalog = new Catalog(MODULES, OVERLAYS);
const byEntryName = new Map(catalog.tools().map((tool) => [tool.entry.name, tool]));

function tool(name: string): CatalogTool {
  const found = byEntryName.get(name);
  if (!found) throw new Error(`no tool ${name}`);
  return found;
}

/** What the corrected tool sends for these arguments, or its errors as the executor words them. */
function parse(name: string, args: Args): { data?: Args; issues?: string[] } {
  const result = tool(name).zod().safeParse(args);
  return result.success ? { data: result.data as Args } : { issues: result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`) };
}

/** Valid arguments generated from the tool's corrected schema (constants, which the executor fills, included). */
function sampled(name: string, coverage: 'required' | 'all' = 'required'): Args {
  return { ...Object.fromEntries(tool(name).constants()), ...sampleArgs(tool(name).inputSchema({}), new Set(), coverage) };
}

/** Whether the documents' own contract (no errata) accepts these arguments. */
function documentedAccepts(name: string, args: Args): boolean {
  const documented = tool(name);
  return new CatalogTool(documented.module, documented.documented).zod().safeParse(args).success;
}

describe('errata data against the generated catalog', () => {
  it('names existing tools, unique ids, and every erratum applies to every tool it names', () => {
    expect(new Set(ERRATA.map((erratum) => erratum.id)).size).toBe(ERRATA.length);
    for (const erratum of ERRATA) {
      for (const name of erratum.tools) {
        expect(byEntryName.has(name), `${erratum.id}: ${name}`).toBe(true);
        expect(tool(name).corrections.skipped, `${erratum.id} on ${name}`).toEqual([]);
        expect(tool(name).corrections.applied).toContain(erratum);
      }
    }
  });

  it('changes the contract of a tool for each erratum that patches it (prune an erratum the documents have fixed)', () => {
    const callOnly = new Set(['rule', 'alias', 'copy', 'derive']);
    for (const erratum of ERRATA.filter((item) => item.patches.some((patch) => !callOnly.has(patch.kind)))) {
      for (const name of erratum.tools) {
        const documented = tool(name).documented;
        expect(JSON.stringify(correct(documented, [erratum]).entry), `${erratum.id} on ${name}`).not.toBe(JSON.stringify(documented));
      }
    }
  });

  it('gives its help text for what it adds or changes as an overlay layer (later curated text wins)', () => {
    expect(errataOverlays.conversations_send_a_new_message!.args).toMatchObject({ subType: expect.stringMatching(/^Leave out/), status: expect.stringMatching(/^Leave out/) });
    expect(errataOverlays.calendars_create_appointment!.args!.userId).toMatch(/user/);
    expect(errataOverlays.contacts_search_contacts_advanced!.args!.pageLimit).toBeDefined();
    expect(OVERLAYS.conversations_send_a_new_message!.errata!.map((erratum) => erratum.id)).toEqual(['send-message-required', 'send-email-body']);
  });

  it('names, for every contract-test finding it expects, an erratum that corrects that tool', () => {
    const named = PRISM_EXCEPTIONS.filter((exception) => exception.erratum !== undefined);
    expect(named.length).toBeGreaterThan(0);
    for (const { tool: name, erratum: id } of named) {
      expect(ERRATA.find((erratum) => erratum.id === id)?.tools, `${name}: ${id}`).toContain(name);
    }
  });

  it.skipIf(sharedMissing() || !existsSync(path.join(SHARED_DIR, 'reference/doc-errata.md')))(
    'accounts for every row of the main table of doc-errata.md, at its level, as an erratum or a reviewed row',
    () => {
      const text = readFileSync(path.join(SHARED_DIR, 'reference/doc-errata.md'), 'utf8');
      const table = text.slice(text.indexOf('## Main table'), text.indexOf('## Live behaviours'));
      const rows = table.split('\n').filter((line) => line.startsWith('| ') && !line.startsWith('| module') && !line.startsWith('|---'));
      const levelOf = (line: string) => /\| (confirmed by GHL staff|reported by users|inferred from examples only)/.exec(line)![1]!.split(' ')[0]!;
      const documentLevels = rows.map(levelOf).sort();
      const ours = new Map<string, string>();
      for (const { row, level } of [...ERRATA, ...REVIEWED]) ours.set(`${row.module} ${row.operation}`, level);
      expect([...ours.values()].sort()).toEqual(documentLevels);
    },
  );
});

describe('corrected contracts: what each erratum lets through or asks for', () => {
  it('send message: SMS with type, contactId and message only; subType never sent unless given, and may be a string', () => {
    const sms = { type: 'SMS', contactId: 'c1', message: 'Hi' };
    expect(parse('conversations_send_a_new_message', sms)).toEqual({ data: sms });
    expect(documentedAccepts('conversations_send_a_new_message', sms)).toBe(false);
    expect(parse('conversations_send_a_new_message', { ...sms, subType: 'SMS', status: 'pending' }).data).toMatchObject({ subType: 'SMS', status: 'pending' });
  });

  it('send email: message alone is sent as html too; an email with no body is refused before sending', () => {
    const email = { type: 'Email', contactId: 'c1', subject: 'Visit', message: 'See you' };
    expect(parse('conversations_send_a_new_message', email).data).toEqual({ ...email, html: 'See you' });
    expect(parse('conversations_send_a_new_message', { type: 'Email', contactId: 'c1', subject: 'Visit' }).issues).toEqual([
      'html: give at least one of html, message, templateId when type is Email',
    ]);
    expect(parse('conversations_send_a_new_message', { type: 'Email', contactId: 'c1', templateId: 't1' }).data).not.toHaveProperty('html');
  });

  it('inbound message: provider id only for Custom, no contactId needed, direction as a string', () => {
    const inbound = { type: 'SMS', conversationId: 'v1', message: 'Hi', direction: 'inbound' };
    expect(parse('conversations_add_an_inbound_message', inbound)).toEqual({ data: inbound });
    expect(documentedAccepts('conversations_add_an_inbound_message', inbound)).toBe(false);
    expect(parse('conversations_add_an_inbound_message', { ...inbound, type: 'Custom' }).issues).toEqual(['conversationProviderId: required when type is Custom']);
  });

  it('upload: a file part, without attachmentUrls or contactId', () => {
    const upload = { conversationId: 'v1', locationId: 'l1', fileAttachment: Buffer.from('x').toString('base64') };
    expect(parse('conversations_upload_file_attachments', upload)).toEqual({ data: upload });
    expect(tool('conversations_upload_file_attachments').arg('fileAttachment')!.schema.contentEncoding).toBe('base64');
  });

  it('contact search: flat fields, locationId filled from configuration, pageLimit required, the old body wrapper unwrapped', () => {
    const search = tool('contacts_search_contacts_advanced');
    expect(search.entry.body?.whole).toBeUndefined();
    expect(search.defaultedArgs({ locationId: 'loc1' }).get('locationId')).toBe('loc1');
    expect(search.inputSchema({ locationId: 'loc1' }).required).toEqual(['pageLimit']);
    const flat = { locationId: 'loc1', query: 'Okafor', pageLimit: 10, filters: [{ field: 'tags', operator: 'eq', value: 'vip' }], sort: [{ field: 'dateAdded', direction: 'desc' }] };
    expect(parse('contacts_search_contacts_advanced', flat)).toEqual({ data: flat });
    expect(parse('contacts_search_contacts_advanced', { locationId: 'loc1', body: { query: 'Okafor', pageLimit: 10 } }).data).toEqual({ locationId: 'loc1', query: 'Okafor', pageLimit: 10 });
    expect(parse('contacts_search_contacts_advanced', { locationId: 'loc1', query: 'x' }).issues).toEqual([expect.stringMatching(/^pageLimit: /)]);
    expect(parse('contacts_search_contacts_advanced', { locationId: 'loc1', pageLimit: 5, limit: 5 }).issues).toEqual([expect.stringMatching(/limit/)]);
  });

  it('custom field items: id or key, the value under any of its three spellings, sent as field_value', () => {
    for (const name of ['contacts_create_contact', 'contacts_update_contact', 'contacts_upsert_contact']) {
      const args = { contactId: 'c1', locationId: 'l1', firstName: 'Ada', customFields: [{ key: 'referral_source', value: 'Google' }, { id: 'f1', fieldValue: 3 }] };
      const sendable = Object.fromEntries(Object.entries(args).filter(([key]) => tool(name).arg(key)));
      expect(parse(name, sendable).data!.customFields, name).toEqual([{ key: 'referral_source', field_value: 'Google' }, { id: 'f1', field_value: 3 }]);
    }
  });

  it('contact create: one of the identity fields is needed; dateOfBirth may be a date string', () => {
    expect(parse('contacts_create_contact', { locationId: 'l1' }).issues).toEqual(['firstName: give at least one of firstName, lastName, name, email, phone, companyName']);
    expect(documentedAccepts('contacts_create_contact', { locationId: 'l1' })).toBe(true);
    expect(parse('contacts_create_contact', { locationId: 'l1', email: 'a@b.co', dateOfBirth: '1990-09-25' }).data).toMatchObject({ dateOfBirth: '1990-09-25' });
  });

  it('appointments: userId accepted, notes sent as description', () => {
    const booking = { calendarId: 'k1', locationId: 'l1', contactId: 'c1', startTime: '2026-01-15T09:30:00-06:00', userId: 'u1', notes: 'First visit' };
    const { notes: _notes, ...sent } = booking;
    expect(parse('calendars_create_appointment', booking).data).toEqual({ ...sent, description: 'First visit' });
    expect(parse('calendars_edit_appointment', { eventId: 'e1', userId: 'u1' }).data).toEqual({ eventId: 'e1', userId: 'u1' });
  });

  it('calendar events and blocked slots: exactly one of calendarId, userId, groupId', () => {
    for (const name of ['calendars_get_calendar_events', 'calendars_get_blocked_slots']) {
      const window = { locationId: 'l1', startTime: '1', endTime: '2' };
      expect(parse(name, window).issues, name).toEqual(['calendarId: give exactly one of calendarId, userId, groupId; none was given']);
      expect(parse(name, { ...window, userId: 'u1' }).data, name).toBeDefined();
      expect(parse(name, { ...window, userId: 'u1', groupId: 'g1' }).issues, name).toEqual([expect.stringMatching(/^groupId: give only one of/)]);
    }
  });

  it('block slots: exactly one of calendarId, assignedUserId instead of calendarId required', () => {
    const slot = { locationId: 'l1', assignedUserId: 'u1', startTime: 's', endTime: 'e' };
    expect(parse('calendars_create_block_slot', slot).data).toBeDefined();
    expect(documentedAccepts('calendars_create_block_slot', slot)).toBe(false);
    expect(parse('calendars_edit_block_slot', { eventId: 'e1', locationId: 'l1', calendarId: 'k1', assignedUserId: 'u1' }).issues).toHaveLength(1);
  });

  it('opportunity search: filters and sort; everything but locationId filled with neutral values', () => {
    expect(parse('opportunities_search_opportunities_advanced', { locationId: 'l1', filters: [{ field: 'status', operator: 'eq', value: 'open' }] }).data).toEqual({
      locationId: 'l1',
      filters: [{ field: 'status', operator: 'eq', value: 'open' }],
      query: '',
      limit: 20,
      page: 1,
      searchAfter: [],
      additionalDetails: { notes: false, tasks: false, calendarEvents: false, unReadConversations: false },
    });
    expect(tool('opportunities_search_opportunities_advanced').inputSchema({}).required).toEqual(['locationId']);
  });

  it('opportunity upsert and writes: no follower fields needed, contactId and a numeric value accepted, status "all" refused', () => {
    const upsert = { pipelineId: 'p1', locationId: 'l1', contactId: 'c1', monetaryValue: 450, status: 'open' };
    expect(parse('opportunities_upsert_opportunity', upsert)).toEqual({ data: upsert });
    for (const name of ['opportunities_create_opportunity', 'opportunities_update_opportunity', 'opportunities_upsert_opportunity', 'opportunities_update_opportunity_status']) {
      expect(tool(name).arg('status')!.schema.enum, name).toEqual(['open', 'won', 'lost', 'abandoned']);
    }
    expect(tool('opportunities_search_opportunity').arg('status')!.schema.enum).toContain('all');
  });

  it('invoice items written with price and quantity are sent as amount and qty', () => {
    const args = sampled('invoices_create_invoice');
    args.items = [{ name: 'Whitening', currency: 'USD', price: 450, quantity: 2 }];
    expect(parse('invoices_create_invoice', args).data!.items).toEqual([{ name: 'Whitening', currency: 'USD', amount: 450, qty: 2 }]);
  });

  it('get order: altType is a filled constant; the configured location fills altId', () => {
    const order = tool('payments_get_order_by_id');
    expect(order.constants().get('altType')).toBe('location');
    expect(order.defaultedArgs({ locationId: 'l1' }).get('altId')).toBe('l1');
    expect(order.entry.args.find((arg) => arg.name === 'altType')!.in).toBe('query');
  });

  it('custom field create, blog update and posts list, social posts, funnels: the added and widened fields', () => {
    expect(parse('locations_create_custom_field', { locationId: 'l1', name: 'Colour', dataType: 'TEXT', parentId: 'f1', fieldKey: 'contact.colour', description: 'x' }).data).toBeDefined();
    const blog = sampled('blogs_update_blog_post');
    expect(parse('blogs_update_blog_post', { ...blog, wordCount: undefined, rawHTML: '<p>Three short words</p>' }).data).toMatchObject({ wordCount: 3 });
    expect(parse('blogs_get_blog_post', { locationId: 'l1', blogId: 'b1', limit: 10, offset: 0, status: 'ALL' }).data).toBeDefined();
    expect(parse('social_media_posting_get_posts', { locationId: 'l1', skip: 0, limit: 10, fromDate: 'a', toDate: 'b', includeUsers: true }).data).toMatchObject({ skip: '0', limit: '10', includeUsers: 'true' });
    const post = { locationId: 'l1', accountIds: ['a1'], userId: 'u1', type: 'post', status: 'scheduled', scheduledAt: '2026-01-15T09:30:00Z' };
    expect(parse('social_media_posting_create_post', post).data).toMatchObject({ type: 'post', status: 'scheduled', scheduleDate: '2026-01-15T09:30:00Z' });
    for (const name of ['funnels_get_funnels', 'funnels_get_pages_by_funnel_id', 'funnels_get_pages_count_by_funnel_id']) expect(tool(name).entry.version).toBe('2021-07-28');
  });

  it('every object-typed scalar of the cross-cutting row takes a string the documents would refuse', () => {
    const scalars = ERRATA.filter((erratum) => erratum.id.startsWith('object-typed-'));
    for (const erratum of scalars) {
      for (const name of erratum.tools) {
        const args = sampled(name, 'all');
        expect(parse(name, args).issues, `${erratum.id} on ${name}`).toBeUndefined();
        expect(documentedAccepts(name, args), `${erratum.id} on ${name}`).toBe(false);
      }
    }
  });
});
