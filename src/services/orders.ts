import { orderBlocker } from '../domain/checkout/readiness.js';
import { paymentSession } from '../domain/checkout/session.js';
import { AppError, invalidParameter, missingParameter, notFound } from '../domain/errors.js';
import { decideOrderUpdate } from '../domain/order/commands.js';
import {
  type ChargeAttempt,
  chargesToAuthorize,
  decideOrderCreation,
  type PaymentSourceForOrder,
} from '../domain/order/create.js';
import { orderTaxIdentifierBlocker } from '../domain/tax/identifiers.js';
import type { OrderCreate, OrderUpdate } from '../http/schemas/checkout.js';
import { newOrderId, newUuid } from '../lib/ids.js';
import type { ChargeRecord, OperationRecord, Page, PageQuery, SourceRecord } from '../store/records.js';
import type { OrderFilters } from '../store/repos/orders.js';
import type { Tx } from '../store/store.js';
import type { OrderView } from '../wire/order.js';
import { appliedTaxIdentifiers, type CheckoutView, loadCheckoutView, purchaseOf } from './checkouts.js';
import { type Caller, type Deps, now } from './context.js';
import { validateMetadata } from './input.js';
import { persistPlan } from './order-plan.js';
import { loadOrderView, loadOrderViews } from './order-view.js';

/** Numeric ids for an order and its items, checked free within the transaction. */
async function freshIds(tx: Tx, accountId: string, count: number): Promise<string[]> {
  const ids = new Set<string>();
  while (ids.size < count) {
    const candidates = Array.from({ length: count - ids.size }, newOrderId);
    const taken = await tx.orders.idsTaken(accountId, candidates);
    for (const id of candidates) if (!taken.has(id)) ids.add(id);
  }
  return [...ids];
}

type Attempt = { ok: true; view: OrderView } | { ok: false; error: AppError };

/** The checkout's state before an order: DR's 404 once ordered, 409 once spent (seed 000). */
function checkOrderable(checkout: {
  id: string;
  state: string;
  orderId: string | null;
  spentMessage: string | null;
}) {
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
 * POST /orders {checkoutId}: authorizes one charge per attached source.
 * - the checkout is not ready (session, email, billTo, shipTo, shipFrom): 400, nothing written,
 *   the checkout can be fixed and resubmitted;
 * - a source cannot pay, or an authorization is declined: 409, and the checkout is spent for good;
 * - success: 201 with the order (accepted, or in_review per scenario); the checkout is consumed
 *   and a later POST /orders with it answers 404.
 */
export async function createOrder(
  deps: Deps,
  caller: Caller,
  body: OrderCreate | undefined,
): Promise<OrderView> {
  const checkoutId = body?.checkoutId;
  if (checkoutId === undefined || checkoutId === null) throw missingParameter('checkoutId');
  if (typeof checkoutId !== 'string' || checkoutId.length === 0 || checkoutId.length > 100) {
    throw invalidParameter('checkoutId', "'checkoutId' must be a checkout identifier.");
  }
  const at = now(deps, caller);
  const accountId = caller.account.id;
  const attempt = await deps.store.transaction(async (tx): Promise<Attempt> => {
    const found = await tx.checkouts.load(accountId, checkoutId, { lock: true });
    if (!found) throw notFound('checkoutId', `Checkout '${checkoutId}' not found.`);
    const checkout = found.checkout;
    checkOrderable(checkout);
    const view = await loadCheckoutView(tx, accountId, found);
    const primaryAmountMinor = readyToOrder(view);
    await checkTaxIdentifiers(tx, view);
    // every refusal from here on spends the checkout: the client must start a new one
    const spend = async (error: AppError): Promise<Attempt> => {
      await tx.checkouts.markSpent(accountId, checkoutId, error.message, at);
      return { ok: false, error };
    };
    const planned = chargesToAuthorize(
      checkout.customerId,
      view.attached.map((a) => ({ ...a.source, role: a.attachment.role })),
      primaryAmountMinor,
    );
    if (!planned.ok) return spend(planned.error);
    const attempts = authorize(deps, planned.charges, checkout.currency, at);
    const [orderId = '', ...itemIds] = await freshIds(tx, accountId, 1 + view.items.length);
    const decision = decideOrderCreation(
      { checkout, lines: view.items, orderId, itemIds, attempts },
      { now: at, uuid: newUuid },
    );
    if (!decision.ok) return spend(decision.error);
    await tx.checkouts.markOrdered(accountId, checkoutId, orderId, at);
    const used = await consumeSources(tx, view, decision.plan.next.charges, at);
    return { ok: true, view: await persistPlan(tx, deps, undefined, decision.plan, used) };
  });
  if (!attempt.ok) throw attempt.error;
  return attempt.view;
}

/**
 * The checkout's tax identifiers, as they are now: each still exists (DR: 409 not_found on `id`),
 * each applies to the order, and a country that requires one has one (tax-identifiers.md). A
 * refusal writes nothing: the client fixes the checkout and submits it again.
 */
async function checkTaxIdentifiers(tx: Tx, view: CheckoutView): Promise<void> {
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
function readyToOrder(view: CheckoutView): number {
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

/** Asks the processor to authorize each charge, stopping at the first decline. */
function authorize(
  deps: Deps,
  charges: readonly PaymentSourceForOrder[],
  currency: string,
  at: number,
): ChargeAttempt[] {
  const attempts: ChargeAttempt[] = [];
  for (const source of charges) {
    const chargeId = newUuid();
    const answer = deps.processor.authorize({
      reference: chargeId,
      scenarioId: source.scenarioId,
      amountMinor: source.amountMinor,
      currency,
      nowMs: at,
    });
    attempts.push({ chargeId, source, answer });
    if (!answer.approved) break;
  }
  return attempts;
}

/** A single-use source is consumed by the charge made from it; the sources the order shows. */
async function consumeSources(
  tx: Tx,
  view: CheckoutView,
  charges: readonly ChargeRecord[],
  at: number,
): Promise<Map<string, SourceRecord>> {
  const used = new Map<string, SourceRecord>();
  for (const charge of charges) {
    const source = view.attached.find((a) => a.source.id === charge.sourceId)?.source;
    if (!source) continue;
    const next = source.reusable ? source : { ...source, state: 'consumed' as const, updatedAt: at };
    if (next !== source) await tx.sources.update(next);
    used.set(next.id, next);
  }
  return used;
}

export async function getOrder(deps: Deps, caller: Caller, id: string): Promise<OrderView> {
  return deps.store.read((tx) => loadOrderView(tx, caller.account.id, id));
}

export async function updateOrder(
  deps: Deps,
  caller: Caller,
  id: string,
  input: OrderUpdate,
): Promise<OrderView> {
  const at = now(deps, caller);
  const metadata = validateMetadata(input.metadata);
  return deps.store.transaction(async (tx) => {
    const view = await loadOrderView(tx, caller.account.id, id, { lock: true });
    const decision = decideOrderUpdate(
      view,
      { upstreamId: input.upstreamId, metadata, requestToBeForgotten: input.requestToBeForgotten },
      { now: at, uuid: newUuid },
    );
    if (!decision.ok) throw decision.error;
    return persistPlan(tx, deps, view, decision.plan, view.sources);
  });
}

export async function listOrders(
  deps: Deps,
  caller: Caller,
  filters: OrderFilters,
  page: PageQuery,
): Promise<Page<OrderView>> {
  const accountId = caller.account.id;
  return deps.store.read(async (tx) => {
    const result = await tx.orders.list(accountId, filters, page);
    return { data: await loadOrderViews(tx, accountId, result.data), hasMore: result.hasMore };
  });
}

/** A charge with the operations of its order (the wire shows its own captures, cancels, refunds). */
export async function getCharge(
  deps: Deps,
  caller: Caller,
  id: string,
): Promise<{ charge: ChargeRecord; operations: readonly OperationRecord[] }> {
  return deps.store.read(async (tx) => {
    const order = await tx.orders.ofPart(caller.account.id, 'charge', id);
    const charge = order?.charges.find((c) => c.id === id);
    if (!order || !charge) throw notFound('id', `Charge '${id}' not found.`);
    return { charge, operations: order.operations };
  });
}
