import { dense, sparse } from '../../domain/order/components.js';
import type {
  ChargeRecord,
  DisputeRecord,
  DocumentRecord,
  FulfillmentRecord,
  OperationRecord,
  Order,
  OrderItemRecord,
  OrderRecord,
  RefundRecord,
  ReturnRecord,
} from '../../domain/order/model.js';
import { fromJson, toJson } from '../json.js';
import type { OrderPartKind, OrderPartsTable } from '../schema.js';

/**
 * The order aggregate as one row (migration 8): the order's own columns, which its lists filter
 * on, and a JSON document with the rest. The document leaves out what every record of it repeats
 * (the account and the order), and an operation's parts are kept sparse (no zero components).
 */

type Stored<T> = Omit<T, 'accountId' | 'orderId'>;

export interface OrderDocument {
  items: Stored<OrderItemRecord>[];
  charges: Stored<ChargeRecord>[];
  operations: (Omit<Stored<OperationRecord>, 'parts'> & { parts: ReturnType<typeof sparse> })[];
  fulfillments: Stored<FulfillmentRecord>[];
  refunds: Stored<RefundRecord>[];
  /** absent when the order has none (and in documents from before returns) */
  returns?: Stored<ReturnRecord>[];
  /** an open dispute (absent when none) */
  dispute?: DisputeRecord;
  /** its invoice and credit memos (absent when none) */
  documents?: DocumentRecord[];
}

function stored<T extends { orderId: string; accountId?: string }>(record: T): Stored<T> {
  const { accountId: _account, orderId: _order, ...rest } = record;
  return rest;
}

/** `partless`: operations to keep without parts (stored so before migration 6) */
export function documentOf(order: Order, partless?: ReadonlySet<string>): string {
  const document: OrderDocument = {
    items: order.items.map(stored),
    charges: order.charges.map(stored),
    operations: order.operations.map((o) => ({
      ...stored(o),
      parts: partless?.has(o.id) ? {} : sparse(o.parts),
    })),
    fulfillments: order.fulfillments.map(stored),
    refunds: order.refunds.map(stored),
    ...(order.returns.length > 0 ? { returns: order.returns.map(stored) } : {}),
    ...(order.dispute ? { dispute: order.dispute } : {}),
    ...(order.documents && order.documents.length > 0 ? { documents: [...order.documents] } : {}),
  };
  return toJson(document);
}

export function aggregateOf(order: OrderRecord, text: string | null): Order {
  if (text === null) throw new Error(`order ${order.id} has no document`);
  const document = fromJson<OrderDocument>(text);
  const { accountId, id: orderId } = order;
  return {
    order,
    items: document.items.map((item) => ({ ...item, orderId })),
    charges: document.charges.map((charge) => ({ ...charge, accountId, orderId })),
    operations: document.operations.map((op) => ({ ...op, accountId, orderId, parts: dense(op.parts) })),
    fulfillments: document.fulfillments.map((f) => ({ ...f, accountId, orderId })),
    refunds: document.refunds.map((refund) => ({ ...refund, accountId, orderId })),
    returns: (document.returns ?? []).map((ret) => ({ ...ret, accountId, orderId })),
    ...(document.dispute ? { dispute: document.dispute } : {}),
    ...(document.documents ? { documents: document.documents } : {}),
  };
}

export type OrderPartRow = Omit<OrderPartsTable, 'seq'>;

/** The rows of order_parts of an order's sub-resources that `before` does not have yet. */
export function newPartRows(next: Order, before: Order | undefined): OrderPartRow[] {
  const { accountId, id: orderId } = next.order;
  const known = new Set<string>();
  if (before) {
    for (const i of before.items) known.add(`item:${i.id}`);
    for (const c of before.charges) known.add(`charge:${c.id}`);
    for (const o of before.operations) known.add(`operation:${o.id}`);
    for (const f of before.fulfillments) known.add(`fulfillment:${f.id}`);
    for (const r of before.refunds) known.add(`refund:${r.id}`);
    for (const r of before.returns) known.add(`return:${r.id}`);
  }
  const rows: OrderPartRow[] = [];
  const row = (kind: OrderPartKind, id: string, createdAt: number, columns: Partial<OrderPartRow> = {}) => {
    if (
      kind !== 'fulfillment_item' &&
      kind !== 'return_item' &&
      kind !== 'refund_item' &&
      known.has(`${kind}:${id}`)
    )
      return false;
    rows.push({
      account_id: accountId,
      kind,
      id,
      order_id: orderId,
      parent_id: null,
      sku_id: null,
      state: null,
      reason: null,
      failure_reason: null,
      tracking_company: null,
      tracking_number: null,
      amount_minor: null,
      refunded_minor: null,
      currency: null,
      created_at: createdAt,
      ...columns,
    });
    return true;
  };
  for (const item of next.items) row('item', item.id, next.order.createdAt, { sku_id: item.skuId });
  for (const charge of next.charges) row('charge', charge.id, charge.createdAt);
  for (const op of next.operations) row('operation', op.id, op.createdAt);
  for (const f of next.fulfillments) {
    if (!row('fulfillment', f.id, f.createdAt, fulfillmentColumns(f))) continue;
    f.items.forEach((item, position) => {
      row('fulfillment_item', `${f.id}/${position}`, f.createdAt, { parent_id: f.id, sku_id: item.skuId });
    });
  }
  for (const refund of next.refunds) {
    if (!row('refund', refund.id, refund.createdAt, refundColumns(refund, next))) continue;
    refund.items.forEach((entry, position) => {
      if (entry.skuId)
        row('refund_item', `${refund.id}/${position}`, refund.createdAt, {
          parent_id: refund.id,
          sku_id: entry.skuId,
        });
    });
  }
  for (const ret of next.returns) {
    if (!row('return', ret.id, ret.createdAt, returnColumns(ret))) continue;
    ret.items.forEach((item, position) => {
      row('return_item', `${ret.id}/${position}`, ret.createdAt, { parent_id: ret.id, sku_id: item.skuId });
    });
  }
  return rows;
}

export const fulfillmentColumns = (f: FulfillmentRecord) => ({
  tracking_company: f.trackingCompany,
  tracking_number: f.trackingNumber,
});

type Settled = readonly Pick<OperationRecord, 'kind' | 'state' | 'amountMinor' | 'refundId'>[];

/** What completed refunds of the order returned (its refundedAmount). */
export const refundedMinorOf = (operations: Settled): number =>
  operations.reduce((s, o) => (o.kind === 'refund' && o.state === 'complete' ? s + o.amountMinor : s), 0);

/** What one refund's completed charge refunds returned. */
export const refundedMinorOfRefund = (operations: Settled, refundId: string): number =>
  refundedMinorOf(operations.filter((o) => o.refundId === refundId));

export const refundColumns = (r: RefundRecord, order: Pick<Order, 'operations' | 'order'>) => ({
  state: r.state,
  reason: r.reason,
  failure_reason: r.failureReason,
  amount_minor: r.amountMinor,
  refunded_minor: refundedMinorOfRefund(order.operations, r.id),
  currency: order.order.currency,
});

export const returnColumns = (r: ReturnRecord) => ({ state: r.state, reason: r.reason });
