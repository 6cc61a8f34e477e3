import { RICH_HINTS } from './rich-hints.js';
import type { ToolOverlay } from './types.js';

/**
 * Curated descriptions for the six core modules (calendars, contacts, conversations, invoices, opportunities,
 * payments), written for an agent choosing between tools: what the tool does, when to take it rather than its
 * neighbours, and what comes back. Keyed by the generated tool name; other tools are named as agents see them.
 * Facts come from the OpenAPI documents and ../shared/reference/doc-errata.md; the words are ours. The listing
 * adds method, path, scopes and paging after these lines.
 */
const CALENDARS: Record<string, string> = {
  calendars_add_calendar_to_schedule: 'Attach a calendar to a user availability schedule so its open hours follow that schedule; undo with calendars_remove_calendar_from_schedule.',
  calendars_create_appointment: 'Book an appointment for a contact on a calendar, at a time taken from calendars_get_free_slots. Returns the appointment; its id is the eventId.',
  calendars_create_appointment_note: 'Add a note to one appointment (notes on the contact itself: contacts_create_note); returns the note with its id.',
  calendars_create_block_slot: 'Block time on a calendar or for a user so it cannot be booked (time off, breaks); returns the block slot with its id (an eventId).',
  calendars_create_calendar: 'Create a booking calendar (round robin, event, class, collective, service or personal) with its slot and availability rules; returns the calendar and its id.',
  calendars_create_calendar_group: 'Create a calendar group: a set of calendars behind one booking slug. Returns the group with its id.',
  calendars_create_calendar_resource: 'Create a bookable room or piece of equipment, with quantity and capacity, linked to calendars; returns the resource.',
  calendars_create_event_notification: 'Add notification rules to a calendar: who is told (contact, staff, emails), by which channel, on booking, reminder or follow-up; returns the rules.',
  calendars_create_schedule: 'Create a user availability schedule (weekly rules in a time zone) for one user, optionally linked to calendars; returns the schedule.',
  calendars_delete_appointment_note: 'Delete one note of an appointment.',
  calendars_delete_calendar: 'Delete a calendar and its booking page; to pause it instead, set isActive false with calendars_update_calendar.',
  calendars_delete_calendar_resource: 'Delete a room or equipment resource; to keep it but stop its use, set isActive false with calendars_update_calendar_resource.',
  calendars_delete_event: 'Delete an appointment or block slot by eventId (a whole recurring series: its masterEventId). To keep a record, cancel via calendars_edit_appointment.',
  calendars_delete_event_notification: 'Delete one notification rule of a calendar.',
  calendars_delete_group: 'Delete a calendar group; to switch it off and keep it, use calendars_disable_group.',
  calendars_delete_schedule: 'Delete a user availability schedule with all its rules; cannot be undone.',
  calendars_disable_group: 'Switch a calendar group off or on again (isActive) without deleting it.',
  calendars_edit_appointment: 'Reschedule or change an appointment: times, status (confirmed, cancelled, showed, noshow), assignee, title. Only fields passed change; returns it.',
  calendars_edit_block_slot: 'Move, shorten or retitle an existing block slot; returns the block slot.',
  calendars_edit_group: 'Rename a calendar group or change its description and slug; returns the group.',
  calendars_fetch_calendar_resources: 'List the rooms or the equipment (resourceType) of the location, with quantity, capacity and linked calendars.',
  calendars_find_event_notification: 'One notification rule of a calendar by its id.',
  calendars_get_all_schedules: 'List the availability schedules of a user in the location, optionally only those linked to one calendar.',
  calendars_get_appointment: 'One appointment by eventId: contact, calendar, times, status, assignee, notes. Find eventIds with calendars_get_calendar_events.',
  calendars_get_appointment_notes: 'Notes written on one appointment, at most 20 a page; hasMore says whether more follow.',
  calendars_get_blocked_slots: 'Block slots in a time window for exactly one calendar, user or group; for booked appointments use calendars_get_calendar_events.',
  calendars_get_calendar: 'One calendar with all its settings: slot length and interval, buffers, open hours, team members, notifications.',
  calendars_get_calendar_events: 'List the appointments in a time window for exactly one calendar, user or group; each carries its id (the eventId), contactId and status.',
  calendars_get_calendar_resource: 'One room or equipment resource by id.',
  calendars_get_calendars: 'List the calendars of the location (or of one group) with their ids and settings; start here before reading free slots or booking.',
  calendars_get_event_notification: 'List the notification rules of one calendar (who is told what, when), optionally only active or deleted ones.',
  calendars_get_groups: 'List the calendar groups of the location with their ids, slugs and active flags.',
  calendars_get_schedule_by_id: 'One user availability schedule by id: its rules, time zone, user and linked calendars.',
  calendars_get_slots: 'Free times (availability) of a calendar for up to 31 days, by date; check before booking, then pass one unchanged as startTime to calendars_create_appointment.',
  calendars_remove_calendar_from_schedule: 'Detach a calendar from a user availability schedule (the reverse of calendars_add_calendar_to_schedule).',
  calendars_update_appointment_note: 'Change the text of a note on an appointment; returns the note.',
  calendars_update_calendar: 'Change settings of a calendar (name, slot length, buffers, open hours, team, notifications, isActive); returns the calendar.',
  calendars_update_calendar_resource: 'Change a room or equipment resource: name, quantity, capacity, linked calendars, active flag.',
  calendars_update_event_notification: 'Change one notification rule of a calendar: channel, receivers, timing, template, on or off.',
  calendars_update_schedule: 'Change the name, weekly rules or time zone of a user availability schedule; only the fields passed change.',
  calendars_validate_groups_slug: 'Whether a calendar group slug is still unused, to try before creating or renaming a group; returns available: true or false.',
};

const CONTACTS: Record<string, string> = {
  contacts_add_contact_to_campaign: 'Enroll a contact in a campaign. No call lists the campaigns a contact is in; campaigns_get_campaigns lists those of the location.',
  contacts_add_contact_to_workflow: 'Start a workflow for a contact, now or from eventStartTime; the usual way to trigger automations by API.',
  contacts_add_followers_contact: 'Add users as followers of a contact; returns the follower list and the ones added.',
  contacts_add_remove_contact_from_business: 'Link many contacts to one business (company record) at once, or unlink them with businessId null.',
  contacts_add_tags: 'Add tags to one contact, keeping its other tags; unknown names become new tags. Returns the tags now on the contact. Tags often trigger workflows.',
  contacts_create_association: 'Add or remove the same tags on many contacts at once (type add or remove; removeAllTags clears them all); returns a result per contact.',
  contacts_create_contact: 'Create a contact (needs a name, email or phone). When the person may exist already, contacts_upsert_contact avoids a duplicate. Returns contact.id.',
  contacts_create_note: 'Add a note to a contact (on an appointment instead: calendars_create_appointment_note); returns the note with its id.',
  contacts_create_task: 'Create a to-do on a contact with a due date, optionally assigned to a user; returns the task with its id.',
  contacts_delete_contact: 'Delete a contact. To stop messaging someone instead, set dnd with contacts_update_contact.',
  contacts_delete_contact_from_workflow: 'Take a contact out of a workflow it is in.',
  contacts_delete_note: 'Delete one note of a contact.',
  contacts_delete_task: 'Delete one task of a contact; to close it instead use contacts_update_task_completed.',
  contacts_get_all_notes: 'All notes on one contact, with ids, text and author (userId).',
  contacts_get_all_tasks: 'All tasks of one contact with due dates and completed flags; tasks across the location: locations_task_search.',
  contacts_get_appointments_for_contact: 'Appointments booked for one contact (eventIds, calendar, status). Times here carry no time zone, unlike calendars_get_appointment.',
  contacts_get_contact: 'One contact by contactId: tags, custom field values, DND settings, owner. Find the id with contacts_search_contacts_advanced.',
  contacts_get_contacts: 'Deprecated plain contact list with a simple text query; prefer contacts_search_contacts_advanced (filters, sort, bigger pages).',
  contacts_get_contacts_by_business_id: 'Contacts linked to one business (company record), with an optional text query.',
  contacts_get_duplicate_contact: 'The existing contact matching an email or phone, under the duplicate rules of the location; check here before creating a contact.',
  contacts_get_note: 'One note of a contact by id.',
  contacts_get_task: 'One task of a contact by id.',
  contacts_remove_contact_from_campaign: 'Take a contact out of one campaign.',
  contacts_remove_contact_from_every_campaign: 'Take a contact out of all its campaigns at once.',
  contacts_remove_followers_contact: 'Remove users from the followers of a contact; returns the follower list and the ones removed.',
  contacts_remove_tags: 'Remove the named tags from one contact, keeping the others; returns the tags left.',
  contacts_search_contacts_advanced: 'Find contacts by free text (name, email, phone) and field filters, sorted and paged; the way to turn a name into a contactId. Returns contacts and total.',
  contacts_update_contact: 'Change fields of a contact; only fields passed change, but tags replaces the whole list (use contacts_add_tags / contacts_remove_tags). Returns it.',
  contacts_update_note: 'Change the text, title, color or pin of a contact note; returns the note.',
  contacts_update_task: 'Change the title, body, due date, assignee or completed flag of a task; returns the task.',
  contacts_update_task_completed: 'Mark a contact task done, or open again (completed true or false); returns the task.',
  contacts_upsert_contact: 'Create a contact, or update the one matching its email or phone (per the duplicate settings); tags replaces the list. Returns contact.id and new.',
};

const CONVERSATIONS: Record<string, string> = {
  conversations_add_an_inbound_message: 'Record a message the contact sent on an external or custom channel (provider integrations; sends nothing). Returns conversationId and messageId.',
  conversations_add_an_outbound_message: 'Log a call made outside GHL in a conversation (sends nothing); returns conversationId and messageId.',
  conversations_add_message_attachments: 'Replace the attachments (at most 5 URLs) of a call message, such as the recording of an external call.',
  conversations_cancel_scheduled_email_message: 'Cancel a scheduled email before it goes out (by emailMessageId); other channels: conversations_cancel_scheduled_message.',
  conversations_cancel_scheduled_message: 'Cancel a scheduled SMS, WhatsApp or other non-email message before it goes out (by messageId).',
  conversations_complete_file_upload: 'Finish an upload begun with conversations_initiate_file_upload: checks the file and returns its public URL to attach to a message.',
  conversations_create_conversation: 'Open a conversation for a contact. Rarely needed: a send finds or opens one, and when one exists the error names its conversationId.',
  conversations_create_custom_subtype: 'Create a custom subscription category (email or SMS) that contacts can unsubscribe from separately; needs an admin role.',
  conversations_delete_conversation: 'Delete a conversation thread; the contact stays.',
  conversations_download_message_transcription: 'Download the transcript of a recorded call as a file; sentences with times: conversations_get_message_transcription.',
  conversations_export_messages_by_location: 'Bulk export of messages of the location (by contact, conversation, channel, dates), cursor paged; without channel, email is left out.',
  conversations_get_all_custom_subtypes: 'List the custom subscription categories of the location.',
  conversations_get_contact_unsubscription_status: 'Which subscription categories a contact has unsubscribed from, for all their emails or one.',
  conversations_get_conversation: 'One conversation by conversationId: contactId, inbox, unread count, assignee, starred.',
  conversations_get_email_by_id: 'One email with its full body, subject, from, to and cc; message lists leave email bodies out, so read them here.',
  conversations_get_message: 'One message by id: body, type, direction, status, attachments (WhatsApp media can appear seconds after delivery).',
  conversations_get_message_recording: 'The audio recording of a call message; recordings are not among a message attachments.',
  conversations_get_message_transcription: 'The transcript of a recorded call, sentence by sentence with times and confidence.',
  conversations_get_messages: 'Messages of one conversation, newest first, 20 a page by default; email bodies are left out (read them with conversations_get_email_by_id).',
  conversations_initiate_file_upload: 'Start a direct upload of a large file: returns an uploadUrl valid 15 minutes; PUT the file there, then call conversations_complete_file_upload.',
  conversations_live_chat_agent_typing: 'Show or hide the "agent is typing" indicator to a live-chat visitor.',
  conversations_search_conversation: 'Find conversations by contact, text, status (unread, starred) or assignee, newest first; each carries its id (conversationId) and contactId.',
  conversations_send_a_new_message: 'Send an SMS, email, WhatsApp, Facebook, Instagram or live-chat message to a contact; the thread is found or made. Returns conversationId and messageId.',
  conversations_send_review_reply: 'Post a public reply to a Google Business Profile review conversation.',
  conversations_update_conversation: 'Mark a conversation read or unread (unreadCount) or starred; returns the conversation.',
  conversations_update_custom_subtype: 'Rename, describe or archive a custom subscription category.',
  conversations_update_message_status: 'Conversation providers: report the delivery status of a message you carried; refused for about 10 seconds after the send.',
  conversations_upload_file_attachments: 'Upload files for a conversation and get hosted URLs (uploadedFiles) to pass as attachments of a send; large files: conversations_initiate_file_upload.',
  conversations_user_subscription_change: 'Unsubscribe or resubscribe a contact email from subscription categories on behalf of staff; resubscribes need a legal reason.',
};

const INVOICES: Record<string, string> = {
  invoices_auto_payment_invoice_schedule: 'Turn automatic charging on or off for a recurring invoice schedule (saved card or bank account); returns the schedule.',
  invoices_cancel_invoice_schedule: 'Stop a recurring invoice schedule so it issues no more invoices; returns the schedule.',
  invoices_create_estimate_template: 'Save a reusable estimate (items, discount, terms) as a template; returns the template with its _id.',
  invoices_create_invoice: 'Create a draft invoice for a contact; nothing is sent or charged until invoices_send_invoice. Returns the invoice; its _id is the invoiceId.',
  invoices_create_invoice_from_estimate: 'Turn an estimate into an invoice, optionally marking the estimate invoiced; returns both the estimate and the new invoice.',
  invoices_create_invoice_schedule: 'Set up recurring invoices for a contact (items plus a repeat rule); returns the schedule with its _id. Start it with invoices_schedule_invoice_schedule.',
  invoices_create_invoice_template: 'Save a reusable invoice (business details, items, discount, terms) as a template; returns the template with its _id.',
  invoices_create_new_estimate: 'Create an estimate (a quote) for a contact; send it with invoices_send_estimate, convert it with invoices_create_invoice_from_estimate. Returns its _id.',
  invoices_delete_estimate: 'Delete an estimate; returns the deleted estimate.',
  invoices_delete_estimate_template: 'Delete an estimate template.',
  invoices_delete_invoice: 'Delete an invoice outright; to cancel a sent invoice and keep its record, use invoices_void_invoice.',
  invoices_delete_invoice_schedule: 'Delete a recurring invoice schedule; to only stop it, use invoices_cancel_invoice_schedule.',
  invoices_delete_invoice_template: 'Delete an invoice template.',
  invoices_generate_estimate_number: 'The next free estimate number of the location, for setting estimateNumber yourself.',
  invoices_generate_invoice_number: 'The next free invoice number of the location, for setting invoiceNumber yourself.',
  invoices_get_invoice: 'One invoice by invoiceId: status, contact, line items, totals, amount paid and due.',
  invoices_get_invoice_schedule: 'One recurring invoice schedule by id, with its repeat rule and the invoices it issued.',
  invoices_get_invoice_settings: 'Invoice defaults of the location: business details, number prefixes, due days, terms, reminders, late fees, payment methods.',
  invoices_get_invoice_template: 'One invoice template by id.',
  invoices_list_estimate_templates: 'List estimate templates, optionally by name.',
  invoices_list_estimates: 'List estimates by status, contact, dates or text; there is no call for one estimate, so find it here.',
  invoices_list_invoice_schedules: 'List recurring invoice schedules by status, dates, text or payment mode.',
  invoices_list_invoice_templates: 'List invoice templates by status, dates, text or payment mode.',
  invoices_list_invoices: 'List invoices by status, contact, dates or text (name, email, phone), sorted; each carries its _id (the invoiceId).',
  invoices_preview_estimate_template: 'Preview an estimate template as it would appear.',
  invoices_record_invoice: 'Record a payment received outside GHL (cash, card, cheque, bank transfer) on an invoice; charges nothing, marks it paid or partly paid. Returns the invoice.',
  invoices_schedule_invoice_schedule: 'Start a recurring invoice schedule so it issues and sends invoices by its rule, optionally with auto-payment; returns the schedule.',
  invoices_send_estimate: 'Deliver an estimate to its customer over the channels named in action, or record it as sent by hand; returns the estimate.',
  invoices_send_invoice: 'Deliver an invoice to its customer over the channels named in action, or record it as sent by hand; this reaches the customer. Returns the invoice.',
  invoices_text2pay_invoice: 'Text-to-pay: create an invoice and send its payment link in one call (action send), or keep it as a draft; returns the invoice and invoiceUrl.',
  invoices_update_and_schedule_invoice_schedule: 'Reschedule a recurring invoice schedule after it was edited, so the changes take effect; takes no body. Returns the schedule.',
  invoices_update_estimate: 'Rewrite an estimate (items, contact, dates, status); send it whole, as the required fields show. Returns the estimate.',
  invoices_update_estimate_last_visited_at: 'Record that the customer just opened an estimate (its last-visited time), for customer-facing portals.',
  invoices_update_estimate_template: 'Rewrite an estimate template; returns the template.',
  invoices_update_invoice: 'Rewrite an invoice: line items (invoiceItems), dates, contact, discount; name, currency and both dates are always required. Returns the invoice.',
  invoices_update_invoice_last_visited_at: 'Record that the customer just opened an invoice (its last-visited time), for customer-facing portals.',
  invoices_update_invoice_late_fees_configuration: 'Set the late-fee rule of one invoice (fixed or percentage, frequency, grace period, cap); returns the invoice.',
  invoices_update_invoice_payment_methods_configuration: 'Set which payment methods an invoice template offers (e.g. Stripe bank debit only); returns the template.',
  invoices_update_invoice_schedule: 'Rewrite the content and repeat rule of a recurring invoice schedule; returns the schedule.',
  invoices_update_invoice_template: 'Rewrite an invoice template (name, business details, items, discount, terms); returns the template.',
  invoices_update_invoice_template_late_fees_configuration: 'Set the late-fee rule of an invoice template, used by invoices made from it; returns the template.',
  invoices_void_invoice: 'Void an invoice so it can no longer be paid, keeping its record; returns the invoice.',
};

const OPPORTUNITIES: Record<string, string> = {
  opportunities_add_followers_opportunity: 'Add users as followers of an opportunity; returns the follower list and the ones added.',
  opportunities_create_opportunity: 'Open a deal for a contact in a pipeline stage, with status and value; returns opportunity.id. Stage and pipeline ids: opportunities_get_pipelines.',
  opportunities_delete_opportunity: 'Delete an opportunity; to close it and keep its history, mark it lost or abandoned with opportunities_update_opportunity_status.',
  opportunities_get_lost_reason: 'List the lost reasons of the location, whose ids go in lostReasonId when a deal is lost.',
  opportunities_get_opportunity: 'One opportunity by id: pipeline, stage, status, value, contact, owner, custom fields.',
  opportunities_get_pipelines: 'List the pipelines of the location, each with its stages (id and name); the ids needed to create or move a deal.',
  opportunities_remove_followers_opportunity: 'Remove some or all followers of an opportunity.',
  opportunities_search_opportunities_advanced: 'Search opportunities with field filters and sort in a body, optionally with notes, tasks and events; returns opportunities and total.',
  opportunities_search_opportunity: 'Find opportunities by text, pipeline, stage, status, contact or owner (snake_case filters); returns opportunities with ids and meta for paging.',
  opportunities_update_opportunity: 'Change an opportunity: move it to another stage or pipeline, rename, revalue, reassign; only fields passed change. Returns the opportunity.',
  opportunities_update_opportunity_status: 'Mark an opportunity won, lost (optionally with a lost reason), abandoned, or open again.',
  opportunities_upsert_opportunity: 'Create an opportunity, or update the one whose id is given, and add or remove followers in the same call; returns the opportunity and new.',
};

const PAYMENTS: Record<string, string> = {
  payments_create_config: 'Payment provider apps: connect the provider in a location with its live and test keys; returns the provider config.',
  payments_create_coupon: 'Create a discount coupon (percentage or fixed amount, code, dates, usage limits, products); returns the coupon with its _id.',
  payments_create_integration: 'Payment provider apps: register the app as a payment provider in a location (name, payment and query URLs); returns the integration.',
  payments_create_integration_provider: 'Create a white-label payment provider built on Authorize.net or NMI; returns the provider with its _id.',
  payments_create_order_fulfillment: 'Fulfill an order: record its shipment (tracking numbers and items), optionally notifying the customer; returns the fulfillment.',
  payments_custom_provider_marketplace_app_update_capabilities: 'Payment provider apps: declare whether the app supports subscription schedules.',
  payments_delete_coupon: 'Delete a coupon; to let it run out instead, give it an endDate with payments_update_coupon.',
  payments_delete_integration: 'Payment provider apps: remove the provider integration of the app from a location.',
  payments_disconnect_config: 'Payment provider apps: disconnect the live or the test config in a location.',
  payments_fetch_config: 'Payment provider apps: the provider config connected in a location.',
  payments_get_coupon: 'One coupon by id and code: discount, dates, usage count and limits.',
  payments_get_order_by_id: 'One order by orderId: contact, items, amounts, status, fulfillment status, source.',
  payments_get_subscription_by_id: 'One subscription by id: contact, amount, schedule, status, product, cancellation.',
  payments_get_transaction_by_id: 'One payment transaction by id: amount, status, contact, source, invoice or subscription, refunds.',
  payments_list_coupons: 'List coupons, optionally by status (scheduled, active, expired) or text.',
  payments_list_integration_providers: 'List the white-label payment providers (on Authorize.net or NMI) of the location.',
  payments_list_order_fulfillment: 'The fulfillments (shipments with tracking) recorded on one order.',
  payments_list_order_notes: 'The notes on one order.',
  payments_list_orders: 'List orders (made by checkouts and funnels) by status, payment status, contact, dates or source; each carries its _id (the orderId).',
  payments_list_subscriptions: 'List recurring payment subscriptions by contact, dates, source or payment mode.',
  payments_list_transactions: 'List payment transactions by contact, subscription, source, dates or payment mode; each carries its _id (the transactionId).',
  payments_record_order_payment: 'Record a payment received outside GHL on an order (cash, card, cheque, bank transfer), full or partial; charges nothing, only updates the order status.',
  payments_update_coupon: 'Change a coupon (name, code, discount, dates, limits, products), sending its required fields again; returns the coupon.',
};

const REPLACES_TAGS = 'Replaces ALL tags; to add or remove some, use contacts_add_tags or contacts_remove_tags.';
const OWNER = 'Owner: a user id (users_get_user_by_location lists them).';
const LINE_ITEMS = '{name, amount, qty, currency} each; amount = price of one unit. Not price/quantity.';
const DEAL_VALUE = 'Deal value in the currency of the location, a plain number.';

/**
 * Hints for the arguments agents get wrong most: meaning and traps that the documents' facts cannot say. Formats,
 * examples and ID provenance are rendered by the listing from facts; a curated hint takes the place of those, so
 * it is written only where it adds more than it hides, and keeps a unit or an ID source that matters. Arguments an
 * erratum adds or reshapes (the flat contact search, customFields items) carry the erratum's hint (errata.ts).
 */
const ARG_HINTS: Record<string, Record<string, string>> = {
  contacts_create_contact: {
    tags: 'Tag names; names the location does not have yet are created.',
    dnd: 'true blocks all outgoing messages; per channel use dndSettings.',
    assignedTo: OWNER,
  },
  contacts_update_contact: { tags: REPLACES_TAGS, assignedTo: OWNER },
  contacts_upsert_contact: { tags: REPLACES_TAGS, assignedTo: OWNER },
  contacts_add_tags: { tags: 'Tag names to add; the contact keeps its other tags.' },
  contacts_remove_tags: { tags: 'Tag names to remove; the contact keeps its other tags.' },
  contacts_create_association: { type: 'add or remove.' },
  contacts_create_note: { body: 'The note text.' },
  contacts_create_task: {
    completed: 'false for a new, open task.',
    assignedTo: 'The user who should do it (a user id).',
  },

  conversations_search_conversation: {
    startAfterDate: 'Next page: the sort value (last message date) of the last conversation seen.',
    assignedTo: 'User ids, comma separated; "unassigned" finds conversations nobody owns.',
  },
  conversations_get_messages: { lastMessageId: 'Next page: lastMessageId from the previous answer.' },
  conversations_send_a_new_message: {
    type: 'Channel. SMS, WhatsApp and chats need message; Email needs subject and html.',
    message: 'Plain-text body (SMS, WhatsApp, FB, IG, live chat).',
    html: 'Email body as HTML; give it for Email, where message alone may arrive empty.',
    subject: 'Email subject line.',
    attachments: 'Public file URLs; WhatsApp may deliver them as plain text links.',
    fromNumber: 'Which phone number of the location sends the SMS; leave out for its default number.',
  },

  calendars_get_slots: {
    startDate: 'First day: epoch ms or ISO 8601 (2026-12-01; no offset: the location zone). At most 31 days.',
    endDate: 'End of the range, epoch ms or ISO 8601; for the day 2026-12-01 alone, send 2026-12-02.',
    timezone: 'IANA zone the returned times are written in, e.g. the time zone of the contact.',
  },
  calendars_create_appointment: {
    startTime: 'Take a time from calendars_get_free_slots and pass it unchanged.',
    endTime: 'Leave out to use the slot length of the calendar.',
    assignedUserId: 'The team member who takes the meeting; some calendars refuse a booking without one.',
    ignoreFreeSlotValidation: 'true books even when the time is not a free slot.',
    toNotify: 'false: the automations of the booking do not run.',
    rrule: 'Repeat rule (RFC 5545 RRULE); applied only together with ignoreFreeSlotValidation true.',
  },
  calendars_edit_appointment: {
    appointmentStatus: 'cancelled cancels it and keeps the record; showed or noshow record attendance.',
    startTime: 'New start, to reschedule; take it from calendars_get_free_slots.',
  },

  opportunities_search_opportunity: {
    q: 'Free text, e.g. a deal name or a contact name or email.',
    startAfter: 'Next page: meta.startAfter of the previous answer.',
    startAfterId: 'Next page: meta.startAfterId of the previous answer.',
  },
  opportunities_create_opportunity: {
    pipelineStageId: 'A stage of the given pipelineId; opportunities_get_pipelines lists each pipeline with its stages.',
    status: 'open for a new deal; won, lost or abandoned file it as already closed.',
    monetaryValue: DEAL_VALUE,
    assignedTo: OWNER,
  },
  opportunities_update_opportunity: {
    pipelineStageId: 'Target stage (opportunities_get_pipelines lists them); in another pipeline, pass its pipelineId too.',
    monetaryValue: DEAL_VALUE,
    assignedTo: OWNER,
  },
  opportunities_update_opportunity_status: {
    lostReasonId: 'Only with status lost; the reasons are listed by opportunities_get_lost_reason.',
  },
  opportunities_upsert_opportunity: { id: 'The opportunity to update; leave out to create a new one.' },

  invoices_create_invoice: {
    items: LINE_ITEMS,
    contactDetails: 'The billed contact as on its record: {id, name, email, phoneNo}.',
    sentTo: 'Where a later send goes: {email: [...], phoneNo: [...]}, usually those of the contact.',
    discount: '{type: "percentage" | "fixed", value}; no discount: {type: "fixed", value: 0}.',
  },
  invoices_text2pay_invoice: {
    items: LINE_ITEMS,
    action: 'send delivers the payment link now; draft only saves the invoice.',
  },
  invoices_update_invoice: { invoiceItems: `Replaces all. ${LINE_ITEMS}` },
  invoices_create_new_estimate: { items: LINE_ITEMS },
  invoices_record_invoice: { mode: 'How it was paid; the documents require card {brand, last4}, cheque {number} and notes in any mode.' },
  payments_record_order_payment: { isPartialPayment: 'true when amount is less than what the order still owes.' },
};

const CORE_DESCRIPTIONS: Record<string, string> = { ...CALENDARS, ...CONTACTS, ...CONVERSATIONS, ...INVOICES, ...OPPORTUNITIES, ...PAYMENTS };

/** The curated overlay layer: a description for every core tool, argument hints where agents need them or a listing has room. */
export const descriptions: Record<string, ToolOverlay> = {};
for (const [name, description] of Object.entries(CORE_DESCRIPTIONS)) descriptions[name] = { description };
for (const [name, args] of Object.entries(ARG_HINTS)) descriptions[name] = { ...descriptions[name], args };
for (const [name, richArgs] of Object.entries(RICH_HINTS)) descriptions[name] = { ...descriptions[name], richArgs };
