import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Api, buildTestApp, errorOf, type TestApp } from '../helpers/app.js';
import { advance, createSku, eventsOf, physicalCheckoutBody, placeOrder } from '../helpers/fixtures.js';
import { storeKinds } from '../helpers/stores.js';

/**
 * DR's "Issuing refunds" page (order-management/returns-and-refunds-1/refunds/issuing-refunds.md),
 * example by example: its order of 27.01 (two units of 10.00 with 1.61 tax, 5.00 shipping with
 * 0.40 tax: a rate of 0.0805 on both) and each request it shows, with the status and amounts it
 * documents.
 */
for (const kind of storeKinds()) {
  describe(`DR's issuing-refunds examples (${kind})`, () => {
    let t: TestApp;
    before(async () => {
      t = await buildTestApp(kind);
      assert.equal((await t.api.post('/account', { taxRates: { 'US-MN': 0.0805 } })).status, 200);
      assert.equal((await t.otherApi.post('/account', { taxRates: { 'US-MN': 0.08 } })).status, 200);
      await createSku(t.api, 'widget');
      await createSku(t.otherApi, 'widget');
    });
    after(async () => t.close());

    /** The page's order, fulfilled and captured. */
    async function capturedOrder(
      api: Api = t.api,
      items: Record<string, unknown>[] = [{ skuId: 'widget', price: 10, quantity: 2 }],
    ) {
      const publicApi = api === t.api ? t.publicApi : new Api(t.app, t.otherKeys.publicKey);
      const order = await placeOrder(api, publicApi, { body: physicalCheckoutBody('widget', { items }) });
      const fulfilled = await api.post('/fulfillments', {
        orderId: order.id,
        items: order.items.map((i: any) => ({ itemId: i.id, quantity: i.quantity })),
      });
      assert.equal(fulfilled.status, 201, fulfilled.raw);
      await advance(api, 5);
      return (await api.get(`/orders/${order.id}`)).body;
    }
    const refund = (order: any, body: Record<string, unknown>, api: Api = t.api) =>
      api.post('/refunds', { orderId: order.id, currency: 'USD', ...body });

    it('the order: 27.01, refundable once its capture completes', async () => {
      const order = await placeOrder(t.api, t.publicApi, { body: physicalCheckoutBody('widget') });
      assert.deepEqual(
        [
          order.totalAmount,
          order.subtotal,
          order.totalTax,
          order.totalShipping,
          order.shippingChoice.taxAmount,
        ],
        [27.01, 25, 2.01, 5, 0.4],
      );
      // "refunds can only be created on orders with charge captures in a state of complete"
      assert.deepEqual(errorOf(await refund(order, { amount: 1 })), [
        400,
        'invalid_parameter',
        'amountRequested',
      ]);
      const captured = await capturedOrder();
      assert.deepEqual(
        [captured.availableToRefundAmount, captured.items[0].availableToRefundAmount],
        [27.01, 21.61],
      );
    });

    it('order-level product refunds: percent 100, amount "27.01", percent 50', async () => {
      const full = await refund(await capturedOrder(), { percent: 100 });
      assert.deepEqual([full.status, full.body.amount], [201, 27.01]);
      const amount = await refund(await capturedOrder(), { amount: 27.01 });
      assert.deepEqual([amount.status, amount.body.amount], [201, 27.01]);
      const order = await capturedOrder();
      const half = await refund(order, { percent: 50 });
      assert.deepEqual(
        [half.status, half.body.amount, half.body.refundedAmount, half.body.state],
        [201, 13.51, 0, 'pending'],
      );
      await advance(t.api, 5);
      const done = (await t.api.get(`/refunds/${half.body.id}`)).body;
      assert.deepEqual(
        [done.state, done.refundedAmount, done.charges[0].captured, done.charges[0].refunds[0].amount],
        ['succeeded', 13.51, true, 13.51],
      );
      const read = (await t.api.get(`/orders/${order.id}`)).body;
      assert.deepEqual(
        [
          read.refundedAmount,
          read.capturedAmount,
          read.availableToRefundAmount,
          read.payment.charges[0].refunded,
        ],
        [13.51, 27.01, 13.5, true],
      );
      // refund.pending, then refund.complete with the amount refunded
      const events = (await eventsOf(t.api, ['refund.pending', 'refund.complete'])).filter(
        (e) => e.data.object.id === half.body.id,
      );
      assert.deepEqual(
        events.map((e) => [e.type, e.data.object.state, e.data.object.refundedAmount]),
        [
          ['refund.pending', 'pending', 0],
          ['refund.complete', 'succeeded', 13.51],
        ],
      );
    });

    it('line-item product refunds: quantity 2 at 100 %, quantity 4 at 50 %', async () => {
      const order = await capturedOrder(t.api, [
        { skuId: 'widget', price: 10, quantity: 2 },
        { skuId: 'widget', price: 10, quantity: 4 },
      ]);
      const [a, b] = order.items;
      const items = await refund(order, {
        items: [
          { itemId: a.id, quantity: '2', percent: 100 },
          { itemId: b.id, quantity: '4', percent: 50 },
        ],
      });
      assert.equal(items.status, 201, items.raw);
      assert.deepEqual(
        [items.body.amount, items.body.items.map((i: any) => [i.amount, i.quantity, i.refundedAmount])],
        [
          43.22,
          [
            [21.61, 2, 0],
            [21.61, 4, 0],
          ],
        ],
      );
      await advance(t.api, 5);
      const done = (await t.api.get(`/refunds/${items.body.id}`)).body;
      assert.deepEqual(
        [done.refundedAmount, done.items.map((i: any) => i.refundedAmount)],
        [43.22, [21.61, 21.61]],
      );
    });

    it('taxes: type tax percent 100 refunds 2.01; partial tax refunds are refused', async () => {
      const order = await capturedOrder();
      const partial = await refund(order, { type: 'tax', percent: 50 });
      assert.deepEqual(errorOf(partial), [400, 'invalid_parameter', 'percentRequested']);
      assert.equal(partial.body.errors[0].message, 'Only full tax refunds are supported.');
      const tax = await refund(order, { type: 'tax', percent: 100 });
      assert.deepEqual([tax.status, tax.body.amount, tax.body.type, tax.body.items], [201, 2.01, 'tax', []]);
      await advance(t.api, 5);
      const read = (await t.api.get(`/orders/${order.id}`)).body;
      assert.deepEqual([read.refundedAmount, read.availableToRefundAmount], [2.01, 25]);
      // the order's totalTax is no longer refundable: "a 400 Bad Request is returned"
      const again = await refund(order, { type: 'tax', amount: read.totalTax });
      assert.deepEqual(errorOf(again), [400, 'invalid_parameter', 'amountRequested']);
      assert.equal(
        again.body.errors[0].message,
        'The requested refund amount is greater than the available amount.',
      );
    });

    it('shipping: type shipping percent 100 refunds 5.40, and totalShipping is then too much', async () => {
      const order = await capturedOrder();
      const shipping = await refund(order, { type: 'shipping', percent: 100 });
      assert.deepEqual([shipping.status, shipping.body.amount, shipping.body.type], [201, 5.4, 'shipping']);
      await advance(t.api, 5);
      const read = (await t.api.get(`/orders/${order.id}`)).body;
      assert.deepEqual(
        [read.refundedAmount, read.capturedAmount, read.availableToRefundAmount],
        [5.4, 27.01, 21.61],
      );
      assert.deepEqual(errorOf(await refund(order, { type: 'shipping', amount: read.totalShipping })), [
        400,
        'invalid_parameter',
        'amountRequested',
      ]);
    });

    it('refund types at order and item level: shipping at 75 %', async () => {
      const order = await capturedOrder();
      const orderLevel = await refund(order, { type: 'shipping', percent: 75 });
      assert.deepEqual([orderLevel.status, orderLevel.body.amount], [201, 4.05]);
      const other = await capturedOrder();
      const itemLevel = await refund(other, {
        items: [{ type: 'shipping', itemId: other.items[0].id, quantity: '2', percent: 75 }],
      });
      assert.deepEqual(
        [itemLevel.status, itemLevel.body.amount, itemLevel.body.items[0].type],
        [201, 4.05, 'shipping'],
      );
    });

    it('errors: more than is available, another currency', async () => {
      const order = await capturedOrder();
      const much = await refund(order, { amount: 27.02 });
      assert.deepEqual(errorOf(much), [400, 'invalid_parameter', 'amountRequested']);
      assert.equal(
        much.body.errors[0].message,
        'The requested refund amount is greater than the available amount.',
      );
      const item = await refund(order, { items: [{ itemId: order.items[0].id, amount: 21.62 }] });
      assert.deepEqual(errorOf(item), [400, 'invalid_parameter', 'amountRequested']);
      const eur = await t.api.post('/refunds', { orderId: order.id, currency: 'EUR', amount: 1 });
      assert.deepEqual(errorOf(eur), [400, 'invalid_parameter', 'currency']);
      assert.equal(eur.body.errors[0].message, 'Currency EUR is not supported.');
    });

    it('item-level availableToRefundAmount: amount and tax, without shipping (10.00 + 0.80 of 13.50)', async () => {
      const order = await capturedOrder(t.otherApi, [
        { skuId: 'widget', price: 10, quantity: 1 },
        { skuId: 'widget', price: 10, quantity: 1 },
      ]);
      assert.deepEqual(
        order.items.map((i: any) => [
          i.amount,
          i.tax.amount,
          i.shipping.amount,
          i.shipping.taxAmount,
          i.availableToRefundAmount,
        ]),
        [
          [10, 0.8, 2.5, 0.2, 10.8],
          [10, 0.8, 2.5, 0.2, 10.8],
        ],
      );
    });
  });
}
