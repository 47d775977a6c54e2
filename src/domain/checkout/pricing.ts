import { assert } from '../../lib/assert.js';
import { AMOUNT_MINOR_MAX, allocate, sum } from '../money/money.js';
import { applyPercent, applyRate, includedTax, type Rate } from '../money/rate.js';
import type { Totals } from '../shared.js';

/**
 * Checkout pricing, as DR computes it:
 *   line amount = price × quantity (or aggregatePrice) − discounts
 *   line tax    = round-half-up(amount × rate)            (tax-inclusive: the tax inside the amount)
 *   subtotal    = Σ amounts + shipping
 *   totalTax    = Σ line tax + shipping tax
 *   totalAmount = subtotal + totalTax + fees + duties     (tax-inclusive: subtotal)
 * Shipping and its tax are also split over the lines (by amount, largest remainder) so that a
 * partial capture later takes each line's exact share.
 */

export interface Discount {
  amountOffMinor?: number | undefined;
  percentOff?: number | undefined;
}

export interface LineInput {
  quantity: number;
  priceMinor: number | null;
  aggregatePriceMinor: number | null;
  /** per-unit amountOff (for `quantity` units) or a percentage of the line */
  discount?: (Discount & { quantity?: number | undefined }) | undefined;
  physical: boolean;
}

export interface PricingInput {
  lines: readonly LineInput[];
  shippingMinor: number | null;
  shippingDiscount?: Discount | undefined;
  /** a checkout-level discount, spread over the lines */
  discount?: Discount | undefined;
  taxInclusive: boolean;
  /** the tax rate of a physical or digital line (by the address that applies to it) */
  rateFor: (physical: boolean) => Rate;
}

export interface PricedLine {
  amountMinor: number;
  discountMinor: number;
  taxRate: Rate;
  taxMinor: number;
  shippingMinor: number;
  shippingTaxMinor: number;
}

/** The checkout's totals, as DR computes them. */
export type PricedTotals = Totals;

export type PricingResult =
  | { ok: true; lines: PricedLine[]; totals: PricedTotals }
  | { ok: false; error: 'amount_too_large'; line?: number };

/** The gross of the first `units` of a line's `quantity` units (split as `allocate` would). */
function unitsGross(gross: number, quantity: number, units: number): number {
  const base = Math.floor(gross / quantity);
  return base * units + Math.min(units, gross - base * quantity);
}

/**
 * A discount on `units` of a line's units: `amountOff` is per unit; `percentOff` applies to the
 * discounted units only (DR's `discount.quantity`), or to the whole amount.
 */
function discountOf(amount: number, discount: Discount | undefined, units = 1, quantity = units): number {
  if (!discount) return 0;
  const off =
    discount.amountOffMinor !== undefined
      ? discount.amountOffMinor * units
      : discount.percentOff !== undefined
        ? applyPercent(units < quantity ? unitsGross(amount, quantity, units) : amount, discount.percentOff)
        : 0;
  return Math.min(off, amount);
}

export function priceCheckout(input: PricingInput): PricingResult {
  assert(input.lines.length > 0, 'a checkout has at least one line');
  const gross: number[] = [];
  const lineDiscounts: number[] = [];
  for (const [i, line] of input.lines.entries()) {
    const g = line.aggregatePriceMinor ?? (line.priceMinor ?? 0) * line.quantity;
    if (!Number.isSafeInteger(g) || g > AMOUNT_MINOR_MAX)
      return { ok: false, error: 'amount_too_large', line: i };
    gross.push(g);
    const discountedUnits = Math.min(line.discount?.quantity ?? line.quantity, line.quantity);
    lineDiscounts.push(discountOf(g, line.discount, discountedUnits, line.quantity));
  }
  const afterLineDiscounts = gross.map((g, i) => g - (lineDiscounts[i] ?? 0));
  const netSum = sum(afterLineDiscounts);
  if (netSum > AMOUNT_MINOR_MAX) return { ok: false, error: 'amount_too_large' };

  // a checkout-level discount is spread over the lines in proportion to their amounts
  let orderDiscountShares = afterLineDiscounts.map(() => 0);
  if (input.discount) {
    if (input.discount.amountOffMinor !== undefined) {
      orderDiscountShares = allocate(Math.min(input.discount.amountOffMinor, netSum), afterLineDiscounts);
    } else {
      orderDiscountShares = afterLineDiscounts.map((a) => discountOf(a, input.discount));
    }
  }
  const amounts = afterLineDiscounts.map((a, i) => a - (orderDiscountShares[i] ?? 0));

  const shippingGross = input.shippingMinor ?? 0;
  const shippingDiscount = discountOf(shippingGross, input.shippingDiscount);
  const shipping = shippingGross - shippingDiscount;

  const anyPhysical = input.lines.some((l) => l.physical);
  const shippingRate = input.rateFor(anyPhysical);
  const tax = (amount: number, rate: Rate) =>
    input.taxInclusive ? includedTax(amount, rate) : applyRate(amount, rate);

  const rates = input.lines.map((l) => input.rateFor(l.physical));
  const taxes = amounts.map((a, i) => tax(a, rates[i] ?? shippingRate));
  const shippingTax = tax(shipping, shippingRate);
  const shippingShares = allocate(shipping, amounts);
  // split by the shipping shares, so that no line's share of the tax exceeds its share of the
  // shipping (with tax-inclusive prices the tax is inside the shipping)
  const shippingTaxShares = allocate(shippingTax, shippingShares);

  const lines: PricedLine[] = amounts.map((amountMinor, i) => ({
    amountMinor,
    discountMinor: (lineDiscounts[i] ?? 0) + (orderDiscountShares[i] ?? 0),
    taxRate: rates[i] ?? shippingRate,
    taxMinor: taxes[i] ?? 0,
    shippingMinor: shippingShares[i] ?? 0,
    shippingTaxMinor: shippingTaxShares[i] ?? 0,
  }));
  const subtotalMinor = sum(amounts) + shipping;
  const totalTaxMinor = sum(taxes) + shippingTax;
  const totals: PricedTotals = {
    subtotalMinor,
    totalTaxMinor,
    totalShippingMinor: shipping,
    shippingTaxMinor: shippingTax,
    totalDiscountMinor: sum(lines.map((l) => l.discountMinor)) + shippingDiscount,
    totalFeesMinor: 0,
    totalDutyMinor: 0,
    totalImporterTaxMinor: 0,
    totalAmountMinor: input.taxInclusive ? subtotalMinor : subtotalMinor + totalTaxMinor,
  };
  if (totals.totalAmountMinor > AMOUNT_MINOR_MAX) return { ok: false, error: 'amount_too_large' };
  return { ok: true, lines, totals };
}
