import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { buildTestApp, errorOf, type TestApp } from '../helpers/app.js';
import {
  advance,
  CARDS,
  createSku,
  eventsOf,
  physicalCheckoutBody,
  placeOrder,
} from '../helpers/fixtures.js';
import { storeKinds } from '../helpers/stores.js';

for (const kind of storeKinds()) {
  describe(`refunds (${kind})`, () => {
    let t: TestApp;
    before(async () => {
      t = await buildTestApp(kind);
      await createSku(t.api, 'shoe');
    });
    after(async () => t.close());

    /** An order of 2 shoes (26.72), fulfilled and captured. */
    async function capturedOrder(card: string = CARDS.visa) {
      const order = await placeOrder(t.api, t.publicApi, { card, body: physicalCheckoutBody('shoe') });
      await t.api.post('/fulfillments', {
        orderId: order.id,
        items: [{ itemId: order.items[0].id, quantity: 2 }],
      });
      await advance(t.api, 5);
      return (await t.api.get(`/orders/${order.id}`)).body;
    }

    it('refunds only captured money', async () => {
      const order = await placeOrder(t.api, t.publicApi, { body: physicalCheckoutBody('shoe') });
      assert.deepEqual(
        errorOf(await t.api.post('/refunds', { orderId: order.id, currency: 'USD', amount: 1 })),
        [400, 'invalid_parameter', 'amountRequested'],
      );
      await t.api.post('/fulfillments', {
        orderId: order.id,
        items: [{ itemId: order.items[0].id, quantity: 2 }],
      });
      assert.deepEqual(
        errorOf(await t.api.post('/refunds', { orderId: order.id, currency: 'USD', amount: 1 })),
        [400, 'invalid_parameter', 'amountRequested'],
        'a pending capture is not refundable yet',
      );
    });

    it('refunds an amount: pending, then succeeded; the order keeps exact books', async () => {
      const order = await capturedOrder();
      const created = await t.api.post('/refunds', {
        orderId: order.id,
        currency: 'USD',
        amount: 10.01,
        reason: 'requested_by_customer',
        metadata: { ticket: 7 },
      });
      assert.equal(created.status, 201);
      const refund = created.body;
      assert.match(refund.id, /^re_[0-9a-f-]{36}$/);
      assert.deepEqual(
        [refund.state, refund.amount, refund.refundedAmount, refund.reason],
        ['pending', 10.01, 0, 'requested_by_customer'],
      );
      assert.equal(refund.charges[0].refunds[0].state, 'pending');
      let read = (await t.api.get(`/orders/${order.id}`)).body;
      assert.deepEqual(
        [read.availableToRefundAmount, read.refundedAmount, read.payment.charges[0].refunded],
        [16.71, 0, true],
      );
      await advance(t.api, 5);
      const done = (await t.api.get(`/refunds/${refund.id}`)).body;
      assert.deepEqual([done.state, done.refundedAmount], ['succeeded', 10.01]);
      read = (await t.api.get(`/orders/${order.id}`)).body;
      assert.deepEqual(
        [read.state, read.availableToRefundAmount, read.refundedAmount],
        ['complete', 16.71, 10.01],
      );
      const types = (
        await eventsOf(t.api, [
          'refund.pending',
          'refund.complete',
          'order.charge.refund.pending',
          'order.charge.refund.complete',
        ])
      ).map((e) => e.type);
      assert.deepEqual(types, [
        'refund.pending',
        'order.charge.refund.pending',
        'order.charge.refund.complete',
        'refund.complete',
      ]);
      // more than is left
      assert.deepEqual(
        errorOf(await t.api.post('/refunds', { orderId: order.id, currency: 'USD', amount: 16.72 })),
        [400, 'invalid_parameter', 'amountRequested'],
      );
      // the rest: the order is returned
      await t.api.post('/refunds', { orderId: order.id, currency: 'USD', amount: 16.71 });
      await advance(t.api, 5);
      read = (await t.api.get(`/orders/${order.id}`)).body;
      assert.deepEqual(
        [read.state, read.availableToRefundAmount, read.refundedAmount],
        ['returned', 0, 26.72],
      );
      assert.equal(
        (await eventsOf(t.api, 'order.refunded')).filter((e) => e.data.object.id === order.id).length,
        1,
      );
    });

    it('refunds by percent and by items', async () => {
      const order = await capturedOrder();
      const half = await t.api.post('/refunds', { orderId: order.id, currency: 'USD', percent: 50 });
      assert.equal(half.body.amount, 13.36);
      const item = await t.api.post('/refunds', {
        orderId: order.id,
        currency: 'USD',
        items: [{ itemId: order.items[0].id, quantity: 1 }],
      });
      assert.equal(item.status, 201, item.raw);
      // one shoe and its tax: (20.00 + 1.38) / 2 units → 10.69
      assert.deepEqual(
        [item.body.amount, item.body.items[0].quantity, item.body.items[0].itemId],
        [10.69, 1, order.items[0].id],
      );
      assert.deepEqual(
        errorOf(
          await t.api.post('/refunds', {
            orderId: order.id,
            currency: 'USD',
            items: [{ itemId: order.items[0].id, quantity: 2 }],
          }),
        ),
        [400, 'invalid_parameter', 'items[0].quantity'],
      );
      assert.deepEqual(
        errorOf(
          await t.api.post('/refunds', {
            orderId: order.id,
            currency: 'USD',
            items: [{ itemId: 'nope', quantity: 1 }],
          }),
        ),
        [400, 'invalid_parameter', 'items[0].itemId'],
      );
      await advance(t.api, 5);
      const read = (await t.api.get(`/orders/${order.id}`)).body;
      assert.equal(read.refundedAmount, 24.05);
    });

    it('refunds the whole tax only', async () => {
      const order = await capturedOrder();
      const tax = await t.api.post('/refunds', { orderId: order.id, currency: 'USD', type: 'tax' });
      assert.deepEqual([tax.status, tax.body.amount, tax.body.type], [201, 1.72, 'tax']);
      assert.deepEqual(
        errorOf(
          await t.api.post('/refunds', { orderId: order.id, currency: 'USD', type: 'tax', percent: 50 }),
        ),
        [400, 'invalid_parameter', 'percentRequested'],
      );
    });

    it('refuses bad refunds', async () => {
      const order = await capturedOrder();
      assert.deepEqual(
        errorOf(await t.api.post('/refunds', { orderId: order.id, currency: 'EUR', amount: 1 })),
        [400, 'invalid_parameter', 'currency'],
      );
      assert.deepEqual(errorOf(await t.api.post('/refunds', { orderId: order.id, amount: 1 })), [
        400,
        'missing_parameter',
        'currency',
      ]);
      assert.deepEqual(errorOf(await t.api.post('/refunds', { currency: 'USD', amount: 1 })), [
        400,
        'missing_parameter',
        'orderId',
      ]);
      assert.deepEqual(
        errorOf(await t.api.post('/refunds', { orderId: 'nope', currency: 'USD', amount: 1 })),
        [400, 'invalid_parameter', 'orderId'],
      );
      assert.deepEqual(
        errorOf(await t.api.post('/refunds', { orderId: order.id, currency: 'USD', amount: 1.001 })),
        [400, 'invalid_parameter', 'amount'],
      );
      assert.deepEqual(
        errorOf(await t.api.post('/refunds', { orderId: order.id, currency: 'USD', amount: 1, percent: 5 })),
        [400, 'invalid_parameter', 'amount'],
      );
      assert.deepEqual(
        errorOf(await t.api.post('/refunds', { orderId: order.id, currency: 'USD', percent: 101 })),
        [400, 'invalid_parameter', 'percent'],
      );
      assert.deepEqual(errorOf(await t.api.post('/refunds', { orderId: order.id, currency: 'USD' })), [
        400,
        'missing_parameter',
        'amount',
      ]);
      assert.equal(
        (await t.otherApi.post('/refunds', { orderId: order.id, currency: 'USD', amount: 1 })).status,
        400,
      );
    });

    it("DR's refund-failure cards: failed at once, or pending an hour then failed", async () => {
      const fails = await capturedOrder(CARDS.refundFails);
      const refund = (await t.api.post('/refunds', { orderId: fails.id, currency: 'USD', amount: 5 })).body;
      await advance(t.api, 5);
      const failed = (await t.api.get(`/refunds/${refund.id}`)).body;
      assert.deepEqual([failed.state, failed.refundedAmount], ['failed', 0]);
      assert.ok(failed.failureReason);
      assert.equal(
        (await t.api.get(`/orders/${fails.id}`)).body.availableToRefundAmount,
        26.72,
        'the money is refundable again',
      );
      const slow = await capturedOrder(CARDS.refundPendingThenFails);
      const later = (await t.api.post('/refunds', { orderId: slow.id, currency: 'USD', amount: 5 })).body;
      await advance(t.api, 60);
      assert.equal((await t.api.get(`/refunds/${later.id}`)).body.state, 'pending');
      await advance(t.api, 3600);
      assert.equal((await t.api.get(`/refunds/${later.id}`)).body.state, 'failed');
    });

    it('lists, reads and updates refunds', async () => {
      const order = await capturedOrder();
      const a = (await t.api.post('/refunds', { orderId: order.id, currency: 'USD', amount: 1 })).body;
      const b = (await t.api.post('/refunds', { orderId: order.id, currency: 'USD', amount: 2 })).body;
      assert.deepEqual(
        (await t.api.get(`/refunds?orderId=${order.id}`)).body.data.map((r: any) => r.id),
        [b.id, a.id],
      );
      assert.deepEqual(
        (await t.api.get(`/refunds?orderId=${order.id}&state=pending&limit=1`)).body.data.map(
          (r: any) => r.id,
        ),
        [b.id],
      );
      const updated = await t.api.post(`/refunds/${a.id}`, { metadata: { note: 'x' } });
      assert.deepEqual([updated.status, updated.body.metadata], [200, { note: 'x' }]);
      assert.equal((await t.api.get('/refunds/re_nope')).status, 404);
      assert.equal((await t.otherApi.get(`/refunds/${a.id}`)).status, 404);
      assert.deepEqual((await t.otherApi.get('/refunds')).body.data, []);
    });
  });
}
