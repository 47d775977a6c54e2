import { assert } from '../../lib/assert.js';
import {
  addLineParts,
  COMPONENTS,
  type LineParts,
  linePartsTotal,
  partsTotal,
  subtractLineParts,
  unitsParts,
  ZERO_PARTS,
} from './components.js';
import { chargeLedger, linePartsOf, unitsClaimed } from './ledger.js';
import type { Order } from './model.js';

/**
 * The order's money invariants, checked after every decision (a failure is a bug: a 500, and
 * nothing of the command is written):
 * - the lines' components sum to the order's totals exactly, and the charges to its total;
 * - every operation moves a positive amount whose parts sum to it, none negative;
 * - per charge, captures + cancels (in any state) never exceed what it authorized;
 * - per charge, line and component, refunds (pending or complete) never exceed what completed
 *   captures took;
 * - per line, what captures and cancels claimed is exactly the value of the units shipped,
 *   cancelled or blocked;
 * - returns hold no more units than were fulfilled, and accept no more than they authorized.
 */
export function assertInvariants(order: Order): void {
  const { totals, taxInclusive } = order.order;
  const lines = linePartsOf(order);
  const all = Object.values(lines).reduce(
    (sum, p) => ({
      total: sum.total + partsTotal(p),
      tax: sum.tax + p.tax + p.shippingTax + p.feesTax,
      shipping: sum.shipping + p.shipping + p.shippingTax,
    }),
    { total: 0, tax: 0, shipping: 0 },
  );
  assert(all.total === totals.totalAmountMinor, `lines sum to ${all.total}, not ${totals.totalAmountMinor}`);
  assert(all.tax === totals.totalTaxMinor, `line taxes sum to ${all.tax}, not ${totals.totalTaxMinor}`);
  const shipping = taxInclusive
    ? totals.totalShippingMinor
    : totals.totalShippingMinor + totals.shippingTaxMinor;
  assert(all.shipping === shipping, `line shipping sums to ${all.shipping}, not ${shipping}`);
  const authorized = order.charges.reduce((s, c) => s + c.amountMinor, 0);
  assert(authorized === totals.totalAmountMinor, 'the charges cover the order total exactly');

  const itemIds = new Set(order.items.map((i) => i.id));
  let claimed: LineParts = {};
  for (const op of order.operations) {
    assert(
      Number.isSafeInteger(op.amountMinor) && op.amountMinor > 0,
      `operation ${op.id} moves ${op.amountMinor}`,
    );
    assert(linePartsTotal(op.parts) === op.amountMinor, `operation ${op.id}: parts do not sum to its amount`);
    for (const [line, parts] of Object.entries(op.parts)) {
      assert(itemIds.has(line), `operation ${op.id} names line ${line} of another order`);
      for (const c of COMPONENTS) assert(parts[c] >= 0, `operation ${op.id}: ${c} is negative`);
    }
    if (op.kind !== 'refund') claimed = addLineParts(claimed, op.parts);
  }

  for (const charge of order.charges) {
    const c = chargeLedger(order, charge);
    assert(c.remainingMinor >= 0, `charge ${charge.id}: captures and cancels exceed its authorization`);
    // subtractLineParts asserts that no cell goes below zero
    subtractLineParts(c.captured, c.refunded);
  }

  // returns: never more units than were fulfilled, never more accepted than authorized, accepted
  // exactly when every item is, and every refund they name is of the order
  const onReturns = new Map<string, number>();
  const refundIds = new Set(order.refunds.map((r) => r.id));
  for (const ret of order.returns) {
    for (const item of ret.items) {
      assert(itemIds.has(item.itemId), `return ${ret.id} names item ${item.itemId} of another order`);
      assert(
        item.quantityAccepted >= 0 && item.quantityAccepted <= item.quantity,
        `return ${ret.id}: ${item.quantityAccepted} of ${item.quantity} units accepted`,
      );
      assert(
        (item.state === 'accepted') === (item.quantityAccepted === item.quantity),
        `return ${ret.id}: item state`,
      );
      onReturns.set(item.itemId, (onReturns.get(item.itemId) ?? 0) + item.quantity);
    }
    assert(
      (ret.state === 'accepted') === ret.items.every((i) => i.state === 'accepted'),
      `return ${ret.id}: state`,
    );
    for (const id of ret.refundIds)
      assert(refundIds.has(id), `return ${ret.id} names refund ${id} of another order`);
  }
  for (const item of order.items)
    assert(
      (onReturns.get(item.id) ?? 0) <= item.fulfilledQuantity,
      `item ${item.id}: more units on returns than fulfilled`,
    );

  if (order.legacy) return; // an earlier version rounded units differently (domain/order/legacy.ts)
  for (const item of order.items) {
    const value = unitsParts({ ...item, taxInclusive }, 0, unitsClaimed(item));
    const got = claimed[item.id] ?? ZERO_PARTS;
    for (const c of COMPONENTS)
      assert(got[c] === value[c], `item ${item.id}: ${c} claimed ${got[c]}, its units are worth ${value[c]}`);
  }
}
