/**
 * Things agents (and the seed document) ask for that the GHL API v2 does not offer, each with what to do
 * instead. Discovery search shows these so an agent hears "no API" instead of guessing an endpoint.
 */
export interface ApiGap {
  /** What was asked for, in the words an agent would search with. */
  capability: string;
  /** Why it is not possible and what to do instead. */
  instead: string;
  /** Tools that come closest. */
  tools: string[];
  /** The made-up endpoints people (and the seed document) try for it. */
  asked: string[];
}

export const API_GAPS: ApiGap[] = [
  {
    capability: 'list the campaigns a contact is in',
    instead: 'No read endpoint exists; contacts can only be added to or removed from campaigns. List the location campaigns instead.',
    tools: ['campaigns_get_campaigns', 'contacts_add_contact_to_campaign', 'contacts_remove_contact_from_campaign'],
    asked: ['GET /contacts/{contactId}/campaigns'],
  },
  {
    capability: 'get one calendar group by id',
    instead: 'Groups can only be listed (then filtered by id), edited or deleted.',
    tools: ['calendars_get_groups'],
    asked: ['GET /calendars/groups/{groupId}'],
  },
  {
    capability: 'get one pipeline by id',
    instead: 'List the pipelines of the location: each comes with its stages.',
    tools: ['opportunities_get_pipelines'],
    asked: ['GET /opportunities/pipelines/{pipelineId}'],
  },
  {
    capability: 'create an order',
    instead: 'Orders are created by checkouts, not the API; existing orders can be listed, read and have payments recorded.',
    tools: ['payments_list_orders', 'payments_record_order_payment'],
    asked: ['POST /payments/orders'],
  },
  {
    capability: 'get one estimate by id',
    instead: 'List estimates with filters (search, contactId) and pick the one you need.',
    tools: ['invoices_list_estimates'],
    asked: ['GET /invoices/estimate/{estimateId}'],
  },
  {
    capability: 'get, create or update a workflow; fire a custom workflow trigger',
    instead: 'The API only lists workflows; contacts can be added to or removed from a workflow.',
    tools: ['workflows_get_workflow', 'contacts_add_contact_to_workflow', 'contacts_delete_contact_from_workflow'],
    asked: ['GET /workflows/{workflowId}', 'POST /workflows/triggers'],
  },
  {
    capability: 'get one funnel by id',
    instead: 'List funnels with name/type/category filters.',
    tools: ['funnels_get_funnels'],
    asked: ['GET /funnels/{funnelId}'],
  },
  {
    capability: 'courses and memberships: list, get, update, delete courses, enrollments, lessons, certificates',
    instead: 'The only course operation is importing courses; there is no read, enrollment or lesson API.',
    tools: ['courses_import_courses'],
    asked: ['GET /courses/', 'GET /courses/{courseId}', 'PUT /courses/{courseId}', 'DELETE /courses/{courseId}', 'POST /courses/{courseId}/enrollments', 'GET /courses/{courseId}/enrollments', 'DELETE /courses/{courseId}/enrollments/{enrollmentId}', 'GET /courses/{courseId}/lessons', 'POST /courses/{courseId}/lessons/{lessonId}/complete', 'GET /courses/{courseId}/certificates'],
  },
  {
    capability: 'get one media file by id',
    instead: 'List files with query/parentId filters.',
    tools: ['medias_fetch_media_content'],
    asked: ['GET /medias/{fileId}'],
  },
  {
    capability: 'create a SaaS location; read rebilling settings',
    instead: 'Create the sub-account as a location, then enable SaaS on it; rebilling can be updated but not read (agency plans and app rebilling config are readable).',
    tools: ['locations_create_location', 'saas_api_enable_saas_location', 'saas_api_get_agency_plans', 'marketplace_get_rebilling_config_for_app'],
    asked: ['POST /saas-api/public-api/locations', 'GET /saas-api/public-api/rebilling/{companyId}'],
  },
  {
    capability: 'webhooks: list, create, get, update or delete webhook subscriptions',
    instead: 'There is no webhook API: the webhook URL and events are set in the Marketplace app settings, and GHL signs deliveries with its own key.',
    tools: [],
    asked: ['GET /webhooks/', 'POST /webhooks/', 'GET /webhooks/{webhookId}', 'PUT /webhooks/{webhookId}', 'DELETE /webhooks/{webhookId}'],
  },
  {
    capability: 'get or delete one blog post; create a blog category',
    instead: 'Blog posts can be listed (with a search term), created and updated; categories are read-only.',
    tools: ['blogs_get_blog_post', 'blogs_get_all_categories_by_location'],
    asked: ['GET /blogs/{postId}', 'DELETE /blogs/{postId}', 'POST /blogs/categories'],
  },
  {
    capability: 'get one document or contract by id',
    instead: 'List documents and contracts with filters and pick the one you need.',
    tools: ['proposals_list_documents_contracts'],
    asked: ['GET /documents/{documentId}'],
  },
];
