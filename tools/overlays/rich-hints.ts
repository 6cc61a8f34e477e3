const LOCATION_OVERRIDE = 'true when giving only meetingLocationType; false when giving only meetingLocationId.';
const DATE_RANGE = 'true books outside the minimum notice and the booking window of the calendar.';
const PER_DAY = 'Most appointments that can be booked on one day.';
const THANKS = 'Text shown after booking when formSubmitType is ThankYouMessage.';
const STICKY = 'Round robin: a returning contact is booked with the same team member again.';
const ALERT_MEMBER = 'true emails booking alerts to the assigned team member (more addresses: alertEmail).';
const ASSIGN_CONTACT = 'true makes the booked team member the owner (assignedTo) of the contact.';
const KEEP_OWNER = 'With shouldAssignContactToTeamMember: contacts that already exist are skipped (only new ones).';
const RESOURCE_ID = 'The resource, from calendars_fetch_calendar_resources (same resourceType).';
const QUANTITY = 'How many units of it exist.';
const OUT_OF_SERVICE = 'How many of those units are out of service; 0 for none.';
const CAPACITY = 'How many people it holds (a room), e.g. 85.';
const AUTO_TAXES = 'true: the taxes are computed automatically.';
const REMOVE_ALL = 'true removes every follower, not only those in followers.';
const CALENDAR_BOOKING = {
  appoinmentPerDay: PER_DAY,
  formSubmitThanksMessage: THANKS,
  stickyContact: STICKY,
  shouldSendAlertEmailsToAssignedMember: ALERT_MEMBER,
  shouldAssignContactToTeamMember: ASSIGN_CONTACT,
  shouldSkipAssigningContactForExisting: KEEP_OWNER,
};

/**
 * Curated hints (our words, the documents' facts) for core-module arguments of less everyday use whose generated
 * hint says nothing (no example, default or format in the documents). descriptions.ts gives them as `richArgs`:
 * shown when a toolset is listed and by ghl_describe_tool; the lean list of every tool has no room for them.
 */
export const RICH_HINTS: Record<string, Record<string, string>> = {
  calendars_create_appointment: { overrideLocationConfig: LOCATION_OVERRIDE, ignoreDateRange: DATE_RANGE },
  calendars_edit_appointment: {
    overrideLocationConfig: LOCATION_OVERRIDE,
    ignoreDateRange: DATE_RANGE,
    toNotify: 'false: the automations of the calendar do not run for this change.',
    ignoreFreeSlotValidation: 'true accepts a time that is not a free slot (and skips the date range check too).',
  },
  calendars_create_calendar: CALENDAR_BOOKING,
  calendars_update_calendar: {
    ...CALENDAR_BOOKING,
    eventTitle: 'Title of each booked event; merge fields work, e.g. {{contact.name}}.',
    slotBuffer: 'Time kept free after each appointment, to wrap up.',
    appoinmentPerSlot: 'Most bookings per slot and user; for a class calendar, the seats per slot.',
    autoConfirm: 'true confirms new bookings at once; false leaves them unconfirmed (status new).',
    googleInvitationEmails: 'true lets Google Calendar send its own invitation emails to guests.',
    allowReschedule: 'Whether the contact may reschedule the booking themselves.',
    allowCancellation: 'Whether the contact may cancel the booking themselves.',
    isActive: 'false turns the calendar into a draft that takes no bookings.',
  },
  calendars_create_calendar_group: { isActive: 'false creates the group switched off (calendars_disable_group switches it).' },
  calendars_create_calendar_resource: { quantity: QUANTITY, outOfService: OUT_OF_SERVICE, capacity: CAPACITY },
  calendars_update_calendar_resource: {
    id: RESOURCE_ID,
    quantity: QUANTITY,
    outOfService: OUT_OF_SERVICE,
    capacity: CAPACITY,
    isActive: 'false stops its use and keeps the resource.',
  },
  calendars_get_calendar_resource: { id: RESOURCE_ID },
  calendars_delete_calendar_resource: { id: RESOURCE_ID },
  calendars_get_event_notification: {
    isActive: 'true lists only the active rules, false only the inactive ones.',
    deleted: 'true lists the rules that were deleted.',
  },
  calendars_update_event_notification: {
    additionalEmailIds: 'More email addresses that receive the notification.',
    subject: 'Email subject; in-app notifications need none.',
    fromAddress: 'Sender address of the email.',
    fromName: 'Sender name shown on the email or SMS.',
  },

  conversations_search_conversation: {
    mentions: 'User ids mentioned in the conversation, comma separated.',
    scoreProfileMin: 'Lowest score to include.',
    scoreProfileMax: 'Highest score to include.',
  },
  conversations_update_conversation: { starred: 'true stars the conversation (marks it important); false unstars it.' },
  conversations_complete_file_upload: { filePath: 'filePath from the answer of conversations_initiate_file_upload.' },
  conversations_update_custom_subtype: { archived: 'true archives the subtype.' },

  invoices_create_invoice: { automaticTaxesEnabled: AUTO_TAXES },
  invoices_create_invoice_schedule: { automaticTaxesEnabled: AUTO_TAXES },
  invoices_create_invoice_template: { automaticTaxesEnabled: AUTO_TAXES },
  invoices_update_invoice: { automaticTaxesEnabled: AUTO_TAXES },
  invoices_text2pay_invoice: {
    automaticTaxesEnabled: AUTO_TAXES,
    id: 'The invoice to update; leave out to create a new one.',
    includeTermsNote: 'true adds the terms and notes to the receipts.',
  },
  invoices_list_invoices: { status: 'One of draft, sent, payment_processing, paid, void, partially_paid.' },
  invoices_list_invoice_schedules: { status: 'A schedule status, e.g. draft.' },

  opportunities_search_opportunity: {
    getTasks: "true adds the tasks of each deal's contact.",
    getNotes: "true adds the notes of each deal's contact.",
    getCalendarEvents: "true adds the appointments of each deal's contact.",
  },
  opportunities_get_lost_reason: { getCount: 'true adds the number of lost reasons.' },
  opportunities_remove_followers_opportunity: { isRemoveAllFollowers: REMOVE_ALL },
  opportunities_upsert_opportunity: { isRemoveAllFollowers: REMOVE_ALL },
};
