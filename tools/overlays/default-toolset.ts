import type { ToolOverlay } from './types.js';

/**
 * The curated `default` toolset: the tools agents reach for most, with descriptions and argument help written
 * for an agent deciding what to call. Keyed by generated tool name; every entry here is a member of `default`.
 */
const CURATED: Record<string, Omit<ToolOverlay, 'default'>> = {
  contacts_search_contacts_advanced: {
    description: 'Find contacts by free text, filters and sort; use it to turn a name, email or phone into a contactId.',
    args: {
      body:
        '{locationId (required: not filled from config here), query?: free text, pageLimit?: 1-500, page? or searchAfter?, ' +
        'filters?: [{field, operator: eq|not_eq|contains|exists|range, value}], sort?: [{field, direction: asc|desc}]}',
    },
  },
  contacts_get_contact: { description: 'One contact with its tags, custom fields and DND settings.' },
  contacts_create_contact: {
    description: 'Create a contact. Prefer contacts_upsert_contact when the person may already exist (avoids duplicates).',
    args: {
      email: 'Email or phone is needed for most automations.',
      phone: 'E.164, e.g. +14155550123.',
      tags: 'Tag names; missing tags are created.',
      customFields: '[{id, field_value}]; ids from locations_get_custom_fields.',
    },
  },
  contacts_update_contact: {
    description: 'Change fields of an existing contact; only the fields you pass change. tags here replaces all tags (use contacts_add_tags to add).',
    args: { customFields: '[{id, field_value}]; ids from locations_get_custom_fields.' },
  },
  contacts_upsert_contact: {
    description: 'Create the contact, or update it when one with the same email or phone exists (per the location duplicate settings).',
    args: { customFields: '[{id, field_value}]; ids from locations_get_custom_fields.' },
  },
  contacts_add_tags: { description: 'Add tags to a contact, keeping its other tags. Tags often trigger workflows.' },
  contacts_remove_tags: { description: 'Remove the named tags from a contact.' },
  contacts_get_all_notes: { description: 'All notes on a contact.' },
  contacts_create_note: { description: 'Add a note to a contact.', args: { body: 'The note text.' } },
  contacts_get_all_tasks: { description: 'All tasks of a contact.' },
  contacts_create_task: {
    description: 'Create a to-do on a contact.',
    args: { dueDate: 'ISO 8601, e.g. 2026-01-31T17:00:00Z.', assignedTo: 'User id (users_get_user_by_location).' },
  },

  conversations_search_conversation: {
    description: 'List or find conversations (message threads) by contact, text, status or assignee, newest first.',
    args: { startAfterDate: 'Next page: the sort value (last message date) of the last conversation seen.' },
  },
  conversations_get_messages: {
    description: 'Messages of one conversation, newest first.',
    args: { lastMessageId: 'Next page: lastMessageId from the previous answer.' },
  },
  conversations_send_a_new_message: {
    description: 'Send an SMS, email, WhatsApp or other message to a contact; the conversation is found or created for you.',
    args: {
      type: 'Channel. SMS/WhatsApp need message; Email needs subject and html or message.',
      contactId: 'Recipient contact.',
      message: 'Plain text body.',
      html: 'Email body (HTML).',
      scheduledTimestamp: 'Send later: Unix seconds.',
    },
  },

  calendars_get_calendars: { description: 'Calendars of the location; their ids are needed to read slots and book.' },
  calendars_get_slots: {
    description: 'Open booking slots of a calendar, grouped by day. Check here before booking with calendars_create_appointment.',
    args: {
      startDate: 'Epoch milliseconds. Range at most 31 days.',
      endDate: 'Epoch milliseconds. Range at most 31 days.',
      timezone: 'IANA zone for the returned times, e.g. America/New_York.',
    },
  },
  calendars_create_appointment: {
    description: 'Book an appointment for a contact on a calendar. Pick a free slot first (calendars_get_free_slots).',
    args: {
      startTime: 'ISO 8601 with offset, e.g. 2026-01-31T15:00:00-05:00.',
      endTime: 'ISO 8601; defaults to the calendar slot length.',
      ignoreFreeSlotValidation: 'true books even outside free slots.',
    },
  },
  calendars_get_appointment: { description: 'One appointment (calendar event) by id.' },
  calendars_edit_appointment: {
    description: 'Reschedule or change an appointment: times, status (confirmed, cancelled, showed, noshow), assignee, title.',
    args: { startTime: 'ISO 8601 with offset.', endTime: 'ISO 8601 with offset.' },
  },
  calendars_get_calendar_events: {
    description: 'Appointments in a time window, for one calendar, user or group (give one of them).',
    args: { startTime: 'Epoch milliseconds, as a string.', endTime: 'Epoch milliseconds, as a string.' },
  },

  opportunities_search_opportunity: {
    description: 'Find opportunities (deals) by text, pipeline, stage, status, contact or owner.',
    args: { startAfter: 'Next page: meta.startAfter of the previous answer.', startAfterId: 'Next page: meta.startAfterId.' },
  },
  opportunities_get_opportunity: { description: 'One opportunity (deal) by id.' },
  opportunities_create_opportunity: {
    description: 'Create an opportunity (deal) for a contact in a pipeline stage.',
    args: {
      pipelineId: 'From opportunities_get_pipelines.',
      pipelineStageId: 'A stage id of that pipeline.',
      monetaryValue: 'Deal value in the location currency.',
    },
  },
  opportunities_update_opportunity: {
    description: 'Change an opportunity: move it to another stage or pipeline, rename, revalue, reassign.',
    args: { pipelineStageId: 'Target stage (opportunities_get_pipelines lists stages).' },
  },
  opportunities_update_opportunity_status: {
    description: 'Mark an opportunity won, lost, abandoned or open.',
    args: { lostReasonId: 'Optional, when status is lost.' },
  },
  opportunities_get_pipelines: { description: 'Pipelines of the location with their stage ids.' },

  locations_get_location: { description: 'The location (sub-account): name, address, timezone, settings.' },
  locations_get_custom_fields: {
    description: 'Custom fields of the location: their ids and keys, needed to set customFields on contacts and opportunities.',
  },

  users_get_user_by_location: { description: 'List the users (staff) of the location; their ids go in assignedTo.' },
  users_search_users: { description: 'Search users across the company by name, email, role or location (agency scope).' },
  users_get_user: { description: 'One user by id.' },
};

export const defaultToolset: Record<string, ToolOverlay> = Object.fromEntries(
  Object.entries(CURATED).map(([name, overlay]) => [name, { ...overlay, default: true }]),
);
