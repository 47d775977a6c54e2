import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { buildTestApp, errorOf, type TestApp } from '../helpers/app.js';
import {
  advance,
  CARDS,
  createSku,
  digitalCheckoutBody,
  physicalCheckoutBody,
  placeOrder,
} from '../helpers/fixtures.js';
import { storeKinds } from '../helpers/stores.js';

/**
 * Orders handled in parts, over HTTP: each of issue 11's six defects, as a user met them (every
 * test here failed on the code before the order's ledger). Amounts follow DR's refund rules
 * (order-management/returns-and-refunds-1/refunds/issuing-refunds.md) and its capture and
 * cancel rules (order-management/informing-digital-river-of-a-fulfillment.md).
 */
for (const kind of storeKinds()) {
  describe(`orders handled in parts (${kind})`, () => {
    let t: TestApp;
    before(async () => {
      t = await buildTestApp(kind);
      await createSku(t.api, 'shoe');
    });
    after(async () => t.close());

    /** 2 × 12.50 of a digital good (MN: 1.72 tax, 26.72 in all). */
    const twoBooks = () =>
      placeOrder(t.api, t.publicApi, {
        body: digitalCheckoutBody({
          items: [{ productDetails: { name: 'Book' }, price: 12.5, quantity: 2 }],
        }),
      });
    const fulfil = (order: any, items: Record<string, unknown>[]) =>
      t.api.post('/fulfillments', { orderId: order.id, items });
    const refund = (order: any, body: Record<string, unknown>) =>
      t.api.post('/refunds', { orderId: order.id, currency: 'USD', ...body });
    const read = async (order: any) => (await t.api.get(`/orders/${order.id}`)).body;

    it('1: refunds an order of which one unit is captured, in every form', async () => {
      const order = await twoBooks();
      assert.equal(order.totalAmount, 26.72);
      assert.equal((await fulfil(order, [{ itemId: order.items[0].id, quantity: 1 }])).status, 201);
      await advance(t.api, 5);
      const captured = await read(order);
      assert.deepEqual(
        [captured.state, captured.payment.charges[0].state, captured.availableToRefundAmount],
        ['accepted', 'capturable', 13.36],
      );
      const byAmount = await refund(order, { amount: 5 });
      assert.deepEqual([byAmount.status, byAmount.body.amount], [201, 5], byAmount.raw);
      const byPercent = await refund(order, { percent: 50 });
      assert.deepEqual([byPercent.status, byPercent.body.amount], [201, 4.18], byPercent.raw);
      const byItems = await refund(order, { items: [{ itemId: order.items[0].id, percent: 100 }] });
      assert.deepEqual([byItems.status, byItems.body.amount], [201, 4.18], byItems.raw);
      await advance(t.api, 5);
      const after = await read(order);
      assert.deepEqual([after.refundedAmount, after.availableToRefundAmount], [13.36, 0]);
      // the rest ships, and is refundable in its turn
      assert.equal((await fulfil(order, [{ itemId: order.items[0].id, quantity: 1 }])).status, 201);
      await advance(t.api, 5);
      assert.deepEqual(
        [(await read(order)).state, (await read(order)).availableToRefundAmount],
        ['complete', 13.36],
      );
    });

    it('2: ships some units and cancels the rest in one request', async () => {
      const one = await twoBooks();
      const mixed = await fulfil(one, [{ itemId: one.items[0].id, quantity: 1, cancelQuantity: 1 }]);
      assert.equal(mixed.status, 201, mixed.raw);
      let after = await read(one);
      assert.deepEqual(
        [after.state, after.items[0].state, after.capturedAmount, after.cancelledAmount],
        ['fulfilled', 'fulfilled', 13.36, 13.36],
      );
      await advance(t.api, 5);
      after = await read(one);
      assert.deepEqual([after.state, after.payment.charges[0].state], ['complete', 'complete']);

      const two = await placeOrder(t.api, t.publicApi, {
        body: digitalCheckoutBody({
          items: [
            { productDetails: { name: 'A' }, price: 10, quantity: 1 },
            { productDetails: { name: 'B' }, price: 20, quantity: 1 },
          ],
        }),
      });
      const split = await fulfil(two, [
        { itemId: two.items[0].id, quantity: 1 },
        { itemId: two.items[1].id, cancelQuantity: 1 },
      ]);
      assert.equal(split.status, 201, split.raw);
      after = await read(two);
      assert.deepEqual(
        [after.state, after.items.map((i: any) => i.state)],
        ['fulfilled', ['fulfilled', 'cancelled']],
      );
    });

    it('3: a tax refund takes the captured, unrefunded tax, only in full', async () => {
      const order = await twoBooks();
      await fulfil(order, [{ itemId: order.items[0].id, quantity: 2 }]);
      await advance(t.api, 5);
      assert.deepEqual(errorOf(await refund(order, { type: 'tax', amount: 0.5 })), [
        400,
        'invalid_parameter',
        'amountRequested',
      ]);
      assert.equal(
        (await refund(order, { type: 'tax', amount: 0.5 })).body.errors[0].message,
        'Only full tax refunds are supported.',
      );
      const tax = await refund(order, { type: 'tax' });
      assert.deepEqual([tax.status, tax.body.amount], [201, 1.72]);
      for (let i = 0; i < 2; i++)
        assert.deepEqual(errorOf(await refund(order, { type: 'tax' })), [
          400,
          'invalid_parameter',
          'amountRequested',
        ]);
      await advance(t.api, 5);
      assert.equal((await read(order)).refundedAmount, 1.72);

      const three = await placeOrder(t.api, t.publicApi, {
        body: digitalCheckoutBody({ items: [{ productDetails: { name: 'C' }, price: 10, quantity: 3 }] }),
      });
      await fulfil(three, [{ itemId: three.items[0].id, quantity: 2, cancelQuantity: 1 }]);
      await advance(t.api, 5);
      const two = await refund(three, { type: 'tax' });
      // the tax of the two units shipped, not of all three
      const perUnit = three.items[0].tax.amount / 3;
      assert.ok(Math.abs(two.body.amount - 2 * perUnit) < 0.011, `${two.body.amount} ≈ 2 × ${perUnit}`);
      assert.ok(two.body.amount < three.totalTax);
    });

    it('4: items[].type refunds the item’s shipping, and refuses fees it does not have', async () => {
      const order = await placeOrder(t.api, t.publicApi, { body: physicalCheckoutBody('shoe') });
      await fulfil(order, [{ itemId: order.items[0].id, quantity: 2 }]);
      await advance(t.api, 5);
      const item = order.items[0];
      const shipping = await refund(order, { items: [{ itemId: item.id, type: 'shipping', percent: 100 }] });
      assert.equal(shipping.status, 201, shipping.raw);
      assert.equal(
        shipping.body.amount,
        Math.round((item.shipping.amount + item.shipping.taxAmount) * 100) / 100,
      );
      assert.equal(shipping.body.items[0].type, 'shipping');
      assert.deepEqual(
        errorOf(await refund(order, { items: [{ itemId: item.id, type: 'fees', percent: 100 }] })),
        [400, 'invalid_parameter', 'items[0].type'],
      );
      // the product and its tax are still all there
      assert.equal((await read(order)).items[0].availableToRefundAmount, item.amount + item.tax.amount);
    });

    it('5: a cancel that fails leaves the order cancelled, and a fulfillment says so', async () => {
      const order = await placeOrder(t.api, t.publicApi, { card: CARDS.cancelFails });
      await fulfil(order, [{ itemId: order.items[0].id, cancelQuantity: 1 }]);
      await advance(t.api, 5);
      const after = await read(order);
      assert.deepEqual(
        [after.state, after.items[0].state, after.payment.charges[0].cancels[0].state],
        ['cancelled', 'cancelled', 'failed'],
      );
      assert.deepEqual(errorOf(await fulfil(order, [{ itemId: order.items[0].id, quantity: 1 }])), [
        409,
        'order_cancelled',
        'orderId',
      ]);
    });

    it('6: a percentOff discount applies to the units its quantity names', async () => {
      const checkout = await t.api.post(
        '/checkouts',
        digitalCheckoutBody({
          items: [
            {
              productDetails: { name: 'D' },
              price: 10,
              quantity: 4,
              discount: { percentOff: 50, quantity: 1 },
            },
          ],
        }),
      );
      assert.equal(checkout.status, 201, checkout.raw);
      assert.equal(checkout.body.items[0].amount, 35);
    });
  });
}
