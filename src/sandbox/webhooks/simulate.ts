import { badRequest, GhlError, notFound } from '../http.js';
import type { SandboxRouter } from '../router.js';
import { openConversation, recordMessage } from '../routes/conversations.js';
import type { Doc } from '../state.js';
import { FAMILIES } from './payloads.js';

/** Traffic from outside that the sandbox can play: what a contact or a customer does, not what the agent does. */
export const SIMULATIONS = {
  'inbound-sms': 'an SMS from a contact (--contact, --body)',
  'inbound-email': 'an email from a contact (--contact, --subject, --body)',
  form: 'a form submission that creates or updates a contact (--name, --email, --phone, --form)',
  payment: 'a payment on an invoice (--invoice, --amount, --mode)',
} as const;

export type SimulationKind = keyof typeof SIMULATIONS;

export interface SimulationInput {
  contactId?: string;
  body?: string;
  subject?: string;
  name?: string;
  email?: string;
  phone?: string;
  form?: string;
  invoiceId?: string;
  amount?: number;
  mode?: string;
}

export interface SimulationContext {
  router: SandboxRouter;
  /** Hands an event's payload to the emitter. */
  emit(payload: Record<string, unknown>): void;
  /** Persists a change made outside the router (an inbound message). */
  saved(): void;
}

/**
 * Plays one piece of inbound traffic on the sandbox's state, raising the events GHL would send. Messages are written
 * here (GHL's add-inbound-message operation serves custom providers; the sandbox does not model it); a form
 * submission and a payment go through the API operations that make the same change (contact upsert, record
 * payment), so their records and events are the ones those make. Returns a line for the person who asked, and the
 * record made.
 */
export function simulate(kind: SimulationKind, input: SimulationInput, context: SimulationContext): { summary: string; record: Doc } {
  switch (kind) {
    case 'inbound-sms':
    case 'inbound-email':
      return inboundMessage(kind === 'inbound-sms' ? 'SMS' : 'Email', input, context);
    case 'form':
      return formSubmission(input, context);
    case 'payment':
      return payment(input, context);
  }
}

function inboundMessage(type: 'SMS' | 'Email', input: SimulationInput, { router, emit, saved }: SimulationContext) {
  const { store, locationId } = router.context;
  if (!input.body) throw badRequest(`body is required: the text of the ${type === 'SMS' ? 'SMS' : 'email'} the contact sends (--body "...")`);
  const reach = type === 'SMS' ? 'phone' : 'email';
  const contacts = store.collection('contacts');
  const contact = input.contactId ? contacts.get(input.contactId) : contacts.find((candidate) => Boolean(candidate[reach]));
  if (!contact) throw notFound(input.contactId ? `Contact ${input.contactId} not found` : `No contact of the sandbox has a ${reach}`);
  if (!contact[reach]) throw badRequest(`Contact ${contact.id} has no ${reach} to send from`);
  const conversation = store.collection('conversations').find((item) => item.contactId === contact.id) ?? openConversation(store, locationId, contact.id);
  const message = recordMessage(store, conversation, {
    type,
    direction: 'inbound',
    body: input.body,
    status: 'delivered',
    ...(type === 'Email' && { subject: input.subject ?? '', html: input.body }),
  });
  message.source = 'app';
  if (type === 'Email') {
    message.from = contact.contactName ? `${contact.contactName} <${contact.email}>` : contact.email;
    message.to = [store.collection('locations').get(locationId)?.email].filter(Boolean);
  }
  saved();
  emit({ type: 'InboundMessage', locationId, ...FAMILIES.message.payload(message) });
  emit({ type: 'ConversationUnreadUpdate', locationId, ...FAMILIES.conversation.payload(conversation) });
  const who = contact.contactName ?? contact.id;
  return { summary: `${who} (${contact.id}) sent ${type === 'SMS' ? 'an SMS' : 'an email'}: message ${message.id} in conversation ${conversation.id}`, record: message };
}

function formSubmission(input: SimulationInput, { router }: SimulationContext) {
  const { locationId } = router.context;
  if (!input.email && !input.phone) throw badRequest('a form submission needs --email or --phone (how the contact is found or made)');
  const [firstName, ...rest] = (input.name ?? '').trim().split(/\s+/);
  const body = {
    locationId,
    ...(firstName && { firstName, lastName: rest.join(' ') }),
    ...(input.email && { email: input.email }),
    ...(input.phone && { phone: input.phone }),
    source: `form: ${input.form ?? 'Website form'}`,
  };
  const answer = performed(router, 'POST /contacts/upsert', {}, body);
  const contact = answer.contact as Doc;
  return { summary: `${input.form ?? 'Website form'} submitted: contact ${contact.id} ${answer.new ? 'created' : 'updated'}`, record: contact };
}

function payment(input: SimulationInput, { router }: SimulationContext) {
  const invoices = router.context.store.collection('invoices');
  const invoice = input.invoiceId
    ? invoices.get(input.invoiceId)
    : invoices
        .filter((candidate) => candidate.status !== 'void' && candidate.amountDue > 0)
        .sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt))[0];
  if (!invoice) throw notFound(input.invoiceId ? `Invoice ${input.invoiceId} not found` : 'No invoice of the sandbox has an amount due');
  const body = { mode: input.mode ?? 'card', ...(input.amount !== undefined && { amount: input.amount }) };
  const answer = performed(router, 'POST /invoices/{invoiceId}/record-payment', { invoiceId: invoice._id }, body);
  const paid = answer.invoice as Doc;
  return { summary: `payment of ${input.amount ?? 'the amount due'} (${body.mode}) on invoice ${paid.invoiceNumber} (${paid._id}): now ${paid.status}`, record: paid };
}

/** Runs an API operation in the sandbox; its refusal is the simulation's refusal. */
function performed(router: SandboxRouter, operation: string, params: Record<string, string>, body: Record<string, unknown>): Doc {
  const response = router.perform(operation, { params, query: new URLSearchParams(), body });
  if (response.status >= 300) throw new GhlError(response.status, response.body as Record<string, unknown>);
  return response.body as Doc;
}
