import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertInvariants } from '../../src/domain/order/invariants.js';
import type { Order } from '../../src/domain/order/model.js';
import { AssertionError } from '../../src/lib/assert.js';
import { World } from '../helpers/order-world.js';

/**
 * The money invariants' checker itself: it passes an order the decisions made, and refuses that
 * order corrupted in each way it exists to catch. Without this, a checker that stopped checking
 * (a condition inverted, a loop over nothing) would pass every other test.
 */

/** An order with a bit of everything: two lines, a partial shipment settled, a refund, a return. */
function world(): World {
  const w = new World();
  for (const step of [
    'order 1250x2 1000x1 rate=0.1',
    'fulfil 0:1',
    'settle',
    'refund amount=1.00',
    'return 0:1',
  ])
    assert.equal(w.run(step), undefined, step);
  return w;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] extends object ? Mutable<T[K]> : T[K] };
const copy = (order: Order): Mutable<Order> => structuredClone(order) as Mutable<Order>;

const CORRUPTIONS: [string, RegExp, (o: Mutable<Order>) => void][] = [
  ['the total no longer the sum of the lines', /lines sum to/, (o) => (o.order.totals.totalAmountMinor += 1)],
  ['a tax total off by a cent', /line taxes sum to/, (o) => (o.order.totals.totalTaxMinor -= 1)],
  [
    'a charge that no longer covers the total',
    /the charges cover the order total/,
    (o) => {
      const charge = o.charges[0];
      if (charge) charge.amountMinor -= 1;
    },
  ],
  [
    'an operation whose parts do not sum to its amount',
    /parts do not sum to its amount/,
    (o) => {
      const op = o.operations[0];
      if (op) op.amountMinor += 1;
    },
  ],
  [
    'an operation of zero',
    /moves 0/,
    (o) => {
      const op = o.operations[0];
      if (op) op.amountMinor = 0;
    },
  ],
  [
    'an operation on a line of another order',
    /names line .* of another order/,
    (o) => {
      const op = o.operations[0];
      if (!op) return;
      const [line, parts] = Object.entries(op.parts)[0] ?? [];
      if (line === undefined || parts === undefined) return;
      delete op.parts[line];
      op.parts['elsewhere'] = parts;
    },
  ],
  [
    'a refund larger than what was captured',
    /below zero|negative|exceed/,
    (o) => {
      const refund = o.operations.find((op) => op.kind === 'refund');
      const line = refund && Object.keys(refund.parts)[0];
      if (!refund || line === undefined) return;
      const parts = refund.parts[line];
      if (!parts) return;
      parts.product += 10_000;
      refund.amountMinor += 10_000;
    },
  ],
  [
    'captures and cancels beyond the authorization',
    /exceed its authorization|claimed/,
    (o) => {
      const capture = o.operations.find((op) => op.kind === 'capture');
      if (!capture) return;
      o.operations.push({ ...structuredClone(capture), id: 'extra-capture' });
    },
  ],
  [
    'units shipped that no capture claimed',
    /claimed .* its units are worth/,
    (o) => {
      const item = o.items[1];
      if (item) item.fulfilledQuantity += 1;
    },
  ],
  [
    'a return accepting more units than it holds',
    /units accepted/,
    (o) => {
      const item = o.returns[0]?.items[0];
      if (item) item.quantityAccepted = item.quantity + 1;
    },
  ],
  [
    'more units on returns than were fulfilled',
    /more units on returns than fulfilled/,
    (o) => {
      const item = o.returns[0]?.items[0];
      if (item) item.quantity += 5;
    },
  ],
];

describe('the money invariants checker', () => {
  it('passes the order the decisions made', () => {
    const w = world();
    assert.ok(
      w.order.refunds.length === 1 && w.order.returns.length === 1,
      'the order has a refund and a return',
    );
    assertInvariants(w.order);
  });

  for (const [what, message, corrupt] of CORRUPTIONS)
    it(`refuses ${what}`, () => {
      const order = copy(world().order);
      corrupt(order);
      assert.notDeepEqual(order, world().order, 'the corruption changed the order');
      assert.throws(
        () => assertInvariants(order as Order),
        (error: unknown) => error instanceof AssertionError && message.test(error.message),
      );
    });
});
