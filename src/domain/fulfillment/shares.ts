import { allocate } from '../money/money.js';

/**
 * What a number of units of an order item is worth: the line's amount, its tax and its share of
 * shipping (and shipping tax), split over the units with one integer allocation. Units are taken
 * in order (fulfilled or cancelled, whichever comes first), so the parts of an item — and so of
 * the order — always sum exactly to its total.
 */
export interface ItemValue {
  quantity: number;
  amountMinor: number;
  taxMinor: number;
  shippingMinor: number;
  shippingTaxMinor: number;
  /** with tax-inclusive prices the tax is inside the amount */
  taxInclusive: boolean;
}

export function itemTotalMinor(item: ItemValue): number {
  return (
    item.amountMinor + item.shippingMinor + (item.taxInclusive ? 0 : item.taxMinor + item.shippingTaxMinor)
  );
}

/** The value of units [from, from + count) of an item. */
export function unitsValue(item: ItemValue, from: number, count: number): number {
  if (count === 0) return 0;
  const perUnit = allocate(itemTotalMinor(item), new Array<number>(item.quantity).fill(1));
  let value = 0;
  for (let i = from; i < from + count; i++) value += perUnit[i] ?? 0;
  return value;
}

/**
 * Splits an amount over charges in order, each taking what it has left: captures take the
 * secondary charges first, cancels and refunds the primary first (DR's rule).
 */
export function splitOverCharges<T extends { availableMinor: number }>(
  amountMinor: number,
  charges: readonly T[],
): { charge: T; amountMinor: number }[] {
  const parts: { charge: T; amountMinor: number }[] = [];
  let left = amountMinor;
  for (const charge of charges) {
    if (left === 0) break;
    const take = Math.min(left, charge.availableMinor);
    if (take > 0) parts.push({ charge, amountMinor: take });
    left -= take;
  }
  if (left > 0) throw new Error(`splitOverCharges: ${left} minor units have no charge to go to`);
  return parts;
}
