import { assert } from '../../lib/assert.js';
import { OPERATION_MACHINES } from '../charge/transitions.js';
import { AppError } from '../errors.js';
import { REFUND_MACHINE, type RefundState } from '../refund/transitions.js';
import { move } from '../state-machine.js';
import { Draft, decided } from './draft.js';
import { ledgerOf, unitsLeft } from './ledger.js';
import type { Order } from './model.js';
import type { Context, Decision } from './plan.js';
import type { OrderState } from './transitions.js';

/**
 * A capture, cancel or refund settles: the processor's outcome (or a test helper's forced
 * failure) moves the operation, then its charge, its refund and the order, with the events DR
 * sends in that order (payment-charges: "All captures, cancels, and refunds have an initial
 * state of pending and then either transition to complete or failed").
 */

export interface SettlementOutcome {
  state: 'complete' | 'failed';
  failureCode?: string | undefined;
  failureMessage?: string | undefined;
}

/** DR's usual failure of a capture (informing-digital-river-of-a-fulfillment.md). */
export const OPERATION_FAILED = {
  failureCode: 'failed-request',
  failureMessage: 'Failed to operate on charge',
};

const DAY_MS = 86_400_000;

/**
 * The order state the order's money now implies, one step from `state` (the order's lifecycle:
 * cancelled once every item is cancelled and every cancel settled; complete once every capture
 * completed; returned once all captured money was refunded, or every item was returned).
 */
export function settledOrderState(order: Order): OrderState {
  const { state } = order.order;
  const pending = order.operations.some((o) => o.state === 'pending' && o.kind !== 'refund');
  if (state === 'accepted') {
    const cancelled =
      !pending &&
      order.items.every((i) => unitsLeft(i) === 0 && i.fulfilledQuantity === 0 && i.cancelledQuantity > 0);
    return cancelled ? 'cancelled' : state;
  }
  if (state === 'fulfilled') {
    const captures = order.operations.filter((o) => o.kind === 'capture');
    const complete = !pending && captures.length > 0 && captures.every((o) => o.state === 'complete');
    return complete ? 'complete' : state;
  }
  if (state === 'complete') {
    const ledger = ledgerOf(order);
    const refunded =
      ledger.refundedPendingMinor === 0 &&
      ledger.capturedCompleteMinor > 0 &&
      ledger.refundedMinor === ledger.capturedCompleteMinor;
    // or fully returned (the-order-lifecycle.md): every item returned or cancelled, and the
    // returns' refunds all succeeded
    const returnRefunds = order.refunds.filter((r) => r.returnId);
    const returnedGoods =
      ledger.refundedPendingMinor === 0 &&
      order.items.some((i) => i.state === 'returned') &&
      order.items.every((i) => i.state === 'returned' || i.state === 'cancelled') &&
      returnRefunds.every((r) => r.state === 'succeeded');
    return refunded || returnedGoods ? 'returned' : state;
  }
  return state;
}

/** Moves the order as far as its money now takes it (fulfilled → complete → returned at most). */
export function reconcile(draft: Draft): void {
  for (let step = 0; step < 3; step++) {
    const next = settledOrderState(draft.aggregate);
    if (next === draft.order.state) return;
    draft.moveOrder('settle', next);
  }
}

/** A refund is done when its charge refunds are: succeeded if all completed, failed otherwise. */
function finishRefund(draft: Draft, refundId: string): void {
  const refund = draft.refunds.find((r) => r.id === refundId);
  assert(refund !== undefined, `refund ${refundId} is of the order`);
  const ops = draft.operations.filter((o) => o.refundId === refundId);
  const failed = ops.find((o) => o.state === 'failed');
  const next: RefundState = ops.some((o) => o.state === 'pending')
    ? 'pending'
    : failed
      ? 'failed'
      : 'succeeded';
  const { events } = move(REFUND_MACHINE, refund.state, 'settle', next);
  if (next !== refund.state) {
    draft.replaceRefund({
      ...refund,
      state: next,
      failureReason: failed ? (failed.failureMessage ?? 'The refund failed.') : null,
      updatedAt: draft.now,
    });
  }
  draft.emit(events, { kind: 'refund', id: refundId });
}

export function decideSettlement(
  order: Order,
  operationId: string,
  outcome: SettlementOutcome,
  ctx: Context,
  /** a late-presentment chargeback follows a completed force-settled capture after so many days */
  chargebackAfterDays: number | null = null,
): Decision {
  return decided(() => {
    const draft = new Draft(order, ctx);
    const op = order.operations.find((o) => o.id === operationId);
    // settled already (a task that ran twice, a test helper that came first): nothing to do
    if (op?.state !== 'pending') return draft.plan();
    const { events } = move(OPERATION_MACHINES[op.kind], op.state, 'settle', outcome.state);
    const failed = outcome.state === 'failed';
    draft.replaceOperation({
      ...op,
      state: outcome.state,
      failureCode: failed ? (outcome.failureCode ?? OPERATION_FAILED.failureCode) : null,
      failureMessage: failed ? (outcome.failureMessage ?? OPERATION_FAILED.failureMessage) : null,
      updatedAt: ctx.now,
    });
    draft.emit(events, { kind: 'charge', id: op.chargeId });
    draft.moveCharge(op.chargeId, 'settle');
    if (op.kind === 'capture' && op.forced && !failed && chargebackAfterDays !== null) {
      draft.tasks.push({
        kind: 'chargeback',
        subjectId: order.order.id,
        payload: { operationId: op.id },
        dueAt: ctx.now + chargebackAfterDays * DAY_MS,
      });
    }
    if (op.kind === 'refund' && op.refundId) finishRefund(draft, op.refundId);
    reconcile(draft);
    return draft.plan();
  });
}

/** A test helper: a pending capture fails now. */
export function decideCaptureFailure(order: Order, operationId: string, ctx: Context): Decision {
  const op = order.operations.find((o) => o.id === operationId);
  if (op && op.kind === 'capture' && op.state !== 'pending') {
    return {
      ok: false,
      error: new AppError(
        'restricted_update',
        'id',
        `Capture '${operationId}' is ${op.state}: only a pending capture can be failed.`,
      ),
    };
  }
  return decideSettlement(order, operationId, { state: 'failed', ...OPERATION_FAILED }, ctx);
}
