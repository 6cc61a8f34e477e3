import type { Erratum, ReviewedRow, ToolOverlay } from './types.js';

/**
 * Where the official documents and the live API disagree (../shared/reference/doc-errata.md), as corrections
 * of the generated tool contracts. Each names its row and evidence level; src/catalog/errata.ts applies them.
 * Levels: confirmed → patched to the live API; reported → both forms accepted, a new restriction only where the
 * row says the live API rejects the documented form; inferred → the document's constraint no longer blocks.
 */
export const ERRATA: Erratum[] = [
  {
    id: 'send-message-required',
    row: { module: 'conversations', operation: 'POST /conversations/messages' },
    level: 'reported',
    tools: ['conversations_send_a_new_message'],
    change: 'subType and status optional and never sent unless given; subType accepts a string. Required: type, contactId.',
    patches: [
      { kind: 'optional', args: ['subType', 'status'] },
      { kind: 'anyValue', at: ['subType'] },
    ],
    hints: { subType: 'Leave out for SMS and Email; text is accepted.', status: 'Leave out: GHL reports the delivery status itself.' },
  },
  {
    id: 'send-email-body',
    row: { module: 'conversations', operation: 'POST /conversations/messages with type Email' },
    level: 'reported',
    tools: ['conversations_send_a_new_message'],
    change: 'type Email needs html or message (or a templateId); message alone is sent as html too.',
    patches: [
      { kind: 'rule', rule: { atLeastOne: ['html', 'message', 'templateId'], when: { arg: 'type', equals: 'Email' } } },
      { kind: 'copy', from: 'message', to: 'html', when: { arg: 'type', equals: 'Email' } },
    ],
  },
  {
    id: 'inbound-message-required',
    row: { module: 'conversations', operation: 'POST /conversations/messages/inbound' },
    level: 'reported',
    tools: ['conversations_add_an_inbound_message'],
    change: 'Required: type, conversationId; conversationProviderId only for type Custom; contactId optional; direction accepts a string.',
    patches: [
      { kind: 'optional', args: ['contactId', 'conversationProviderId'] },
      { kind: 'rule', rule: { required: 'conversationProviderId', when: { arg: 'type', equals: 'Custom' } } },
      { kind: 'anyValue', at: ['direction'] },
    ],
  },
  {
    id: 'upload-file-field',
    row: { module: 'conversations', operation: 'POST /conversations/messages/upload' },
    level: 'inferred',
    tools: ['conversations_upload_file_attachments'],
    change: 'A file part fileAttachment (base64) is added; attachmentUrls and contactId are optional.',
    patches: [
      {
        kind: 'add',
        arg: { name: 'fileAttachment', in: 'body', schema: { type: 'string', contentEncoding: 'base64' } },
        hint: 'The file itself, base64-encoded (sent as a multipart file part).',
      },
      { kind: 'optional', args: ['attachmentUrls', 'contactId'] },
    ],
  },
  {
    id: 'contact-search-body',
    row: { module: 'contacts', operation: 'POST /contacts/search' },
    level: 'confirmed',
    tools: ['contacts_search_contacts_advanced'],
    change: 'The empty body schema becomes locationId and pageLimit (required), query, filters, sort, page, searchAfter; filter items stay open.',
    patches: [
      {
        kind: 'flattenBody',
        wrapper: 'body',
        args: [
          { name: 'locationId', in: 'body', required: true, schema: { type: 'string' } },
          { name: 'query', in: 'body', schema: { type: 'string', examples: ['Okafor'] } },
          { name: 'pageLimit', in: 'body', required: true, schema: { type: 'number', examples: [20] } },
          { name: 'page', in: 'body', schema: { type: 'number', examples: [1] } },
          { name: 'searchAfter', in: 'body', schema: { type: 'array', items: { anyOf: [{ type: 'string' }, { type: 'number' }] } } },
          {
            name: 'filters',
            in: 'body',
            schema: { type: 'array', items: { type: 'object', properties: { field: { type: 'string' }, operator: { type: 'string' }, value: {} } } },
          },
          { name: 'sort', in: 'body', schema: { type: 'array', items: { type: 'object', properties: { field: { type: 'string' }, direction: { type: 'string' } } } } },
        ],
      },
    ],
    hints: {
      query: 'Free text matched against name, email, phone and other searchable fields.',
      filters: '[{field, operator, value}], all must match; eq not_eq contains not_contains exists not_exists range.',
      sort: '[{field, direction: "asc" | "desc"}], e.g. field dateAdded.',
      pageLimit: 'Contacts per page, at most 500.',
      page: 'Page number; pages reach the first 10,000 matches only, beyond that use searchAfter.',
      searchAfter: 'Next page: searchAfter of the last contact of the previous page; leave page out with it.',
    },
  },
  {
    id: 'contact-custom-field-items',
    row: { module: 'contacts', operation: 'POST /contacts/, PUT /contacts/{contactId}, POST /contacts/upsert: customFields[]' },
    level: 'reported',
    tools: ['contacts_create_contact', 'contacts_update_contact', 'contacts_upsert_contact'],
    change: 'customFields items take id or key and the value as field_value, fieldValue or value (sent as field_value); the value may be text, a number, a list or an object.',
    patches: [
      {
        kind: 'schema',
        at: 'customFields[]',
        schema: {
          type: 'object',
          properties: {
            id: { type: 'string' },
            key: { type: 'string' },
            field_value: {
              anyOf: [{ type: 'string' }, { type: 'number' }, { type: 'boolean' }, { type: 'array', items: { type: 'string' } }, { type: 'object' }],
            },
          },
        },
        hint: '[{id or key, field_value}] (fieldValue or value also accepted); ids and keys from locations_get_custom_fields.',
      },
      { kind: 'alias', at: 'customFields[]', names: { fieldValue: 'field_value', value: 'field_value' } },
    ],
  },
  {
    id: 'contact-create-identity',
    row: { module: 'contacts', operation: 'POST /contacts/' },
    level: 'reported',
    tools: ['contacts_create_contact'],
    change: 'A create needs at least one of firstName, lastName, name, email, phone, companyName (the live API refuses one with only locationId).',
    patches: [{ kind: 'rule', rule: { atLeastOne: ['firstName', 'lastName', 'name', 'email', 'phone', 'companyName'] } }],
  },
  {
    id: 'appointment-notes',
    row: { module: 'calendars', operation: 'POST /calendars/events/appointments (path, notes)' },
    level: 'inferred',
    tools: ['calendars_create_appointment'],
    change: 'The document stays; notes, which it does not declare, is accepted and sent as description.',
    patches: [{ kind: 'alias', at: '', names: { notes: 'description' } }],
  },
  {
    id: 'appointment-user-id',
    row: { module: 'calendars', operation: 'POST /calendars/events/appointments, PUT /calendars/events/appointments/{eventId}' },
    level: 'reported',
    tools: ['calendars_create_appointment', 'calendars_edit_appointment'],
    change: 'An optional userId is accepted; neither userId nor assignedUserId is required locally.',
    patches: [
      { kind: 'add', arg: { name: 'userId', in: 'body', schema: { type: 'string' } }, hint: 'The user (staff) the appointment is for; some calendars need it or assignedUserId.' },
    ],
  },
  {
    id: 'calendar-events-one-of',
    row: { module: 'calendars', operation: 'GET /calendars/events, GET /calendars/blocked-slots' },
    level: 'reported',
    tools: ['calendars_get_calendar_events', 'calendars_get_blocked_slots'],
    change: 'Exactly one of calendarId, userId, groupId (the live API refuses a request with none).',
    patches: [{ kind: 'rule', rule: { exactlyOne: ['calendarId', 'userId', 'groupId'] } }],
  },
  {
    id: 'block-slot-owner',
    row: { module: 'calendars', operation: 'POST /calendars/events/block-slots, PUT /calendars/events/block-slots/{eventId}' },
    level: 'reported',
    tools: ['calendars_create_block_slot', 'calendars_edit_block_slot'],
    change: '"calendarId required" becomes exactly one of calendarId, assignedUserId.',
    patches: [
      { kind: 'optional', args: ['calendarId'] },
      { kind: 'rule', rule: { exactlyOne: ['calendarId', 'assignedUserId'] } },
    ],
  },
  {
    id: 'opportunity-search-body',
    row: { module: 'opportunities', operation: 'POST /opportunities/search' },
    level: 'confirmed',
    tools: ['opportunities_search_opportunities_advanced'],
    change: 'Optional filters ({field, operator, value} items) and sort ({field, direction} items) are added; only locationId is required, the rest is sent with neutral values when left out.',
    patches: [
      {
        kind: 'add',
        arg: { name: 'filters', in: 'body', schema: { type: 'array', items: { type: 'object', properties: { field: { type: 'string' }, operator: { type: 'string' }, value: {} } } } },
        hint: 'Filter clauses, e.g. [{field: "status", operator: "eq", value: "open"}].',
      },
      { kind: 'add', arg: { name: 'sort', in: 'body', schema: { type: 'array', items: { type: 'object', properties: { field: { type: 'string' }, direction: { type: 'string' } } } } }, hint: 'e.g. [{field: "date_added", direction: "desc"}].' },
      {
        kind: 'fill',
        values: {
          query: '',
          limit: 20,
          page: 1,
          searchAfter: [],
          additionalDetails: { notes: false, tasks: false, calendarEvents: false, unReadConversations: false },
        },
      },
    ],
  },
  {
    id: 'opportunity-upsert-body',
    row: { module: 'opportunities', operation: 'POST /opportunities/upsert' },
    level: 'inferred',
    tools: ['opportunities_upsert_opportunity'],
    change: 'The three follower fields are optional; contactId is accepted; monetaryValue accepts a number.',
    patches: [
      { kind: 'optional', args: ['followers', 'isRemoveAllFollowers', 'followersActionType'] },
      { kind: 'add', arg: { name: 'contactId', in: 'body', schema: { type: 'string' } }, hint: 'The contact the deal is for.' },
      { kind: 'anyValue', at: ['monetaryValue'] },
    ],
  },
  {
    id: 'opportunity-status-writes',
    row: { module: 'opportunities', operation: 'POST /opportunities/, PUT /opportunities/{id}, POST /opportunities/upsert, PUT /opportunities/{id}/status' },
    level: 'inferred',
    tools: ['opportunities_create_opportunity', 'opportunities_update_opportunity', 'opportunities_upsert_opportunity', 'opportunities_update_opportunity_status'],
    change: 'status "all" (a search filter, not a state) is not offered on writes: open, won, lost, abandoned.',
    patches: [{ kind: 'dropEnum', at: 'status', values: ['all'] }],
  },
  {
    id: 'invoice-item-spelling',
    row: { module: 'invoices', operation: 'POST /invoices/' },
    level: 'inferred',
    tools: ['invoices_create_invoice'],
    change: 'The required list stays; items written with price and quantity are sent as amount and qty.',
    patches: [{ kind: 'alias', at: 'items[]', names: { price: 'amount', quantity: 'qty' } }],
  },
  {
    id: 'order-alt-type',
    row: { module: 'payments', operation: 'GET /payments/orders/{orderId}' },
    level: 'reported',
    tools: ['payments_get_order_by_id'],
    change: 'Query altType (always "location") is added and filled; the live API refuses the call without it.',
    patches: [{ kind: 'add', arg: { name: 'altType', in: 'query', required: true, schema: { type: 'string', enum: ['location'] } } }],
  },
  {
    id: 'custom-field-extras',
    row: { module: 'custom fields', operation: 'POST /locations/{locationId}/customFields' },
    level: 'confirmed',
    tools: ['locations_create_custom_field'],
    change: 'Optional parentId (folder), fieldKey and description are added.',
    patches: [
      { kind: 'add', arg: { name: 'parentId', in: 'body', schema: { type: 'string' } }, hint: 'The custom field folder to put it in.' },
      { kind: 'add', arg: { name: 'fieldKey', in: 'body', schema: { type: 'string', examples: ['contact.favourite_colour'] } }, hint: 'Merge key of the field.' },
      { kind: 'add', arg: { name: 'description', in: 'body', schema: { type: 'string' } }, hint: 'What the field holds.' },
    ],
  },
  {
    id: 'blog-word-count',
    row: { module: 'blogs', operation: 'PUT /blogs/posts/{postId}' },
    level: 'confirmed',
    tools: ['blogs_update_blog_post'],
    change: 'Optional wordCount is added, computed from rawHTML when left out (GHL applies rawHTML only with it).',
    patches: [
      { kind: 'add', arg: { name: 'wordCount', in: 'body', schema: { type: 'number' } }, hint: 'Words in rawHTML; computed from rawHTML when left out.' },
      { kind: 'derive', arg: 'wordCount', from: 'rawHTML', as: 'words' },
    ],
  },
  {
    id: 'blog-status-all',
    row: { module: 'blogs', operation: 'GET /blogs/posts/all' },
    level: 'reported',
    tools: ['blogs_get_blog_post'],
    change: 'status accepts ALL (every post), which the enum leaves out.',
    patches: [{ kind: 'addEnum', at: 'status', values: ['ALL'] }],
  },
  {
    id: 'social-post-schedule',
    row: { module: 'social planner', operation: 'POST /social-media-posting/{locationId}/posts' },
    level: 'inferred',
    tools: ['social_media_posting_create_post'],
    change: 'Path and required list stay; scheduledAt is accepted and sent as scheduleDate.',
    patches: [{ kind: 'alias', at: '', names: { scheduledAt: 'scheduleDate' } }],
  },
  {
    id: 'social-posts-list-strings',
    row: { module: 'social planner', operation: 'POST /social-media-posting/{locationId}/posts/list' },
    level: 'reported',
    tools: ['social_media_posting_get_posts'],
    change: 'skip, limit and includeUsers accept numbers and booleans, sent as the strings the document types.',
    patches: [{ kind: 'sendAsString', args: ['skip', 'limit', 'includeUsers'] }],
  },
  {
    id: 'funnels-version',
    row: { module: 'funnels', operation: 'GET /funnels/funnel/list, GET /funnels/page, GET /funnels/page/count' },
    level: 'reported',
    tools: ['funnels_get_funnels', 'funnels_get_pages_by_funnel_id', 'funnels_get_pages_count_by_funnel_id'],
    change: 'Version: 2021-07-28 is sent (the documents declare no Version header here).',
    patches: [{ kind: 'version', version: '2021-07-28' }],
  },
  ...objectTypedScalars(),
];

/** The row "24 request properties typed object whose own example is a scalar", tool by tool. */
function objectTypedScalars(): Erratum[] {
  const row = { module: 'cross-cutting', operation: '24 request properties typed object' };
  const change = (fields: string) => `${fields}: any scalar or object (typed object, while the document's examples are scalars).`;
  const sets: [string, string[], string[]][] = [
    ['contact-date-of-birth', ['contacts_create_contact', 'contacts_update_contact', 'contacts_upsert_contact'], ['dateOfBirth']],
    [
      'social-post-fields',
      ['social_media_posting_create_post', 'social_media_posting_edit_post'],
      ['type', 'status', 'postApprovalDetails.approvalStatus', 'tiktokPostDetails.privacyLevel', 'gmbPostDetails.actionType'],
    ],
    ['social-post-type-filter', ['social_media_posting_get_posts'], ['postType']],
    ['social-facebook-account-type', ['social_media_posting_attach_facebook_page_group'], ['type']],
    ['product-review-status', ['products_bulk_update_product_review'], ['status']],
    ['association-create-fields', ['associations_create_association'], ['firstObjectLabel', 'secondObjectLabel', 'firstObjectKey', 'secondObjectKey']],
    ['association-update-labels', ['associations_update_association'], ['firstObjectLabel', 'secondObjectLabel']],
  ];
  return sets.map(([id, tools, at]) => ({ id: `object-typed-${id}`, row, level: 'inferred', tools, change: change(at.join(', ')), patches: [{ kind: 'anyValue', at }] }));
}

/** Rows of doc-errata.md that need no change of a tool contract, and why. */
export const REVIEWED: ReviewedRow[] = [
  {
    row: { module: 'conversations', operation: 'GET /conversations/{conversationId}/messages (response)' },
    level: 'confirmed',
    outcome: 'Answers are not validated against the documents; paging reads the list flat or wrapped in messages.',
  },
  {
    row: { module: 'calendars', operation: 'GET /calendars/{calendarId}/free-slots (request)' },
    level: 'inferred',
    outcome: 'Document kept (epoch milliseconds); ISO dates are converted and the 31-day cap is checked before sending (src/args).',
  },
  {
    row: { module: 'calendars', operation: 'GET /calendars/{calendarId}/free-slots (response)' },
    level: 'reported',
    outcome: 'Answers are not validated; the traceId beside the date keys is passed through.',
  },
  {
    row: { module: 'calendars', operation: 'GET /calendars/events/appointments/{eventId} (response)' },
    level: 'reported',
    outcome: 'Answers are not validated; appointment or event is passed through as GHL sends it.',
  },
  {
    row: { module: 'opportunities', operation: 'GET /opportunities/{id} (response)' },
    level: 'reported',
    outcome: 'Answers are not validated; unknown fields are passed through.',
  },
  { row: { module: 'opportunities', operation: 'POST /opportunities/ (source)' }, level: 'inferred', outcome: 'Document kept: source is not declared, so it is refused before sending.' },
  {
    row: { module: 'custom fields', operation: 'POST /custom-fields/ (Custom Fields V2)' },
    level: 'inferred',
    outcome: 'Document kept; contact and opportunity fields are created with locations_create_custom_field.',
  },
  { row: { module: 'media', operation: 'POST /medias/upload-file' }, level: 'inferred', outcome: 'Document kept: locationId is not declared, so it is refused before sending.' },
  {
    row: { module: 'oauth', operation: 'POST /oauth/locationToken (response)' },
    level: 'confirmed',
    outcome: 'Not a tool contract: answers are not validated, so a refresh_token in the answer is passed through.',
  },
  {
    row: { module: 'all modules', operation: 'Version header enum' },
    level: 'inferred',
    outcome: 'The Version header is not an argument: each tool sends its document value and never validates it.',
  },
  {
    row: { module: 'cross-cutting', operation: '11 path templates without declared path parameters' },
    level: 'reported',
    outcome: 'The generator declares every {name} of a path as a required string argument.',
  },
  {
    row: { module: 'seed only', operation: 'operations that do not exist' },
    level: 'inferred',
    outcome: 'Document kept; discovery names the real operations (tools/overlays/gaps.ts).',
  },
];

/** Help text of the arguments errata add or change, by tool and argument. */
function hintsOf(erratum: Erratum): Record<string, string> {
  const hints: Record<string, string> = {};
  for (const patch of erratum.patches) {
    if (patch.kind === 'add' && patch.hint) hints[patch.arg.name] = patch.hint;
    if (patch.kind === 'schema' && patch.hint) hints[patch.at.split(/[.[]/)[0]!] = patch.hint;
  }
  return { ...hints, ...erratum.hints };
}

/** The errata as an overlay layer: each tool with its errata and the help text of what they add. */
export const errataOverlays: Record<string, ToolOverlay> = {};
for (const erratum of ERRATA) {
  for (const tool of erratum.tools) {
    const overlay = (errataOverlays[tool] ??= { errata: [] });
    overlay.errata!.push(erratum);
    const hints = hintsOf(erratum);
    if (Object.keys(hints).length > 0) overlay.args = { ...overlay.args, ...hints };
  }
}
