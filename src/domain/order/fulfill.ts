import { assert } from '../../lib/assert.js';
import { isoSeconds } from '../../lib/time.js';
import { FULFILLMENTS_PER_ORDER_MAX } from '../../limits.js';
import { CHARGE_MACHINE } from '../charge/transitions.js';
import { AppError, invalidParameter, missingParameter, unknownReference } from '../errors.js';
import { FULFILLMENT_MACHINE } from '../fulfillment/transitions.js';
import type { Metadata } from '../shared.js';
import { cellFor, create, move } from '../state-machine.js';
import { type Claim, chargesInTurn, splitOverCharges } from './claims.js';
import { addLineParts, type LineParts, partsTotal, unitsParts } from './components.js';
import { Draft, decided, underLimit } from './draft.js';
import { chargeLedger, unitsClaimed, unitsLeft } from './ledger.js';
import type {
  AuthorizationRecord,
  ChargeRecord,
  FulfillmentItemRecord,
  Order,
  OrderItemRecord,
} from './model.js';
import type { Context, Decision } from './plan.js';
import { ITEM_MACHINE, itemState, ORDER_MACHINE } from './transitions.js';

/**
 * POST /fulfillments (order-management/informing-digital-river-of-a-fulfillment.md): `quantity`
 * captures the units' share of the charges, `cancelQuantity` cancels it, in any mix, on one item
 * or several. A capture on an expired authorization first needs a new one; when the issuer
 * refuses, the account's chargeback-risk policy decides (seed 002, payment-reauthorizations.md):
 * tolerant force-settles on the expired authorization, averse changes nothing, emits
 * order.charge.reauth.failed and answers 409 payment_authorization_failed.
 */

export interface FulfillmentLineRequest {
  itemId?: string | undefined;
  skuId?: string | undefined;
  quantity: number;
  cancelQuantity: number;
  shipmentItemId: string | null;
}

export interface FulfillmentCommand {
  id: string;
  lines: readonly FulfillmentLineRequest[];
  shipmentId: string | null;
  trackingCompany: string | null;
  trackingNumber: string | null;
  trackingUrl: string | null;
  metadata: Metadata | null;
}

export type ReauthorizationAnswer =
  | { granted: true; authorizationId: string; expiresAtMs: number }
  | { granted: false };

export type RiskPolicy = 'tolerant' | 'averse';

/** DR's description for a refused reauthorization on a risk-averse account (seed 002). */
export const REAUTHORIZATION_FAILED =
  'Fulfillment cannot be processed because the payment authorization has expired';

interface Resolved {
  index: number;
  item: OrderItemRecord;
  quantity: number;
  cancelQuantity: number;
  shipmentItemId: string | null;
}

function resolveItem(order: Order, line: FulfillmentLineRequest, at: string): OrderItemRecord {
  if (line.itemId !== undefined) {
    const item = order.items.find((i) => i.id === line.itemId);
    if (!item)
      throw unknownReference(`${at}.itemId`, `Order '${order.order.id}' has no item '${line.itemId}'.`);
    return item;
  }
  if (line.skuId === undefined) throw missingParameter(`${at}.itemId`);
  const matches = order.items.filter((i) => i.skuId === line.skuId);
  const [item] = matches;
  if (!item)
    throw unknownReference(`${at}.skuId`, `Order '${order.order.id}' has no item of SKU '${line.skuId}'.`);
  if (matches.length > 1)
    throw invalidParameter(
      `${at}.skuId`,
      `Order '${order.order.id}' has several items of SKU '${line.skuId}': name the item by itemId.`,
    );
  return item;
}

function resolve(order: Order, command: FulfillmentCommand): Resolved[] {
  const seen = new Set<string>();
  return command.lines.map((line, index) => {
    const at = `items[${index}]`;
    const item = resolveItem(order, line, at);
    if (seen.has(item.id)) throw invalidParameter(`${at}.itemId`, `Item '${item.id}' is named twice.`);
    seen.add(item.id);
    const { quantity, cancelQuantity } = line;
    if (quantity + cancelQuantity === 0) throw missingParameter(`${at}.quantity`);
    const left = unitsLeft(item);
    if (quantity + cancelQuantity > left) {
      throw new AppError(
        'quantity_too_large',
        quantity > left ? `${at}.quantity` : `${at}.cancelQuantity`,
        `Item '${item.id}' has ${left} of ${item.quantity} units left to fulfill or cancel; the request names ${quantity + cancelQuantity}.`,
      );
    }
    return { index, item, quantity, cancelQuantity, shipmentItemId: line.shipmentItemId };
  });
}

/** Whether the order takes a fulfillment at all (DR's 409s). */
function guard(order: Order): void {
  const { state, id } = order.order;
  const done = order.items.every((i) => unitsLeft(i) === 0);
  if (
    state === 'fulfilled' ||
    state === 'complete' ||
    state === 'returned' ||
    (state === 'accepted' && done)
  ) {
    if (state === 'accepted' && order.items.every((i) => i.fulfilledQuantity === 0))
      throw new AppError('order_cancelled', 'orderId', `Order '${id}' is cancelled: no units are left.`);
    throw new AppError('order_fulfilled', 'orderId', `Resource '${id}' is fulfilled.`);
  }
  cellFor(ORDER_MACHINE, state, 'fulfill', 'orderId');
  underLimit(order, order.fulfillments.length, FULFILLMENTS_PER_ORDER_MAX, 'fulfillments');
}

interface Shares {
  resolved: Resolved[];
  items: FulfillmentItemRecord[];
  captures: Claim[];
  cancels: Claim[];
}

/** What the units are worth (taken in order, captures before cancels) and who pays for them. */
function shares(order: Order, command: FulfillmentCommand): Shares {
  guard(order);
  const resolved = resolve(order, command);
  const taxInclusive = order.order.taxInclusive;
  let captureValue: LineParts = {};
  let cancelValue: LineParts = {};
  const items = resolved.map((r): FulfillmentItemRecord => {
    const line = { ...r.item, taxInclusive };
    const from = unitsClaimed(r.item);
    const capture = unitsParts(line, from, r.quantity);
    const cancel = unitsParts(line, from + r.quantity, r.cancelQuantity);
    captureValue = addLineParts(captureValue, { [r.item.id]: capture });
    cancelValue = addLineParts(cancelValue, { [r.item.id]: cancel });
    return {
      itemId: r.item.id,
      skuId: r.item.skuId,
      shipmentItemId: r.shipmentItemId,
      quantity: r.quantity,
      cancelQuantity: r.cancelQuantity,
      captureMinor: partsTotal(capture),
      cancelMinor: partsTotal(cancel),
    };
  });
  const available = new Map(order.charges.map((c) => [c.id, chargeLedger(order, c).remainingMinor]));
  const take = (kind: 'capture' | 'cancel', value: LineParts): Claim[] => {
    const claims = splitOverCharges(
      value,
      chargesInTurn(order.charges, kind).map((c) => ({
        chargeId: c.id,
        availableMinor: available.get(c.id) ?? 0,
      })),
    );
    for (const claim of claims)
      available.set(claim.chargeId, (available.get(claim.chargeId) ?? 0) - claim.amountMinor);
    return claims;
  };
  return { resolved, items, captures: take('capture', captureValue), cancels: take('cancel', cancelValue) };
}

/** An authorization is valid until the moment it expires, not at it. */
export const authorizationExpired = (charge: ChargeRecord, now: number): boolean =>
  charge.authorizationExpiresAt !== null && !(charge.authorizationExpiresAt > now);

/**
 * The charges this fulfillment would capture on an expired authorization, and the amount a new
 * authorization must cover: the service asks the processor for those before deciding. A command
 * the order refuses needs none (the decision gives the refusal).
 */
export function reauthorizationsNeeded(
  order: Order,
  command: FulfillmentCommand,
  now: number,
): { charge: ChargeRecord; amountMinor: number }[] {
  let captures: Claim[];
  try {
    captures = shares(order, command).captures;
  } catch (error) {
    if (error instanceof AppError) return [];
    throw error;
  }
  return captures.flatMap((claim) => {
    const charge = order.charges.find((c) => c.id === claim.chargeId);
    assert(charge !== undefined, 'the claim is of a charge of the order');
    if (!authorizationExpired(charge, now)) return [];
    return [{ charge, amountMinor: chargeLedger(order, charge).remainingMinor }];
  });
}

/** Records the answers to the reauthorizations; returns the charges to force-settle, or a refusal. */
function reauthorize(
  draft: Draft,
  captures: readonly Claim[],
  answers: ReadonlyMap<string, ReauthorizationAnswer>,
  policy: RiskPolicy,
): { forced: Set<string>; refused: boolean } {
  const attemptId = draft.ctx.uuid();
  const forced = new Set<string>();
  let refused = false;
  for (const { chargeId } of captures) {
    const charge = draft.charge(chargeId);
    if (!authorizationExpired(charge, draft.now)) continue;
    const answer = answers.get(chargeId);
    assert(answer !== undefined, `the processor was asked to reauthorize charge ${chargeId}`);
    const record: AuthorizationRecord = {
      accountId: charge.accountId,
      id: draft.ctx.uuid(),
      chargeId,
      kind: 'reauthorization',
      result: answer.granted ? 'granted' : 'refused',
      attemptId,
      expiresAt: answer.granted ? answer.expiresAtMs : null,
      createdAt: draft.now,
    };
    draft.authorizations.push(record);
    if (answer.granted) {
      move(CHARGE_MACHINE, charge.state, 'reauthorize', charge.state);
      draft.replaceCharge({
        ...charge,
        authorizationId: answer.authorizationId,
        authorizedAt: draft.now,
        authorizationExpiresAt: answer.expiresAtMs,
        updatedAt: draft.now,
      });
    } else if (policy === 'averse') refused = true;
    else forced.add(chargeId);
  }
  return { forced, refused };
}

export function decideFulfillment(
  order: Order,
  command: FulfillmentCommand,
  answers: ReadonlyMap<string, ReauthorizationAnswer>,
  policy: RiskPolicy,
  ctx: Context,
): Decision {
  return decided(() => {
    const { resolved, items, captures, cancels } = shares(order, command);
    const draft = new Draft(order, ctx);
    const { forced, refused } = reauthorize(draft, captures, answers, policy);
    if (refused) {
      // nothing changes but the record of the reauthorizations and the refusal's event
      draft.moveOrder('reauthorization.refuse', order.order.state);
      const error = new AppError('payment_authorization_failed', 'orderId', REAUTHORIZATION_FAILED, {
        description: REAUTHORIZATION_FAILED,
      });
      return { ok: false, error, plan: draft.plan() };
    }
    draft.fulfillments.push({
      accountId: order.order.accountId,
      id: command.id,
      orderId: order.order.id,
      shipmentId: command.shipmentId,
      trackingCompany: command.trackingCompany,
      trackingNumber: command.trackingNumber,
      trackingUrl: command.trackingUrl,
      metadata: command.metadata,
      items,
      createdAt: ctx.now,
      updatedAt: ctx.now,
    });
    draft.emit(create(FULFILLMENT_MACHINE, 'created'), { kind: 'fulfillment', id: command.id });
    progressItems(draft, resolved);
    const operations = [
      ...captures.map((c) =>
        draft.newOperation(c, 'capture', { fulfillmentId: command.id, forced: forced.has(c.chargeId) }),
      ),
      ...cancels.map((c) => draft.newOperation(c, 'cancel', { fulfillmentId: command.id })),
    ];
    for (const op of operations) draft.addOperation(op);
    for (const op of operations) draft.operationCreated(op);
    for (const chargeId of new Set(operations.map((o) => o.chargeId))) draft.moveCharge(chargeId, 'fulfill');
    const done = draft.items.every((i) => unitsLeft(i) === 0);
    const shipped = draft.items.some((i) => i.fulfilledQuantity > 0);
    draft.moveOrder('fulfill', done && shipped ? 'fulfilled' : draft.order.state);
    return draft.plan();
  });
}

/** Counts the units, and moves each item to the state its counts imply. */
function progressItems(draft: Draft, resolved: readonly Resolved[]): void {
  for (const r of resolved) {
    const before = draft.item(r.item.id);
    const fulfilledQuantity = before.fulfilledQuantity + r.quantity;
    const cancelledQuantity = before.cancelledQuantity + r.cancelQuantity;
    const state = itemState(before.quantity, fulfilledQuantity, cancelledQuantity);
    move(ITEM_MACHINE, before.state, 'fulfill', state, `items[${r.index}]`);
    draft.replaceItem({
      ...before,
      fulfilledQuantity,
      cancelledQuantity,
      state,
      stateTransitions:
        state === before.state
          ? before.stateTransitions
          : { ...before.stateTransitions, [state]: isoSeconds(draft.now) },
    });
  }
}
