import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { AppError } from '../../src/domain/errors.js';
import { assertInvariants } from '../../src/domain/order/invariants.js';
import { chargeState, itemRefundableMinor, ledgerOf } from '../../src/domain/order/ledger.js';
import { World } from '../helpers/order-world.js';

/**
 * The order's decisions under random command sequences, with no database: any mix of ship and
 * cancel in one fulfillment, refunds of every form (amount, percent, items by quantity, percent
 * or amount, every type at order and item level) after partial captures, captures, cancels and
 * refunds settling in any order and failing, expiries, refused reauthorizations on tolerant and
 * averse accounts. After every step the money invariants hold (assertInvariants, run by every
 * decision too), each charge is in the state its money implies, and a refusal is always a 4xx.
 * The store suite (lifecycle.test.ts) runs fewer, similar sequences through the services.
 */

const RUNS = Number(process.env['TRIBUTARY_PROPERTY_RUNS'] ?? 5_000);

const lineArb = fc.record({
  price: fc.integer({ min: 1, max: 40_000 }),
  quantity: fc.integer({ min: 1, max: 5 }),
});
const orderArb = fc.record({
  lines: fc.array(lineArb, { minLength: 1, maxLength: 3 }),
  rate: fc.constantFrom('0', '0.05', '0.0688', '0.0805', '0.2'),
  shipping: fc.option(fc.integer({ min: 0, max: 3_000 }), { nil: undefined }),
  credit: fc.option(fc.integer({ min: 1, max: 60 }), { nil: undefined }),
  inclusive: fc.boolean(),
  review: fc.oneof(
    { weight: 17, arbitrary: fc.constant(undefined) },
    { weight: 2, arbitrary: fc.constant('accept' as const) },
    { weight: 1, arbitrary: fc.constant('block' as const) },
  ),
});

/**
 * A command is drawn as a function of the order it meets, so that most are valid (an item that
 * exists, units that are left, an amount within what is refundable) and some are not.
 */
type Draw = (w: World) => string;

const share = fc.integer({ min: 1, max: 110 });
const percent = fc.constantFrom('0.01', '10', '33.33', '50', '99.99', '100');
const cents = (minor: number) => (minor / 100).toFixed(2);
const lineOf = (w: World, i: number) => w.order.items[i % w.order.items.length];
const leftOf = (w: World, i: number) => {
  const item = lineOf(w, i);
  return item ? item.quantity - item.fulfilledQuantity - item.cancelledQuantity : 0;
};

const fulfilArb = fc
  .array(fc.tuple(fc.nat(2), fc.integer({ min: 0, max: 3 }), fc.nat(2)), { minLength: 1, maxLength: 3 })
  .map(
    (lines): Draw =>
      (w) => {
        const seen = new Set<number>();
        const parts = lines.flatMap(([i, q, c]) => {
          const index = i % w.order.items.length;
          if (seen.has(index)) return [];
          seen.add(index);
          const left = leftOf(w, index);
          // now and then one more unit than is left
          const ship = Math.min(q, left + (q === 3 ? 1 : 0));
          const cancel = Math.min(c, Math.max(0, left - ship));
          return [`${index}:${ship}/${cancel}`];
        });
        return `fulfil ${parts.join(',')}`;
      },
  );

const itemRefundArb = fc
  .array(
    fc.tuple(
      fc.nat(2),
      fc.constantFrom('', '', '', ':t=shipping', ':t=fees', ':t=duty'),
      fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }),
      fc.option(
        fc.oneof(
          percent.map((p) => `:p${p}`),
          share.map((x) => `:s${x}`),
        ),
        { nil: undefined },
      ),
    ),
    { minLength: 1, maxLength: 2 },
  )
  .map(
    (entries): Draw =>
      (w) => {
        const ledger = ledgerOf(w.order);
        const items = entries.map(([i, type, q, how]) => {
          const item = lineOf(w, i);
          const index = i % w.order.items.length;
          let tail = how ?? '';
          if (tail.startsWith(':s') && item)
            tail = `:a${cents(Math.max(1, Math.floor((itemRefundableMinor(ledger, item.id) * Number(tail.slice(2))) / 100)))}`;
          return `${index}${type}${q ? `:q${q}` : ''}${tail}`;
        });
        return `refund items=${items.join(',')}`;
      },
  );

const fixed = (...commands: string[]) =>
  fc.constantFrom(...commands).map(
    (c): Draw =>
      () =>
        c,
  );

const commandArb: fc.Arbitrary<Draw> = fc.oneof(
  { weight: 5, arbitrary: fulfilArb },
  {
    weight: 2,
    arbitrary: fixed('settle', 'settle fail', 'settle capture', 'settle fail cancel', 'settle fail refund'),
  },
  {
    weight: 4,
    arbitrary: fc.tuple(fc.nat(5), fc.integer({ min: 0, max: 4 })).map(
      ([n, f]): Draw =>
        () =>
          `settle1 ${n}${f === 0 ? ' fail' : ''}`,
    ),
  },
  {
    weight: 3,
    arbitrary: share.map(
      (x): Draw =>
        (w) =>
          `refund amount=${cents(Math.max(1, Math.floor((ledgerOf(w.order).availableToRefundMinor * x) / 100)))}`,
    ),
  },
  {
    weight: 2,
    arbitrary: percent.map(
      (p): Draw =>
        () =>
          `refund percent=${p}`,
    ),
  },
  {
    weight: 2,
    arbitrary: fixed(
      'refund type=tax',
      'refund type=tax percent=50',
      'refund type=shipping',
      'refund type=shipping percent=50',
      'refund type=duty',
    ),
  },
  { weight: 3, arbitrary: itemRefundArb },
  { weight: 1, arbitrary: fixed('expire 0', 'expire 1', 'refuse 0', 'refuse 1') },
  {
    weight: 1,
    arbitrary: fixed(
      'advance 3600',
      'advance 604800',
      'policy averse',
      'policy tolerant',
      'reauth refused',
      'reauth granted',
    ),
  },
  { weight: 1, arbitrary: fixed('review accept', 'review block') },
);

function orderLine(o: typeof orderArb extends fc.Arbitrary<infer T> ? T : never): string {
  const lines = o.lines.map((l) => `${l.price}x${l.quantity}`).join(' ');
  const total = o.lines.reduce((s, l) => s + l.price * l.quantity, 0);
  const credit = o.credit ? Math.max(1, Math.floor((total * o.credit) / 100)) : undefined;
  return [
    'order',
    lines,
    `rate=${o.rate}`,
    o.shipping === undefined ? '' : `shipping=${o.shipping}`,
    credit ? `credit=${credit}` : '',
    o.inclusive ? 'inclusive' : '',
    o.review ? `review=${o.review}` : '',
  ]
    .filter((w) => w !== '')
    .join(' ');
}

function check(world: World): void {
  const order = world.order;
  assertInvariants(order);
  const ledger = ledgerOf(order);
  for (const c of ledger.charges) {
    assert.equal(c.charge.state, chargeState(c), 'a charge is in the state its money implies');
    assert.ok(
      c.refund.pendingMinor + c.refund.completeMinor <= c.capture.completeMinor,
      'refunded ≤ captured',
    );
  }
  assert.ok(ledger.capturedMinor + ledger.cancelledMinor <= order.order.totals.totalAmountMinor);
  for (const item of order.items) {
    assert.ok(itemRefundableMinor(ledger, item.id) <= ledger.availableToRefundMinor);
    assert.ok(item.fulfilledQuantity + item.cancelledQuantity <= item.quantity);
  }
  for (const refund of order.refunds) {
    const ops = order.operations.filter((o) => o.refundId === refund.id);
    assert.equal(
      ops.reduce((s, o) => s + o.amountMinor, 0),
      refund.amountMinor,
      'a refund is its charge refunds',
    );
  }
  // the order's state says what its items and operations are
  const { state } = order.order;
  const pending = order.operations.some((o) => o.state === 'pending' && o.kind !== 'refund');
  const done = order.items.every((i) => i.fulfilledQuantity + i.cancelledQuantity === i.quantity);
  if (state === 'fulfilled') assert.ok(done && order.items.some((i) => i.fulfilledQuantity > 0), state);
  if (state === 'complete' || state === 'returned')
    assert.ok(
      done && !pending && order.operations.every((o) => o.kind !== 'capture' || o.state === 'complete'),
      state,
    );
  if (state === 'cancelled') assert.ok(!pending && order.items.every((i) => i.state === 'cancelled'), state);
  if (state === 'blocked')
    assert.ok(
      order.items.every((i) => i.state === 'blocked'),
      state,
    );
  if (state === 'returned') assert.equal(ledger.availableToRefundMinor, 0);
}

describe('order decisions under random command sequences (no database)', () => {
  it(`keep the money invariants over ${RUNS} sequences`, () => {
    fc.assert(
      fc.property(
        orderArb,
        fc.array(commandArb, { minLength: 4, maxLength: 24, size: 'max' }),
        (spec, commands) => {
          const world = new World();
          world.run(orderLine(spec));
          check(world);
          for (const draw of commands) {
            const command = draw(world);
            let refusal: AppError | undefined;
            try {
              refusal = world.run(command);
            } catch (error) {
              throw new Error(
                `${command} threw ${String(error)} (a bug: refusals are returned as DR errors)`,
              );
            }
            if (refusal)
              assert.ok(refusal.status >= 400 && refusal.status < 500, `${command}: ${refusal.status}`);
            check(world);
          }
        },
      ),
      { numRuns: RUNS, seed: 20261202, endOnFailure: true },
    );
  });
});
