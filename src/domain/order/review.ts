import { isoSeconds } from '../../lib/time.js';
import { move } from '../state-machine.js';
import { chargesInTurn, splitOverCharges } from './claims.js';
import { addLineParts, type LineParts, unitsParts } from './components.js';
import { Draft, decided } from './draft.js';
import { chargeLedger, unitsClaimed, unitsLeft } from './ledger.js';
import type { Order } from './model.js';
import type { Context, Decision } from './plan.js';
import { ITEM_MACHINE } from './transitions.js';

/**
 * The outcome of a fraud review (the-order-lifecycle.md, "Fraud review"): accepted, or blocked —
 * the items blocked and every charge cancelled in full at once (DR's order.blocked shows the
 * charge `cancelled` with one complete cancel of its whole amount).
 */
export function decideReview(order: Order, outcome: 'accept' | 'block', ctx: Context): Decision {
  return decided(() => {
    const draft = new Draft(order, ctx);
    if (order.order.state !== 'in_review') return draft.plan();
    if (outcome === 'accept') {
      draft.moveOrder('review.accept', 'accepted', 'passed');
      return draft.plan();
    }
    // what the units no fulfillment claimed are worth, cancelled from the primary charge first
    let value: LineParts = {};
    for (const item of order.items) {
      const line = { ...item, taxInclusive: order.order.taxInclusive };
      value = addLineParts(value, { [item.id]: unitsParts(line, unitsClaimed(item), unitsLeft(item)) });
    }
    const claims = splitOverCharges(
      value,
      chargesInTurn(order.charges, 'cancel').map((c) => ({
        chargeId: c.id,
        availableMinor: chargeLedger(order, c).remainingMinor,
      })),
    );
    const stamp = isoSeconds(ctx.now);
    for (const item of order.items) {
      move(ITEM_MACHINE, item.state, 'block', 'blocked');
      draft.replaceItem({
        ...item,
        state: 'blocked',
        stateTransitions: { ...item.stateTransitions, blocked: stamp },
      });
    }
    for (const claim of claims) {
      const cancel = draft.newOperation(claim, 'cancel', { state: 'complete' });
      draft.addOperation(cancel);
      draft.operationCreated(cancel);
      draft.moveCharge(claim.chargeId, 'block');
    }
    draft.moveOrder('review.block', 'blocked', 'blocked');
    return draft.plan();
  });
}
