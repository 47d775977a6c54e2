import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { advance, createSku, readyCheckout, SKU } from '../helpers/fixtures.js';
import { storeKinds } from '../helpers/stores.js';

for (const kind of storeKinds()) {
  describe(`events (${kind})`, () => {
    let t: TestApp;
    let orderId: string;
    before(async () => {
      t = await buildTestApp(kind);
      const { checkout } = await readyCheckout(t.api, t.publicApi);
      orderId = (await t.api.post('/orders', { checkoutId: checkout.id })).body.id;
    });
    after(async () => t.close());

    it("records every state change in DR's event shape", async () => {
      const list = await t.api.get('/events?limit=100');
      const types = list.body.data.map((e: any) => e.type);
      assert.deepEqual(types, [
        'order.accepted',
        'order.charge.capturable',
        'order.created',
        'checkout.updated',
        'source.created',
        'checkout.created',
      ]);
      const [accepted] = list.body.data;
      assert.match(accepted.id, /^[0-9a-f-]{36}$/);
      assert.equal(accepted.liveMode, false);
      assert.equal(accepted.digitalriverVersion, '2021-12-13');
      assert.deepEqual(accepted.webhookIds, []);
      assert.match(accepted.createdTime, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      assert.equal(accepted.data.object.id, orderId);
      assert.equal(accepted.pendingWebhooks, undefined);
      assert.deepEqual((await t.api.get(`/events/${accepted.id}`)).body, accepted);
    });

    it('filters by type, wildcard and list of types', async () => {
      const orders = await t.api.get('/events?type=order.*');
      assert.deepEqual(
        orders.body.data.map((e: any) => e.type),
        ['order.accepted', 'order.charge.capturable', 'order.created'],
      );
      const charge = await t.api.get('/events?type=order.charge.*');
      assert.deepEqual(
        charge.body.data.map((e: any) => e.type),
        ['order.charge.capturable'],
      );
      const exact = await t.api.get('/events?types=checkout.created,order.created');
      assert.deepEqual(
        exact.body.data.map((e: any) => e.type),
        ['order.created', 'checkout.created'],
      );
      const [first, second] = (await t.api.get('/events?limit=2')).body.data;
      assert.deepEqual(
        (await t.api.get(`/events?ids=${second.id},${first.id}`)).body.data.map((e: any) => e.id),
        [first.id, second.id],
      );
      const repeated = await t.api.get('/events?types=checkout.created&types=source.created');
      assert.equal(repeated.body.data.length, 2);
      assert.equal((await t.api.get('/events?type=Order.*')).body.data.length, 0, 'types are case-sensitive');
      const both = await t.api.get('/events?type=order.*&types=order.created');
      assert.deepEqual([both.status, both.body.errors[0].parameter], [400, 'types']);
      const middle = await t.api.get('/events?type=order.*.created');
      assert.deepEqual([middle.status, middle.body.errors[0].parameter], [400, 'type']);
    });

    it('pages both ways', async () => {
      const all = (await t.api.get('/events?limit=100')).body.data.map((e: any) => e.id);
      const first = await t.api.get('/events?limit=2');
      assert.deepEqual(
        first.body.data.map((e: any) => e.id),
        all.slice(0, 2),
      );
      const next = await t.api.get(`/events?limit=2&startingAfter=${all[1]}`);
      assert.deepEqual(
        next.body.data.map((e: any) => e.id),
        all.slice(2, 4),
      );
      const back = await t.api.get(`/events?limit=2&endingBefore=${all[4]}`);
      assert.deepEqual(
        back.body.data.map((e: any) => e.id),
        all.slice(2, 4),
      );
      assert.equal((await t.api.get('/events/00000000-0000-0000-0000-000000000000')).status, 404);
    });

    it('update events carry data.previousAttributes: what the update changed, as it was', async () => {
      const latest = async (type: string) => (await t.api.get(`/events?type=${type}&limit=1`)).body.data[0];
      // a SKU renamed: its old name and updatedTime; what did not change is not there
      await createSku(t.api, 'renamed', { ...SKU, name: 'Old name' });
      await advance(t.api, 60);
      await t.api.post('/skus/renamed', { name: 'New name' });
      const sku = await latest('sku.updated');
      assert.equal(sku.data.object.name, 'New name');
      assert.equal(sku.data.previousAttributes.name, 'Old name');
      assert.ok(sku.data.previousAttributes.updatedTime);
      assert.equal(sku.data.previousAttributes.eccn, undefined);
      // an order given metadata it had none of: null before
      await t.api.post(`/orders/${orderId}`, { metadata: { coupon: 'A1' } });
      const order = await latest('order.updated');
      assert.deepEqual(order.data.object.metadata, { coupon: 'A1' });
      assert.ok('metadata' in order.data.previousAttributes);
      assert.equal(order.data.previousAttributes.metadata, null);
      assert.equal(order.data.previousAttributes.state, undefined);
      // a checkout a source was attached to: its payment as it was
      const { checkout } = await readyCheckout(t.api, t.publicApi);
      const attached = (await t.api.get(`/events?type=checkout.updated&limit=10`)).body.data.find(
        (e: any) => e.data.object.id === checkout.id,
      );
      assert.ok(attached.data.previousAttributes.payment);
      assert.notDeepEqual(attached.data.previousAttributes.payment, attached.data.object.payment);
      // creation events have none
      assert.equal((await latest('sku.created')).data.previousAttributes, undefined);
    });

    it('the event stream refuses a bad type pattern, and a key that is not valid', async () => {
      const bad = await t.api.get('/test-helpers/events/stream?types=order.*,Not%20A%20Type', {
        unchecked: true,
      });
      assert.deepEqual(
        [bad.status, bad.body.errors[0].code, bad.body.errors[0].parameter],
        [400, 'invalid_parameter', 'types[1]'],
      );
      const unknown = await t.api.get('/test-helpers/events/stream', {
        key: 'sk_test_nobody_at_all',
        unchecked: true,
      });
      assert.equal(unknown.status, 401);
    });

    it("orderId (Tributary's) lists one order's events: its own and its charges', fulfillments', refunds'", async () => {
      const { checkout } = await readyCheckout(t.api, t.publicApi);
      const other = (await t.api.post('/orders', { checkoutId: checkout.id })).body;
      const item = other.items[0].id;
      await t.api.post('/fulfillments', { orderId: other.id, items: [{ itemId: item, quantity: 1 }] });
      const types = async (id: string) =>
        (await t.api.get(`/events?orderId=${id}&limit=100`)).body.data.map((e: any) => e.type);
      const mine = await types(other.id);
      for (const type of [
        'order.created',
        'order.charge.capturable',
        'order.accepted',
        'fulfillment.created',
        'order.charge.capture.pending',
      ])
        assert.ok(mine.includes(type), type);
      assert.ok(!mine.some((t: string) => t.startsWith('checkout.') || t.startsWith('source.')));
      const first = await types(orderId);
      assert.ok(first.includes('order.accepted'));
      assert.ok(!first.includes('fulfillment.created'), "the other order's fulfillment is not the first's");
      assert.deepEqual(await types('999999999'), []);
      assert.deepEqual((await t.otherApi.get(`/events?orderId=${other.id}`)).body.data, []);
    });
  });
}
