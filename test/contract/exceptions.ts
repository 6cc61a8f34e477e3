import type { Coverage } from './sample-args.js';

/** A request field Prism reports although the server sends what the documents mean, and why Prism cannot do better. */
export interface PrismException {
  tool: string;
  /** The violation's location as Prism reports it, joined with dots. */
  field: string;
  /** Arguments coverages in which the field is sent (optional fields only with `all`). */
  coverages: Coverage[];
  reason: string;
}

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

/**
 * The only accepted violations. The test fails when one of these stops happening (prune the entry) and when
 * any other field of the same tool is reported.
 */
export const PRISM_EXCEPTIONS: PrismException[] = [
  { tool: 'conversations_upload_file_attachments', field: 'request.body.attachmentUrls', coverages: ['required', 'all'], reason: MULTIPART_ARRAY },
  { tool: 'store_create_shipping_zone', field: 'request.body.countries.0.code', coverages: ['required', 'all'], reason: COUNTRY_CODES_AS_NUMBER },
  { tool: 'store_create_store_setting', field: 'request.body.shippingOrigin.country', coverages: ['required', 'all'], reason: COUNTRY_CODES_AS_NUMBER },
  { tool: 'store_update_shipping_zone', field: 'request.body.countries.0.code', coverages: ['all'], reason: COUNTRY_CODES_AS_NUMBER },
];
