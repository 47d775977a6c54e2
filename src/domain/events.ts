/**
 * The event catalogue: every event type Tributary emits, named as DR names them
 * (https://docs.digitalriver.com/digital-river-api/order-management/events-and-webhooks-1/events-1/all-event-types).
 * The state tables name their events from this list, and `newEvent` takes nothing else, so a
 * misspelt event type does not compile.
 */
export const EVENT_TYPES = [
  // orders (order-management/orders/the-order-lifecycle.md)
  'order.created',
  'order.accepted',
  'order.review_opened',
  'order.blocked',
  'order.fulfilled',
  'order.complete',
  'order.cancelled',
  'order.refunded',
  'order.updated',
  'order.chargeback',
  // charges (order-management/orders/payment-charges)
  'order.charge.capturable',
  'order.charge.processing',
  'order.charge.complete',
  'order.charge.cancelled',
  'order.charge.failed',
  'order.charge.capture.pending',
  'order.charge.capture.complete',
  'order.charge.capture.failed',
  'order.charge.cancel.pending',
  'order.charge.cancel.complete',
  'order.charge.cancel.failed',
  'order.charge.refund.pending',
  'order.charge.refund.complete',
  'order.charge.refund.failed',
  // seed 002: a refused reauthorization on a risk-averse account
  'order.charge.reauth.failed',
  // refunds (returns-and-refunds-1/refunds/issuing-refunds.md)
  'refund.pending',
  'refund.complete',
  'refund.failed',
  'refund.updated',
  // returns (returns-and-refunds-1/returns/creating-a-return.md)
  'return.created',
  'return.updated',
  'return.accepted',
  // fulfillments
  'fulfillment.created',
  'fulfillment.updated',
  // the catalogue and the customers
  'checkout.created',
  'checkout.updated',
  'checkout.deleted',
  'customer.created',
  'customer.updated',
  'customer.deleted',
  'customer.source.created',
  'customer.source.deleted',
  'sku.created',
  'sku.updated',
  'sku.deleted',
  'source.created',
  // Tributary's own: webhook endpoints
  'webhook.created',
  'webhook.updated',
  'webhook.deleted',
  'webhook.disabled',
] as const;

export type EventType = (typeof EVENT_TYPES)[number];
