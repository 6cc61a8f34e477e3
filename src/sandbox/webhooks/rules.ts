import type { FakeResponse } from '../fake-ghl.js';
import type { SandboxRequest } from '../router.js';
import type { Doc, SandboxStore } from '../state.js';
import { FAMILIES, type FamilyName } from './payloads.js';

/** A write as the rules see it: the record before and after, and the answer. */
interface Change {
  before?: Doc;
  after?: Doc;
  answer: Doc;
}

/** Which record a write acts on, and which events it raises. */
interface EventRule {
  family: FamilyName;
  /** The record's ID: from the path (known before the write) or from the answer (a create). */
  id: { param: string } | { answer: (answer: Doc) => unknown };
  types(change: Change): string[];
}

/** Types raised when these fields changed (compared as JSON). */
const changed = (change: Change, fields: readonly string[]) =>
  fields.some((field) => JSON.stringify(change.before?.[field]) !== JSON.stringify(change.after?.[field]));
const when = (condition: boolean, type: string) => (condition ? [type] : []);
const always = (type: string) => () => [type];
const createdOrUpdated = (prefix: string) => ({ answer }: Change) => [`${prefix}${answer.new === false ? 'Update' : 'Create'}`];

const contactChanges = (change: Change) => [
  ...when(changed(change, ['tags']), 'ContactTagUpdate'),
  ...when(changed(change, ['dnd', 'dndSettings']), 'ContactDndUpdate'),
];
const opportunityChanges = (change: Change) => [
  ...when(changed(change, ['status']), 'OpportunityStatusUpdate'),
  ...when(changed(change, ['pipelineStageId']), 'OpportunityStageUpdate'),
  ...when(changed(change, ['monetaryValue']), 'OpportunityMonetaryValueUpdate'),
  ...when(changed(change, ['assignedTo']), 'OpportunityAssignedToUpdate'),
];

/**
 * The events GHL sends for each write the sandbox models, keyed by the operation as the catalog writes it. Data,
 * not handler code: a new modelled write that should raise an event is one more line here.
 */
export const EVENT_RULES: Record<string, EventRule> = {
  'POST /contacts/': { family: 'contact', id: { answer: (a) => a.contact?.id }, types: always('ContactCreate') },
  'POST /contacts/upsert': { family: 'contact', id: { answer: (a) => a.contact?.id }, types: createdOrUpdated('Contact') },
  'PUT /contacts/{contactId}': { family: 'contact', id: { param: 'contactId' }, types: (change) => ['ContactUpdate', ...contactChanges(change)] },
  'DELETE /contacts/{contactId}': { family: 'contact', id: { param: 'contactId' }, types: always('ContactDelete') },
  'POST /contacts/{contactId}/tags': { family: 'contact', id: { param: 'contactId' }, types: contactChanges },
  'DELETE /contacts/{contactId}/tags': { family: 'contact', id: { param: 'contactId' }, types: contactChanges },
  'POST /contacts/{contactId}/notes': { family: 'note', id: { answer: (a) => a.note?.id }, types: always('NoteCreate') },
  'PUT /contacts/{contactId}/notes/{id}': { family: 'note', id: { param: 'id' }, types: always('NoteUpdate') },
  'DELETE /contacts/{contactId}/notes/{id}': { family: 'note', id: { param: 'id' }, types: always('NoteDelete') },
  'POST /contacts/{contactId}/tasks': { family: 'task', id: { answer: (a) => a.task?.id }, types: always('TaskCreate') },
  'PUT /contacts/{contactId}/tasks/{taskId}': { family: 'task', id: { param: 'taskId' }, types: (c) => when(c.after?.completed === true && c.before?.completed !== true, 'TaskComplete') },
  'PUT /contacts/{contactId}/tasks/{taskId}/completed': { family: 'task', id: { param: 'taskId' }, types: (c) => when(c.after?.completed === true && c.before?.completed !== true, 'TaskComplete') },
  'DELETE /contacts/{contactId}/tasks/{taskId}': { family: 'task', id: { param: 'taskId' }, types: always('TaskDelete') },
  'POST /opportunities/': { family: 'opportunity', id: { answer: (a) => a.opportunity?.id }, types: always('OpportunityCreate') },
  'POST /opportunities/upsert': { family: 'opportunity', id: { answer: (a) => a.opportunity?.id }, types: createdOrUpdated('Opportunity') },
  'PUT /opportunities/{id}': { family: 'opportunity', id: { param: 'id' }, types: (change) => ['OpportunityUpdate', ...opportunityChanges(change)] },
  'PUT /opportunities/{id}/status': { family: 'opportunity', id: { param: 'id' }, types: opportunityChanges },
  'DELETE /opportunities/{id}': { family: 'opportunity', id: { param: 'id' }, types: always('OpportunityDelete') },
  'POST /calendars/events/appointments': { family: 'appointment', id: { answer: (a) => a.id }, types: always('AppointmentCreate') },
  'PUT /calendars/events/appointments/{eventId}': { family: 'appointment', id: { param: 'eventId' }, types: always('AppointmentUpdate') },
  'DELETE /calendars/events/{eventId}': { family: 'appointment', id: { param: 'eventId' }, types: always('AppointmentDelete') },
  'PUT /conversations/{conversationId}': { family: 'conversation', id: { param: 'conversationId' }, types: (c) => when(changed(c, ['unreadCount']), 'ConversationUnreadUpdate') },
  'POST /conversations/messages': { family: 'message', id: { answer: (a) => a.messageId }, types: always('OutboundMessage') },
  'POST /invoices/': { family: 'invoice', id: { answer: (a) => a._id }, types: always('InvoiceCreate') },
  'POST /invoices/{invoiceId}/send': { family: 'invoice', id: { param: 'invoiceId' }, types: always('InvoiceSent') },
  'POST /invoices/{invoiceId}/record-payment': {
    family: 'invoice',
    id: { param: 'invoiceId' },
    types: ({ after }) => [after?.status === 'paid' ? 'InvoicePaid' : 'InvoicePartiallyPaid'],
  },
  'POST /invoices/{invoiceId}/void': { family: 'invoice', id: { param: 'invoiceId' }, types: always('InvoiceVoid') },
  'DELETE /invoices/{invoiceId}': { family: 'invoice', id: { param: 'invoiceId' }, types: always('InvoiceDelete') },
};

/**
 * Watches one write: reads the record it acts on before the handler runs, and returns what to call with the answer,
 * which hands each event's payload (type, location and the family's fields) to `emit`. Undefined when the operation
 * raises no event.
 */
export function watchWrite(
  store: SandboxStore,
  locationId: string,
  emit: (payload: Record<string, unknown>) => void,
  operation: string,
  request: SandboxRequest,
): ((response: FakeResponse) => void) | undefined {
  const rule = EVENT_RULES[operation];
  if (!rule) return undefined;
  const records = store.collection(FAMILIES[rule.family].collection);
  const pathId = 'param' in rule.id ? request.params[rule.id.param] : undefined;
  // A copy: the handler changes the record in place.
  const before = pathId === undefined ? undefined : structuredClone(records.get(pathId));
  return (response) => {
    const answer = (response.body ?? {}) as Doc;
    const id = 'param' in rule.id ? pathId : rule.id.answer(answer);
    const after = typeof id === 'string' ? records.get(id) : undefined;
    const record = after ?? before;
    if (!record) return;
    for (const type of rule.types({ before, after, answer })) {
      emit({ type, locationId, ...FAMILIES[rule.family].payload(record) });
    }
  };
}
