import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Api, buildTestApp, errorOf, type TestApp } from '../helpers/app.js';
import { advance, createSku, eventsOf, physicalCheckoutBody, placeOrder } from '../helpers/fixtures.js';
import { storeKinds } from '../helpers/stores.js';

/**
 * DR's "Disputes and chargebacks" (order-management/returns-and-refunds-1/disputes-and-chargebacks.md)
 * through the test helpers that play DR's chargeback process.
 */
for (const kind of storeKinds()) {
  describe(`disputes and chargebacks (${kind})`, () => {
    let t: TestApp;
    before(async () => {
      t = await buildTestApp(kind);
      assert.equal((await t.api.post('/account', { taxRates: { 'US-MN': 0.1 } })).status, 200);
      await createSku(t.api, 'd-shoe');
      await createSku(t.otherApi, 'd-shoe');
    });
    after(async () => t.close());

    /** 2 × 10.00 + 10 % tax, 5.00 shipping + 10 %: 27.50, one unit fulfilled and captured. */
    async function partlyShipped(api: Api = t.api) {
      const publicApi = api === t.api ? t.publicApi : new Api(t.app, t.otherKeys.publicKey);
      const order = await placeOrder(api, publicApi, {
        body: physicalCheckoutBody('d-shoe', { items: [{ skuId: 'd-shoe', price: 10, quantity: 2 }] }),
      });
      const shipped = await api.post('/fulfillments', {
        orderId: order.id,
        items: [{ itemId: order.items[0].id, quantity: 1 }],
      });
      assert.equal(shipped.status, 201, shipped.raw);
      await advance(api, 5);
      return (await api.get(`/orders/${order.id}`)).body;
    }
    const open = (id: string, api: Api = t.api) => api.post(`/test-helpers/orders/${id}/dispute`, {});
    const resolve = (id: string, body: Record<string, unknown>, api: Api = t.api) =>
      api.post(`/test-helpers/orders/${id}/dispute/resolve`, body);
    const typesOf = async (id: string) =>
      (await eventsOf(t.api, ['order.dispute', 'order.dispute.resolved', 'order.chargeback']))
        .filter((e) => e.data.object.id === id)
        .map((e) => e.type);

    it("opens a dispute: state dispute, order.dispute; no fulfillment, refund or return until it's resolved", async () => {
      const order = await partlyShipped();
      assert.equal(order.state, 'accepted');
      const opened = await open(order.id);
      assert.equal(opened.status, 200, opened.raw);
      assert.equal(opened.body.state, 'dispute');
      assert.ok(opened.body.stateTransitions.dispute);
      assert.deepEqual(await typesOf(order.id), ['order.dispute']);
      const item = order.items[0].id;
      // DR's three answers, as its page shows them
      assert.deepEqual(
        errorOf(
          await t.api.post('/fulfillments', { orderId: order.id, items: [{ itemId: item, quantity: 1 }] }),
        ),
        [409, 'order_not_submitted', 'orderId'],
      );
      const refund = await t.api.post('/refunds', { orderId: order.id, currency: 'USD', amount: 1 });
      assert.deepEqual(errorOf(refund), [400, 'invalid_parameter', 'order']);
      assert.equal(
        refund.body.errors[0].message,
        'A refund cannot be performed while there is a dispute on the order.',
      );
      const ret = await t.api.post('/returns', { orderId: order.id, items: [{ itemId: item, quantity: 1 }] });
      assert.deepEqual(errorOf(ret), [409, 'invalid_parameter', 'order']);
      assert.equal(ret.body.type, 'conflict');
      assert.equal(
        ret.body.errors[0].message,
        'A return cannot be performed while there is a dispute on the order.',
      );
      // cancelling the rest is a fulfillment too
      assert.equal(
        (
          await t.api.post('/fulfillments', {
            orderId: order.id,
            items: [{ itemId: item, cancelQuantity: 1 }],
          })
        ).status,
        409,
      );
      // a second dispute on a disputed order: 409
      assert.equal((await open(order.id)).status, 409);
      // metadata still updates
      assert.equal((await t.api.post(`/orders/${order.id}`, { metadata: { case: 'D-1' } })).status, 200);
    });

    it('won: the order resumes its state, nothing charged back (order.dispute.resolved)', async () => {
      const order = await partlyShipped();
      await open(order.id);
      const resolved = await resolve(order.id, { outcome: 'won' });
      assert.equal(resolved.status, 200, resolved.raw);
      assert.equal(resolved.body.state, 'accepted');
      // resuming keeps the time the order was first accepted (DR's example)
      assert.equal(resolved.body.stateTransitions.accepted, order.stateTransitions.accepted);
      assert.ok(resolved.body.stateTransitions.dispute);
      assert.equal(resolved.body.refundedAmount, 0);
      assert.equal(resolved.body.availableToRefundAmount, order.availableToRefundAmount);
      assert.deepEqual(await typesOf(order.id), ['order.dispute', 'order.dispute.resolved']);
      // and takes fulfillments and refunds again
      const rest = await t.api.post('/fulfillments', {
        orderId: order.id,
        items: [{ itemId: order.items[0].id, quantity: 1 }],
      });
      assert.equal(rest.status, 201, rest.raw);
      assert.equal(
        (await t.api.post('/refunds', { orderId: order.id, currency: 'USD', amount: 1 })).status,
        201,
      );
      // a resolution without a dispute: 409
      assert.equal((await resolve(order.id, { outcome: 'won' })).status, 409);
    });

    it('lost: the captured money is charged back through the ledger (order.chargeback), then it resumes', async () => {
      const order = await partlyShipped();
      assert.equal(order.capturedAmount, 13.75);
      await open(order.id);
      const lost = await resolve(order.id, { outcome: 'lost' });
      assert.equal(lost.status, 200, lost.raw);
      assert.equal(lost.body.state, 'accepted');
      assert.equal(lost.body.refundedAmount, 13.75);
      assert.equal(lost.body.availableToRefundAmount, 0);
      const charge = lost.body.payment.charges[0];
      assert.deepEqual(
        charge.refunds.map((r: any) => [r.amount, r.state]),
        [[13.75, 'complete']],
      );
      assert.deepEqual(await typesOf(order.id), [
        'order.dispute',
        'order.chargeback',
        'order.dispute.resolved',
      ]);
      const refundEvents = (await eventsOf(t.api, 'order.charge.refund.complete')).filter(
        (e) => e.data.object.id === charge.id,
      );
      assert.equal(refundEvents.length, 1);
      // nothing left to refund
      assert.deepEqual(
        errorOf(await t.api.post('/refunds', { orderId: order.id, currency: 'USD', amount: 1 })),
        [400, 'invalid_parameter', 'amountRequested'],
      );
    });

    it('lost in part: only the amount charged back; the rest stays refundable', async () => {
      const order = await partlyShipped();
      await open(order.id);
      assert.deepEqual(errorOf(await resolve(order.id, { outcome: 'lost', amount: 20 })), [
        400,
        'invalid_parameter',
        'amount',
      ]);
      assert.deepEqual(errorOf(await resolve(order.id, { outcome: 'won', amount: 1 })), [
        400,
        'invalid_parameter',
        'amount',
      ]);
      assert.deepEqual(errorOf(await resolve(order.id, { outcome: 'lost', amount: 1.001 })), [
        400,
        'invalid_parameter',
        'amount',
      ]);
      assert.deepEqual(errorOf(await resolve(order.id, { outcome: 'maybe' })), [
        400,
        'invalid_parameter',
        'outcome',
      ]);
      const lost = await resolve(order.id, { outcome: 'lost', amount: 5 });
      assert.equal(lost.status, 200, lost.raw);
      assert.equal(lost.body.refundedAmount, 5);
      assert.equal(lost.body.availableToRefundAmount, 8.75);
      const refund = await t.api.post('/refunds', { orderId: order.id, currency: 'USD', amount: 8.75 });
      assert.equal(refund.status, 201, refund.raw);
    });

    it("another account's order is not found, and a blocked or cancelled order takes no dispute", async () => {
      const theirs = await partlyShipped(t.otherApi);
      assert.deepEqual(errorOf(await open(theirs.id)), [404, 'not_found', 'id']);
      assert.deepEqual(errorOf(await resolve(theirs.id, { outcome: 'won' })), [404, 'not_found', 'id']);
      assert.equal((await t.otherApi.get(`/orders/${theirs.id}`)).body.state, 'accepted');
      const cancelled = await placeOrder(t.api, t.publicApi, {
        body: physicalCheckoutBody('d-shoe', { items: [{ skuId: 'd-shoe', price: 10, quantity: 1 }] }),
      });
      await t.api.post('/fulfillments', {
        orderId: cancelled.id,
        items: [{ itemId: cancelled.items[0].id, cancelQuantity: 1 }],
      });
      await advance(t.api, 5);
      assert.equal((await t.api.get(`/orders/${cancelled.id}`)).body.state, 'cancelled');
      assert.deepEqual(errorOf(await open(cancelled.id)), [409, 'order_cancelled', 'orderId']);
    });
  });
}
