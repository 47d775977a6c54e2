import { assert } from '../../lib/assert.js';
import { allocate, sum } from '../money/money.js';

/**
 * The components an order's money is made of, as DR's order and item fields name them:
 * `amount` (product), `tax.amount`, `shipping.amount` and `shipping.taxAmount`, `fees.amount`
 * and `fees.taxAmount`, `duties.amount`, `importerTax.amount`. Each is kept apart because DR's
 * refunds draw on them apart: a product refund takes the product and its tax, a shipping refund
 * the shipping and its tax, a tax refund every tax
 * (order-management/returns-and-refunds-1/refunds/issuing-refunds.md).
 *
 * With tax-inclusive prices the tax is inside the amount: the product component is then the
 * amount less its tax, so that the components of a line always sum to what the line costs.
 */
export const COMPONENTS = [
  'product',
  'tax',
  'shipping',
  'shippingTax',
  'fees',
  'feesTax',
  'duties',
  'importerTax',
] as const;
export type Component = (typeof COMPONENTS)[number];

/** An amount in minor units per component. */
export type Parts = Readonly<Record<Component, number>>;

/** Amounts per order line (by item id) and component. */
export type LineParts = Readonly<Record<string, Parts>>;

export const ZERO_PARTS: Parts = Object.freeze({
  product: 0,
  tax: 0,
  shipping: 0,
  shippingTax: 0,
  fees: 0,
  feesTax: 0,
  duties: 0,
  importerTax: 0,
});

export function partsOf(values: Partial<Record<Component, number>>): Parts {
  const parts = { ...ZERO_PARTS, ...values };
  for (const c of COMPONENTS)
    assert(Number.isSafeInteger(parts[c]) && parts[c] >= 0, `component ${c} is ${parts[c]}`);
  return parts;
}

export function addParts(a: Parts, b: Parts): Parts {
  const out = { ...a };
  for (const c of COMPONENTS) out[c] = a[c] + b[c];
  return out;
}

/** a − b, which must not go below zero in any component. */
export function subtractParts(a: Parts, b: Parts): Parts {
  const out = { ...a };
  for (const c of COMPONENTS) {
    out[c] = a[c] - b[c];
    assert(out[c] >= 0, `component ${c} would go negative (${a[c]} − ${b[c]})`);
  }
  return out;
}

/** The sum of some components (all of them by default). */
export function partsTotal(parts: Parts, only: readonly Component[] = COMPONENTS): number {
  let total = 0;
  for (const c of only) total += parts[c];
  return total;
}

export function addLineParts(a: LineParts, b: LineParts): LineParts {
  const out: Record<string, Parts> = { ...a };
  for (const [id, parts] of Object.entries(b)) out[id] = addParts(out[id] ?? ZERO_PARTS, parts);
  return out;
}

export function subtractLineParts(a: LineParts, b: LineParts): LineParts {
  const out: Record<string, Parts> = { ...a };
  for (const [id, parts] of Object.entries(b)) out[id] = subtractParts(out[id] ?? ZERO_PARTS, parts);
  return out;
}

export function linePartsTotal(parts: LineParts, only: readonly Component[] = COMPONENTS): number {
  let total = 0;
  for (const p of Object.values(parts)) total += partsTotal(p, only);
  return total;
}

/** Only some lines and components of `parts` (the others left out). */
export function restrict(
  parts: LineParts,
  lines: ReadonlySet<string> | undefined,
  only: readonly Component[],
): LineParts {
  const out: Record<string, Parts> = {};
  for (const [id, p] of Object.entries(parts)) {
    if (lines && !lines.has(id)) continue;
    const kept: Record<Component, number> = { ...ZERO_PARTS };
    for (const c of only) kept[c] = p[c];
    out[id] = kept;
  }
  return out;
}

/** What a line is worth, by component. */
export interface LineValue {
  quantity: number;
  amountMinor: number;
  taxMinor: number;
  shippingMinor: number;
  shippingTaxMinor: number;
  taxInclusive: boolean;
}

export function lineParts(line: LineValue): Parts {
  const product = line.taxInclusive ? line.amountMinor - line.taxMinor : line.amountMinor;
  const shipping = line.taxInclusive ? line.shippingMinor - line.shippingTaxMinor : line.shippingMinor;
  return partsOf({ product, tax: line.taxMinor, shipping, shippingTax: line.shippingTaxMinor });
}

/**
 * The value of units [from, from + count) of a line, by component. Each component is split over
 * the units as `allocate(component, [1, 1, …])` does (the first `component mod quantity` units
 * take one minor unit more), in closed form: units taken in order always sum to the line exactly.
 */
export function unitsParts(line: LineValue, from: number, count: number): Parts {
  assert(
    Number.isInteger(from) && Number.isInteger(count) && from >= 0 && count >= 0,
    `units ${from}+${count}`,
  );
  assert(from + count <= line.quantity, `units ${from}+${count} of ${line.quantity}`);
  const whole = lineParts(line);
  const out: Record<Component, number> = { ...ZERO_PARTS };
  for (const c of COMPONENTS) {
    const base = Math.floor(whole[c] / line.quantity);
    const extra = whole[c] - base * line.quantity; // the first `extra` units take one more
    out[c] = base * count + Math.max(0, Math.min(from + count, extra) - from);
  }
  return out;
}

interface Cell {
  line: string;
  component: Component;
  weight: number;
}

function cellsOf(parts: LineParts, only: readonly Component[]): Cell[] {
  const cells: Cell[] = [];
  for (const [line, p] of Object.entries(parts))
    for (const component of only) if (p[component] > 0) cells.push({ line, component, weight: p[component] });
  return cells;
}

/**
 * Splits `total` over the cells (line × component) of `available`, in proportion to what each
 * holds (largest remainder). No cell is given more than it holds, because `total` never exceeds
 * their sum: every part is then at most its weight.
 */
export function allocateOver(
  total: number,
  available: LineParts,
  only: readonly Component[] = COMPONENTS,
): LineParts {
  const cells = cellsOf(available, only);
  const holding = sum(cells.map((c) => c.weight));
  assert(
    Number.isSafeInteger(total) && total >= 0 && total <= holding,
    `allocateOver: ${total} of ${holding}`,
  );
  const out: Record<string, Record<Component, number>> = {};
  if (total === 0) return out;
  const shares = allocate(
    total,
    cells.map((c) => c.weight),
  );
  cells.forEach((cell, i) => {
    const share = shares[i] ?? 0;
    assert(share <= cell.weight, 'allocateOver: a cell was given more than it holds');
    if (share === 0) return;
    const line = out[cell.line] ?? { ...ZERO_PARTS };
    line[cell.component] = share;
    out[cell.line] = line;
  });
  return out;
}

/** The parts without their zero components and lines (as stored). */
export function sparse(parts: LineParts): Record<string, Partial<Record<Component, number>>> {
  const out: Record<string, Partial<Record<Component, number>>> = {};
  for (const [line, p] of Object.entries(parts)) {
    const kept: Partial<Record<Component, number>> = {};
    for (const c of COMPONENTS) if (p[c] !== 0) kept[c] = p[c];
    if (Object.keys(kept).length > 0) out[line] = kept;
  }
  return out;
}

export function dense(stored: Record<string, Partial<Record<Component, number>>>): LineParts {
  const out: Record<string, Parts> = {};
  for (const [line, p] of Object.entries(stored)) out[line] = partsOf(p);
  return out;
}

/** Component groups the refund types draw on. */
export const PRODUCT_COMPONENTS: readonly Component[] = ['product', 'tax'];
export const SHIPPING_COMPONENTS: readonly Component[] = ['shipping', 'shippingTax'];
export const FEES_COMPONENTS: readonly Component[] = ['fees', 'feesTax'];
export const TAX_COMPONENTS: readonly Component[] = ['tax', 'shippingTax', 'feesTax'];
/** what a product refund without `type` draws on: everything but regulatory fees (DR) */
export const NOT_FEES: readonly Component[] = COMPONENTS.filter((c) => c !== 'fees' && c !== 'feesTax');
