import { assert } from '../../lib/assert.js';
import { REFUNDS_PER_ORDER_MAX } from '../../limits.js';
import { invalidParameter, missingParameter, unknownReference } from '../errors.js';
import { applyPercent } from '../money/rate.js';
import { REFUND_MACHINE } from '../refund/transitions.js';
import type { Metadata } from '../shared.js';
import { cellFor, create } from '../state-machine.js';
import { type Claim, chargesInTurn } from './claims.js';
import {
  addLineParts,
  allocateOver,
  type Component,
  FEES_COMPONENTS,
  type LineParts,
  linePartsTotal,
  NOT_FEES,
  PRODUCT_COMPONENTS,
  restrict,
  SHIPPING_COMPONENTS,
  subtractLineParts,
  TAX_COMPONENTS,
  unitsParts,
} from './components.js';
import { Draft, decided, underLimit } from './draft.js';
import { chargeLedger, linePartsOf } from './ledger.js';
import type {
  ItemRefundType,
  Order,
  OrderItemRecord,
  RefundItemRecord,
  RefundRecord,
  RefundType,
} from './model.js';
import type { Context, Decision } from './plan.js';
import { ORDER_MACHINE } from './transitions.js';

/**
 * POST /refunds, as DR documents it
 * (order-management/returns-and-refunds-1/refunds/issuing-refunds.md):
 * - refunds draw only on what completed captures took, less what refunds pending or complete
 *   already took, cell by cell (charge × line × component): money is never refunded twice;
 * - without `type`, an order-level `amount` or `percent` is taken from the product, shipping,
 *   duties and taxes in proportion (not regulatory fees); `percent` is of what is left;
 * - `type: shipping` takes the shipping and its tax, `duty` the duties, `tax` every tax and
 *   `importer_tax` the importer tax — those two only in full ("Only full tax refunds are
 *   supported.");
 * - an item without `type` refunds its amount and tax (never its shipping); `quantity` names the
 *   units (`percent` is then of what they are worth); `items[].type` shipping, fees or duty takes
 *   that item's component instead;
 * - the refund takes the primary charge first, then the secondary ones.
 */

export interface RefundItemRequest {
  itemId: string;
  skuId: string | null;
  type: ItemRefundType | null;
  quantity: number | null;
  amountMinor: number | null;
  percent: number | null;
}

export interface RefundCommand {
  id: string;
  currency: string;
  type: RefundType | null;
  amountMinor: number | null;
  percent: number | null;
  items: readonly RefundItemRequest[] | null;
  reason: string | null;
  metadata: Metadata | null;
}

/** DR's answer when a refund asks for more than is left. */
const tooMuch = (parameter = 'amountRequested') =>
  invalidParameter(parameter, 'The requested refund amount is greater than the available amount.');
const nothingLeft = () => invalidParameter('amountRequested', 'There is nothing to refund.');

const ORDER_TYPE_COMPONENTS: Record<RefundType, readonly Component[]> = {
  shipping: SHIPPING_COMPONENTS,
  tax: TAX_COMPONENTS,
  duty: ['duties'],
  importer_tax: ['importerTax'],
};
const ITEM_TYPE_COMPONENTS: Record<ItemRefundType, readonly Component[]> = {
  shipping: SHIPPING_COMPONENTS,
  fees: FEES_COMPONENTS,
  duty: ['duties'],
};

/** What an item-level refund entry draws on: its `type`'s components, or the amount and tax. */
export const itemRefundComponents = (type: ItemRefundType | null | undefined): readonly Component[] =>
  type ? ITEM_TYPE_COMPONENTS[type] : PRODUCT_COMPONENTS;
const TYPE_NAMES: Record<RefundType | ItemRefundType, string> = {
  shipping: 'shipping',
  tax: 'tax',
  duty: 'duties',
  importer_tax: 'importer tax',
  fees: 'fees',
};

/** One draw on the order's refundable money: an amount from some lines' components. */
interface Draw {
  amountMinor: number;
  lines: ReadonlySet<string> | undefined;
  components: readonly Component[];
}

function guard(order: Order, command: RefundCommand): void {
  const { state, currency } = order.order;
  if (command.currency !== currency)
    throw invalidParameter('currency', `Currency ${command.currency} is not supported.`);
  if (state === 'dispute')
    throw invalidParameter('order', 'A refund cannot be performed while there is a dispute on the order.');
  cellFor(ORDER_MACHINE, state, 'refund', 'orderId');
  underLimit(order, order.refunds.length, REFUNDS_PER_ORDER_MAX, 'refunds');
  const ways = [command.amountMinor, command.percent, command.items].filter((v) => v !== null).length;
  if (ways > 1) throw invalidParameter('amount', 'Send one of amount, percent or items.');
  if (command.items && command.type !== null)
    throw invalidParameter('type', 'An item-level refund gives its type on each item (items[].type).');
}

/** Refundable money per charge, which the draws of one request use up as they go. */
class Pool {
  private readonly left = new Map<string, LineParts>();
  readonly taken = new Map<string, LineParts>();

  constructor(private readonly order: Order) {
    for (const charge of order.charges) this.left.set(charge.id, chargeLedger(order, charge).refundable);
  }

  available(lines: ReadonlySet<string> | undefined, components: readonly Component[]): number {
    let total = 0;
    for (const parts of this.left.values()) total += linePartsTotal(restrict(parts, lines, components));
    return total;
  }

  /** Takes the draw from the primary charge first, each charge's share in proportion. */
  take(draw: Draw): void {
    let left = draw.amountMinor;
    for (const charge of chargesInTurn(this.order.charges, 'refund')) {
      if (left === 0) break;
      const holding = this.left.get(charge.id) ?? {};
      const eligible = restrict(holding, draw.lines, draw.components);
      const take = Math.min(left, linePartsTotal(eligible));
      if (take === 0) continue;
      const parts = take === linePartsTotal(eligible) ? eligible : allocateOver(take, eligible);
      this.left.set(charge.id, subtractLineParts(holding, parts));
      this.taken.set(charge.id, addLineParts(this.taken.get(charge.id) ?? {}, parts));
      left -= take;
    }
    // every draw was checked against what the order holds for it before it was taken
    assert(left === 0, `a refund draw exceeds what the order holds by ${left}`);
  }
}

/** An order-level refund: product (no type) or one of DR's types. */
function orderDraw(order: Order, command: RefundCommand, pool: Pool): Draw {
  const components = command.type ? ORDER_TYPE_COMPONENTS[command.type] : NOT_FEES;
  const available = pool.available(undefined, components);
  if (command.type) {
    const ever = linePartsTotal(restrict(linePartsOf(order), undefined, components));
    if (ever === 0) throw invalidParameter('type', `The order has no ${TYPE_NAMES[command.type]} to refund.`);
  }
  if (command.type === 'tax' || command.type === 'importer_tax') {
    // only in full: percent 100, or the amount of what is left of it
    if (command.percent !== null && command.percent !== 100)
      throw invalidParameter('percentRequested', 'Only full tax refunds are supported.');
    if (command.amountMinor !== null && command.amountMinor > available) throw tooMuch();
    if (command.amountMinor !== null && command.amountMinor < available)
      throw invalidParameter('amountRequested', 'Only full tax refunds are supported.');
    return { amountMinor: available, lines: undefined, components };
  }
  let amountMinor: number;
  if (command.amountMinor !== null) amountMinor = command.amountMinor;
  else if (command.percent !== null) amountMinor = applyPercent(available, command.percent);
  else if (command.type !== null) amountMinor = available;
  else throw missingParameter('amount');
  if (amountMinor > available) throw tooMuch();
  return { amountMinor, lines: undefined, components };
}

/** Units of an item refunded in full by earlier refunds (not failed ones; of those `counted` keeps). */
export function unitsRefunded(
  order: Order,
  itemId: string,
  counted: (refund: RefundRecord) => boolean = () => true,
): number {
  let units = 0;
  for (const refund of order.refunds) {
    if (refund.state === 'failed' || !counted(refund)) continue;
    for (const entry of refund.items) {
      if (entry.itemId !== itemId || (entry.type ?? null) !== null) continue;
      units += entry.units ?? entry.quantity ?? 0;
    }
  }
  return units;
}

function itemDraw(
  order: Order,
  entry: RefundItemRequest,
  index: number,
  pool: Pool,
  unitsTaken: Map<string, number>,
): { draw: Draw; record: RefundItemRecord } {
  const at = `items[${index}]`;
  const item: OrderItemRecord | undefined = order.items.find((i) => i.id === entry.itemId);
  if (!item)
    throw unknownReference(`${at}.itemId`, `Order '${order.order.id}' has no item '${entry.itemId}'.`);
  const components = itemRefundComponents(entry.type);
  const lines = new Set([item.id]);
  if (entry.type && linePartsTotal(restrict(linePartsOf(order), lines, components)) === 0)
    throw invalidParameter(`${at}.type`, `Item '${item.id}' has no ${TYPE_NAMES[entry.type]} to refund.`);
  const available = pool.available(lines, components);
  const product = entry.type === null;
  const done = product ? (unitsTaken.get(item.id) ?? unitsRefunded(order, item.id)) : 0;
  const full = entry.amountMinor === null && (entry.percent === null || entry.percent === 100);
  let units = 0;
  let base = available;
  if (entry.quantity !== null) {
    const left = item.fulfilledQuantity - done;
    if (entry.quantity > left)
      throw invalidParameter(
        `${at}.quantity`,
        `Item '${item.id}' has ${left} fulfilled units left to refund.`,
      );
    base = unitsWorth(order, item, done, entry.quantity, components);
    if (full && product) units = entry.quantity;
  } else if (full && product) units = item.fulfilledQuantity - done;
  const amountMinor =
    entry.amountMinor ?? (entry.percent !== null ? applyPercent(base, entry.percent) : base);
  if (amountMinor > available) throw tooMuch();
  if (amountMinor === 0) throw nothingLeft();
  if (product) unitsTaken.set(item.id, done + units);
  return {
    draw: { amountMinor, lines, components },
    record: {
      itemId: item.id,
      skuId: item.skuId,
      type: entry.type,
      quantity: entry.quantity,
      percent: entry.percent,
      amountMinor,
      units,
    },
  };
}

/** What `count` units of an item, from unit `from` on, are worth in `components` (amount and tax by default). */
export function unitsWorth(
  order: Order,
  item: OrderItemRecord,
  from: number,
  count: number,
  components: readonly Component[] = PRODUCT_COMPONENTS,
): number {
  const value = unitsParts({ ...item, taxInclusive: order.order.taxInclusive }, from, count);
  return linePartsTotal(restrict({ [item.id]: value }, new Set([item.id]), components));
}

export function decideRefund(order: Order, command: RefundCommand, ctx: Context): Decision {
  return decided(() => {
    guard(order, command);
    const pool = new Pool(order);
    const records: RefundItemRecord[] = [];
    let amountMinor = 0;
    if (command.items) {
      const unitsTaken = new Map<string, number>();
      command.items.forEach((entry, index) => {
        const { draw, record } = itemDraw(order, entry, index, pool, unitsTaken);
        pool.take(draw);
        records.push(record);
        amountMinor += draw.amountMinor;
      });
    } else {
      const draw = orderDraw(order, command, pool);
      if (draw.amountMinor === 0) throw draw.components === NOT_FEES ? nothingLeft() : tooMuch();
      pool.take(draw);
      amountMinor = draw.amountMinor;
    }
    if (amountMinor <= 0) throw nothingLeft();

    const draft = new Draft(order, ctx);
    draft.refunds.push({
      accountId: order.order.accountId,
      id: command.id,
      orderId: order.order.id,
      currency: order.order.currency,
      type: command.type,
      reason: command.reason,
      amountMinor,
      state: 'pending',
      failureReason: null,
      items: records,
      metadata: command.metadata,
      createdAt: ctx.now,
      updatedAt: ctx.now,
    });
    draft.emit(create(REFUND_MACHINE, 'pending'), { kind: 'refund', id: command.id });
    const claims: Claim[] = [...pool.taken].map(([chargeId, parts]) => ({
      chargeId,
      amountMinor: linePartsTotal(parts),
      parts,
    }));
    const operations = chargesInTurn(order.charges, 'refund').flatMap((charge) =>
      claims
        .filter((c) => c.chargeId === charge.id && c.amountMinor > 0)
        .map((c) => draft.newOperation(c, 'refund', { refundId: command.id })),
    );
    for (const op of operations) {
      draft.addOperation(op);
      draft.operationCreated(op);
      draft.moveCharge(op.chargeId, 'refund');
    }
    draft.moveOrder('refund', order.order.state);
    return draft.plan();
  });
}
