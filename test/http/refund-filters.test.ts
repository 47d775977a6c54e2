import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { buildTestApp, errorOf, type TestApp } from '../helpers/app.js';
import { advance, createSku, physicalCheckoutBody, placeOrder } from '../helpers/fixtures.js';
import { storeKinds } from '../helpers/stores.js';

/**
 * DR's listRefunds filters `skuId`, `amount` and `refundedAmount` (ranges in major units, each
 * refund read in its own currency), and listOrders' `refundedAmount`.
 */
for (const kind of storeKinds()) {
  describe(`refund and refunded-amount filters (${kind})`, () => {
    let t: TestApp;
    let order: any;
    let shoeRefund: any;
    let sockRefund: any;
    let pendingRefund: any;
    before(async () => {
      t = await buildTestApp(kind);
      assert.equal((await t.api.post('/account', { taxRates: { 'US-MN': 0.1 } })).status, 200);
      await createSku(t.api, 'f-shoe');
      await createSku(t.api, 'f-sock');
      order = await placeOrder(t.api, t.publicApi, {
        body: physicalCheckoutBody('f-shoe', {
          items: [
            { skuId: 'f-shoe', price: 10, quantity: 2 },
            { skuId: 'f-sock', price: 4, quantity: 1 },
          ],
        }),
      });
      await t.api.post('/fulfillments', {
        orderId: order.id,
        items: order.items.map((i: any) => ({ itemId: i.id, quantity: i.quantity })),
      });
      await advance(t.api, 5);
      const [shoe, sock] = order.items;
      // 11.00 for one shoe, 4.40 for the sock, both settled; then 2.50 still pending
      shoeRefund = (
        await t.api.post('/refunds', {
          orderId: order.id,
          currency: 'USD',
          items: [{ itemId: shoe.id, quantity: 1 }],
        })
      ).body;
      sockRefund = (
        await t.api.post('/refunds', {
          orderId: order.id,
          currency: 'USD',
          items: [{ itemId: sock.id, quantity: 1 }],
        })
      ).body;
      await advance(t.api, 5);
      pendingRefund = (await t.api.post('/refunds', { orderId: order.id, currency: 'USD', amount: 2.5 }))
        .body;
      for (const r of [shoeRefund, sockRefund, pendingRefund]) assert.ok(r.id, JSON.stringify(r));
    });
    after(async () => t.close());

    const refunds = async (query: string) =>
      (await t.api.get(`/refunds?orderId=${order.id}&${query}`)).body.data.map((r: any) => r.id);

    it('by skuId: the refunds with an item of that SKU', async () => {
      assert.deepEqual(await refunds('skuId=f-shoe'), [shoeRefund.id]);
      assert.deepEqual(await refunds('skuId=f-sock'), [sockRefund.id]);
      assert.deepEqual(await refunds('skuId=f-hat'), []);
    });

    it('by amount and refundedAmount, exact or in ranges, in major units', async () => {
      assert.equal(shoeRefund.amount, 11);
      assert.equal(sockRefund.amount, 4.4);
      assert.deepEqual(await refunds('amount=11'), [shoeRefund.id]);
      assert.deepEqual(await refunds('amount=11.00'), [shoeRefund.id]);
      assert.deepEqual(await refunds('amount=11.001'), []);
      assert.deepEqual(await refunds('amount[gte]=4.4&amount[lt]=11'), [sockRefund.id]);
      assert.deepEqual(await refunds('amount[gt]=4.4'), [shoeRefund.id]);
      assert.deepEqual(await refunds('amount[lte]=2.5'), [pendingRefund.id]);
      // the pending one has returned nothing yet
      assert.deepEqual(await refunds('refundedAmount=0'), [pendingRefund.id]);
      assert.deepEqual(await refunds('refundedAmount[gte]=4.4'), [sockRefund.id, shoeRefund.id]);
      await advance(t.api, 5);
      assert.deepEqual(await refunds('refundedAmount=2.5'), [pendingRefund.id]);
      assert.deepEqual(errorOf(await t.api.get('/refunds?amount[gte]=ten')), [
        400,
        'invalid_parameter',
        'amount[gte]',
      ]);
    });

    it("orders by refundedAmount: what the order's completed refunds returned", async () => {
      const orders = async (query: string) =>
        (await t.api.get(`/orders?ids=${order.id}&${query}`)).body.data.map((o: any) => o.id);
      const now = (await t.api.get(`/orders/${order.id}`)).body;
      assert.equal(now.refundedAmount, 17.9);
      assert.deepEqual(await orders('refundedAmount=17.9'), [order.id]);
      assert.deepEqual(await orders('refundedAmount=17.91'), []);
      assert.deepEqual(await orders('refundedAmount=0'), []);
      assert.deepEqual(errorOf(await t.api.get('/orders?refundedAmount=x')), [
        400,
        'invalid_parameter',
        'refundedAmount',
      ]);
    });
  });
}
