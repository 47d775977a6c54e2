import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { AppError } from '../../src/domain/errors.js';
import { assertInvariants } from '../../src/domain/order/invariants.js';
import { chargeLedger, chargeState, ledgerOf } from '../../src/domain/order/ledger.js';
import type { RefundCreate } from '../../src/http/schemas/refund.js';
import { createLogger } from '../../src/lib/logger.js';
import { Simulator } from '../../src/processor/simulator/simulator.js';
import { createAccount } from '../../src/services/accounts.js';
import { attachSource, createCheckout } from '../../src/services/checkouts.js';
import type { Caller, Deps } from '../../src/services/context.js';
import { createFulfillment } from '../../src/services/fulfillments.js';
import { createOrder } from '../../src/services/order-placement.js';
import { loadOrderView } from '../../src/services/order-view.js';
import { createRefund } from '../../src/services/refunds.js';
import { createCardSource, createCreditSource } from '../../src/services/sources.js';
import {
  advance,
  expireAuthorization,
  failCapture,
  refuseReauthorization,
} from '../../src/services/test-helpers.js';
import { ManualClock } from '../helpers/app.js';
import { ADDRESS_MN, SHIP_FROM, SHIP_TO } from '../helpers/fixtures.js';
import { openTestStore, storeKinds, type TestStore } from '../helpers/stores.js';

/**
 * Random orders, driven by random sequences of fulfil / cancel / advance the clock / refund /
 * settle / force an expiry, a refused reauthorization or a failed capture. After every step the
 * money invariants must hold. Seeded: a failure prints the seed and the shrunk sequence.
 */

const CARDS = [
  '4444222233331111', // success
  '4000007200000104', // expires in 1 h, reauthorization granted
  '4000007200000203', // reauthorization refused, forced capture completes
  '4000007200000302', // reauthorization refused, forced capture fails
  '4000007200000401', // … and a chargeback 30 days later
  '4000000000004103', // captures fail
  '4485951788521565', // captures pending, then fail
  '4024007120579635', // captures stay pending
  '4000000000004442', // cancels fail
  '4000000000004111', // refunds fail
  '4556602564240839', // refunds pending, then fail
];

const scenarioArb = fc.record({
  policy: fc.constantFrom('tolerant' as const, 'averse' as const),
  card: fc.constantFrom(...CARDS),
  taxInclusive: fc.boolean(),
  shippingCents: fc.option(fc.integer({ min: 0, max: 2_000 }), { nil: undefined }),
  creditPercent: fc.option(fc.integer({ min: 1, max: 60 }), { nil: undefined }),
  items: fc.array(
    fc.record({
      priceCents: fc.integer({ min: 1, max: 50_000 }),
      quantity: fc.integer({ min: 1, max: 4 }),
      physical: fc.boolean(),
    }),
    { minLength: 1, maxLength: 3 },
  ),
});

const commandArb = fc.oneof(
  fc.record({
    kind: fc.constant('fulfil' as const),
    // one to three items, each shipped and/or cancelled in any mix
    lines: fc.array(fc.record({ item: fc.nat(2), quantity: fc.nat(3), cancel: fc.nat(2) }), {
      minLength: 1,
      maxLength: 3,
    }),
  }),
  fc.record({
    kind: fc.constant('advance' as const),
    seconds: fc.constantFrom(1, 5, 3_600, 8 * 86_400, 31 * 86_400),
  }),
  fc.record({ kind: fc.constant('refund' as const), share: fc.integer({ min: 1, max: 120 }) }),
  fc.record({
    kind: fc.constant('refundOther' as const),
    body: fc.constantFrom<Record<string, unknown>>(
      { percent: 50 },
      { percent: 100 },
      { type: 'tax' },
      { type: 'shipping', percent: 50 },
      { type: 'shipping' },
    ),
  }),
  fc.record({
    kind: fc.constant('refundItem' as const),
    item: fc.nat(2),
    form: fc.constantFrom<Record<string, unknown>>(
      { quantity: 1 },
      { quantity: 2, percent: 50 },
      { percent: 100 },
      { type: 'shipping', percent: 100 },
    ),
  }),
  fc.record({ kind: fc.constant('expire' as const), charge: fc.nat(1) }),
  fc.record({ kind: fc.constant('refuse' as const), charge: fc.nat(1) }),
  fc.record({ kind: fc.constant('failCapture' as const) }),
);

type Scenario = typeof scenarioArb extends fc.Arbitrary<infer T> ? T : never;
type Command = typeof commandArb extends fc.Arbitrary<infer T> ? T : never;

/** Sized for `npm test` on two cores; TRIBUTARY_PROPERTY_RUNS sets both (the pure suite runs more). */
const RUNS: Record<string, number> = {
  sqlite: Number(process.env['TRIBUTARY_PROPERTY_RUNS'] ?? 300),
  postgres: Number(process.env['TRIBUTARY_PROPERTY_RUNS'] ?? 120),
};

for (const kind of storeKinds()) {
  describe(`money invariants over random lifecycles (${kind})`, () => {
    let testStore: TestStore;
    let deps: Deps;
    before(async () => {
      testStore = await openTestStore(kind);
      deps = {
        store: testStore.store,
        processor: new Simulator(),
        clock: new ManualClock(),
        logger: createLogger({ level: 'silent' }),
      };
    });
    after(async () => testStore.destroy());

    async function caller(accountId: string): Promise<Caller> {
      const account = await deps.store.read((tx) => tx.accounts.get(accountId));
      assert.ok(account);
      return { account, keyKind: 'secret' };
    }

    async function placeOrder(scenario: Scenario): Promise<{ accountId: string; orderId: string }> {
      const { account } = await createAccount(deps.store, 'property', deps.clock.nowMs());
      let c = await caller(account.id);
      if (scenario.policy === 'averse') {
        await deps.store.transaction((tx) =>
          tx.accounts.updateSettings(
            account.id,
            { chargebackRiskPolicy: 'averse', taxRates: null, apiVersion: '2021-12-13' },
            0,
          ),
        );
        c = await caller(account.id);
      }
      const checkout = await createCheckout(deps, c, {
        currency: 'USD',
        email: 'p@example.com',
        billTo: { name: 'P', address: ADDRESS_MN },
        shipTo: SHIP_TO,
        shipFrom: SHIP_FROM,
        taxInclusive: scenario.taxInclusive,
        // physical goods need a shippingChoice to be ordered (shipping-choice.md)
        ...(scenario.shippingCents === undefined && !scenario.items.some((item) => item.physical)
          ? {}
          : { shippingChoice: { amount: (scenario.shippingCents ?? 0) / 100 } }),
        items: scenario.items.map((item, i) => ({
          productDetails: { name: `item ${i}`, ...(item.physical ? { weight: 1 } : {}) },
          price: item.priceCents / 100,
          quantity: item.quantity,
        })),
      });
      const total = checkout.checkout.totals.totalAmountMinor;
      if (scenario.creditPercent !== undefined) {
        const credit = Math.floor((total * scenario.creditPercent) / 100);
        if (credit > 0) {
          const source = await createCreditSource(deps, c, {
            type: 'customerCredit',
            paymentSessionId: checkout.checkout.sessionId,
            amount: credit / 100,
          });
          await attachSource(deps, c, checkout.checkout.id, source.id);
        }
      }
      const card = await createCardSource(deps, c, {
        type: 'creditCard',
        creditCard: { number: scenario.card, expirationMonth: 12, expirationYear: 2040, cvv: '123' },
      });
      await attachSource(deps, c, checkout.checkout.id, card.id);
      const order = await createOrder(deps, c, { checkoutId: checkout.checkout.id });
      return { accountId: account.id, orderId: order.order.id };
    }

    async function run(accountId: string, orderId: string, command: Command): Promise<void> {
      const c = await caller(accountId);
      const view = await deps.store.read((tx) => loadOrderView(tx, accountId, orderId));
      switch (command.kind) {
        case 'fulfil': {
          const before = { ops: view.operations.length, fulfillments: view.fulfillments.length };
          const seen = new Set<string>();
          const items = command.lines.flatMap((line) => {
            const item = view.items[line.item % view.items.length];
            if (!item || seen.has(item.id)) return [];
            seen.add(item.id);
            return [{ itemId: item.id, quantity: line.quantity, cancelQuantity: line.cancel }];
          });
          try {
            await createFulfillment(deps, c, { orderId, items });
          } catch (error) {
            if (error instanceof AppError && error.code === 'payment_authorization_failed') {
              // no capture on an averse account after a refused reauthorization: nothing changed
              assert.equal(c.account.chargebackRiskPolicy, 'averse');
              const after = await deps.store.read((tx) => loadOrderView(tx, accountId, orderId));
              assert.deepEqual(
                { ops: after.operations.length, fulfillments: after.fulfillments.length },
                before,
              );
            }
            throw error;
          }
          return;
        }
        case 'refundOther':
          await createRefund(deps, c, { orderId, currency: 'USD', ...command.body } as RefundCreate);
          return;
        case 'refundItem': {
          const item = view.items[command.item % view.items.length];
          assert.ok(item);
          await createRefund(deps, c, {
            orderId,
            currency: 'USD',
            items: [{ itemId: item.id, ...command.form }],
          } as RefundCreate);
          return;
        }
        case 'advance':
          await advance(deps, c, { seconds: command.seconds });
          return;
        case 'refund': {
          const available = ledgerOf(view).availableToRefundMinor;
          const amount = Math.max(1, Math.floor((available * command.share) / 100));
          await createRefund(deps, c, { orderId, currency: 'USD', amount: amount / 100 });
          return;
        }
        case 'expire':
        case 'refuse': {
          const charge = view.charges[command.charge % view.charges.length];
          assert.ok(charge);
          if (command.kind === 'expire') await expireAuthorization(deps, c, charge.id);
          else await refuseReauthorization(deps, c, charge.id);
          return;
        }
        case 'failCapture': {
          const pending = view.operations.find((o) => o.kind === 'capture' && o.state === 'pending');
          if (pending) await failCapture(deps, c, pending.id);
          return;
        }
      }
    }

    async function checkInvariants(accountId: string, orderId: string): Promise<void> {
      const { view, authorizations } = await deps.store.read(async (tx) => {
        const v = await loadOrderView(tx, accountId, orderId);
        return {
          view: v,
          authorizations: await tx.operations.authorizations(
            accountId,
            v.charges.map((c) => c.id),
          ),
        };
      });
      const total = view.order.totals.totalAmountMinor;
      // the charges cover the order exactly
      assert.equal(
        view.charges.reduce((s, c) => s + c.amountMinor, 0),
        total,
      );
      for (const charge of view.charges) {
        const a = chargeLedger(view, charge);
        assert.ok(a.remainingMinor >= 0, 'captured + cancelled ≤ authorized');
        assert.ok(
          a.refund.completeMinor + a.refund.pendingMinor <= a.capture.completeMinor,
          'refunded ≤ captured',
        );
        assert.equal(charge.state, chargeState(a), 'the stored charge state is the one its money implies');
      }
      for (const op of view.operations)
        assert.ok(op.amountMinor > 0, 'every operation moves a positive amount');
      for (const item of view.items)
        assert.ok(item.fulfilledQuantity + item.cancelledQuantity <= item.quantity);
      // what the fulfillments say their units are worth is what the captures and cancels took
      const fulfilled = view.fulfillments
        .flatMap((f) => f.items)
        .reduce((s, i) => s + i.captureMinor + i.cancelMinor, 0);
      const taken = view.operations.filter((o) => o.kind !== 'refund').reduce((s, o) => s + o.amountMinor, 0);
      if (view.order.state !== 'blocked') assert.equal(fulfilled, taken);
      // the parts of an order sum to its total once every unit is fulfilled or cancelled
      if (view.items.every((i) => i.fulfilledQuantity + i.cancelledQuantity === i.quantity))
        assert.equal(fulfilled, total);
      assertInvariants(view);
      const money = ledgerOf(view);
      assert.ok(money.capturedMinor + money.cancelledMinor <= total);
      assert.ok(money.refundedMinor <= money.capturedCompleteMinor);
      // at most one reauthorization per charge per fulfillment request
      const perAttempt = new Map<string, number>();
      for (const a of authorizations.filter((x) => x.kind === 'reauthorization')) {
        const key = `${a.chargeId}/${a.attemptId}`;
        perAttempt.set(key, (perAttempt.get(key) ?? 0) + 1);
      }
      for (const [key, n] of perAttempt) assert.equal(n, 1, `reauthorizations of ${key}`);
    }

    it(`hold over ${RUNS[kind]} generated sequences`, async () => {
      await fc.assert(
        fc.asyncProperty(
          scenarioArb,
          fc.array(commandArb, { minLength: 1, maxLength: 12 }),
          async (scenario, commands) => {
            const { accountId, orderId } = await placeOrder(scenario);
            await checkInvariants(accountId, orderId);
            for (const command of commands) {
              try {
                await run(accountId, orderId, command);
              } catch (error) {
                // a client error is a legitimate answer to a random command; anything else is a bug
                if (!(error instanceof AppError) || error.status >= 500) throw error;
              }
              await checkInvariants(accountId, orderId);
            }
          },
        ),
        { numRuns: RUNS[kind] ?? 100, seed: 20261122, endOnFailure: true },
      );
    });
  });
}
