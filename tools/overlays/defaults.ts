/**
 * Arguments an agent cannot know but the location (or the call itself) supplies, and the choices that are never
 * guessed. Keyed by the generated tool name; read by src/args/.
 * An argument the caller gives always wins: a fill only takes the place of a missing value.
 */

/** A path in a call's arguments: `businessDetails`, `contactDetails.phoneNo`, `items[].currency` (each item). */
type ArgPath = string;

/** Where a filled value comes from. */
export type FillSource =
  /** The first of these location-profile fields (`GET /locations/{locationId}`) that has a value. */
  | { location: string[] }
  /** The first of these fields of the contact whose ID the call gives at `of`; a list of names is joined with spaces. */
  | { contact: (string | string[])[]; of: ArgPath }
  /** Another argument of the call (filled ones included); `list` makes it a list of one. */
  | { arg: ArgPath; list?: true }
  /** The one value every element holds at this path (`items[].currency`), when they all agree. */
  | { sharedBy: ArgPath }
  /** Today's date in the location's time zone, `YYYY-MM-DD`. */
  | { today: true }
  /** A fixed value; `because` says why it is safe to assume (shown in the result). */
  | { value: unknown; because: string }
  /** An object of these fields; those without a value are left out, and no fields means no object. */
  | { fields: Record<string, FillSource> };

export interface ArgRules {
  /** Filled in this order (later sources may read earlier fills). */
  fill?: Record<ArgPath, FillSource>;
  /** Arguments with money or sending consequences: when missing, the call is refused with these options spelled out. */
  choices?: Record<ArgPath, string>;
}

const profile = (...fields: string[]): FillSource => ({ location: fields });

/** An invoice's sender, from the location's business profile (falling back to the location's own fields). */
const BUSINESS_DETAILS: FillSource = {
  fields: {
    name: profile('business.name', 'name'),
    phoneNo: profile('phone'),
    website: profile('business.website', 'website'),
    logoUrl: profile('business.logoUrl', 'logoUrl'),
    address: {
      fields: {
        addressLine1: profile('business.address', 'address'),
        city: profile('business.city', 'city'),
        state: profile('business.state', 'state'),
        countryCode: profile('business.country', 'country'),
        postalCode: profile('business.postalCode', 'postalCode'),
      },
    },
  },
};

const NO_DISCOUNT: FillSource = { value: { type: 'percentage', value: 0 }, because: 'no discount' };

/** The contact's own name, email and phone, from its record, when `contactDetails` names only its ID. */
const CONTACT_DETAILS: Record<ArgPath, FillSource> = {
  'contactDetails.name': { contact: ['name', 'contactName', ['firstName', 'lastName']], of: 'contactDetails.id' },
  'contactDetails.email': { contact: ['email'], of: 'contactDetails.id' },
  'contactDetails.phoneNo': { contact: ['phone'], of: 'contactDetails.id' },
};

/** The recipients, from the contact details (recording them sends nothing). */
const SENT_TO: FillSource = {
  fields: { email: { arg: 'contactDetails.email', list: true }, phoneNo: { arg: 'contactDetails.phoneNo', list: true } },
};

/** One currency for the document and its items: each is read from the other. */
const CURRENCY: Record<ArgPath, FillSource> = {
  currency: { sharedBy: 'items[].currency' },
  'items[].currency': { arg: 'currency' },
};

/**
 * The invoice lists' documents require both paging values (typed text): left out, the call reads the first page,
 * so asking for "all invoices" does not fail on them.
 */
const FIRST_PAGE: Record<ArgPath, FillSource> = {
  limit: { value: '20', because: 'a page of 20' },
  offset: { value: '0', because: 'the first page' },
};

const LIVE_MODE = 'true takes real payments; false is test mode, where no real money moves.';
const SEND_ACTION = 'the channel: "email", "sms", "sms_and_email", or "send_manually" (marks it sent and sends nothing).';

export const ARG_RULES: Record<string, ArgRules> = {
  invoices_create_invoice: {
    fill: {
      ...CONTACT_DETAILS,
      sentTo: SENT_TO,
      ...CURRENCY,
      businessDetails: BUSINESS_DETAILS,
      discount: NO_DISCOUNT,
      issueDate: { today: true },
      liveMode: { value: true, because: 'a new invoice is a draft: creating it sends and charges nothing' },
    },
  },
  invoices_create_new_estimate: {
    fill: { ...CONTACT_DETAILS, ...CURRENCY, businessDetails: BUSINESS_DETAILS, discount: NO_DISCOUNT },
  },
  invoices_create_invoice_template: { fill: { ...CURRENCY, businessDetails: BUSINESS_DETAILS } },
  invoices_create_estimate_template: { fill: { businessDetails: BUSINESS_DETAILS, discount: NO_DISCOUNT } },
  invoices_create_invoice_schedule: {
    fill: { ...CONTACT_DETAILS, ...CURRENCY, businessDetails: BUSINESS_DETAILS, discount: NO_DISCOUNT },
    choices: { liveMode: LIVE_MODE },
  },
  invoices_text2pay_invoice: {
    fill: { ...CONTACT_DETAILS, sentTo: SENT_TO, ...CURRENCY, issueDate: { today: true } },
    choices: {
      action: '"send" texts the contact a payment link now; "draft" only saves the invoice.',
      liveMode: LIVE_MODE,
    },
  },
  invoices_list_invoices: { fill: FIRST_PAGE },
  invoices_list_estimates: { fill: FIRST_PAGE },
  invoices_list_invoice_schedules: { fill: FIRST_PAGE },
  invoices_list_invoice_templates: { fill: FIRST_PAGE },
  invoices_list_estimate_templates: { fill: FIRST_PAGE },
  invoices_send_invoice: { choices: { action: SEND_ACTION, liveMode: LIVE_MODE } },
  invoices_send_estimate: { choices: { action: SEND_ACTION, liveMode: LIVE_MODE } },
  invoices_schedule_invoice_schedule: { choices: { liveMode: LIVE_MODE } },
  conversations_send_a_new_message: {
    choices: { type: 'the channel it goes out by, e.g. "SMS", "Email" or "WhatsApp".' },
  },
};
