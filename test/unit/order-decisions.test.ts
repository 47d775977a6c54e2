import { describe, it } from 'node:test';
import { FULFILLMENTS_PER_ORDER_MAX } from '../../src/limits.js';
import { runTable } from '../helpers/order-world.js';

/**
 * The order's decisions as tables (test/helpers/order-world.ts explains the language): given an
 * order and a command, the plan's states, amounts and events, or DR's error. No database: the
 * whole file runs in milliseconds. Issue 11's defects are named where they are covered.
 */

describe('order decisions: fulfillments', () => {
  it('ships some units and cancels the rest in one request, on one item (defect 2)', () =>
    runTable(`
      order 1250x2 rate=0.06875                    → total=26.72 tax=1.72
      fulfil 0:1/1 → order=fulfilled item0=fulfilled charge0=processing captured=13.36 cancelled=13.36 events=fulfillment.created,order.charge.capture.pending,order.charge.cancel.pending,order.charge.processing,order.fulfilled
      settle       → order=complete charge0=complete available=13.36 item0.available=13.36 events=order.charge.capture.complete,order.charge.cancel.complete,order.charge.complete,order.complete
      fulfil 0:1   → 409 order_fulfilled orderId
    `));

  it('ships one item and cancels another in one request (defect 2)', () =>
    runTable(`
      order 1000x1 2000x1 rate=0.1
      fulfil 0:1,1:0/1 → order=fulfilled item0=fulfilled item1=cancelled charge0=processing captured=11.00 cancelled=22.00
      settle           → order=complete charge0=complete available=11.00 item0.available=11.00 item1.available=0.00
    `));

  it('ships in parts: the charge stays capturable, the order accepted, until the last unit', () =>
    runTable(`
      order 1250x2 rate=0.06875
      fulfil 0:1 → order=accepted item0=created charge0=capturable captured=13.36 available=0.00
      settle     → order=accepted charge0=capturable available=13.36 events=order.charge.capture.complete
      fulfil 0:1 → order=fulfilled charge0=processing captured=26.72
      settle     → order=complete charge0=complete available=26.72
      fulfil 0:1 → 409 order_fulfilled orderId
    `));

  it('refuses more units than are left, twice-named items and unknown ones', () =>
    runTable(`
      order 1250x2 1000x1
      fulfil 0:3     → 409 quantity_too_large items[0].quantity
      fulfil 0:1/2   → 409 quantity_too_large items[0].cancelQuantity
      fulfil 0:1,0:1 → 400 invalid_parameter items[1].itemId
      fulfil 7:1     → 400 invalid_parameter items[0].itemId
      fulfil 0:0     → 400 missing_parameter items[0].quantity
      fulfil 0:2     → captured=26.72 order=accepted
      fulfil 0:1     → 409 quantity_too_large items[0].quantity
    `));

  it('takes captures from the secondary charge first, cancels from the primary first', () =>
    runTable(`
      order 1000x2 rate=0.1 credit=500               → total=22.00
      fulfil 0:1   → charge0=processing charge1=capturable captured=11.00
      fulfil 0:0/1 → charge0=processing charge1=processing cancelled=11.00
      settle       → order=complete charge0=complete charge1=complete available=11.00
    `));

  it('a cancel that fails leaves the items cancelled and cancels the order (defect 5)', () =>
    runTable(`
      order 1250x2
      fulfil 0:0/2 → order=accepted item0=cancelled charge0=processing
      fulfil 0:1   → 409 order_cancelled orderId
      settle fail  → order=cancelled item0=cancelled charge0=failed events=order.charge.cancel.failed,order.charge.failed,order.cancelled
      fulfil 0:1   → 409 order_cancelled orderId
    `));

  it('a cancel that fails beside a capture: the order completes on the capture', () =>
    runTable(`
      order 1250x2
      fulfil 0:1/1       → order=fulfilled
      settle fail cancel → order=fulfilled charge0=processing
      settle capture     → order=complete charge0=complete available=13.36
    `));

  it('a capture that fails: the order stays fulfilled, nothing is refundable', () =>
    runTable(`
      order 1250x2
      fulfil 0:2          → order=fulfilled
      settle fail capture → order=fulfilled charge0=failed available=0.00 events=order.charge.capture.failed,order.charge.failed
      refund amount=1.00  → 400 invalid_parameter amountRequested
    `));

  it('cancels everything: the order is cancelled once the cancel completes', () =>
    runTable(`
      order 1250x2
      fulfil 0:0/2 → order=accepted charge0=processing cancelled=26.72
      settle       → order=cancelled charge0=cancelled events=order.charge.cancel.complete,order.charge.cancelled,order.cancelled
      refund amount=1.00 → 409 order_cancelled orderId
    `));

  it(`allows ${FULFILLMENTS_PER_ORDER_MAX} fulfillments per order`, () =>
    runTable(`
      order 100x${FULFILLMENTS_PER_ORDER_MAX + 1}
      ${'fulfil 0:1\n'.repeat(FULFILLMENTS_PER_ORDER_MAX)}
      fulfil 0:1 → 409 limit_exceeded orderId
    `));
});

describe('order decisions: reauthorization under the risk policy (seed 002)', () => {
  it('an authorization is expired at the moment it expires: averse and refused → 409, nothing changes', () =>
    runTable(`
      order 1250x2
      expire
      policy averse
      reauth refused
      fulfil 0:1 → 409 payment_authorization_failed orderId order=accepted item0=created captured=0.00 events=order.charge.reauth.failed
      policy tolerant
      fulfil 0:1 → order=accepted captured=13.36 events=fulfillment.created,order.charge.capture.pending
    `));

  it('a granted reauthorization captures on the new authorization', () =>
    runTable(`
      order 1250x2
      advance 604800
      policy averse
      fulfil 0:2 → order=fulfilled captured=26.72
      settle     → order=complete
    `));

  it('a charge whose reauthorizations a test helper refuses', () =>
    runTable(`
      order 1250x2
      policy averse
      refuse
      fulfil 0:1 → order=accepted captured=13.36
      expire
      fulfil 0:1 → 409 payment_authorization_failed orderId
    `));

  it('a cancel needs no authorization', () =>
    runTable(`
      order 1250x2
      expire
      policy averse
      reauth refused
      fulfil 0:0/2 → order=accepted cancelled=26.72
    `));
});

describe('order decisions: refunds', () => {
  it('refunds a partly captured order (defect 1)', () =>
    runTable(`
      order 1250x2 rate=0.06875
      fulfil 0:1         → available=0.00
      refund amount=1.00 → 400 invalid_parameter amountRequested
      settle             → charge0=capturable available=13.36 item0.available=13.36
      refund amount=5.00 → refund=5.00 available=8.36 order=accepted events=refund.pending,order.charge.refund.pending
      refund percent=50  → refund=4.18 available=4.18
      refund items=0:q1  → 400 invalid_parameter amountRequested
      refund items=0:p100 → refund=4.18 available=0.00
      settle             → refunded=13.36 events=order.charge.refund.complete,refund.complete,order.charge.refund.complete,refund.complete,order.charge.refund.complete,refund.complete
      fulfil 0:1         → order=fulfilled
      settle             → order=complete available=13.36
    `));

  it('a refund settles with refund.complete, and failed money is refundable again', () =>
    runTable(`
      order 1250x2
      fulfil 0:2 ; settle
      refund amount=5.00 → available=21.72
      settle             → refunded=5.00 events=order.charge.refund.complete,refund.complete
      refund amount=5.00 → available=16.72
      settle fail        → refunded=5.00 available=21.72 events=order.charge.refund.failed,refund.failed
    `));

  it('refunds the tax only in full, and only what was captured and not refunded (defect 3)', () =>
    runTable(`
      order 1250x2 rate=0.06875                         → tax=1.72
      fulfil 0:2 ; settle
      refund type=tax amount=0.50 → 400 invalid_parameter amountRequested
      refund type=tax percent=50  → 400 invalid_parameter percentRequested
      refund type=tax amount=1.73 → 400 invalid_parameter amountRequested
      refund type=tax             → refund=1.72 available=25.00
      refund type=tax             → 400 invalid_parameter amountRequested
      refund type=tax percent=100 → 400 invalid_parameter amountRequested
    `));

  it('refunds the tax of the captured units only (defect 3)', () =>
    runTable(`
      order 1000x3 rate=0.1               → total=33.00 tax=3.00
      fulfil 0:2/1 ; settle
      refund type=tax amount=2.00         → refund=2.00 available=20.00
    `));

  it('a tax refund after a product refund takes the tax that is left', () =>
    runTable(`
      order 1000x2 rate=0.1               → total=22.00
      fulfil 0:2 ; settle
      refund amount=11.00                 → available=11.00
      refund type=tax                     → refund=1.00 available=10.00
      refund type=duty                    → 400 invalid_parameter type
      refund type=importer_tax            → 400 invalid_parameter type
    `));

  it('refunds shipping with its tax, by percent of what is left, never twice', () =>
    runTable(`
      order 1000x2 rate=0.1 shipping=500  → total=27.50
      fulfil 0:2 ; settle
      refund type=shipping percent=50     → refund=2.75 available=24.75 item0.available=22.00
      refund type=shipping amount=2.76    → 400 invalid_parameter amountRequested
      refund type=shipping                → refund=2.75 available=22.00
      refund type=shipping                → 400 invalid_parameter amountRequested
      refund type=tax                     → refund=2.00
    `));

  it('honours items[].type: shipping, fees, duty (defect 4)', () =>
    runTable(`
      order 1000x2 1000x1 rate=0.1 shipping=300
      fulfil 0:2,1:1 ; settle
      refund items=0:t=shipping:p100 → refund=2.20 item0.available=22.00
      refund items=0:t=shipping      → 400 invalid_parameter amountRequested
      refund items=1:t=shipping:p50  → refund=0.55
      refund items=0:t=fees          → 400 invalid_parameter items[0].type
      refund items=0:t=duty          → 400 invalid_parameter items[0].type
      refund items=0:q1              → refund=11.00 item0.available=11.00
    `));

  it('item refunds: units in turn, percent of the units named, never more than the order holds', () =>
    runTable(`
      order 1000x2 1000x4 rate=0.0805
      fulfil 0:2,1:4 ; settle
      refund items=0:q2:p100,1:q4:p50 → refund=43.22 item0.available=0.00 item1.available=21.61
      refund items=0:q1               → 400 invalid_parameter items[0].quantity
      refund items=1:q4               → 400 invalid_parameter amountRequested
      refund items=1:a21.62           → 400 invalid_parameter amountRequested
      refund items=1:a21.61           → refund=21.61 available=0.00
      refund items=7:q1               → 400 invalid_parameter items[0].itemId
    `));

  it('an item may refund only what the order still holds for it, after order-level refunds', () =>
    runTable(`
      order 1250x2 rate=0.06875
      fulfil 0:2 ; settle
      refund amount=26.72 → available=0.00 item0.available=0.00
      refund items=0:q1   → 400 invalid_parameter amountRequested
      refund items=0:a0.01 → 400 invalid_parameter amountRequested
    `));

  it('refuses what DR refuses', () =>
    runTable(`
      order 1250x2
      fulfil 0:2 ; settle
      refund amount=1.00 currency=EUR → 400 invalid_parameter currency
      refund                          → 400 missing_parameter amount
      refund amount=1.00 percent=5    → 400 invalid_parameter amount
      refund amount=26.73             → 400 invalid_parameter amountRequested
      refund percent=0.01             → 400 invalid_parameter amountRequested
    `));

  it('a fully refunded order is returned once the refunds complete', () =>
    runTable(`
      order 1250x2
      fulfil 0:2 ; settle
      refund percent=100 → order=complete available=0.00
      settle             → order=returned refunded=26.72 events=order.charge.refund.complete,refund.complete,order.refunded
      refund amount=0.01 → 409 order_fulfilled orderId
    `));
});

describe('order decisions: fraud review', () => {
  it('blocked: items blocked, every charge cancelled in full at once', () =>
    runTable(`
      order 1000x2 rate=0.1 credit=500 review=block
      fulfil 0:1   → 409 order_not_submitted orderId
      review block → order=blocked item0=blocked charge0=cancelled charge1=cancelled cancelled=22.00 events=order.charge.cancel.complete,order.charge.cancelled,order.charge.cancel.complete,order.charge.cancelled,order.blocked
    `));

  it('accepted: the order is fulfilled as any other', () =>
    runTable(`
      order 1000x2 review=accept
      review accept → order=accepted events=order.accepted
      fulfil 0:2    → order=fulfilled
    `));
});

describe('order decisions: returns (returns-and-refunds-1/returns/creating-a-return.md)', () => {
  it('returns only fulfilled units not already on a return or refunded', () =>
    runTable(`
      order 1000x2 500x3 rate=0.1
      return 0:1          → 409 quantity_too_large items[0].qty
      fulfil 0:2,1:3
      settle              → order=complete
      return 0:3          → 409 quantity_too_large items[0].qty
      return 0:1,0:2      → 409 quantity_too_large items[1].qty
      return 0:2          → return0=created/0/0 events=return.created
      return 0:1          → 409 quantity_too_large items[0].qty
      refund items=1:q1   → refund=5.50
      return 1:3          → 409 quantity_too_large items[0].qty
      return 1:2          → return1=created/0/0
    `));

  it('accepted whole: one refund of the units, items returned, the order returned once it settles', () =>
    runTable(`
      order 1000x2 500x1 rate=0.1
      fulfil 0:2,1:1
      settle              → order=complete
      return 0:2,1:1
      accept              → return0=accepted/2+1/1 refund=27.50 item0=returned item1=returned order=complete events=return.accepted,refund.pending,order.charge.refund.pending
      accept              → 409 restricted_update state
      settle              → order=returned events=order.charge.refund.complete,refund.complete,order.refunded
    `));

  it('accepted shipment by shipment: no refund until the last, then one per shipment', () =>
    runTable(`
      order 1000x2 500x2 rate=0.1
      fulfil 0:2,1:2
      settle
      return 0:2,1:2
      accept 0:2          → return0=created/2+0/0 events=return.updated
      accept 1:3          → 409 quantity_too_large items[0].quantity
      accept 1:1          → return0=created/2+1/0
      accept 1:1          → return0=accepted/2+2/3 item0=returned item1=returned refunded=0.00
      settle              → order=returned refunded=33.00
    `));

  it('a partial return leaves the other items as they are, and the order complete', () =>
    runTable(`
      order 1000x2 500x1 rate=0.1
      fulfil 0:2,1:1
      settle
      return 0:1
      accept              → item0=fulfilled item1=fulfilled return0=accepted/1/1
      settle              → order=complete refunded=11.00
    `));

  it('acceptance before the capture completes is refused like the refund it would make', () =>
    runTable(`
      order 1000x1 rate=0.1
      fulfil 0:1          → order=fulfilled
      return 0:1          → return0=created/0/0
      accept              → 400 invalid_parameter amountRequested
      settle              → order=complete
      accept              → return0=accepted/1/1
    `));
});

describe('order decisions: disputes (returns-and-refunds-1/disputes-and-chargebacks.md)', () => {
  it('a dispute holds the order; won, it resumes with its money untouched', () =>
    runTable(`
      order 1000x2 rate=0.1
      fulfil 0:1
      settle              → order=accepted available=11.00
      dispute             → order=dispute events=order.dispute
      fulfil 0:1          → 409 order_not_submitted orderId
      refund amount=1.00  → 400 invalid_parameter order
      return 0:1          → 409 invalid_parameter order
      dispute             → 409 order_not_submitted orderId
      resolve won         → order=accepted available=11.00 refunded=0.00 events=order.dispute.resolved
      resolve won         → 409 order_not_submitted orderId
      fulfil 0:1          → order=fulfilled
    `));

  it('lost: everything refundable charged back at once, primary charge first; lost in part', () =>
    runTable(`
      order 1000x2 rate=0.1 credit=500   → total=22.00
      fulfil 0:2
      settle              → order=complete available=22.00
      refund amount=2.00
      settle
      dispute
      resolve lost amount=30.00 → 400 invalid_parameter amount
      resolve won amount=1.00   → 400 invalid_parameter amount
      resolve lost amount=15.00 → order=complete refunded=17.00 available=5.00 events=order.charge.refund.complete,order.chargeback,order.dispute.resolved
      dispute
      resolve lost        → order=complete refunded=22.00 available=0.00
    `));

  it('the late-presentment chargeback is a dispute opened and lost at once', () =>
    runTable(`
      order 1000x1 rate=0.1
      fulfil 0:1
      settle              → order=complete
      chargeback          → order=complete refunded=11.00 available=0.00 events=order.dispute,order.charge.refund.complete,order.chargeback,order.dispute.resolved
    `));
});
