import type { EventType } from '../events.js';
import type { DocumentPurpose, DocumentRecord, Order } from './model.js';
import type { Plan, PlannedTask } from './plan.js';

/**
 * Invoices and credit memos (order-management/accessing-invoices-and-credit-memos.md): DR issues
 * a PDF invoice once an order is complete, when its selling entity is one that invoices and its
 * total is not zero, and a credit memo for each refund that succeeds on an invoiced order (one
 * that succeeded before the invoice gets its memo with the invoice). Issuing is work done after
 * the command (a task), as DR's invoices arrive after the order's events.
 */

/** The entities DR names as issuing invoices. */
export const INVOICING_ENTITIES: ReadonlySet<string> = new Set([
  'DR_INC-ENTITY',
  'C5_INC-ENTITY',
  'DR_IRELAND-ENTITY',
  'DR_UK-ENTITY',
  'DR_JAPAN-ENTITY',
]);

export const DOCUMENT_EVENTS: Readonly<Record<DocumentPurpose, EventType>> = {
  customer_invoice: 'order.invoice.created',
  customer_credit_memo: 'order.credit_memo.created',
};

function invoices(order: Order): boolean {
  const entity = (order.order.data.sellingEntity as { id?: string } | undefined)?.id ?? 'C5_INC-ENTITY';
  return INVOICING_ENTITIES.has(entity);
}

const issued = (order: Order, purpose: DocumentPurpose, refundId?: string) =>
  (order.documents ?? []).some((d) => d.purpose === purpose && d.refundId === refundId);

/** The documents a plan makes due: tasks to issue them, now on the account's clock. */
export function documentsDue(before: Order | undefined, plan: Plan): PlannedTask[] {
  const next = plan.next;
  if (!invoices(next)) return [];
  const orderId = next.order.id;
  const tasks: PlannedTask[] = [];
  const task = (payload: Record<string, string>): PlannedTask => ({
    kind: 'document',
    subjectId: orderId,
    payload,
    dueAt: plan.at,
  });
  const invoicingNow =
    next.order.state === 'complete' &&
    before?.order.state !== 'complete' &&
    next.order.totals.totalAmountMinor > 0 &&
    !issued(next, 'customer_invoice');
  if (invoicingNow) tasks.push(task({ purpose: 'customer_invoice' }));
  // a credit memo credits an invoice: refunds that succeed once the order is invoiced get one
  // each; those that succeeded before get theirs with the invoice
  if (!invoicingNow && !issued(next, 'customer_invoice')) return tasks;
  for (const refund of next.refunds) {
    if (refund.state !== 'succeeded' || issued(next, 'customer_credit_memo', refund.id)) continue;
    const was = before?.refunds.find((r) => r.id === refund.id);
    if (invoicingNow || was?.state !== 'succeeded')
      tasks.push(task({ purpose: 'customer_credit_memo', refundId: refund.id }));
  }
  return tasks;
}

/**
 * Whether a document is still to be issued (a task run twice, or for a refund that is gone,
 * issues nothing).
 */
export function documentToIssue(
  order: Order,
  purpose: DocumentPurpose,
  refundId: string | undefined,
): boolean {
  if (issued(order, purpose, refundId)) return false;
  if (purpose === 'customer_credit_memo') {
    return order.refunds.some((r) => r.id === refundId && r.state === 'succeeded');
  }
  return true;
}

/** The order with a document issued: it lists it (`invoicePDFs`, `creditMemoPDFs`). */
export function planDocument(order: Order, document: DocumentRecord, at: number): Plan {
  return {
    at,
    next: { ...order, documents: [...(order.documents ?? []), document] },
    events: [],
    tasks: [],
    submit: [],
    authorizations: [],
  };
}
