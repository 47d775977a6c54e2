import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { advance, digitalCheckoutBody, placeOrder } from '../helpers/fixtures.js';
import { storeKinds } from '../helpers/stores.js';

/**
 * Racing requests on one order never over-capture, over-cancel or over-refund: one wins, the
 * others get a 409 (or a 400 naming the amount) or succeed on what remains.
 */

const UNITS = 5;
const PRICE = 20;

const sum = (values: number[]) => values.reduce((s, v) => s + v, 0);

for (const kind of storeKinds()) {
  describe(`racing requests on one order (${kind})`, () => {
    let t: TestApp;
    before(async () => {
      t = await buildTestApp(kind);
    });
    after(async () => t.close());

    const order = () =>
      placeOrder(t.api, t.publicApi, {
        body: digitalCheckoutBody({
          items: [{ productDetails: { name: 'Widget', id: 'w' }, price: PRICE, quantity: UNITS }],
        }),
      });

    it('parallel fulfillments and cancellations of one item never take more than its quantity', async () => {
      for (let round = 0; round < 5; round++) {
        const placed = await order();
        const itemId = placed.items[0].id;
        const responses = await Promise.all(
          Array.from({ length: 12 }, (_, i) =>
            t.api.post(
              '/fulfillments',
              {
                orderId: placed.id,
                items: [i % 3 === 0 ? { itemId, cancelQuantity: 1 } : { itemId, quantity: 1 }],
              },
              { unchecked: true },
            ),
          ),
        );
        const won = responses.filter((r) => r.status === 201);
        for (const r of responses.filter((x) => x.status !== 201)) {
          assert.ok([400, 409].includes(r.status), `${r.status}: ${r.raw}`);
        }
        assert.equal(won.length, UNITS, 'exactly the item quantity succeeds');
        const read = (await t.api.get(`/orders/${placed.id}`)).body;
        const charge = read.payment.charges[0];
        const captured = sum(charge.captures.map((c: { amount: number }) => c.amount));
        const cancelled = sum(charge.cancels.map((c: { amount: number }) => c.amount));
        assert.ok(
          captured + cancelled <= charge.amount + 1e-9,
          `${captured} + ${cancelled} > ${charge.amount}`,
        );
        assert.equal(Math.round((captured + cancelled) * 100), Math.round(read.totalAmount * 100));
      }
    });

    it('parallel refunds never refund more than was captured', async () => {
      const placed = await order();
      await t.api.post('/fulfillments', {
        orderId: placed.id,
        items: [{ itemId: placed.items[0].id, quantity: UNITS }],
      });
      await advance(t.api, 10);
      const before = (await t.api.get(`/orders/${placed.id}`)).body;
      const available = before.availableToRefundAmount as number;
      assert.ok(available > 0);
      const piece = Math.round((available / 3.5) * 100) / 100; // three fit, the fourth does not
      const responses = await Promise.all(
        Array.from({ length: 10 }, () =>
          t.api.post('/refunds', { orderId: placed.id, currency: 'USD', amount: piece }, { unchecked: true }),
        ),
      );
      const won = responses.filter((r) => r.status === 201);
      for (const r of responses.filter((x) => x.status !== 201)) {
        assert.equal(r.status, 400, r.raw);
        assert.equal(r.body.errors[0].parameter, 'amountRequested');
      }
      assert.equal(won.length, 3);
      await advance(t.api, 10);
      const after = (await t.api.get(`/orders/${placed.id}`)).body;
      assert.ok(after.refundedAmount <= available + 1e-9);
      assert.equal(Math.round(after.refundedAmount * 100), Math.round(piece * 3 * 100));
    });

    it('a refund racing fulfillments and cancellations keeps every total within the order', async () => {
      for (let round = 0; round < 3; round++) {
        const placed = await order();
        const itemId = placed.items[0].id;
        await t.api.post('/fulfillments', { orderId: placed.id, items: [{ itemId, quantity: 2 }] });
        await advance(t.api, 10);
        const responses = await Promise.all([
          t.api.post(
            '/refunds',
            { orderId: placed.id, currency: 'USD', amount: PRICE * 2 },
            { unchecked: true },
          ),
          t.api.post(
            '/fulfillments',
            { orderId: placed.id, items: [{ itemId, quantity: 2 }] },
            { unchecked: true },
          ),
          t.api.post('/refunds', { orderId: placed.id, currency: 'USD', amount: PRICE }, { unchecked: true }),
          t.api.post(
            '/fulfillments',
            { orderId: placed.id, items: [{ itemId, cancelQuantity: 2 }] },
            { unchecked: true },
          ),
        ]);
        for (const r of responses) assert.ok(r.status < 500, `${r.status}: ${r.raw}`);
        await advance(t.api, 10);
        const read = (await t.api.get(`/orders/${placed.id}`)).body;
        const charge = read.payment.charges[0];
        const captured = sum(
          charge.captures
            .filter((c: { state: string }) => c.state !== 'failed')
            .map((c: { amount: number }) => c.amount),
        );
        const cancelled = sum(charge.cancels.map((c: { amount: number }) => c.amount));
        const refunded = sum(charge.refunds.map((c: { amount: number }) => c.amount));
        assert.ok(
          captured + cancelled <= charge.amount + 1e-9,
          `captured ${captured} + cancelled ${cancelled} > ${charge.amount}`,
        );
        assert.ok(refunded <= captured + 1e-9, `refunded ${refunded} > captured ${captured}`);
      }
    });
  });
}
