import { addLineParts, type LineParts } from '../domain/order/components.js';
import { itemRefundableMinor, ledgerOf } from '../domain/order/ledger.js';
import type {
  ChargeRecord,
  DocumentPurpose,
  FulfillmentRecord,
  OperationRecord,
  Order,
  RefundRecord,
  ReturnRecord,
} from '../domain/order/model.js';
import { itemRefundComponents } from '../domain/order/refund.js';
import type { SourceRecord } from '../store/records.js';
import { sourceToWire } from './catalog.js';
import { descriptiveToWire, lineToWire, totalsToWire } from './checkout.js';
import { compact, money, time, type WireObject } from './common.js';

function operationToWire(operation: OperationRecord, currency: string): WireObject {
  return compact({
    id: operation.id,
    createdTime: time(operation.createdAt),
    updatedTime: time(operation.updatedAt),
    amount: money(operation.amountMinor, currency),
    state: operation.state,
    failureCode: operation.failureCode,
    failureMessage: operation.failureMessage,
    // captures name their fulfillment (DR, since 2022)
    fulfillmentId: operation.kind === 'capture' ? operation.fulfillmentId : undefined,
  });
}

/** A charge with its captures, cancels and refunds (the operations of this charge only). */
export function chargeToWire(charge: ChargeRecord, operations: readonly OperationRecord[]): WireObject {
  const own = operations.filter((o) => o.chargeId === charge.id);
  const of = (kind: OperationRecord['kind']) =>
    own.filter((o) => o.kind === kind).map((o) => operationToWire(o, charge.currency));
  const captures = of('capture');
  const refunds = of('refund');
  return compact({
    id: charge.id,
    createdTime: time(charge.createdAt),
    currency: charge.currency,
    amount: money(charge.amountMinor, charge.currency),
    state: charge.state,
    orderId: charge.orderId,
    sourceId: charge.sourceId,
    failureCode: charge.failureCode,
    failureMessage: charge.failureMessage,
    paymentSessionId: charge.sessionId,
    cancels: of('cancel'),
    captures,
    captured: captures.length > 0,
    refunds,
    refunded: refunds.length > 0,
    type: charge.type,
    liveMode: false,
  });
}

/** An order as the wire shows it: the aggregate, and the sources its charges were made from. */
export interface OrderView extends Order {
  sources: ReadonlyMap<string, SourceRecord>;
}

/**
 * `expand`: DR's expanded order (GET /orders/{id}?expand=true, events-and-webhooks-1/
 * expanding-events.md): each item's productDetails also says whether the product is `physical`
 * and carries the SKU's `metadata`.
 */
export function orderToWire(
  view: OrderView,
  options: { withPayment?: boolean; expand?: boolean } = {},
): WireObject {
  const { order, items, charges, sources, operations } = view;
  const m = (minor: number) => money(minor, order.currency);
  const ledger = ledgerOf(view);
  return compact({
    id: order.id,
    checkoutId: order.checkoutId,
    createdTime: time(order.createdAt),
    updatedTime: time(order.updatedAt),
    customerId: order.customerId,
    currency: order.currency,
    email: order.email,
    locale: order.locale,
    browserIp: order.browserIp,
    applicationId: order.applicationId,
    ...totalsToWire(order.totals, order.currency),
    ...descriptiveToWire(order.data, order.totals, order.currency, order.hasShippingChoice),
    ...(options.withPayment === false ? { disclosures: undefined } : {}),
    availableToRefundAmount: m(ledger.availableToRefundMinor),
    refundedAmount: m(ledger.refundedMinor),
    cancelledAmount: m(ledger.cancelledMinor),
    capturedAmount: m(ledger.capturedMinor),
    items: items.map((item) =>
      compact({
        ...lineToWire(item, order.currency),
        ...(options.expand
          ? {
              productDetails: compact({
                ...(item.productDetails as WireObject),
                physical: item.physical,
                metadata: item.data['productMetadata'] ?? undefined,
              }),
            }
          : {}),
        state: item.state,
        stateTransitions: item.stateTransitions,
        availableToRefundAmount: m(itemRefundableMinor(ledger, item.id)),
      }),
    ),
    requestToBeForgotten: order.requestToBeForgotten,
    state: order.state,
    stateTransitions: order.stateTransitions,
    fraudState: order.fraudState,
    fraudStateTransitions: order.fraudStateTransitions,
    payment:
      options.withPayment === false
        ? undefined
        : {
            charges: charges.map((c) => chargeToWire(c, operations)),
            sources: charges.flatMap((c) => {
              const source = sources.get(c.sourceId);
              return source ? [sourceToWire(source, c.amountMinor)] : [];
            }),
            session: {
              id: order.sessionId,
              clientSecret: order.sessionClientSecret,
              amountContributed: m(order.totals.totalAmountMinor),
              amountRemainingToBeContributed: 0,
              state: order.sessionState,
            },
          },
    customerType: order.customerType,
    invoicePDFs: documentsOf(view, 'customer_invoice'),
    creditMemoPDFs: documentsOf(view, 'customer_credit_memo'),
    liveMode: false,
    metadata: order.metadata,
    upstreamId: order.upstreamId,
  });
}

/** The order's invoices or credit memos (DR: absent until one is issued). */
function documentsOf(view: Pick<Order, 'documents'>, purpose: DocumentPurpose): WireObject[] | undefined {
  const documents = (view.documents ?? []).filter((d) => d.purpose === purpose);
  if (documents.length === 0) return undefined;
  return documents.map((d) => ({ id: d.id, url: d.url, liveMode: false }));
}

export function fulfillmentToWire(
  fulfillment: FulfillmentRecord,
  order?: OrderView,
  options: { expand?: boolean } = {},
): WireObject {
  return compact({
    id: fulfillment.id,
    createdTime: time(fulfillment.createdAt),
    orderId: fulfillment.orderId,
    // the order without its payment (DR's OrderDetails)
    orderDetails: order
      ? orderToWire(order, { withPayment: false, expand: options.expand === true })
      : undefined,
    // the captures and cancels it made, in the order they were made
    chargeOperationIds: order
      ? order.operations.filter((o) => o.fulfillmentId === fulfillment.id).map((o) => o.id)
      : undefined,
    shipmentId: fulfillment.shipmentId,
    items: fulfillment.items.map((item) =>
      compact({
        quantity: item.quantity,
        cancelQuantity: item.cancelQuantity,
        skuId: item.skuId,
        itemId: item.itemId,
        shipmentItemId: item.shipmentItemId,
      }),
    ),
    trackingCompany: fulfillment.trackingCompany,
    trackingNumber: fulfillment.trackingNumber,
    trackingUrl: fulfillment.trackingUrl,
    liveMode: false,
    metadata: fulfillment.metadata,
  });
}

/**
 * What each item entry of a refund got back: what the refund's completed charge refunds took
 * from that item's components, handed to the entries naming them in turn.
 */
function refundedPerEntry(refund: RefundRecord, ops: readonly OperationRecord[]): number[] {
  const complete = ops
    .filter((o) => o.state === 'complete')
    .reduce<LineParts>((sum, o) => addLineParts(sum, o.parts), {});
  const left = new Map(Object.entries(complete).map(([line, parts]) => [line, { ...parts }]));
  return refund.items.map((entry) => {
    const have = left.get(entry.itemId);
    if (!have) return 0;
    let wanted = entry.amountMinor;
    for (const c of itemRefundComponents(entry.type)) {
      const taken = Math.min(have[c], wanted);
      have[c] -= taken;
      wanted -= taken;
    }
    return entry.amountMinor - wanted;
  });
}

/** A refund, with what it took from each charge. */
export function refundToWire(refund: RefundRecord, view: Pick<Order, 'charges' | 'operations'>): WireObject {
  const m = (minor: number) => money(minor, refund.currency);
  const ops = view.operations.filter((o) => o.refundId === refund.id);
  const refundedMinor = ops.filter((o) => o.state === 'complete').reduce((s, o) => s + o.amountMinor, 0);
  const perEntry = refundedPerEntry(refund, ops);
  return compact({
    id: refund.id,
    createdTime: time(refund.createdAt),
    orderId: refund.orderId,
    currency: refund.currency,
    type: refund.type,
    amount: m(refund.amountMinor),
    refundedAmount: m(refundedMinor),
    items: refund.items.map((item, i) =>
      compact({
        type: item.type ?? undefined,
        itemId: item.itemId,
        skuId: item.skuId,
        quantity: item.quantity,
        amount: m(item.amountMinor),
        percent: item.percent ?? undefined,
        refundedAmount: m(perEntry[i] ?? 0),
      }),
    ),
    reason: refund.reason,
    failureReason: refund.failureReason,
    state: refund.state,
    liveMode: false,
    charges: view.charges
      .filter((c) => ops.some((o) => o.chargeId === c.id))
      .map((c) => ({
        id: c.id,
        captured: true,
        refunded: true,
        sourceId: c.sourceId,
        refunds: ops
          .filter((o) => o.chargeId === c.id)
          .map((o) => ({ createdTime: time(o.createdAt), amount: m(o.amountMinor), state: o.state })),
      })),
    metadata: refund.metadata,
  });
}

/** DR's ReturnsResponse. */
export function returnToWire(ret: ReturnRecord): WireObject {
  const m = (minor: number) => money(minor, ret.currency);
  return compact({
    id: ret.id,
    createdTime: time(ret.createdAt),
    updatedTime: time(ret.updatedAt),
    orderId: ret.orderId,
    currency: ret.currency,
    items: ret.items.map((item) =>
      compact({
        itemId: item.itemId,
        skuId: item.skuId,
        amount: m(item.amountMinor),
        quantity: item.quantity,
        quantityAccepted: item.quantityAccepted,
        state: item.state,
      }),
    ),
    reason: ret.reason,
    state: ret.state,
    location: ret.location,
    liveMode: false,
    metadata: ret.metadata,
    refundIds: ret.refundIds,
  });
}
