import { describe, expect, it } from 'vitest';
import { Catalog } from '../../src/catalog/catalog.js';
import { terms, ToolSearch } from '../../src/discovery/search.js';
import { signature } from '../../src/discovery/signature.js';
import { MODULES } from '../../tools/index.js';
import { OVERLAYS } from '../../tools/overlays/index.js';

const catalog = new Catalog(MODULES, OVERLAYS);
const search = new ToolSearch(catalog.tools());
const top = (query: string, count: number) => search.search(query, () => true, count).map((hit) => hit.tool.name);

describe('catalog search', () => {
  // Natural requests across modules, and the tool that does it: it must come first.
  it.each([
    ['book an appointment', 'calendars_create_appointment'],
    ['send sms', 'conversations_send_a_new_message'],
    ['send an email to a contact', 'conversations_send_a_new_message'],
    ['move deal to stage', 'opportunities_update_opportunity'],
    ['mark deal as won', 'opportunities_update_opportunity_status'],
    ['invoice void', 'invoices_void_invoice'],
    ['add tag to contact', 'contacts_add_tags'],
    ['add contact to workflow', 'contacts_add_contact_to_workflow'],
    ['check availability', 'calendars_get_free_slots'],
    ['find contact by email', 'contacts_search_contacts_advanced'],
    ['delete contact', 'contacts_delete_contact'],
    ['add note to contact', 'contacts_create_note'],
    ['create blog post', 'blogs_create_blog_post'],
    ['create coupon', 'payments_create_coupon'],
    ['record payment on invoice', 'invoices_record_invoice'],
    ['list pipelines', 'opportunities_get_pipelines'],
    ['create opportunity', 'opportunities_create_opportunity'],
    ['send invoice', 'invoices_send_invoice'],
  ])('"%s" finds %s first', (query, expected) => {
    expect(top(query, 1)).toEqual([expected]);
  });

  it.each([
    ['schedule social media post', 'social_media_posting_create_post'],
    ['upload a file', 'medias_upload_media_content'],
    ['list conversations', 'conversations_search_conversation'],
    ['get custom fields', 'locations_get_custom_fields'],
    ['phone numbers', 'phone_system_active_numbers'],
    ['list products', 'products_list_products'],
  ])('"%s" has %s in the top 5', (query, expected) => {
    expect(top(query, 5)).toContain(expected);
  });

  it('matches word forms and synonyms, not only exact words', () => {
    expect(terms('Messages messaging message')).toEqual(['messag', 'messag', 'messag']);
    expect(terms('cancelled')).toEqual(terms('cancel'));
    expect(top('deals', 3).every((name) => name.startsWith('opportunities_'))).toBe(true);
  });

  it('returns nothing for words the catalog does not know, and honours the filter', () => {
    expect(top('zzqx', 5)).toEqual([]);
    const onlyReads = search.search('delete contact', (tool) => tool.readOnly, 5);
    expect(onlyReads.length).toBeGreaterThan(0);
    expect(onlyReads.every((hit) => hit.tool.readOnly)).toBe(true);
  });
});

describe('compact argument signature', () => {
  it('shows types, optional marks, short enums and nested field names', () => {
    const slots = catalog.get('calendars_get_free_slots')!;
    expect(signature(slots.inputSchema({}))).toBe(
      '{calendarId: string, startDate: number, endDate: number, timezone?: string, userId?: string, userIds?: string[]}',
    );
    const status = signature(catalog.get('opportunities_update_opportunity_status')!.inputSchema({}));
    expect(status).toBe("{id: string, status: 'open'|'won'|'lost'|'abandoned', lostReasonId?: string}");
    expect(signature(catalog.get('contacts_create_contact')!.inputSchema({}))).toContain('customFields?: {id?, key?, field_value?}[]');
  });
});
