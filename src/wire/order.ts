import type { ChargeRecord, OrderItemRecord, OrderRecord, SourceRecord } from '../store/records.js';
import { sourceToWire } from './catalog.js';
import { descriptiveToWire, lineToWire, totalsToWire } from './checkout.js';
import { compact, money, time, type WireObject } from './common.js';

export function chargeToWire(charge: ChargeRecord): WireObject {
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
    cancels: [],
    captures: [],
    captured: false,
    refunds: [],
    refunded: false,
    type: charge.type,
    liveMode: false,
  });
}

export interface OrderView {
  order: OrderRecord;
  items: readonly OrderItemRecord[];
  charges: readonly ChargeRecord[];
  sources: ReadonlyMap<string, SourceRecord>;
}

export function orderToWire({ order, items, charges, sources }: OrderView): WireObject {
  const m = (minor: number) => money(minor, order.currency);
  const available = order.capturedMinor - order.refundedMinor;
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
    availableToRefundAmount: m(available),
    refundedAmount: m(order.refundedMinor),
    cancelledAmount: m(order.cancelledMinor),
    capturedAmount: m(order.capturedMinor),
    items: items.map((item) =>
      compact({
        ...lineToWire(item, order.currency),
        state: item.state,
        stateTransitions: item.stateTransitions,
        availableToRefundAmount: 0,
      }),
    ),
    requestToBeForgotten: order.requestToBeForgotten,
    state: order.state,
    stateTransitions: order.stateTransitions,
    fraudState: order.fraudState,
    fraudStateTransitions: order.fraudStateTransitions,
    payment: {
      charges: charges.map(chargeToWire),
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
