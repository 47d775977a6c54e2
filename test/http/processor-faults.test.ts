import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AssertionError } from '../../src/lib/assert.js';
import type { Simulator } from '../../src/processor/simulator/simulator.js';
import { reconcileOrders } from '../../src/services/order-placement.js';
import { buildTestApp, errorOf, type TestApp } from '../helpers/app.js';
import { CARDS, eventsOf, readyCheckout } from '../helpers/fixtures.js';
import { eventually } from '../helpers/harness.js';
import { storeKinds } from '../helpers/stores.js';

/**
 * Issue 24, items 3 and 4: the processor is called with no transaction open. POST /orders records
 * its authorization intents and commits, asks the processor (bounded by its timeout), and applies
 * the answers in a new transaction; a retry or the reconciler finishes what the processor did not
 * answer. The simulator's fault cards make every path happen: an answer that is slow, one that
 * never comes (the authorization never made), one that is lost (the authorization made).
 */

const TIMEOUT_MS = 300;
const DEADLINE_MS = 400;
const key = (k: string) => ({ headers: { 'idempotency-key': k } });

for (const kind of storeKinds()) {
  describe(`the processor outside the transaction (${kind})`, () => {
    let t: TestApp;
    let simulator: Simulator;
    before(async () => {
      t = await buildTestApp(kind, {
        settings: {
          webhookPrivateAddresses: 'allow',
          processorTimeoutMs: TIMEOUT_MS,
          intentDeadlineMs: DEADLINE_MS,
        },
      });
      simulator = t.deps.processor as Simulator;
    });
    after(async () => t.close());

    const checkoutWith = async (card: string) => (await readyCheckout(t.api, t.publicApi, { card })).checkout;
    const ordersOf = async (checkoutId: string) =>
      (await t.api.get(`/orders?checkoutId=${checkoutId}`)).body.data as { id: string; charges?: unknown }[];
    const overdue = () => new Promise((resolve) => setTimeout(resolve, DEADLINE_MS + 50));

    it('refuses to be called inside a store transaction (the simulator asserts it)', async () => {
      const request = { reference: 'r', scenarioId: 'success', amountMinor: 100, currency: 'USD', nowMs: 0 };
      await assert.rejects(
        t.store.transaction(() => simulator.authorize(request, AbortSignal.timeout(1_000))),
        (e: unknown) => e instanceof AssertionError && /inside a store transaction/.test(e.message),
      );
      await assert.rejects(
        t.store.transaction(() => simulator.authorizationStatus(request)),
        (e: unknown) => e instanceof AssertionError,
      );
      assert.equal((await simulator.authorize(request, AbortSignal.timeout(1_000))).approved, true);
    });

    it('a slow answer within the timeout places the order', async () => {
      t.deps.settings = { ...t.deps.settings!, processorTimeoutMs: 10_000 };
      try {
        const checkout = await checkoutWith(CARDS.authorizationSlow);
        const order = await t.api.post('/orders', { checkoutId: checkout.id });
        assert.equal(order.status, 201, order.raw);
        assert.equal(order.body.state, 'accepted');
      } finally {
        t.deps.settings = { ...t.deps.settings!, processorTimeoutMs: TIMEOUT_MS };
      }
    });

    it('an answer that never comes: 503 processor_timeout, the checkout held, then given back by the reconciler', async () => {
      const checkout = await checkoutWith(CARDS.authorizationTimeout);
      const first = await t.api.post('/orders', { checkoutId: checkout.id });
      assert.deepEqual(errorOf(first), [503, 'processor_timeout', undefined]);
      assert.match(String(first.headers['retry-after']), /^\d+$/);
      // while the order is being placed the checkout cannot change
      const change = await t.api.post(`/checkouts/${checkout.id}`, { email: 'other@example.com' });
      assert.deepEqual(errorOf(change), [409, 'restricted_update', 'id']);
      assert.deepEqual(await ordersOf(checkout.id), []);
      await overdue();
      assert.ok((await reconcileOrders(t.deps)) >= 1, 'the reconciler finished the attempt');
      // never made: the checkout is open again, and a new attempt is a new request to the processor
      const changed = await t.api.post(`/checkouts/${checkout.id}`, { email: 'again@example.com' });
      assert.equal(changed.status, 200, changed.raw);
      assert.deepEqual(await ordersOf(checkout.id), []);
      assert.equal(
        (await eventsOf(t.api, 'order.accepted')).filter((e) => e.data.object.checkoutId === checkout.id)
          .length,
        0,
      );
    });

    it('a lost answer: the retry with the same key finds the authorization and places the order once', async () => {
      const checkout = await checkoutWith(CARDS.authorizationLostAnswer);
      const first = await t.api.post('/orders', { checkoutId: checkout.id }, key('lost-answer-1'));
      assert.deepEqual(errorOf(first), [503, 'processor_timeout', undefined]);
      const calls = () => [...simulator.authorizeCalls.values()].reduce((a, b) => a + b, 0);
      const before = calls();
      const retried = await t.api.post('/orders', { checkoutId: checkout.id }, key('lost-answer-1'));
      assert.equal(retried.status, 201, retried.raw);
      assert.equal(calls(), before, 'the retry asked what became of it, and did not authorize again');
      const again = await t.api.post('/orders', { checkoutId: checkout.id }, key('lost-answer-1'));
      assert.deepEqual(
        [again.status, again.headers['idempotent-replayed'], again.body.id],
        [201, 'true', retried.body.id],
      );
      // another request for the same checkout is DR's: the checkout was used
      const other = await t.api.post('/orders', { checkoutId: checkout.id });
      assert.equal(other.status, 404, other.raw);
      const orders = await ordersOf(checkout.id);
      assert.deepEqual(
        orders.map((o) => o.id),
        [retried.body.id],
      );
      assert.equal(retried.body.payment.charges.length, 1);
      const accepted = (await eventsOf(t.api, 'order.accepted')).filter(
        (e) => e.data.object.id === retried.body.id,
      );
      assert.equal(accepted.length, 1);
    });

    it('a lost answer nobody retries: the reconciler places the order once, past the deadline', async () => {
      const checkout = await checkoutWith(CARDS.authorizationLostAnswer);
      const first = await t.api.post('/orders', { checkoutId: checkout.id });
      assert.equal(first.status, 503, first.raw);
      await overdue();
      await eventually(
        async () => (await reconcileOrders(t.deps)) >= 0 && (await ordersOf(checkout.id)).length === 1,
        'the order',
      );
      assert.equal(await reconcileOrders(t.deps), 0, 'nothing is left to reconcile');
      const [order] = await ordersOf(checkout.id);
      const accepted = (await eventsOf(t.api, 'order.accepted')).filter(
        (e) => e.data.object.id === order?.id,
      );
      assert.equal(accepted.length, 1);
      // the shopper's retry now meets DR's answer for a used checkout
      assert.equal((await t.api.post('/orders', { checkoutId: checkout.id })).status, 404);
    });
  });
}
