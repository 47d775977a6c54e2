import { assert } from '../../lib/assert.js';
import { invalidParameter } from '../errors.js';
import { chargesInTurn } from './claims.js';
import { allocateOver, linePartsTotal } from './components.js';
import { Draft, decided } from './draft.js';
import { chargeLedger } from './ledger.js';
import type { Order } from './model.js';
import { type Context, combinePlans, type Decision } from './plan.js';

/**
 * Disputes and chargebacks (order-management/returns-and-refunds-1/disputes-and-chargebacks.md):
 * - a dispute moves the order to `dispute` (`order.dispute`, `stateTransitions.dispute`); while
 *   it is open the order takes no fulfillment (409 order_not_submitted on orderId), refund (400
 *   invalid_parameter on order) or return (409 invalid_parameter on order): the state table has
 *   no such cell in `dispute`;
 * - resolved without a chargeback, the order goes back to the state it had
 *   (`order.dispute.resolved`);
 * - lost, the money is charged back first: refunds of the charges, created complete (a
 *   chargeback is not asked of the processor, it is what the bank did), primary charge first,
 *   so `refundedAmount` grows and `availableToRefundAmount` shrinks or drops to 0
 *   (`order.charge.refund.complete`, `order.chargeback`); then the order resumes its state
 *   (`order.dispute.resolved`). What is left can still be refunded.
 */

export type DisputeOutcome = 'won' | 'lost';

export function decideDisputeOpen(order: Order, ctx: Context): Decision {
  return decided(() => {
    const draft = new Draft(order, ctx);
    draft.moveOrder('dispute.open', 'dispute');
    draft.dispute = { from: order.order.state, openedAt: ctx.now };
    return draft.plan();
  });
}

/** `amountMinor`: what a lost dispute charges back (default everything still refundable). */
export function decideDisputeResolution(
  order: Order,
  outcome: DisputeOutcome,
  amountMinor: number | null,
  ctx: Context,
): Decision {
  return decided(() => {
    const draft = new Draft(order, ctx);
    if (order.order.state !== 'dispute') {
      // the state table's 409 for a resolution without a dispute
      draft.moveOrder('dispute.resolve', order.order.state);
    }
    const from = order.dispute?.from;
    assert(from !== undefined, `order ${order.order.id} in dispute knows the state it came from`);
    if (outcome === 'lost') chargeBack(draft, order, amountMinor);
    else if (amountMinor !== null)
      throw invalidParameter('amount', 'Only a lost dispute charges an amount back.');
    draft.moveOrder('dispute.resolve', from);
    draft.dispute = undefined;
    return draft.plan();
  });
}

function chargeBack(draft: Draft, order: Order, amountMinor: number | null): void {
  const refundable = order.charges.map((charge) => ({
    charge,
    parts: chargeLedger(order, charge).refundable,
  }));
  const available = refundable.reduce((s, r) => s + linePartsTotal(r.parts), 0);
  const wanted = amountMinor ?? available;
  if (wanted > available)
    throw invalidParameter('amount', 'The chargeback amount is greater than the available amount.');
  let left = wanted;
  for (const charge of chargesInTurn(order.charges, 'refund')) {
    if (left === 0) break;
    const parts = refundable.find((r) => r.charge.id === charge.id)?.parts ?? {};
    const holding = linePartsTotal(parts);
    const take = Math.min(left, holding);
    if (take === 0) continue;
    const claim = {
      chargeId: charge.id,
      amountMinor: take,
      parts: take === holding ? parts : allocateOver(take, parts),
    };
    const op = draft.newOperation(claim, 'refund', { state: 'complete' });
    draft.addOperation(op);
    draft.operationCreated(op);
    draft.moveCharge(op.chargeId, 'refund');
    left -= take;
  }
  assert(left === 0, `a chargeback exceeds what the order holds by ${left}`);
  draft.moveOrder('chargeback', 'dispute');
}

/**
 * A late-presentment chargeback (the 4000 0072 0000 0401 card, 30 days after a force-settled
 * capture): the same path as a dispute opened and lost at once, for everything refundable.
 */
export function decideChargeback(order: Order, ctx: Context): Decision {
  const opened = decideDisputeOpen(order, ctx);
  if (!opened.ok) return opened;
  const lost = decideDisputeResolution(opened.plan.next, 'lost', null, ctx);
  if (!lost.ok) return lost;
  return { ok: true, plan: combinePlans(ctx.now, lost.plan.next, [opened.plan, lost.plan]) };
}
