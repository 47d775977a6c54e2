import type { ChargeState } from '../charge/transitions.js';
import {
  addLineParts,
  type LineParts,
  lineParts,
  linePartsTotal,
  type Parts,
  PRODUCT_COMPONENTS,
  partsTotal,
  subtractLineParts,
  ZERO_PARTS,
} from './components.js';
import type { ChargeRecord, Order, OrderItemRecord } from './model.js';

/**
 * The order's ledger: what each charge authorized and what its captures, cancels and refunds did
 * with it, pending, complete or failed, by line and component. Every amount an order shows on
 * the wire, and every state a charge is in, is derived here from the operations; nothing else
 * keeps a running total.
 */

export interface Flow {
  pendingMinor: number;
  completeMinor: number;
  failedMinor: number;
}

const flow = (): Flow => ({ pendingMinor: 0, completeMinor: 0, failedMinor: 0 });

export interface ChargeLedger {
  charge: ChargeRecord;
  authorizedMinor: number;
  capture: Flow;
  cancel: Flow;
  refund: Flow;
  /**
   * What no capture or cancel has claimed yet. Failed captures and cancels claim their share too:
   * the goods shipped (a failed capture is not retried), or the cancel cannot be repeated.
   */
  remainingMinor: number;
  /** completed captures, by line and component */
  captured: LineParts;
  /** refunds pending or complete, by line and component */
  refunded: LineParts;
  /** what refunds may still take: captured less refunded, cell by cell */
  refundable: LineParts;
}

export interface Ledger {
  charges: readonly ChargeLedger[];
  /** what each line is worth, by component */
  lines: LineParts;
  /** captures pending or complete (DR shows a pending capture in capturedAmount) */
  capturedMinor: number;
  capturedCompleteMinor: number;
  /** cancels pending or complete */
  cancelledMinor: number;
  /** refunds complete */
  refundedMinor: number;
  refundedPendingMinor: number;
  /** DR: captured − (refunds complete + refunds pending) */
  availableToRefundMinor: number;
}

export function linePartsOf(order: Order): LineParts {
  const out: Record<string, Parts> = {};
  for (const item of order.items)
    out[item.id] = lineParts({ ...item, taxInclusive: order.order.taxInclusive });
  return out;
}

function add(f: Flow, state: 'pending' | 'complete' | 'failed', amount: number): void {
  if (state === 'pending') f.pendingMinor += amount;
  else if (state === 'complete') f.completeMinor += amount;
  else f.failedMinor += amount;
}

const flowTotal = (f: Flow) => f.pendingMinor + f.completeMinor + f.failedMinor;

export function chargeLedger(order: Order, charge: ChargeRecord): ChargeLedger {
  const capture = flow();
  const cancel = flow();
  const refund = flow();
  let captured: LineParts = {};
  let refunded: LineParts = {};
  for (const op of order.operations) {
    if (op.chargeId !== charge.id) continue;
    if (op.kind === 'capture') {
      add(capture, op.state, op.amountMinor);
      if (op.state === 'complete') captured = addLineParts(captured, op.parts);
    } else if (op.kind === 'cancel') {
      add(cancel, op.state, op.amountMinor);
    } else {
      add(refund, op.state, op.amountMinor);
      if (op.state !== 'failed') refunded = addLineParts(refunded, op.parts);
    }
  }
  return {
    charge,
    authorizedMinor: charge.amountMinor,
    capture,
    cancel,
    refund,
    remainingMinor: charge.amountMinor - flowTotal(capture) - flowTotal(cancel),
    captured,
    refunded,
    refundable: subtractLineParts(captured, refunded),
  };
}

export function ledgerOf(order: Order): Ledger {
  const charges = order.charges.map((c) => chargeLedger(order, c));
  let capturedMinor = 0;
  let capturedCompleteMinor = 0;
  let cancelledMinor = 0;
  let refundedMinor = 0;
  let refundedPendingMinor = 0;
  let availableToRefundMinor = 0;
  for (const c of charges) {
    capturedMinor += c.capture.pendingMinor + c.capture.completeMinor;
    capturedCompleteMinor += c.capture.completeMinor;
    cancelledMinor += c.cancel.pendingMinor + c.cancel.completeMinor;
    refundedMinor += c.refund.completeMinor;
    refundedPendingMinor += c.refund.pendingMinor;
    availableToRefundMinor += linePartsTotal(c.refundable);
  }
  return {
    charges,
    lines: linePartsOf(order),
    capturedMinor,
    capturedCompleteMinor,
    cancelledMinor,
    refundedMinor,
    refundedPendingMinor,
    availableToRefundMinor,
  };
}

/**
 * An item's availableToRefundAmount: the unrefunded part of its captured amount and tax; it
 * leaves out shipping, duties and fees (issuing-refunds.md, "Available to refund amount:
 * item-level"). Every refund that drew on those cells lowers it, order-level ones included.
 */
export function itemRefundableMinor(ledger: Ledger, itemId: string): number {
  let total = 0;
  for (const c of ledger.charges) total += partsTotal(c.refundable[itemId] ?? ZERO_PARTS, PRODUCT_COMPONENTS);
  return total;
}

/** DR's charge states from the charge's money (payment-charges, "The charge lifecycle"). */
export function chargeState(c: ChargeLedger): ChargeState {
  if (c.remainingMinor > 0) return 'capturable';
  if (c.capture.pendingMinor + c.cancel.pendingMinor > 0) return 'processing';
  if (c.capture.completeMinor > 0) return 'complete';
  if (c.cancel.completeMinor === c.authorizedMinor) return 'cancelled';
  return 'failed';
}

/** Units of an item no fulfillment has shipped or cancelled yet (a blocked item has none). */
export function unitsLeft(item: OrderItemRecord): number {
  return item.state === 'blocked' ? 0 : item.quantity - item.fulfilledQuantity - item.cancelledQuantity;
}

/** Units shipped, cancelled or blocked: their value has been claimed from the charges. */
export function unitsClaimed(item: OrderItemRecord): number {
  return item.quantity - unitsLeft(item);
}
