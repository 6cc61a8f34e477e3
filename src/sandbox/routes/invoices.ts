import { badRequest, notFound, ok } from '../http.js';
import { numberParam } from '../paging.js';
import { matchesText } from '../text.js';
import type { SandboxRouter } from '../router.js';
import type { Doc, SandboxStore } from '../state.js';
import { validate } from '../validate.js';
import { recordedTransaction } from './payments.js';

const PAYMENT_MODES = ['cash', 'card', 'cheque', 'bank_transfer', 'other'] as const;
const SEND_ACTIONS = ['sms_and_email', 'send_manually', 'email', 'sms'] as const;

/** Invoices: list (limit/offset), get, create with computed totals, send, record a payment (and its transaction), void, delete. */
export function invoiceRoutes(router: SandboxRouter): void {
  const { store, locationId } = router.context;
  const invoices = store.collection('invoices');
  const find = (id: string) => {
    const invoice = invoices.get(id);
    if (!invoice) throw notFound('Invoice not found');
    return invoice;
  };
  const touch = (invoice: Doc) => {
    invoice.updatedAt = store.iso();
    return invoice;
  };

  router
    .on('GET /invoices/', ({ query }) => {
      const limit = numberParam(query, 'limit', 10, 100);
      const offset = numberParam(query, 'offset', 0);
      const [status, contactId] = [query.get('status'), query.get('contactId')];
      const ascending = query.get('sortOrder') === 'ascend';
      const matching = invoices
        .filter(
          (invoice) =>
            (!status || invoice.status === status) &&
            (!contactId || invoice.contactDetails?.id === contactId) &&
            (matchesText(invoice, query.get('search'), ['name', 'invoiceNumber']) || matchesText(invoice.contactDetails ?? {}, query.get('search'), ['name', 'email'])),
        )
        .sort((a, b) => (Date.parse(a.createdAt) - Date.parse(b.createdAt)) * (ascending ? 1 : -1));
      return ok({ invoices: matching.slice(offset, offset + limit), total: matching.length });
    })
    .on('GET /invoices/generate-invoice-number', () => ok({ invoiceNumber: nextInvoiceNumber(store) }))
    .on('GET /invoices/{invoiceId}', ({ params }) => ok(find(params.invoiceId!)))
    .on('POST /invoices/', ({ body }) => {
      validate(body, {
        name: ['required', 'string'],
        currency: ['required', 'string'],
        items: ['required', 'array'],
        contactDetails: ['required', 'object'],
        issueDate: ['required', 'date'],
        dueDate: ['date'],
        discount: ['object'],
      }, itemProblems(body.items));
      const contactId = (body.contactDetails as Doc).id;
      if (!store.collection('contacts').get(contactId)) validate(body, {}, [`contactDetails.id ${contactId} is not a contact of this location`]);
      const invoice = newInvoice(store, locationId, body);
      return ok(invoices.insert(invoice));
    })
    .on('POST /invoices/{invoiceId}/send', ({ params, body }) => {
      const invoice = find(params.invoiceId!);
      validate(body, { userId: ['required', 'string'], action: ['required', SEND_ACTIONS], liveMode: ['required', 'boolean'] });
      if (invoice.status === 'void') throw badRequest('A void invoice cannot be sent.');
      if (invoice.status === 'draft') invoice.status = 'sent';
      return ok({ invoice: touch(invoice), smsData: {}, emailData: {} });
    })
    .on('POST /invoices/{invoiceId}/record-payment', ({ params, body }) => {
      const invoice = find(params.invoiceId!);
      validate(body, { mode: ['required', PAYMENT_MODES], amount: ['number'], notes: ['string'] });
      if (invoice.status === 'void') throw badRequest('A payment cannot be recorded on a void invoice.');
      const amount = (body.amount as number | undefined) ?? invoice.amountDue;
      if (amount <= 0 || amount > invoice.amountDue) throw badRequest(`amount must be between 0 and the amount due (${invoice.amountDue})`);
      invoice.amountPaid = round(invoice.amountPaid + amount);
      invoice.amountDue = round(invoice.total - invoice.amountPaid);
      invoice.status = invoice.amountDue === 0 ? 'paid' : 'partially_paid';
      recordedTransaction(store, invoice, amount, String(body.mode));
      return ok({ success: true, invoice: touch(invoice) });
    })
    .on('POST /invoices/{invoiceId}/void', ({ params }) => {
      const invoice = find(params.invoiceId!);
      if (invoice.amountPaid > 0) throw badRequest('An invoice with payments cannot be voided.');
      invoice.status = 'void';
      return ok(touch(invoice));
    })
    .on('DELETE /invoices/{invoiceId}', ({ params }) => {
      const invoice = find(params.invoiceId!);
      if (invoice.status !== 'draft') throw badRequest('Only draft invoices can be deleted.');
      invoices.remove(invoice._id);
      return ok(invoice);
    });
}

function itemProblems(items: unknown): string[] {
  if (!Array.isArray(items)) return [];
  const found: string[] = [];
  if (items.length === 0) found.push('items should not be empty');
  items.forEach((item: Doc, index) => {
    if (typeof item?.name !== 'string' || item.name === '') found.push(`items.${index}.name should not be empty`);
    if (typeof item?.amount !== 'number' || item.amount < 0) found.push(`items.${index}.amount must be a positive number`);
    if (typeof item?.qty !== 'number' || item.qty <= 0) found.push(`items.${index}.qty must be a positive number`);
  });
  return found;
}

function round(amount: number): number {
  return Math.round(amount * 100) / 100;
}

export function nextInvoiceNumber(store: SandboxStore): string {
  const numbers = store.collection('invoices').all().map((invoice) => Number(invoice.invoiceNumber) || 0);
  return String(Math.max(1000, ...numbers) + 1);
}

/** A draft invoice with its totals computed from the items and the discount. */
export function newInvoice(store: SandboxStore, locationId: string, body: Record<string, unknown>): Doc {
  const items: Doc[] = (body.items as Doc[]).map((item) => ({ currency: body.currency, ...item }));
  const subTotal = round(items.reduce((sum, item) => sum + item.amount * item.qty, 0));
  const discount = (body.discount as Doc | undefined) ?? { type: 'percentage', value: 0 };
  const discountAmount = round(discount.type === 'fixed' ? (discount.value ?? 0) : (subTotal * (discount.value ?? 0)) / 100);
  const total = round(Math.max(0, subTotal - discountAmount));
  const now = store.iso();
  return {
    _id: store.objectId(),
    status: 'draft',
    liveMode: false,
    altId: locationId,
    altType: 'location',
    name: body.name,
    title: body.title ?? 'INVOICE',
    invoiceNumber: (body.invoiceNumber as string | undefined) ?? nextInvoiceNumber(store),
    currency: body.currency,
    businessDetails: body.businessDetails ?? {},
    contactDetails: body.contactDetails,
    issueDate: body.issueDate,
    dueDate: body.dueDate ?? body.issueDate,
    discount,
    invoiceItems: items,
    termsNotes: body.termsNotes ?? '',
    sentTo: body.sentTo ?? { email: [] },
    totalSummary: { subTotal, discount: discountAmount, tax: 0 },
    total,
    amountPaid: 0,
    amountDue: total,
    createdAt: now,
    updatedAt: now,
  };
}
