import type { Coverage } from './sample-args.js';

/**
 * A request field Prism reports, and why that is right: either Prism cannot read what the server sends as the
 * documents mean it (`reason`), or the server departs from the documents on purpose, as an erratum says (`erratum`,
 * an id of tools/overlays/errata.ts, with the finding's `message`).
 */
export type PrismException = {
  tool: string;
  /** The violation's location as Prism reports it, joined with dots. */
  field: string;
  /** Arguments coverages in which the finding happens (optional fields are sent only with `all`). */
  coverages: Coverage[];
} & ({ reason: string; erratum?: undefined; message?: undefined } | { erratum: string; message: string; reason?: undefined });

const COUNTRY_CODES_AS_NUMBER =
  'The document itself admits no value: store.json declares the country code `type: number` with ' +
  '`enum: [["US", "CA", ...]]` (one allowed value, an array of strings). Prism applies it as written: ' +
  '"must be number" and "must be equal to one of the allowed values: US,CA,...". The catalog reads it as the ' +
  'string codes it lists (test/unit/compact-enums.test.ts), which is what the server sends.';

const MULTIPART_ARRAY =
  'Prism cannot read an array out of a multipart body: parseMultipartFormDataParams ' +
  '(prism-http/dist/validator/validators/body.js) keeps every part as one string, and only a declared ' +
  '`encoding` style would turn repeated parts into an array; conversations.json declares none. Whatever is sent ' +
  '(one part per URL, as multipart arrays are sent), Prism says "Request body property attachmentUrls must be array".';

/** Prism's finding for a field the documents require and an erratum makes optional (sent only with `all`). */
function notRequired(tool: string, erratum: string, names: string[]): PrismException[] {
  return names.map((name) => ({ tool, field: 'request.body', message: `must have required property '${name}'`, coverages: ['required'], erratum }));
}

/** Prism's finding for a field the documents type `object` and an erratum lets be a scalar (the sample sends text). */
function scalarNotObject(tool: string, erratum: string, fields: string[], coverages: Coverage[] = ['all']): PrismException[] {
  return fields.map((field) => ({ tool, field: `request.body.${field}`, message: 'must be object', coverages, erratum }));
}

const SOCIAL_POST_OPTIONAL = ['status', 'postApprovalDetails.approvalStatus', 'tiktokPostDetails.privacyLevel', 'gmbPostDetails.actionType'];

/**
 * The only accepted violations. The test fails when one of these stops happening (prune the entry) and when
 * any other finding is reported for a tool.
 */
export const PRISM_EXCEPTIONS: PrismException[] = [
  // Deliberate departures from the documents, each named by its erratum (tools/overlays/errata.ts).
  ...notRequired('conversations_send_a_new_message', 'send-message-required', ['subType', 'status']),
  ...scalarNotObject('conversations_send_a_new_message', 'send-message-required', ['subType']),
  ...notRequired('conversations_add_an_inbound_message', 'inbound-message-required', ['contactId', 'conversationProviderId']),
  ...scalarNotObject('conversations_add_an_inbound_message', 'inbound-message-required', ['direction']),
  ...notRequired('conversations_upload_file_attachments', 'upload-file-field', ['contactId', 'attachmentUrls']),
  ...notRequired('opportunities_upsert_opportunity', 'opportunity-upsert-body', ['followers', 'isRemoveAllFollowers', 'followersActionType']),
  ...scalarNotObject('opportunities_upsert_opportunity', 'opportunity-upsert-body', ['monetaryValue']),
  ...['contacts_create_contact', 'contacts_update_contact', 'contacts_upsert_contact'].flatMap((tool) => scalarNotObject(tool, 'object-typed-contact-date-of-birth', ['dateOfBirth'])),
  ...['social_media_posting_create_post', 'social_media_posting_edit_post'].flatMap((tool) => [
    ...scalarNotObject(tool, 'object-typed-social-post-fields', ['type'], ['required', 'all']),
    ...scalarNotObject(tool, 'object-typed-social-post-fields', SOCIAL_POST_OPTIONAL),
  ]),
  ...scalarNotObject('social_media_posting_get_posts', 'object-typed-social-post-type-filter', ['postType']),
  ...scalarNotObject('social_media_posting_attach_facebook_page_group', 'object-typed-social-facebook-account-type', ['type']),
  ...scalarNotObject('products_bulk_update_product_review', 'object-typed-product-review-status', ['status'], ['required', 'all']),
  ...scalarNotObject('associations_create_association', 'object-typed-association-create-fields', ['firstObjectLabel', 'secondObjectLabel', 'firstObjectKey', 'secondObjectKey'], ['required', 'all']),
  ...scalarNotObject('associations_update_association', 'object-typed-association-update-labels', ['firstObjectLabel', 'secondObjectLabel'], ['required', 'all']),
  // What Prism cannot read as the documents mean it.
  { tool: 'conversations_upload_file_attachments', field: 'request.body.attachmentUrls', coverages: ['all'], reason: MULTIPART_ARRAY },
  { tool: 'store_create_shipping_zone', field: 'request.body.countries.0.code', coverages: ['required', 'all'], reason: COUNTRY_CODES_AS_NUMBER },
  { tool: 'store_create_store_setting', field: 'request.body.shippingOrigin.country', coverages: ['required', 'all'], reason: COUNTRY_CODES_AS_NUMBER },
  { tool: 'store_update_shipping_zone', field: 'request.body.countries.0.code', coverages: ['all'], reason: COUNTRY_CODES_AS_NUMBER },
];
