import { CHARGE_MACHINE } from '../domain/charge/transitions.js';
import {
  AppError,
  invalidParameter,
  missingParameter,
  notFound,
  unknownReference,
} from '../domain/errors.js';
import { splitOverCharges, unitsValue } from '../domain/fulfillment/shares.js';
import { ITEM_MACHINE, itemState, ORDER_MACHINE } from '../domain/order/transitions.js';
import { cellFor, move } from '../domain/state-machine.js';
import type { FulfillmentCreate, FulfillmentUpdate } from '../http/schemas/fulfillment.js';
import { assert } from '../lib/assert.js';
import { newUuid } from '../lib/ids.js';
import { isoSeconds } from '../lib/time.js';
import { FULFILLMENTS_PER_ORDER_MAX } from '../limits.js';
import type {
  ChargeRecord,
  FulfillmentItemRecord,
  FulfillmentRecord,
  OperationRecord,
  OrderItemRecord,
  Page,
  PageQuery,
} from '../store/records.js';
import type { FulfillmentFilters } from '../store/repos/fulfillments.js';
import type { Tx } from '../store/store.js';
import { fulfillmentToWire, type OrderView, orderToWire } from '../wire/order.js';
import { type Caller, type Deps, newEvent, now } from './context.js';
import { parseQuantity, validateMetadata } from './input.js';
import {
  amountsOf,
  chargesFor,
  moveCharge,
  moveOrder,
  newOperation,
  startOperations,
  type Working,
  working,
} from './operations.js';
import { loadOrderView, loadOrderViews } from './order-view.js';

/** DR's description for a refused reauthorization on a risk-averse account (seed 002). */
export const REAUTHORIZATION_FAILED =
  'Fulfillment cannot be processed because the payment authorization has expired';

interface Request {
  index: number;
  item: OrderItemRecord;
  quantity: number;
  cancelQuantity: number;
  shipmentItemId: string | null;
}

function resolveItems(view: OrderView, input: FulfillmentCreate): Request[] {
  const seen = new Set<string>();
  return input.items.map((entry, index) => {
    const at = `items[${index}]`;
    let item: OrderItemRecord | undefined;
    if (entry.itemId !== undefined) {
      const id = String(entry.itemId);
      item = view.items.find((i) => i.id === id);
      if (!item) throw unknownReference(`${at}.itemId`, `Order '${view.order.id}' has no item '${id}'.`);
    } else if (entry.skuId !== undefined) {
      const matches = view.items.filter((i) => i.skuId === entry.skuId);
      if (matches.length === 0)
        throw unknownReference(
          `${at}.skuId`,
          `Order '${view.order.id}' has no item of SKU '${entry.skuId}'.`,
        );
      if (matches.length > 1)
        throw invalidParameter(
          `${at}.skuId`,
          `Order '${view.order.id}' has several items of SKU '${entry.skuId}': name the item by itemId.`,
        );
      item = matches[0];
    } else {
      throw missingParameter(`${at}.itemId`);
    }
    assert(item !== undefined, 'the item was resolved');
    if (seen.has(item.id)) throw invalidParameter(`${at}.itemId`, `Item '${item.id}' is named twice.`);
    seen.add(item.id);
    const quantity = parseQuantity(entry.quantity ?? undefined, `${at}.quantity`, 0) ?? 0;
    const cancelQuantity = parseQuantity(entry.cancelQuantity ?? undefined, `${at}.cancelQuantity`, 0) ?? 0;
    if (quantity + cancelQuantity === 0) throw missingParameter(`${at}.quantity`);
    const left = item.quantity - item.fulfilledQuantity - item.cancelledQuantity;
    if (quantity + cancelQuantity > left) {
      throw new AppError(
        'quantity_too_large',
        quantity > left ? `${at}.quantity` : `${at}.cancelQuantity`,
        `Item '${item.id}' has ${left} of ${item.quantity} units left to fulfill or cancel; the request names ${quantity + cancelQuantity}.`,
      );
    }
    return { index, item, quantity, cancelQuantity, shipmentItemId: entry.shipmentItemId ?? null };
  });
}

type Outcome = { ok: true; fulfillment: FulfillmentRecord; view: OrderView } | { ok: false; error: AppError };

/**
 * POST /fulfillments: `quantity` captures the items' share of the charges, `cancelQuantity`
 * cancels it. A capture on an expired authorization first asks for a new one; when the issuer
 * refuses, the account's chargeback-risk policy decides (seed 002): tolerant force-settles,
 * averse changes nothing, emits order.charge.reauth.failed and answers 409.
 */
export async function createFulfillment(
  deps: Deps,
  caller: Caller,
  input: FulfillmentCreate,
): Promise<{ fulfillment: FulfillmentRecord; view: OrderView }> {
  const at = now(deps, caller);
  const accountId = caller.account.id;
  const metadata = validateMetadata(input.metadata) ?? null;
  const attemptId = newUuid();
  const outcome = await deps.store.transaction(async (tx): Promise<Outcome> => {
    const order = await tx.orders.get(accountId, input.orderId, { lock: true });
    if (!order) throw unknownReference('orderId', `Order '${input.orderId}' not found.`);
    const [view] = await loadOrderViews(tx, accountId, [order]);
    assert(view !== undefined, 'the order loads');
    const w = working(view, at);
    if (
      order.state === 'accepted' &&
      view.items.every((i) => i.fulfilledQuantity + i.cancelledQuantity === i.quantity)
    ) {
      throw new AppError('order_fulfilled', 'orderId', `Resource '${order.id}' is fulfilled.`);
    }
    if (order.state === 'fulfilled' || order.state === 'complete' || order.state === 'returned') {
      throw new AppError('order_fulfilled', 'orderId', `Resource '${order.id}' is fulfilled.`);
    }
    cellFor(ORDER_MACHINE, order.state, 'fulfill', 'orderId');
    if (view.fulfillments.length >= FULFILLMENTS_PER_ORDER_MAX)
      throw new AppError(
        'limit_exceeded',
        'orderId',
        `Order '${order.id}' has ${FULFILLMENTS_PER_ORDER_MAX} fulfillments, the most one order may have.`,
      );
    const requests = resolveItems(view, input);

    // what the units are worth: units are consumed in order, captures before cancels
    const items: FulfillmentItemRecord[] = requests.map((r) => {
      const value = { ...r.item, taxInclusive: order.taxInclusive };
      const consumed = r.item.fulfilledQuantity + r.item.cancelledQuantity;
      return {
        itemId: r.item.id,
        skuId: r.item.skuId,
        shipmentItemId: r.shipmentItemId,
        quantity: r.quantity,
        cancelQuantity: r.cancelQuantity,
        captureMinor: unitsValue(value, consumed, r.quantity),
        cancelMinor: unitsValue(value, consumed + r.quantity, r.cancelQuantity),
      };
    });
    const captureMinor = items.reduce((s, i) => s + i.captureMinor, 0);
    const cancelMinor = items.reduce((s, i) => s + i.cancelMinor, 0);

    const available = new Map(view.charges.map((c) => [c.id, amountsOf(w, c).remainingMinor]));
    const take = (kind: OperationRecord['kind'], amountMinor: number) => {
      const parts = splitOverCharges(
        amountMinor,
        chargesFor(w, kind).map((charge) => ({ charge, availableMinor: available.get(charge.id) ?? 0 })),
      );
      for (const p of parts)
        available.set(p.charge.charge.id, (available.get(p.charge.charge.id) ?? 0) - p.amountMinor);
      return parts.map((p) => ({ charge: p.charge.charge, amountMinor: p.amountMinor }));
    };
    const captures = take('capture', captureMinor);
    const cancels = take('cancel', cancelMinor);

    // expired authorizations: one reauthorization per charge per request
    const forced = new Set<string>();
    for (const { charge } of captures) {
      if (charge.authorizationExpiresAt === null || charge.authorizationExpiresAt > at) continue;
      const granted = await reauthorize(tx, deps, w, charge, attemptId);
      if (granted) continue;
      if (caller.account.chargebackRiskPolicy === 'averse') {
        // nothing changes but the record of the refusal and its event
        await tx.events.append([newEvent(accountId, 'order.charge.reauth.failed', orderToWire(view), at)]);
        return {
          ok: false,
          error: new AppError('payment_authorization_failed', 'orderId', REAUTHORIZATION_FAILED, {
            description: REAUTHORIZATION_FAILED,
          }),
        };
      }
      forced.add(charge.id);
    }

    const fulfillment: FulfillmentRecord = {
      accountId,
      id: `ful_${newUuid()}`,
      orderId: order.id,
      shipmentId: input.shipmentId ?? null,
      trackingCompany: input.trackingCompany ?? null,
      trackingNumber: input.trackingNumber ?? null,
      trackingUrl: input.trackingUrl ?? null,
      metadata,
      items,
      createdAt: at,
      updatedAt: at,
    };
    await tx.fulfillments.insert(fulfillment);
    await progressItems(tx, w, requests);
    w.view.fulfillments = [...w.view.fulfillments, fulfillment];

    const operations = [
      ...captures.map((p) =>
        newOperation(w, p.charge, 'capture', p.amountMinor, {
          fulfillmentId: fulfillment.id,
          forced: forced.has(p.charge.id),
        }),
      ),
      ...cancels.map((p) =>
        newOperation(w, p.charge, 'cancel', p.amountMinor, { fulfillmentId: fulfillment.id }),
      ),
    ];
    w.events.push(newEvent(accountId, 'fulfillment.created', fulfillmentToWire(fulfillment, w.view), at));
    await startOperations(tx, w, deps.processor, operations);
    for (const op of operations) {
      await moveCharge(
        tx,
        w,
        op.chargeId,
        op.kind === 'capture' ? 'capture' : 'cancel',
        `order.charge.${op.kind}.pending`,
      );
    }
    const itemsDone = w.view.items.every((i) => i.state !== 'created');
    if (itemsDone && w.view.items.some((i) => i.state === 'fulfilled'))
      await moveOrder(tx, w, 'items.done', 'fulfilled');
    else await moveOrder(tx, w, 'fulfill', w.view.order.state);
    await tx.events.append(w.events);
    return { ok: true, fulfillment, view: w.view };
  });
  if (!outcome.ok) throw outcome.error;
  return { fulfillment: outcome.fulfillment, view: outcome.view };
}

/** Asks for a new authorization of an expired one; records the answer. */
async function reauthorize(
  tx: Tx,
  deps: Deps,
  w: Working,
  charge: ChargeRecord,
  attemptId: string,
): Promise<boolean> {
  const result =
    charge.reauthorizationOverride === 'refused'
      ? ({ granted: false } as const)
      : deps.processor.reauthorize({
          reference: charge.id,
          scenarioId: charge.scenarioId,
          amountMinor: amountsOf(w, charge).remainingMinor,
          currency: charge.currency,
          nowMs: w.at,
        });
  await tx.operations.insertAuthorization({
    accountId: charge.accountId,
    id: newUuid(),
    chargeId: charge.id,
    kind: 'reauthorization',
    result: result.granted ? 'granted' : 'refused',
    attemptId,
    expiresAt: result.granted ? result.expiresAtMs : null,
    createdAt: w.at,
  });
  if (!result.granted) return false;
  move(CHARGE_MACHINE, charge.state, 'reauthorize', charge.state);
  const renewed: ChargeRecord = {
    ...charge,
    authorizationId: result.authorizationId,
    authorizedAt: w.at,
    authorizationExpiresAt: result.expiresAtMs,
    updatedAt: w.at,
  };
  await tx.orders.reauthorizeCharge(renewed, w.at);
  w.view.charges = w.view.charges.map((c) => (c.id === renewed.id ? renewed : c));
  return true;
}

/** Counts the units, and moves each item to the state its counts imply. */
async function progressItems(tx: Tx, w: Working, requests: readonly Request[]): Promise<void> {
  const stamp = isoSeconds(w.at);
  for (const r of requests) {
    const before = w.view.items.find((i) => i.id === r.item.id);
    assert(before !== undefined, 'the item is of the order');
    const fulfilledQuantity = before.fulfilledQuantity + r.quantity;
    const cancelledQuantity = before.cancelledQuantity + r.cancelQuantity;
    const state = itemState(before.quantity, fulfilledQuantity, cancelledQuantity);
    move(ITEM_MACHINE, before.state, r.quantity > 0 ? 'fulfill' : 'cancel', state, `items[${r.index}]`);
    const after: OrderItemRecord = {
      ...before,
      fulfilledQuantity,
      cancelledQuantity,
      state,
      stateTransitions:
        state === before.state ? before.stateTransitions : { ...before.stateTransitions, [state]: stamp },
    };
    await tx.orders.updateItemProgress(w.view.order.accountId, after, before.state);
    w.view.items = w.view.items.map((i) => (i.id === after.id ? after : i));
  }
}

export async function getFulfillment(
  deps: Deps,
  caller: Caller,
  id: string,
): Promise<{ fulfillment: FulfillmentRecord; view: OrderView }> {
  return deps.store.read(async (tx) => {
    const fulfillment = await tx.fulfillments.get(caller.account.id, id);
    if (!fulfillment) throw notFound('id', `Fulfillment '${id}' not found.`);
    return { fulfillment, view: await loadOrderView(tx, caller.account.id, fulfillment.orderId) };
  });
}

export async function listFulfillments(
  deps: Deps,
  caller: Caller,
  filters: FulfillmentFilters,
  page: PageQuery,
): Promise<Page<FulfillmentRecord>> {
  return deps.store.read((tx) => tx.fulfillments.list(caller.account.id, filters, page));
}

/** POST /fulfillments/{id}: add or change tracking data; the items named must be the fulfillment's. */
export async function updateFulfillment(
  deps: Deps,
  caller: Caller,
  id: string,
  input: FulfillmentUpdate,
): Promise<FulfillmentRecord> {
  const at = now(deps, caller);
  const metadata = validateMetadata(input.metadata);
  return deps.store.transaction(async (tx) => {
    const current = await tx.fulfillments.get(caller.account.id, id);
    if (!current) throw notFound('id', `Fulfillment '${id}' not found.`);
    (input.items ?? []).forEach((entry, i) => {
      if (!current.items.some((item) => item.itemId === String(entry.itemId))) {
        throw unknownReference(`items[${i}].itemId`, `Fulfillment '${id}' has no item '${entry.itemId}'.`);
      }
    });
    const updated: FulfillmentRecord = {
      ...current,
      trackingCompany: input.trackingCompany ?? current.trackingCompany,
      trackingNumber: input.trackingNumber ?? current.trackingNumber,
      trackingUrl: input.trackingUrl ?? current.trackingUrl,
      metadata: metadata === undefined ? current.metadata : metadata,
      updatedAt: at,
    };
    await tx.fulfillments.updateTracking(updated);
    await tx.events.append([
      newEvent(caller.account.id, 'fulfillment.updated', fulfillmentToWire(updated), at),
    ]);
    return updated;
  });
}
