import { orderBlocker } from '../domain/checkout/readiness.js';
import { paymentSession } from '../domain/checkout/session.js';
import { AppError, invalidParameter, missingParameter, notFound } from '../domain/errors.js';
import type { OrderCreate, OrderUpdate } from '../http/schemas/checkout.js';
import { assert } from '../lib/assert.js';
import { newOrderId, newOrderItemId, newUuid } from '../lib/ids.js';
import { isoSeconds } from '../lib/time.js';
import type {
  ChargeRecord,
  EventRecord,
  OperationRecord,
  OrderItemRecord,
  OrderRecord,
  Page,
  PageQuery,
  SourceRecord,
} from '../store/records.js';
import type { OrderFilters } from '../store/repos/orders.js';
import type { Tx } from '../store/store.js';
import type { AttachedSource } from '../wire/checkout.js';
import { chargeToWire, type OrderView, orderToWire } from '../wire/order.js';
import { loadCheckoutView } from './checkouts.js';
import { type Caller, type Deps, newEvent, now } from './context.js';
import { validateMetadata } from './input.js';
import { loadOrderView, loadOrderViews, orderNotFound } from './order-view.js';

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

/** A declined authorization: DR's 409 that spends the checkout (seed 000). */
function declined(message: string): AppError {
  return new AppError('failed-request', 'checkoutId', message);
}

type Attempt = { ok: true; view: OrderView } | { ok: false; error: AppError };

/**
 * POST /orders {checkoutId}: authorizes one charge per attached source.
 * - the checkout is not ready (session, email, billTo, shipTo, shipFrom): 400, nothing written,
 *   the checkout can be fixed and resubmitted;
 * - an authorization is declined: 409 `failed-request`, and the checkout is spent for good;
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
    const checkout = await tx.checkouts.get(accountId, checkoutId, { lock: true });
    if (!checkout) throw notFound('checkoutId', `Checkout '${checkoutId}' not found.`);
    if (checkout.state === 'ordered') {
      // DR's documented answer for a checkout already converted to an order
      throw notFound(
        'orderId',
        `Order ${checkoutId} not found: checkout '${checkoutId}' was already used for order '${checkout.orderId}'.`,
      );
    }
    if (checkout.state === 'spent') {
      throw declined(
        `Failed to charge source. Checkout '${checkoutId}' can no longer be used (${checkout.spentMessage}); create a new checkout.`,
      );
    }
    const view = await loadCheckoutView(tx, accountId, checkout);
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
      physicalLineShipFroms: view.items
        .filter((i) => i.physical)
        .map((i) => i.data['shipFrom'] as Record<string, unknown> | undefined),
    });
    if (blocker) throw blocker;

    // every 409 from here on spends the checkout: the client must start a new one
    const spend = async (error: AppError): Promise<Attempt> => {
      await tx.checkouts.markSpent(accountId, checkoutId, error.message, at);
      return { ok: false, error };
    };
    const charged: { attached: AttachedSource; amountMinor: number }[] = [
      ...secondaries.map((s) => ({ attached: s, amountMinor: s.source.amountMinor ?? 0 })),
      ...(primary ? [{ attached: primary, amountMinor: session.primaryAmountMinor }] : []),
    ].filter((c) => c.amountMinor > 0);
    for (const { attached } of charged) {
      const source = attached.source;
      if (source.customerId !== null && source.customerId !== checkout.customerId) {
        return spend(
          new AppError(
            'source_in_use',
            'sourceId',
            `Source '${source.id}' is attached to a different customer.`,
          ),
        );
      }
      if (source.state !== 'chargeable') {
        return spend(
          new AppError('source_not_chargeable', 'sourceId', `Source '${source.id}' is not chargeable.`),
        );
      }
    }

    const [orderId, ...itemIds] = await freshIds(tx, accountId, 1 + view.items.length);
    assert(
      orderId !== undefined && itemIds.length === view.items.length,
      'an id for the order and each item',
    );
    const charges: ChargeRecord[] = [];
    const reviews: { outcome: 'accept' | 'block'; afterSeconds: number }[] = [];
    for (const { attached, amountMinor } of charged) {
      const chargeId = newUuid();
      const result = deps.processor.authorize({
        reference: chargeId,
        scenarioId: attached.source.scenarioId,
        amountMinor,
        currency: checkout.currency,
        nowMs: at,
      });
      if (!result.approved) {
        return spend(
          declined(`Failed to charge source. The authorization was declined: ${result.declineMessage}.`),
        );
      }
      charges.push({
        accountId,
        id: chargeId,
        orderId,
        sourceId: attached.source.id,
        sessionId: checkout.sessionId,
        currency: checkout.currency,
        amountMinor,
        state: 'capturable',
        type: checkout.chargeType,
        scenarioId: attached.source.scenarioId,
        authorizationId: result.authorizationId,
        authorizedAt: at,
        authorizationExpiresAt: result.expiresAtMs,
        failureCode: null,
        failureMessage: null,
        createdAt: at,
        updatedAt: at,
        role: attached.attachment.role,
        reauthorizationOverride: null,
      });
      if (result.review) reviews.push(result.review);
    }
    const stamp = isoSeconds(at);
    const inReview = reviews.length > 0;
    const order: OrderRecord = {
      accountId,
      id: orderId,
      checkoutId,
      state: inReview ? 'in_review' : 'accepted',
      fraudState: inReview ? 'review_opened' : 'passed',
      stateTransitions: inReview ? { in_review: stamp } : { accepted: stamp },
      fraudStateTransitions: inReview ? { review_opened: stamp } : { passed: stamp },
      currency: checkout.currency,
      customerId: checkout.customerId,
      email: checkout.email,
      locale: checkout.locale,
      browserIp: checkout.browserIp,
      applicationId: checkout.applicationId,
      upstreamId: checkout.upstreamId,
      requestToBeForgotten: false,
      taxInclusive: checkout.taxInclusive,
      chargeType: checkout.chargeType,
      customerType: checkout.customerType,
      hasShippingChoice: checkout.hasShippingChoice,
      sessionId: checkout.sessionId,
      sessionClientSecret: checkout.sessionClientSecret,
      sessionState: 'complete',
      totals: checkout.totals,
      data: checkout.data,
      metadata: checkout.metadata,
      createdAt: at,
      updatedAt: at,
    };
    const items: OrderItemRecord[] = view.items.map((item, i) => ({
      id: itemIds[i] ?? newOrderItemId(),
      orderId,
      position: item.position,
      skuId: item.skuId,
      productDetails: item.productDetails,
      physical: item.physical,
      quantity: item.quantity,
      amountMinor: item.amountMinor,
      discountMinor: item.discountMinor,
      taxRate: item.taxRate,
      taxMinor: item.taxMinor,
      shippingMinor: item.shippingMinor,
      shippingTaxMinor: item.shippingTaxMinor,
      data: item.data,
      metadata: item.metadata,
      state: 'created',
      stateTransitions: { created: stamp },
      fulfilledQuantity: 0,
      cancelledQuantity: 0,
    }));
    assert(
      charges.reduce((sum, c) => sum + c.amountMinor, 0) === order.totals.totalAmountMinor,
      'the charges cover the order total exactly',
    );
    await tx.orders.insert(order, items, charges);
    await tx.checkouts.markOrdered(accountId, checkoutId, orderId, at);
    const sources = new Map<string, SourceRecord>();
    for (const { attached } of charged) {
      const source = attached.source.reusable
        ? attached.source
        : { ...attached.source, state: 'consumed' as const, updatedAt: at };
      if (source !== attached.source) await tx.sources.update(source);
      sources.set(source.id, source);
    }
    for (const charge of charges) {
      await tx.operations.insertAuthorization({
        accountId,
        id: newUuid(),
        chargeId: charge.id,
        kind: 'authorization',
        result: 'granted',
        attemptId: null,
        expiresAt: charge.authorizationExpiresAt,
        createdAt: at,
      });
    }
    // a fraud review decides later, on the account's clock (the strictest review wins)
    const review = reviews.find((r) => r.outcome === 'block') ?? reviews[0];
    if (review) {
      await tx.tasks.schedule([
        {
          accountId,
          id: newUuid(),
          kind: 'review',
          subjectId: orderId,
          payload: { outcome: review.outcome },
          dueAt: at + review.afterSeconds * 1000,
          createdAt: at,
        },
      ]);
    }
    const orderView: OrderView = {
      order,
      items,
      charges,
      sources,
      operations: [],
      fulfillments: [],
      refunds: [],
    };
    const wire = orderToWire(orderView);
    const events: EventRecord[] = [
      newEvent(accountId, 'order.created', wire, at),
      ...charges.map((c) => newEvent(accountId, 'order.charge.capturable', chargeToWire(c, []), at)),
      newEvent(accountId, inReview ? 'order.review_opened' : 'order.accepted', wire, at),
    ];
    await tx.events.append(events);
    return { ok: true, view: orderView };
  });
  if (!attempt.ok) throw attempt.error;
  return attempt.view;
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
    const current = await tx.orders.get(caller.account.id, id, { lock: true });
    if (!current) throw orderNotFound(id);
    const order: OrderRecord = {
      ...current,
      upstreamId: input.upstreamId === undefined ? current.upstreamId : input.upstreamId,
      metadata: metadata === undefined ? current.metadata : metadata,
      requestToBeForgotten: input.requestToBeForgotten ?? current.requestToBeForgotten,
      updatedAt: at,
    };
    await tx.orders.updateAttributes(order);
    const view = { ...(await loadOrderView(tx, caller.account.id, id)), order };
    await tx.events.append([newEvent(caller.account.id, 'order.updated', orderToWire(view), at)]);
    return view;
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
): Promise<{ charge: ChargeRecord; operations: OperationRecord[] }> {
  return deps.store.read(async (tx) => {
    const charge = await tx.orders.charge(caller.account.id, id);
    if (!charge) throw notFound('id', `Charge '${id}' not found.`);
    const operations =
      (await tx.operations.ofOrders(caller.account.id, [charge.orderId])).get(charge.orderId) ?? [];
    return { charge, operations };
  });
}
