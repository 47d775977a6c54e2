import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { advance, createSku, physicalCheckoutBody, placeOrder } from '../helpers/fixtures.js';
import { storeKinds } from '../helpers/stores.js';

/**
 * Orders written before the ledger kept each operation's parts (migration 6 leaves them null,
 * migration 8 moves them into the order's document without parts):
 * they read as before, and take new fulfillments and refunds, their parts rebuilt from their
 * history (domain/order/legacy.ts).
 */
for (const kind of storeKinds()) {
  describe(`orders from before the ledger (${kind})`, () => {
    let t: TestApp;
    before(async () => {
      t = await buildTestApp(kind);
      await createSku(t.api, 'shoe');
    });
    after(async () => t.close());

    it('read the same, and go on through fulfillments and refunds', async () => {
      const order = await placeOrder(t.api, t.publicApi, {
        body: physicalCheckoutBody('shoe', { items: [{ skuId: 'shoe', price: 10, quantity: 3 }] }),
      });
      await t.api.post('/fulfillments', {
        orderId: order.id,
        items: [{ itemId: order.items[0].id, quantity: 1 }],
      });
      await advance(t.api, 5);
      await t.api.post('/refunds', { orderId: order.id, currency: 'USD', amount: 3 });
      await advance(t.api, 5);
      const before = (await t.api.get(`/orders/${order.id}`)).body;
      // what migration 8 makes of operations that had no parts: none in the order's document
      await t.store.transaction(async (tx) => {
        const row = await tx.db
          .selectFrom('orders')
          .select('document')
          .where('id', '=', order.id)
          .executeTakeFirstOrThrow();
        const document = JSON.parse(row.document) as { operations: { parts: unknown }[] };
        for (const op of document.operations) op.parts = {};
        await tx.db
          .updateTable('orders')
          .set({ document: JSON.stringify(document) })
          .where('id', '=', order.id)
          .execute();
      });
      const legacy = (await t.api.get(`/orders/${order.id}`)).body;
      assert.deepEqual(legacy, before);
      // the rest of the order goes on: ship one, cancel one, refund what is left
      const more = await t.api.post('/fulfillments', {
        orderId: order.id,
        items: [{ itemId: order.items[0].id, quantity: 1, cancelQuantity: 1 }],
      });
      assert.equal(more.status, 201, more.raw);
      await advance(t.api, 5);
      const read = (await t.api.get(`/orders/${order.id}`)).body;
      assert.equal(read.state, 'complete');
      const rest = await t.api.post('/refunds', {
        orderId: order.id,
        currency: 'USD',
        amount: read.availableToRefundAmount,
      });
      assert.equal(rest.status, 201, rest.raw);
      await advance(t.api, 5);
      const done = (await t.api.get(`/orders/${order.id}`)).body;
      assert.deepEqual(
        [done.state, done.availableToRefundAmount, done.refundedAmount],
        ['returned', 0, done.capturedAmount],
      );
    });
  });
}
