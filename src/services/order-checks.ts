import { orderBlocker } from '../domain/checkout/readiness.js';
import { paymentSession } from '../domain/checkout/session.js';
import { AppError, notFound } from '../domain/errors.js';
import { orderTaxIdentifierBlocker } from '../domain/tax/identifiers.js';
import type { Tx } from '../store/store.js';
import { appliedTaxIdentifiers, type CheckoutView, purchaseOf } from './checkouts.js';

/**
 * What POST /orders checks of a checkout before it asks the processor for anything: each refusal
 * here writes nothing, and the client can fix the checkout and ask again.
 */

/** The checkout's state before an order: DR's 404 once ordered, 409 once spent (seed 000). */
export function checkOrderable(checkout: {
  id: string;
  state: string;
  orderId: string | null;
  spentMessage: string | null;
}): void {
  if (checkout.state === 'ordered') {
    throw notFound(
      'orderId',
      `Order ${checkout.id} not found: checkout '${checkout.id}' was already used for order '${checkout.orderId}'.`,
    );
  }
  if (checkout.state === 'spent') {
    throw new AppError(
      'failed-request',
      'checkoutId',
      `Failed to charge source. Checkout '${checkout.id}' can no longer be used (${checkout.spentMessage}); create a new checkout.`,
    );
  }
}

/**
 * The checkout's tax identifiers, as they are now: each still exists (DR: 409 not_found on `id`),
 * each applies to the order, and a country that requires one has one (tax-identifiers.md).
 */
export async function checkTaxIdentifiers(tx: Tx, view: CheckoutView): Promise<void> {
  const { checkout } = view;
  const attached = appliedTaxIdentifiers(checkout.data);
  const found = await tx.taxIdentifiers.getMany(
    checkout.accountId,
    attached.map((t) => t.id),
  );
  const missing = attached.find((t) => !found.has(t.id));
  if (missing) {
    throw new AppError('not_found', 'id', `Tax identifier '${missing.id}' not found.`, { type: 'conflict' });
  }
  const blocker = orderTaxIdentifierBlocker(
    attached.map((t) => found.get(t.id) ?? t),
    purchaseOf(checkout, view.items),
  );
  if (blocker) throw blocker;
}

/** The checkout is ready for an order (a 400 the client can fix, if not); the primary's share. */
export function readyToOrder(view: CheckoutView): number {
  const { checkout } = view;
  const primary = view.attached.find((a) => a.attachment.role === 'primary');
  const secondaries = view.attached.filter((a) => a.attachment.role === 'secondary');
  const session = paymentSession({
    totalAmountMinor: checkout.totals.totalAmountMinor,
    hasPrimary: primary !== undefined,
    secondaryAmountsMinor: secondaries.map((s) => s.source.amountMinor ?? 0),
  });
  const blocker = orderBlocker({
    sessionState: session.state,
    email: checkout.email,
    billTo: checkout.data.billTo,
    sourceOwner: (primary ?? secondaries.at(-1))?.source.owner ?? undefined,
    anyPhysical: view.items.some((i) => i.physical),
    shipTo: checkout.data.shipTo,
    shipFrom: checkout.data.shipFrom,
    hasShippingChoice: checkout.hasShippingChoice,
    physicalLineShipFroms: view.items
      .filter((i) => i.physical)
      .map((i) => i.data['shipFrom'] as Record<string, unknown> | undefined),
  });
  if (blocker) throw blocker;
  return session.primaryAmountMinor;
}
