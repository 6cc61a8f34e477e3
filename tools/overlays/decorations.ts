import type { ToolOverlay } from './types.js';

/** Renames (octokit-style decorations): the generated name stays valid data, the overlay name is what agents see. */
export const renames: Record<string, ToolOverlay> = {
  calendars_get_slots: { rename: 'calendars_get_free_slots' },
  // GET /products/ carries the operationId of the invoices list in the documents.
  products_list_invoices: { rename: 'products_list_products' },
  // Clients that prefix tool names with the server's name cap the whole near 60-64 characters (Gemini CLI, Cursor):
  // every listed name stays within 48, in the same <module>_<verb>_<noun> form.
  invoices_update_invoice_payment_methods_configuration: { rename: 'invoices_update_invoice_template_payment_methods' },
  invoices_update_invoice_template_late_fees_configuration: { rename: 'invoices_update_invoice_template_late_fees' },
  knowledge_base_delete_trained_urls_for_knowledge_base: { rename: 'knowledge_base_delete_trained_urls' },
  knowledge_base_get_all_website_urls_data_by_knowledge_base: { rename: 'knowledge_base_get_website_urls' },
  knowledge_base_get_crawling_status_for_latest_operation: { rename: 'knowledge_base_get_crawling_status' },
  knowledge_base_list_all_knowledge_bases_paginated: { rename: 'knowledge_base_list_knowledge_bases' },
  payments_custom_provider_marketplace_app_update_capabilities: { rename: 'payments_update_custom_provider_capabilities' },
  social_media_posting_attach_linkedin_page_profile: { rename: 'social_media_posting_attach_linkedin_account' },
  social_media_posting_bulk_delete_social_planner_posts: { rename: 'social_media_posting_bulk_delete_posts' },
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
