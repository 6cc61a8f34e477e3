import type { CollectionName, Doc } from '../state.js';

/**
 * The body of each GHL webhook event family, built from a sandbox record. The field names are the ones GHL's event
 * documents list for the family (webhook-events/*.md); a field the record lacks is left out, never invented.
 */
export interface EventFamily {
  collection: CollectionName;
  payload(record: Doc): Record<string, unknown>;
}

const CONTACT_FIELDS = [
  'id', 'address1', 'city', 'state', 'companyName', 'country', 'source', 'dateAdded', 'dateOfBirth', 'dnd', 'dndSettings',
  'email', 'firstName', 'lastName', 'phone', 'postalCode', 'tags', 'website', 'assignedTo', 'customFields',
];
const OPPORTUNITY_FIELDS = ['id', 'assignedTo', 'contactId', 'monetaryValue', 'name', 'pipelineId', 'pipelineStageId', 'source', 'status'];
const APPOINTMENT_FIELDS = [
  'id', 'address', 'title', 'calendarId', 'contactId', 'groupId', 'appointmentStatus', 'assignedUserId', 'users', 'notes',
  'source', 'startTime', 'endTime', 'dateAdded', 'dateUpdated',
];
const MESSAGE_FIELDS = ['attachments', 'body', 'contactId', 'contentType', 'conversationId', 'dateAdded', 'direction', 'status', 'userId', 'source'];
const INVOICE_FIELDS = [
  '_id', 'status', 'liveMode', 'amountPaid', 'altId', 'altType', 'name', 'businessDetails', 'invoiceNumber', 'currency',
  'contactDetails', 'issueDate', 'dueDate', 'discount', 'invoiceItems', 'total', 'title', 'amountDue', 'createdAt',
  'updatedAt', 'totalSummary',
];

/** The sandbox names message types as its API answers do (TYPE_SMS); events name them as GHL's examples do (SMS). */
const EVENT_MESSAGE_TYPES: Record<string, string> = { TYPE_SMS: 'SMS', TYPE_EMAIL: 'Email' };

export const FAMILIES = {
  contact: {
    collection: 'contacts',
    payload: (contact) => ({ ...pick(contact, CONTACT_FIELDS), name: contact.contactName, attachments: [] }),
  },
  note: { collection: 'notes', payload: (note) => pick(note, ['id', 'body', 'contactId', 'dateAdded']) },
  task: { collection: 'tasks', payload: (task) => pick(task, ['id', 'assignedTo', 'body', 'contactId', 'title', 'dateAdded', 'dueDate']) },
  opportunity: {
    collection: 'opportunities',
    // The sandbox's opportunities carry createdAt (as the API answers); the events call it dateAdded.
    payload: (opportunity) => ({ ...pick(opportunity, OPPORTUNITY_FIELDS), dateAdded: opportunity.dateAdded ?? opportunity.createdAt }),
  },
  appointment: { collection: 'appointments', payload: (appointment) => ({ appointment: pick(appointment, APPOINTMENT_FIELDS) }) },
  message: { collection: 'messages', payload: messagePayload },
  conversation: { collection: 'conversations', payload: (conversation) => pick(conversation, ['id', 'contactId', 'deleted', 'inbox', 'starred', 'unreadCount']) },
  invoice: { collection: 'invoices', payload: (invoice) => pick(invoice, INVOICE_FIELDS) },
} satisfies Record<string, EventFamily>;

export type FamilyName = keyof typeof FAMILIES;

function messagePayload(message: Doc): Record<string, unknown> {
  const payload: Record<string, unknown> = {
    ...pick(message, MESSAGE_FIELDS),
    messageId: message.id,
    messageType: EVENT_MESSAGE_TYPES[message.messageType] ?? message.messageType,
  };
  const email = message.meta?.email as Doc | undefined;
  if (email) Object.assign(payload, pick({ subject: email.subject, emailMessageId: email.messageIds?.[0], from: message.from, to: message.to }, ['subject', 'emailMessageId', 'from', 'to']));
  return payload;
}

/** A copy of the fields of `record` that are set, in the order given. */
function pick(record: Doc, fields: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(fields.filter((field) => record[field] !== undefined).map((field) => [field, structuredClone(record[field])]));
}
