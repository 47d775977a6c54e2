import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DeliveryWorker } from '../../src/jobs/deliveries.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { advance, createSku, physicalCheckoutBody, readyCheckout, SKU } from '../helpers/fixtures.js';
import { Receiver } from '../helpers/receiver.js';
import { storeKinds } from '../helpers/stores.js';

/**
 * DR's expanded events (order-management/events-and-webhooks-1/expanding-events.md): order.accepted,
 * order.cancelled, order.refunded and fulfillment.created can come with each item's
 * productDetails.physical and metadata. A webhook chooses the expanded version (`expand`, where DR
 * has a dashboard switch); everyone else sees the standard one.
 */
for (const kind of storeKinds()) {
  describe(`expanded events (${kind})`, () => {
    let t: TestApp;
    let worker: DeliveryWorker;
    const receiver = new Receiver();
    let address: string;
    before(async () => {
      t = await buildTestApp(kind);
      address = await receiver.start();
      worker = new DeliveryWorker(t.deps);
    });
    after(async () => {
      await worker.stop();
      await receiver.stop();
      await t.close();
    });

    const detailsOf = (object: any) =>
      (object.orderDetails ?? object).items.map((i: any) => [
        i.productDetails.physical,
        i.productDetails.metadata,
      ]);

    it('a webhook with expand gets physical and metadata on the four expandable events; others do not', async () => {
      const types = [
        'order.accepted',
        'fulfillment.created',
        'order.cancelled',
        'order.refunded',
        'order.complete',
      ];
      const bad = await t.api.post('/webhooks', { types, address, expand: 'yes' });
      assert.equal(bad.status, 400);
      assert.equal(bad.body.errors[0].parameter, 'expand');
      const expanded = await t.api.post('/webhooks', { types, address: `${address}/expanded`, expand: true });
      assert.equal(expanded.status, 201, expanded.raw);
      assert.equal(expanded.body.expand, true);
      const standard = await t.api.post('/webhooks', { types, address: `${address}/standard` });
      assert.equal(standard.body.expand, false);

      await createSku(t.api, 'tagged-boot', { ...SKU, metadata: { more: 'data' } });
      const { checkout } = await readyCheckout(t.api, t.publicApi, {
        body: physicalCheckoutBody('tagged-boot', {
          items: [
            { skuId: 'tagged-boot', price: 10, quantity: 2 },
            { productDetails: { name: 'E-book', id: 'ebook-2' }, price: 5, quantity: 1 },
          ],
        }),
      });
      const order = (await t.api.post('/orders', { checkoutId: checkout.id })).body;
      assert.equal(order.state, 'accepted', order.state);
      const [boot, ebook] = order.items;
      const fulfilled = await t.api.post('/fulfillments', {
        orderId: order.id,
        items: [
          { itemId: boot.id, quantity: 2 },
          { itemId: ebook.id, quantity: 1 },
        ],
      });
      assert.equal(fulfilled.status, 201, fulfilled.raw);
      // a second order, cancelled whole
      const second = (await readyCheckout(t.api, t.publicApi, { body: physicalCheckoutBody('tagged-boot') }))
        .checkout;
      const doomed = (await t.api.post('/orders', { checkoutId: second.id })).body;
      const cancelled = await t.api.post('/fulfillments', {
        orderId: doomed.id,
        items: [{ itemId: doomed.items[0].id, cancelQuantity: doomed.items[0].quantity }],
      });
      assert.equal(cancelled.status, 201, cancelled.raw);
      await advance(t.api, 5);
      const complete = (await t.api.get(`/orders/${order.id}`)).body;
      assert.equal(complete.state, 'complete');
      const refund = await t.api.post('/refunds', {
        orderId: order.id,
        currency: 'USD',
        amount: complete.availableToRefundAmount,
      });
      assert.equal(refund.status, 201, refund.raw);
      await advance(t.api, 5);
      assert.equal((await t.api.get(`/orders/${order.id}`)).body.state, 'returned');
      receiver.received.length = 0;
      await worker.drain(60_000);

      const got = (path: string) =>
        new Map(
          receiver.received
            .filter((r) => r.path === path)
            .map((r) => JSON.parse(r.body))
            .map((e): [string, any] => [`${e.type}:${e.data.object.orderId ?? e.data.object.id}`, e]),
        );
      const toExpanded = got('/hooks/expanded');
      const toStandard = got('/hooks/standard');
      assert.deepEqual([...toExpanded.keys()].sort(), [...toStandard.keys()].sort());
      for (const type of [
        `order.accepted:${order.id}`,
        `fulfillment.created:${order.id}`,
        `order.refunded:${order.id}`,
      ]) {
        assert.deepEqual(
          detailsOf(toExpanded.get(type).data.object),
          [
            [true, { more: 'data' }],
            [false, undefined],
          ],
          type,
        );
        assert.deepEqual(
          detailsOf(toStandard.get(type).data.object),
          [
            [undefined, undefined],
            [undefined, undefined],
          ],
          type,
        );
      }
      assert.deepEqual(detailsOf(toExpanded.get(`order.cancelled:${doomed.id}`).data.object), [
        [true, { more: 'data' }],
      ]);
      assert.deepEqual(detailsOf(toStandard.get(`order.cancelled:${doomed.id}`).data.object), [
        [undefined, undefined],
      ]);
      // order.complete is not expandable: both get it standard
      const plain = toExpanded.get(`order.complete:${order.id}`);
      assert.ok(plain, 'order.complete delivered');
      assert.deepEqual(detailsOf(plain.data.object)[0], [undefined, undefined]);
      // the same event, apart from the expansion
      const strip = (e: any) =>
        JSON.parse(JSON.stringify(e, (k, v) => (k === 'physical' || k === 'metadata' ? undefined : v)));
      const accepted = toExpanded.get(`order.accepted:${order.id}`);
      assert.deepEqual(strip(accepted), strip(toStandard.get(`order.accepted:${order.id}`)));

      // GET /events shows the standard version
      const listed = (await t.api.get(`/events/${accepted.id}`)).body;
      assert.deepEqual(detailsOf(listed.data.object)[0], [undefined, undefined]);

      // expand can be turned off again
      const off = await t.api.request('PATCH', `/webhooks/${expanded.body.id}`, { expand: false });
      assert.equal(off.status, 200, off.raw);
      assert.equal(off.body.expand, false);
      for (const id of [expanded.body.id, standard.body.id]) await t.api.delete(`/webhooks/${id}`);
    });
  });
}
