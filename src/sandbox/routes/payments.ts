import { notFound, ok } from '../http.js';
import { numberParam } from '../paging.js';
import type { SandboxRouter } from '../router.js';
import type { Doc, SandboxStore } from '../state.js';

/** The transaction GHL keeps for a payment recorded on an invoice (cash, cheque…): charged by no provider. */
export function recordedTransaction(store: SandboxStore, invoice: Doc, amount: number, mode: string, at = store.iso()): Doc {
  return store.collection('transactions').insert({
    _id: store.objectId(),
    altId: invoice.altId,
    altType: 'location',
    contactId: invoice.contactDetails?.id,
    contactName: invoice.contactDetails?.name,
    contactEmail: invoice.contactDetails?.email,
    currency: invoice.currency,
    amount,
    status: 'succeeded',
    liveMode: invoice.liveMode,
    entityType: 'invoice',
    entityId: invoice._id,
    entitySourceType: 'invoice',
    entitySourceName: invoice.name,
    paymentProviderType: 'manual',
    paymentMethod: { mode },
    createdAt: at,
    updatedAt: at,
  });
}

/** Payment transactions (those of payments recorded on invoices): list newest first (limit/offset), get one. */
export function paymentRoutes(router: SandboxRouter): void {
  const transactions = router.context.store.collection('transactions');
  router
    .on('GET /payments/transactions', ({ query }) => {
      const limit = numberParam(query, 'limit', 10, 100);
      const offset = numberParam(query, 'offset', 0);
      const [contactId, entityId] = [query.get('contactId'), query.get('entityId')];
      const matching = transactions
        .filter((record) => (!contactId || record.contactId === contactId) && (!entityId || record.entityId === entityId))
        .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
      return ok({ data: matching.slice(offset, offset + limit), totalCount: matching.length });
    })
    .on('GET /payments/transactions/{transactionId}', ({ params }) => {
      const transaction = transactions.get(params.transactionId!);
      if (!transaction) throw notFound('Transaction not found');
      return ok(transaction);
    });
}
