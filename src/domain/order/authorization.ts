import type { AuthorizationAnswer, PaymentSourceForOrder } from './create.js';

/**
 * An authorization the processor is asked for, recorded (with the order id it is for) in the
 * transaction before the processor is called, so that an answer that never comes back, or comes
 * back to a process that died, is not lost: whoever finds the intent again (a retry of the request,
 * or the reconciler past its deadline) asks the processor what became of it, by its reference, and
 * finishes the order from there. The reference is the charge id the order will have.
 */
export interface AuthorizationIntent {
  accountId: string;
  /** our reference: the charge's id */
  id: string;
  checkoutId: string;
  orderId: string;
  /** the order charges are authorized in: secondary sources first, the primary last */
  position: number;
  source: PaymentSourceForOrder;
  currency: string;
  /** the account's clock when the order was asked for: the order's and the charge's time */
  requestedAt: number;
  state: 'pending' | 'answered' | 'abandoned';
  answer: AuthorizationAnswer | null;
  /** the Idempotency-Key of the request that recorded it: a retry with it gets the order */
  idempotencyKey: string | null;
  /** real time: past it, the reconciler finishes the intent */
  deadlineAt: number;
  createdAt: number;
  updatedAt: number;
}

/**
 * What the answers so far decide: authorize the next intent, make the order (every charge
 * approved), or refuse it (a decline). Charges are authorized one after another; a decline stops
 * the rest (they are never asked for).
 */
export function nextStep(
  intents: readonly AuthorizationIntent[],
): { kind: 'ask'; intent: AuthorizationIntent } | { kind: 'decided' } {
  const ordered = [...intents].sort((a, b) => a.position - b.position);
  for (const intent of ordered) {
    if (intent.answer === null) return { kind: 'ask', intent };
    if (!intent.answer.approved) return { kind: 'decided' };
  }
  return { kind: 'decided' };
}

/** The answered intents as the order's charge attempts, in order, up to the first decline. */
export function attemptsOf(intents: readonly AuthorizationIntent[]) {
  const attempts = [];
  for (const intent of [...intents].sort((a, b) => a.position - b.position)) {
    if (intent.answer === null) break;
    attempts.push({ chargeId: intent.id, source: intent.source, answer: intent.answer });
    if (!intent.answer.approved) break;
  }
  return attempts;
}
