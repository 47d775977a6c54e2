import { chargeAmounts } from '../domain/charge/amounts.js';
import type {
  ChargeRecord,
  FulfillmentRecord,
  OperationRecord,
  OrderItemRecord,
  OrderRecord,
  RefundRecord,
  SourceRecord,
} from '../store/records.js';
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

export interface OrderView {
  order: OrderRecord;
  items: readonly OrderItemRecord[];
  charges: readonly ChargeRecord[];
  sources: ReadonlyMap<string, SourceRecord>;
  operations: readonly OperationRecord[];
  fulfillments: readonly FulfillmentRecord[];
  refunds: readonly RefundRecord[];
}

/**
 * The order's money, from its charges' operations: captured and cancelled count pending
 * operations too (DR shows capturedAmount = total while the capture is pending); what can be
 * refunded is what captures completed, less refunds pending or done.
 */
export function orderMoney(view: Pick<OrderView, 'charges' | 'operations'>) {
  let capturedMinor = 0;
  let capturedCompleteMinor = 0;
  let cancelledMinor = 0;
  let refundedMinor = 0;
  let availableToRefundMinor = 0;
  for (const charge of view.charges) {
    const a = chargeAmounts(
      charge.amountMinor,
      view.operations.filter((o) => o.chargeId === charge.id),
    );
    capturedMinor += a.capturedMinor + a.capturedPendingMinor;
    capturedCompleteMinor += a.capturedMinor;
    cancelledMinor += a.cancelledMinor + a.cancelledPendingMinor;
    refundedMinor += a.refundedMinor;
    availableToRefundMinor += a.capturedMinor - a.refundedMinor - a.refundedPendingMinor;
  }
  return { capturedMinor, capturedCompleteMinor, cancelledMinor, refundedMinor, availableToRefundMinor };
}

/**
 * What can still be refunded of each item: the value of its units whose fulfillment's captures
 * all completed, less the refunds that named the item; never more than the order has left.
 */
export function itemRefundable(view: OrderView): Map<string, number> {
  const settled = new Set(
    view.fulfillments
      .filter((f) => {
        const captures = view.operations.filter((o) => o.kind === 'capture' && o.fulfillmentId === f.id);
        return captures.length > 0 && captures.every((o) => o.state === 'complete');
      })
      .map((f) => f.id),
  );
  const orderLeft = orderMoney(view).availableToRefundMinor;
  const refundable = new Map<string, number>();
  for (const item of view.items) {
    let value = 0;
    for (const f of view.fulfillments) {
      if (!settled.has(f.id)) continue;
      for (const fi of f.items) if (fi.itemId === item.id) value += fi.captureMinor;
    }
    for (const r of view.refunds) {
      if (r.state === 'failed') continue;
      for (const ri of r.items) if (ri.itemId === item.id) value -= ri.amountMinor;
    }
    refundable.set(item.id, Math.max(0, Math.min(value, orderLeft)));
  }
  return refundable;
}

export function orderToWire(view: OrderView, options: { withPayment?: boolean } = {}): WireObject {
  const { order, items, charges, sources, operations } = view;
  const m = (minor: number) => money(minor, order.currency);
  const amounts = orderMoney(view);
  const refundable = itemRefundable(view);
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
    availableToRefundAmount: m(amounts.availableToRefundMinor),
    refundedAmount: m(amounts.refundedMinor),
    cancelledAmount: m(amounts.cancelledMinor),
    capturedAmount: m(amounts.capturedMinor),
    items: items.map((item) =>
      compact({
        ...lineToWire(item, order.currency),
        state: item.state,
        stateTransitions: item.stateTransitions,
        availableToRefundAmount: m(refundable.get(item.id) ?? 0),
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
    liveMode: false,
    metadata: order.metadata,
    upstreamId: order.upstreamId,
  });
}

export function fulfillmentToWire(fulfillment: FulfillmentRecord, order?: OrderView): WireObject {
  return compact({
    id: fulfillment.id,
    createdTime: time(fulfillment.createdAt),
    orderId: fulfillment.orderId,
    // the order without its payment (DR's OrderDetails)
    orderDetails: order ? orderToWire(order, { withPayment: false }) : undefined,
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

/** A refund, with what it took from each charge. */
export function refundToWire(
  refund: RefundRecord,
  view: Pick<OrderView, 'charges' | 'operations'>,
): WireObject {
  const m = (minor: number) => money(minor, refund.currency);
  const ops = view.operations.filter((o) => o.refundId === refund.id);
  const refundedMinor = ops.filter((o) => o.state === 'complete').reduce((s, o) => s + o.amountMinor, 0);
  return compact({
    id: refund.id,
    createdTime: time(refund.createdAt),
    orderId: refund.orderId,
    currency: refund.currency,
    type: refund.type,
    amount: m(refund.amountMinor),
    refundedAmount: m(refundedMinor),
    items: refund.items.map((item) =>
      compact({
        itemId: item.itemId,
        skuId: item.skuId,
        quantity: item.quantity,
        amount: m(item.amountMinor),
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
