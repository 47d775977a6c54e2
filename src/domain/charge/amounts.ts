import type { ChargeState, OperationKind, OperationState } from './transitions.js';

/**
 * A charge's money, derived from its operations. Failed captures and cancels consume the
 * authorization too (the goods shipped, or the cancel cannot be retried), so the remainder is
 * what no operation has claimed.
 */
export interface OperationAmount {
  kind: OperationKind;
  state: OperationState;
  amountMinor: number;
}

export interface ChargeAmounts {
  authorizedMinor: number;
  capturedPendingMinor: number;
  capturedMinor: number;
  cancelledPendingMinor: number;
  cancelledMinor: number;
  failedMinor: number;
  refundedPendingMinor: number;
  refundedMinor: number;
  /** still available to capture or cancel */
  remainingMinor: number;
}

export function chargeAmounts(
  authorizedMinor: number,
  operations: readonly OperationAmount[],
): ChargeAmounts {
  const total = (kind: OperationKind, state: OperationState) =>
    operations.filter((o) => o.kind === kind && o.state === state).reduce((sum, o) => sum + o.amountMinor, 0);
  const a = {
    authorizedMinor,
    capturedPendingMinor: total('capture', 'pending'),
    capturedMinor: total('capture', 'complete'),
    cancelledPendingMinor: total('cancel', 'pending'),
    cancelledMinor: total('cancel', 'complete'),
    failedMinor: total('capture', 'failed') + total('cancel', 'failed'),
    refundedPendingMinor: total('refund', 'pending'),
    refundedMinor: total('refund', 'complete'),
    remainingMinor: 0,
  };
  a.remainingMinor =
    authorizedMinor -
    a.capturedPendingMinor -
    a.capturedMinor -
    a.cancelledPendingMinor -
    a.cancelledMinor -
    a.failedMinor;
  return a;
}

/** DR: partially captured stays capturable; fully claimed with something pending is processing. */
export function chargeState(a: ChargeAmounts): ChargeState {
  if (a.remainingMinor > 0) return 'capturable';
  if (a.capturedPendingMinor + a.cancelledPendingMinor > 0) return 'processing';
  if (a.capturedMinor > 0) return 'complete';
  if (a.cancelledMinor === a.authorizedMinor) return 'cancelled';
  return 'failed';
}

/** Captured money that can still be refunded. */
export const refundableMinor = (a: ChargeAmounts): number =>
  a.capturedMinor - a.refundedMinor - a.refundedPendingMinor;
