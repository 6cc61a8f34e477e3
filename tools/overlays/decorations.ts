import type { ToolOverlay } from './types.js';

/** Renames (octokit-style decorations): the generated name stays valid data, the overlay name is what agents see. */
export const renames: Record<string, ToolOverlay> = {
  calendars_get_slots: { rename: 'calendars_get_free_slots' },
  // GET /products/ carries the operationId of the invoices list in the documents.
  products_list_invoices: { rename: 'products_list_products' },
};

/** POST operations that only read: searches, lookups and statistics. */
const READ_ONLY_POSTS = [
  'ad_manager_google_get_keyword_ideas',
  'contacts_search_contacts_advanced',
  'locations_task_search',
  'objects_search_object_records',
  'opportunities_search_opportunities_advanced',
  'social_media_posting_get_posts',
  'social_media_posting_get_social_media_statistics',
  'social_media_posting_get_tags_by_ids',
  'store_get_available_shipping_zones',
  'users_filter_users_by_email',
];

export const readOnlyPosts: Record<string, ToolOverlay> = Object.fromEntries(
  READ_ONLY_POSTS.map((name) => [name, { readOnly: true }]),
);
