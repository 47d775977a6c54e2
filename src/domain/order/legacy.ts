import {
  addLineParts,
  allocateOver,
  COMPONENTS,
  type Component,
  type LineParts,
  linePartsTotal,
  PRODUCT_COMPONENTS,
  restrict,
  subtractLineParts,
  unitsParts,
} from './components.js';
import { linePartsOf } from './ledger.js';
import type { OperationRecord, Order } from './model.js';

/**
 * Operations written before the ledger kept their parts (migration 6) have none. They are given
 * parts here, when such an order is read, by replaying its history as the decisions would have:
 * fulfillments in turn claim their units' value, a refund draws on what its charge has captured
 * and not refunded. Amounts stay as they were recorded; where an earlier version's rounding
 * differs from today's by a minor unit, the order is marked `legacy` and the exact per-unit check
 * is left out for it (every other invariant holds).
 */
export function withLegacyParts(order: Order): Order {
  if (!order.operations.some((o) => Object.keys(o.parts).length === 0)) return order;
  const taxInclusive = order.order.taxInclusive;
  const lines = linePartsOf(order);
  const consumed = new Map<string, number>();
  /** what each fulfillment's units are worth, less what its operations have been given so far */
  const value = new Map<string, Record<'capture' | 'cancel', LineParts>>();
  for (const f of [...order.fulfillments].sort((a, b) => a.createdAt - b.createdAt)) {
    const own: Record<'capture' | 'cancel', LineParts> = { capture: {}, cancel: {} };
    for (const fi of f.items) {
      const item = order.items.find((i) => i.id === fi.itemId);
      if (!item) continue;
      const from = consumed.get(item.id) ?? 0;
      const line = { ...item, taxInclusive };
      const q = Math.min(fi.quantity, item.quantity - from);
      const cq = Math.min(fi.cancelQuantity, item.quantity - from - q);
      own.capture = addLineParts(own.capture, { [item.id]: unitsParts(line, from, q) });
      own.cancel = addLineParts(own.cancel, { [item.id]: unitsParts(line, from + q, cq) });
      consumed.set(item.id, from + q + cq);
    }
    value.set(f.id, own);
  }
  let unclaimed = lines;
  const captured = new Map<string, LineParts>();
  const refunded = new Map<string, LineParts>();
  const fromPool = (amount: number, pool: LineParts, only: readonly Component[] = COMPONENTS): LineParts => {
    const eligible = restrict(pool, undefined, only);
    if (linePartsTotal(eligible) >= amount) return allocateOver(amount, eligible);
    return allocateOver(Math.min(amount, linePartsTotal(pool)), pool);
  };
  const operations = order.operations.map((op): OperationRecord => {
    if (Object.keys(op.parts).length > 0) return op;
    let parts: LineParts;
    if (op.kind === 'refund') {
      const pool = subtractLineParts(captured.get(op.chargeId) ?? {}, refunded.get(op.chargeId) ?? {});
      const refund = order.refunds.find((r) => r.id === op.refundId);
      const named = new Set(refund?.items.map((i) => i.itemId) ?? []);
      const narrow = named.size > 0 ? restrict(pool, named, PRODUCT_COMPONENTS) : pool;
      parts =
        linePartsTotal(narrow) >= op.amountMinor
          ? allocateOver(op.amountMinor, narrow)
          : fromPool(op.amountMinor, pool);
      if (op.state !== 'failed')
        refunded.set(op.chargeId, addLineParts(refunded.get(op.chargeId) ?? {}, parts));
    } else {
      const own = op.fulfillmentId ? value.get(op.fulfillmentId) : undefined;
      const fromOwn = own !== undefined && linePartsTotal(own[op.kind]) >= op.amountMinor;
      parts = fromPool(op.amountMinor, fromOwn ? own[op.kind] : unclaimed);
      if (fromOwn) own[op.kind] = subtractLineParts(own[op.kind], parts);
      unclaimed = subtractLineParts(unclaimed, restrictTo(parts, unclaimed));
      if (op.kind === 'capture' && op.state === 'complete')
        captured.set(op.chargeId, addLineParts(captured.get(op.chargeId) ?? {}, parts));
    }
    return { ...op, parts };
  });
  return { ...order, operations, legacy: true };
}

/** `parts`, but never more per cell than `pool` holds. */
function restrictTo(parts: LineParts, pool: LineParts): LineParts {
  const out: Record<string, Record<Component, number>> = {};
  for (const [line, p] of Object.entries(parts)) {
    const have = pool[line];
    const kept = { ...p } as Record<Component, number>;
    for (const c of COMPONENTS) kept[c] = Math.min(p[c], have?.[c] ?? 0);
    out[line] = kept;
  }
  return out;
}
