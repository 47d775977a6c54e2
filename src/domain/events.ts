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
  // disputes (returns-and-refunds-1/disputes-and-chargebacks.md)
  'order.dispute',
  'order.dispute.resolved',
  // accessing-invoices-and-credit-memos.md
  'order.invoice.created',
  'order.credit_memo.created',
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
  // tax identifiers (integration-options/checkouts/creating-checkouts/tax-identifiers.md)
  'tax_identifier.pending',
  'tax_identifier.verified',
  'tax_identifier.not_valid',
  'tax_identifier.updated',
  'tax_identifier.deleted',
  'customer.tax_identifier.created',
  // Tributary's own: webhook endpoints
  'webhook.created',
  'webhook.updated',
  'webhook.deleted',
  'webhook.disabled',
] as const;

export type EventType = (typeof EVENT_TYPES)[number];

/**
 * The events DR can send expanded (order-management/events-and-webhooks-1/expanding-events.md):
 * their items' productDetails also carry `physical` and the product's `metadata`. Tributary keeps
 * them expanded and shows them so to webhooks that ask (`expand`) and to GET /orders?expand.
 */
export const EXPANDABLE_EVENT_TYPES: ReadonlySet<string> = new Set<EventType>([
  'order.accepted',
  'order.cancelled',
  'order.refunded',
  'fulfillment.created',
]);

/**
 * Tributary's own events: not in DR's catalogue, so a webhook gets them only when it names
 * them (the exact type, or `webhook.*`); `*` and DR's prefixes such as `fulfillment.*` do not
 * reach them, as DR's own webhooks would never see them.
 */
export const TRIBUTARY_EVENT_TYPES: ReadonlySet<EventType> = new Set<EventType>([
  'fulfillment.updated',
  'webhook.created',
  'webhook.updated',
  'webhook.deleted',
  'webhook.disabled',
]);

/**
 * Every event type DR documents (order-management/events-and-webhooks-1/events-1/all-event-types.md
 * and event-types.md), those Tributary emits among them: what a webhook's `types` may name, so
 * that a misspelt type is refused rather than silently never delivered.
 */
export const DR_EVENT_TYPES: ReadonlySet<string> = new Set([
  'account.update.failure',
  'account.update.success',
  'checkout.created',
  'checkout.deleted',
  'checkout.updated',
  'checkout_session.order.created',
  'customer.created',
  'customer.deleted',
  'customer.invoice_attribute.created',
  'customer.source.created',
  'customer.source.deleted',
  'customer.tax_identifier.created',
  'customer.updated',
  'fee.created',
  'fee.deleted',
  'fee.updated',
  'fulfiller.created',
  'fulfiller.deleted',
  'fulfiller.updated',
  'fulfillment.created',
  'fulfillment_cancellation.accepted',
  'fulfillment_cancellation.created',
  'fulfillment_cancellation.rejected',
  'fulfillment_order.backordered',
  'fulfillment_order.cancelled',
  'fulfillment_order.pending',
  'fulfillment_order.shipped',
  'fulfillment_return.accepted',
  'fulfillment_return.created',
  'fulfillment_return.pending',
  'fulfillment_return.rejected',
  'global_returns.accepted',
  'global_returns.canceled',
  'global_returns.created',
  'global_returns.label.created',
  'global_returns.scanned',
  'invoice.created',
  'invoice.open',
  'invoice.paid',
  'invoice.payment_failed',
  'invoice.uncollectible',
  'invoice.updated',
  'invoice.void',
  'invoice_attribute.created',
  'invoice_attribute.deleted',
  'location.created',
  'location.deleted',
  'location.updated',
  'logistics_return.received',
  'manufacturer.created',
  'manufacturer.deleted',
  'manufacturer.updated',
  'order.accepted',
  'order.blocked',
  'order.cancelled',
  'order.charge.cancel.complete',
  'order.charge.cancel.failed',
  'order.charge.cancel.pending',
  'order.charge.cancel.pending_information',
  'order.charge.cancelled',
  'order.charge.capturable',
  'order.charge.capture.complete',
  'order.charge.capture.created',
  'order.charge.capture.failed',
  'order.charge.capture.pending',
  'order.charge.complete',
  'order.charge.created',
  'order.charge.failed',
  'order.charge.pending',
  'order.charge.processing',
  'order.charge.reauth.failed',
  'order.charge.refund.complete',
  'order.charge.refund.created',
  'order.charge.refund.failed',
  'order.charge.refund.pending',
  'order.chargeback',
  'order.complete',
  'order.created',
  'order.credit_memo.created',
  'order.dispute',
  'order.dispute.resolved',
  'order.fulfilled',
  'order.invoice.created',
  'order.pending_payment',
  'order.refunded',
  'order.review_closed',
  'order.review_opened',
  'order.submitted',
  'order.updated',
  'payout.created',
  'plan.created',
  'plan.deleted',
  'plan.updated',
  'refund.complete',
  'refund.created',
  'refund.failed',
  'refund.pending',
  'refund.pending_information',
  'refund.succeeded',
  'refund.updated',
  'return.accepted',
  'return.created',
  'return.updated',
  'sales_transaction.created',
  'sku.created',
  'sku.deleted',
  'sku.updated',
  'source.chargeable',
  'source.created',
  'subscription.created',
  'subscription.deleted',
  'subscription.extended',
  'subscription.failed',
  'subscription.lapsed',
  'subscription.payment_failed',
  'subscription.reminder',
  'subscription.source_invalid',
  'subscription.updated',
  'tax_identifier.deleted',
  'tax_identifier.not_valid',
  'tax_identifier.pending',
  'tax_identifier.updated',
  'tax_identifier.verified',
]);

/** A webhook's `types` entry names something: `*`, a known type, or a prefix of one (`order.*`). */
export function isKnownEventPattern(pattern: string): boolean {
  if (pattern === '*') return true;
  const known = (type: string) => DR_EVENT_TYPES.has(type) || TRIBUTARY_EVENT_TYPES.has(type as EventType);
  if (!pattern.endsWith('.*')) return known(pattern);
  const prefix = pattern.slice(0, -1);
  return [...DR_EVENT_TYPES, ...TRIBUTARY_EVENT_TYPES].some((type) => type.startsWith(prefix));
}
