import { assert } from '../../lib/assert.js';
import { isoSeconds } from '../../lib/time.js';
import { RETURNS_PER_ORDER_MAX } from '../../limits.js';
import { AppError, invalidParameter, missingParameter, unknownReference } from '../errors.js';
import { RETURN_MACHINE } from '../return/transitions.js';
import type { Json, Metadata } from '../shared.js';
import { create, move } from '../state-machine.js';
import { Draft, decided, underLimit } from './draft.js';
import { itemRefundableMinor, ledgerOf } from './ledger.js';
import type { Order, OrderItemRecord, ReturnItemRecord, ReturnRecord } from './model.js';
import { type Context, combinePlans, type Decision, type Plan } from './plan.js';
import { decideRefund, type RefundItemRequest, unitsRefunded, unitsWorth } from './refund.js';
import { ITEM_MACHINE } from './transitions.js';

/**
 * Returns, as DR documents them for third-party reverse logistics
 * (order-management/returns-and-refunds-1/returns/creating-a-return.md):
 * - `POST /returns` authorizes the return of fulfilled units, named by `itemId` or `skuId`; more
 *   units than are eligible is `409 quantity_too_large` (parameter `items[0].qty`, as DR shows
 *   it). Eligible: the item's fulfilled units less those on other returns and those refunded
 *   by item-level refunds of their own;
 * - the return and its items start `created` with `quantityAccepted` 0 (`return.created`);
 * - `POST /returns/{id}` with `state: accepted` accepts every unit still outstanding; with
 *   `items[] {itemId | skuId, quantity, state: accepted}` it accepts that many units of each
 *   (one shipment of several). An item is `accepted` when all its authorized units are;
 * - refunds are created only when the return itself becomes `accepted`, that is once every
 *   item is (`return.accepted`, then a `refund.pending` per refund). Each accepting request's
 *   units make one refund, so a return accepted in one request has one refund and a return
 *   accepted shipment by shipment one per shipment, as DR's examples show; the refunds go
 *   through the ledger like any item-level refund (their amount and tax, the primary charge
 *   first) and their ids are the return's `refundIds`;
 * - an order item whose fulfilled units have all been returned and accepted becomes
 *   `returned`; the order becomes `returned` when its refunds settle and nothing captured is
 *   left (order.refunded), as for any refund;
 * - no return while the order is disputed: `409 invalid_parameter` (parameter `order`).
 */

export interface ReturnItemRequest {
  itemId: string | null;
  skuId: string | null;
  quantity: number;
}

export interface ReturnCommand {
  id: string;
  items: readonly ReturnItemRequest[];
  reason: string | null;
  location: Json | null;
  metadata: Metadata | null;
}

export interface ReturnUpdateCommand {
  accept: boolean;
  items: readonly ReturnItemRequest[] | null;
  location: Json | undefined;
  metadata: Metadata | null | undefined;
  /** ids for the refunds an acceptance issues, in turn */
  refundId: () => string;
}

const disputed = () =>
  new AppError(
    'invalid_parameter',
    'order',
    'A return cannot be performed while there is a dispute on the order.',
    {
      type: 'conflict',
    },
  );

/** Units of an item on returns (any state). */
function unitsOnReturns(order: Order, itemId: string, except?: string): number {
  let units = 0;
  for (const ret of order.returns) {
    if (ret.id === except) continue;
    for (const item of ret.items) if (item.itemId === itemId) units += item.quantity;
  }
  return units;
}

/** Units of an item refunded in full by refunds that no return issued (not failed ones). */
const unitsRefundedApart = (order: Order, itemId: string): number =>
  unitsRefunded(order, itemId, (refund) => !refund.returnId);

/** The order item an entry names, by itemId or else skuId (a SKU on several items is ambiguous). */
function orderItemOf(order: Order, entry: ReturnItemRequest, at: string): OrderItemRecord {
  if (entry.itemId !== null) {
    const item = order.items.find((i) => i.id === entry.itemId);
    if (!item)
      throw unknownReference(`${at}.itemId`, `Order '${order.order.id}' has no item '${entry.itemId}'.`);
    if (entry.skuId !== null && item.skuId !== entry.skuId)
      throw invalidParameter(
        `${at}.skuId`,
        `Item '${item.id}' is of SKU '${item.skuId}', not '${entry.skuId}'.`,
      );
    return item;
  }
  if (entry.skuId === null) throw missingParameter(`${at}.itemId`);
  const items = order.items.filter((i) => i.skuId === entry.skuId);
  const [item] = items;
  if (!item)
    throw unknownReference(`${at}.skuId`, `Order '${order.order.id}' has no item of SKU '${entry.skuId}'.`);
  if (items.length > 1)
    throw invalidParameter(
      `${at}.skuId`,
      `Order '${order.order.id}' has several items of SKU '${entry.skuId}': name the itemId.`,
    );
  return item;
}

export function decideReturn(order: Order, command: ReturnCommand, ctx: Context): Decision {
  return decided(() => {
    if (order.order.state === 'dispute') throw disputed();
    underLimit(order, order.returns.length, RETURNS_PER_ORDER_MAX, 'returns');
    const items: ReturnItemRecord[] = [];
    const wanted = new Map<string, number>();
    command.items.forEach((entry, index) => {
      const at = `items[${index}]`;
      const item = orderItemOf(order, entry, at);
      const before = wanted.get(item.id) ?? 0;
      const eligible =
        item.fulfilledQuantity - unitsOnReturns(order, item.id) - unitsRefundedApart(order, item.id) - before;
      if (entry.quantity > eligible)
        throw new AppError(
          'quantity_too_large',
          `${at}.qty`,
          'Return quantity is larger than order quantity',
          {
            description: `Item '${item.id}' has ${Math.max(0, eligible)} fulfilled units eligible for return.`,
          },
        );
      wanted.set(item.id, before + entry.quantity);
      const done = item.fulfilledQuantity - eligible;
      const amountMinor = unitsWorth(order, item, done, entry.quantity);
      items.push({
        itemId: item.id,
        skuId: item.skuId,
        quantity: entry.quantity,
        quantityAccepted: 0,
        amountMinor,
        state: 'created',
      });
    });
    const draft = new Draft(order, ctx);
    draft.returns.push({
      accountId: order.order.accountId,
      id: command.id,
      orderId: order.order.id,
      currency: order.order.currency,
      reason: command.reason,
      location: command.location,
      state: 'created',
      items,
      acceptances: [],
      refundIds: [],
      metadata: command.metadata,
      createdAt: ctx.now,
      updatedAt: ctx.now,
    });
    draft.emit(create(RETURN_MACHINE, 'created'), { kind: 'return', id: command.id });
    return draft.plan();
  });
}

/** The units an update accepts, by return item, checked against what is still outstanding. */
function acceptance(ret: ReturnRecord, command: ReturnUpdateCommand): Map<string, number> {
  const accepted = new Map<string, number>();
  if (command.accept) {
    for (const item of ret.items)
      if (item.quantity > item.quantityAccepted)
        accepted.set(item.itemId, item.quantity - item.quantityAccepted);
  }
  command.items?.forEach((entry, index) => {
    const at = `items[${index}]`;
    if (entry.itemId === null && entry.skuId === null) throw missingParameter(`${at}.itemId`);
    const matching = ret.items.filter(
      (i) =>
        (entry.itemId === null || i.itemId === entry.itemId) &&
        (entry.skuId === null || i.skuId === entry.skuId),
    );
    const [item] = matching;
    if (!item)
      throw invalidParameter(
        entry.itemId !== null ? `${at}.itemId` : `${at}.skuId`,
        `Return '${ret.id}' has no item '${entry.itemId ?? entry.skuId}'.`,
      );
    if (matching.length > 1)
      throw invalidParameter(
        `${at}.skuId`,
        `Return '${ret.id}' has several items of SKU '${entry.skuId}': name the itemId.`,
      );
    const outstanding = item.quantity - item.quantityAccepted - (accepted.get(item.itemId) ?? 0);
    if (entry.quantity > outstanding)
      throw new AppError(
        'quantity_too_large',
        `${at}.quantity`,
        `Item '${item.itemId}' has ${Math.max(0, outstanding)} units of this return left to accept.`,
      );
    accepted.set(item.itemId, (accepted.get(item.itemId) ?? 0) + entry.quantity);
  });
  return accepted;
}

export function decideReturnUpdate(
  order: Order,
  returnId: string,
  command: ReturnUpdateCommand,
  ctx: Context,
): Decision {
  return decided(() => {
    const ret = order.returns.find((r) => r.id === returnId);
    assert(ret !== undefined, `return ${returnId} is of the order`);
    const accepting = command.accept || (command.items?.length ?? 0) > 0;
    if (accepting && order.order.state === 'dispute') throw disputed();
    if (accepting && ret.state === 'accepted')
      throw new AppError('restricted_update', 'state', `Return '${ret.id}' is already accepted.`);
    const accepted = acceptance(ret, command);
    const items = ret.items.map((item) => {
      const quantityAccepted = item.quantityAccepted + (accepted.get(item.itemId) ?? 0);
      return {
        ...item,
        quantityAccepted,
        state: quantityAccepted === item.quantity ? ('accepted' as const) : item.state,
      };
    });
    const batch = [...accepted].map(([itemId, quantity]) => ({ itemId, quantity }));
    const acceptances = batch.length > 0 ? [...ret.acceptances, batch] : ret.acceptances;
    const complete = items.every((i) => i.state === 'accepted');
    const to = ret.state === 'created' && complete ? 'accepted' : ret.state;
    const { events } = move(RETURN_MACHINE, ret.state, to !== ret.state ? 'accept' : 'update', to);
    let next: ReturnRecord = {
      ...ret,
      items,
      acceptances,
      state: to,
      location: command.location === undefined ? ret.location : command.location,
      metadata: command.metadata === undefined ? ret.metadata : command.metadata,
      updatedAt: ctx.now,
    };

    // the return's own change first, then, on acceptance, one refund per accepting request
    const plans: Plan[] = [];
    let current = withReturn(order, next);
    if (to === 'accepted' && ret.state !== 'accepted') {
      const refundIds: string[] = [];
      for (const units of acceptances) {
        const id = command.refundId();
        const decision = decideRefund(
          current,
          {
            id,
            currency: current.order.currency,
            type: null,
            amountMinor: null,
            percent: null,
            items: refundItems(current, units),
            reason: ret.reason,
            metadata: null,
          },
          ctx,
        );
        if (!decision.ok) throw decision.error;
        current = {
          ...decision.plan.next,
          refunds: decision.plan.next.refunds.map((r) => (r.id === id ? { ...r, returnId: ret.id } : r)),
        };
        plans.push(decision.plan);
        refundIds.push(id);
      }
      next = { ...next, refundIds: [...ret.refundIds, ...refundIds] };
      current = withReturn(current, next);
    }

    const draft = new Draft(current, ctx);
    draft.emit(events, { kind: 'return', id: ret.id });
    if (to === 'accepted' && ret.state !== 'accepted') markReturned(draft);
    const final = draft.plan();
    // the return's events first (return.accepted), then the refunds' (refund.pending, …)
    return combinePlans(ctx.now, final.next, [final, ...plans]);
  });
}

function withReturn(order: Order, ret: ReturnRecord): Order {
  return { ...order, returns: order.returns.map((r) => (r.id === ret.id ? ret : r)) };
}

/** Items whose every fulfilled unit is on accepted returns become `returned`. */
function markReturned(draft: Draft): void {
  const returned = new Map<string, number>();
  for (const ret of draft.returns) {
    if (ret.state !== 'accepted') continue;
    for (const item of ret.items)
      returned.set(item.itemId, (returned.get(item.itemId) ?? 0) + item.quantityAccepted);
  }
  for (const item of draft.items) {
    const units = returned.get(item.id) ?? 0;
    if (item.state !== 'fulfilled' || units < item.fulfilledQuantity || units === 0) continue;
    move(ITEM_MACHINE, item.state, 'return', 'returned');
    draft.replaceItem({
      ...item,
      state: 'returned',
      stateTransitions: { ...item.stateTransitions, returned: isoSeconds(draft.now) },
    });
  }
}

/**
 * The refund entries of one acceptance: each unit's amount and tax, or what is left of it when an
 * order-level refund already took part of the item (its availableToRefundAmount), so that
 * accepting the goods never asks for money the order no longer holds. When nothing at all is
 * left, the entries ask for the full value and the refund's own refusal answers (a capture not
 * complete yet: 400 on amountRequested).
 */
function refundItems(
  order: Order,
  units: readonly { itemId: string; quantity: number }[],
): RefundItemRequest[] {
  const ledger = ledgerOf(order);
  const full = units.map((u) => ({
    itemId: u.itemId,
    skuId: null,
    type: null,
    quantity: u.quantity,
    amountMinor: null as number | null,
    percent: null,
  }));
  const capped = full.map((entry) => {
    const item = order.items.find((i) => i.id === entry.itemId);
    assert(item !== undefined, `item ${entry.itemId} is of the order`);
    const done = unitsRefunded(order, item.id);
    const value = unitsWorth(order, item, done, entry.quantity);
    const left = itemRefundableMinor(ledger, item.id);
    return value <= left ? entry : { ...entry, amountMinor: left };
  });
  const worth = capped.filter((e) => e.amountMinor !== 0);
  return worth.length > 0 ? worth : full;
}
