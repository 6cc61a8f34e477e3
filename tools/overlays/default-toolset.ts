import type { ToolOverlay } from './types.js';

/**
 * The curated `default` toolset: the tools agents reach for most. Keyed by generated tool name; every entry here
 * is a member of `default`. Tools of the six core modules take their descriptions and argument hints from
 * descriptions.ts; the others carry their line here.
 */
const CORE_MEMBERS = [
  'contacts_search_contacts_advanced',
  'contacts_get_contact',
  'contacts_create_contact',
  'contacts_update_contact',
  'contacts_upsert_contact',
  'contacts_add_tags',
  'contacts_remove_tags',
  'contacts_get_all_notes',
  'contacts_create_note',
  'contacts_get_all_tasks',
  'contacts_create_task',
  'conversations_search_conversation',
  'conversations_get_messages',
  'conversations_send_a_new_message',
  'calendars_get_calendars',
  'calendars_get_slots',
  'calendars_create_appointment',
  'calendars_get_appointment',
  'calendars_edit_appointment',
  'calendars_get_calendar_events',
  'opportunities_search_opportunity',
  'opportunities_get_opportunity',
  'opportunities_create_opportunity',
  'opportunities_update_opportunity',
  'opportunities_update_opportunity_status',
  'opportunities_get_pipelines',
];

const OTHER_MEMBERS: Record<string, string> = {
  locations_get_location: 'The location (sub-account): name, address, timezone, settings.',
  locations_get_custom_fields: 'Custom fields of the location: their ids and keys, needed to set customFields on contacts and opportunities.',
  users_get_user_by_location: 'List the users (staff) of the location; their ids go in assignedTo.',
  users_search_users: 'Search users across the company by name, email, role or location (agency scope).',
  users_get_user: 'One user by id.',
};

export const defaultToolset: Record<string, ToolOverlay> = {
  ...Object.fromEntries(CORE_MEMBERS.map((name): [string, ToolOverlay] => [name, { default: true }])),
  ...Object.fromEntries(Object.entries(OTHER_MEMBERS).map(([name, description]): [string, ToolOverlay] => [name, { description, default: true }])),
};
