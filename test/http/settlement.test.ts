import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Api, buildTestApp, errorOf, type TestApp } from '../helpers/app.js';
import { advance, CARDS, eventsOf, placeOrder } from '../helpers/fixtures.js';
import { eventually } from '../helpers/harness.js';
import { storeKinds } from '../helpers/stores.js';

const HOUR = 3600;

for (const kind of storeKinds()) {
  describe(`settlement, reviews, the clock and forced outcomes (${kind})`, () => {
    let t: TestApp;
    let averse: Api;
    let aversePublic: Api;
    before(async () => {
      t = await buildTestApp(kind);
      averse = t.otherApi;
      aversePublic = new Api(t.app, t.otherKeys.publicKey);
      await averse.post('/account', { chargebackRiskPolicy: 'averse' });
    });
    after(async () => t.close());

    const fulfilAll = (api: Api, order: any) =>
      api.post('/fulfillments', {
        orderId: order.id,
        items: order.items.map((i: any) => ({ itemId: i.id, quantity: i.quantity })),
      });
    const cancelAll = (api: Api, order: any) =>
      api.post('/fulfillments', {
        orderId: order.id,
        items: order.items.map((i: any) => ({ itemId: i.id, cancelQuantity: i.quantity })),
      });
    const capture = async (api: Api, orderId: string) =>
      (await api.get(`/orders/${orderId}`)).body.payment.charges[0];

    it("moves the account's clock forward only, and reports it", async () => {
      const before = (await t.api.get('/test-helpers/clock')).body;
      const moved = await advance(t.api, 3600);
      assert.ok(Date.parse(moved.time) - Date.parse(before.time) >= 3_600_000);
      assert.ok(moved.offsetSeconds >= 3600);
      const to = new Date(Date.parse(moved.time) + 86_400_000).toISOString();
      const jumped = await t.api.post('/test-helpers/clock/advance', { to });
      assert.equal(jumped.status, 200);
      assert.ok(Math.abs(Date.parse(jumped.body.time) - Date.parse(to)) < 2000);
      assert.deepEqual(
        errorOf(await t.api.post('/test-helpers/clock/advance', { to: '2020-01-01T00:00:00Z' })),
        [400, 'invalid_parameter', 'to'],
      );
      assert.deepEqual(errorOf(await t.api.post('/test-helpers/clock/advance', {})), [
        400,
        'invalid_parameter',
        'seconds',
      ]);
      assert.deepEqual(errorOf(await t.api.post('/test-helpers/clock/advance', { seconds: -5 })), [
        400,
        'invalid_parameter',
        'seconds',
      ]);
      assert.deepEqual(errorOf(await t.api.post('/test-helpers/clock/advance', { seconds: 1, to })), [
        400,
        'invalid_parameter',
        'to',
      ]);
      assert.equal(
        (await t.otherApi.get('/test-helpers/clock')).body.offsetSeconds,
        0,
        "another account's clock did not move",
      );
      // objects are stamped with the account's clock
      const order = await placeOrder(t.api, t.publicApi);
      assert.ok(Date.parse(order.createdTime) >= Date.parse(jumped.body.time) - 1000);
    });

    it("DR's capture-failure card: the capture fails, the order stays fulfilled", async () => {
      const order = await placeOrder(t.api, t.publicApi, { card: CARDS.captureFails });
      await fulfilAll(t.api, order);
      await advance(t.api, 5);
      const charge = await capture(t.api, order.id);
      assert.deepEqual([charge.state, charge.captures[0].state], ['failed', 'failed']);
      assert.equal((await t.api.get(`/orders/${order.id}`)).body.state, 'fulfilled');
    });

    it("DR's pending-then-failed card fails an hour later; the stays-pending card never settles", async () => {
      const slow = await placeOrder(t.api, t.publicApi, { card: CARDS.capturePendingThenFails });
      const stuck = await placeOrder(t.api, t.publicApi, { card: CARDS.captureStaysPending });
      await fulfilAll(t.api, slow);
      await fulfilAll(t.api, stuck);
      await advance(t.api, 60);
      assert.equal((await capture(t.api, slow.id)).captures[0].state, 'pending');
      await advance(t.api, HOUR);
      assert.equal((await capture(t.api, slow.id)).captures[0].state, 'failed');
      await advance(t.api, 30 * 24 * HOUR);
      const pending = await capture(t.api, stuck.id);
      assert.deepEqual([pending.state, pending.captures[0].state], ['processing', 'pending']);
      // a test helper fails it on demand
      const failed = await t.api.post(`/test-helpers/captures/${pending.captures[0].id}/fail`);
      assert.equal(failed.status, 200);
      assert.deepEqual([failed.body.state, failed.body.captures[0].state], ['failed', 'failed']);
      assert.deepEqual(errorOf(await t.api.post(`/test-helpers/captures/${pending.captures[0].id}/fail`)), [
        409,
        'restricted_update',
        'id',
      ]);
      assert.equal((await t.api.post('/test-helpers/captures/nope/fail')).status, 404);
    });

    it("DR's cancel-failure card: the cancel fails, the items stay cancelled, the order is cancelled", async () => {
      const order = await placeOrder(t.api, t.publicApi, { card: CARDS.cancelFails });
      assert.equal((await cancelAll(t.api, order)).status, 201);
      await advance(t.api, 5);
      const charge = await capture(t.api, order.id);
      assert.deepEqual([charge.state, charge.cancels[0].state], ['failed', 'failed']);
      const read = (await t.api.get(`/orders/${order.id}`)).body;
      // the merchant cancelled the items; the cancel of the authorization failing does not bring
      // them back, and the order says what a fulfillment would now answer (issue 11, defect 5)
      assert.deepEqual([read.state, read.items[0].state], ['cancelled', 'cancelled']);
      assert.deepEqual(
        errorOf(
          await t.api.post('/fulfillments', {
            orderId: order.id,
            items: [{ itemId: order.items[0].id, quantity: 1 }],
          }),
        ),
        [409, 'order_cancelled', 'orderId'],
      );
    });

    it('a full cancellation cancels the charge, then the order', async () => {
      const order = await placeOrder(t.api, t.publicApi);
      await cancelAll(t.api, order);
      let read = (await t.api.get(`/orders/${order.id}`)).body;
      assert.deepEqual(
        [read.state, read.payment.charges[0].state, read.cancelledAmount],
        ['accepted', 'processing', read.totalAmount],
      );
      await advance(t.api, 5);
      read = (await t.api.get(`/orders/${order.id}`)).body;
      assert.deepEqual([read.state, read.payment.charges[0].state], ['cancelled', 'cancelled']);
      const types = (await eventsOf(t.api, 'order.*'))
        .filter((e) => (e.data.object.orderId ?? e.data.object.id) === order.id)
        .map((e) => e.type);
      assert.deepEqual(types.slice(-3), [
        'order.charge.cancel.complete',
        'order.charge.cancelled',
        'order.cancelled',
      ]);
    });

    it('fraud review: accepted one hour later', async () => {
      const order = await placeOrder(t.api, t.publicApi, { card: CARDS.review });
      await advance(t.api, HOUR - 60);
      assert.equal((await t.api.get(`/orders/${order.id}`)).body.state, 'in_review');
      await advance(t.api, 120);
      const read = (await t.api.get(`/orders/${order.id}`)).body;
      assert.deepEqual(
        [read.state, read.fraudState, Object.keys(read.stateTransitions)],
        ['accepted', 'passed', ['in_review', 'accepted']],
      );
      assert.equal(
        (await eventsOf(t.api, 'order.accepted')).filter((e) => e.data.object.id === order.id).length,
        1,
      );
      assert.equal((await fulfilAll(t.api, order)).status, 201);
    });

    it('fraud review: blocked one hour later, the charge cancelled in full', async () => {
      const order = await placeOrder(t.api, t.publicApi, { card: CARDS.reviewBlocked });
      await advance(t.api, HOUR + 1);
      const read = (await t.api.get(`/orders/${order.id}`)).body;
      const [charge] = read.payment.charges;
      assert.deepEqual([read.state, read.fraudState, read.items[0].state], ['blocked', 'blocked', 'blocked']);
      assert.deepEqual(
        [charge.state, charge.cancels.map((c: any) => [c.amount, c.state])],
        ['cancelled', [[order.totalAmount, 'complete']]],
      );
      const [blocked] = (await eventsOf(t.api, 'order.blocked')).filter((e) => e.data.object.id === order.id);
      assert.equal(blocked.data.object.payment.charges[0].state, 'cancelled');
      assert.deepEqual(errorOf(await fulfilAll(t.api, order)), [409, 'order_cancelled', 'orderId']);
    });

    it('test helpers force an expiry and a refused reauthorization on any charge', async () => {
      // tolerant: force-settled on the expired authorization
      const tolerant = await placeOrder(t.api, t.publicApi);
      const chargeId = tolerant.payment.charges[0].id;
      assert.equal((await t.api.post(`/test-helpers/charges/${chargeId}/expire-authorization`)).status, 200);
      assert.equal(
        (await t.api.post(`/test-helpers/charges/${chargeId}/refuse-reauthorization`)).status,
        200,
      );
      assert.equal((await fulfilAll(t.api, tolerant)).status, 201);
      await advance(t.api, 5);
      assert.equal((await t.api.get(`/orders/${tolerant.id}`)).body.state, 'complete');
      // averse: refused
      const strict = await placeOrder(averse, aversePublic);
      const strictCharge = strict.payment.charges[0].id;
      await averse.post(`/test-helpers/charges/${strictCharge}/expire-authorization`);
      assert.equal(
        (await fulfilAll(averse, strict)).status,
        201,
        'an expired authorization alone is renewed',
      );
      const second = await placeOrder(averse, aversePublic);
      await averse.post(`/test-helpers/charges/${second.payment.charges[0].id}/expire-authorization`);
      await averse.post(`/test-helpers/charges/${second.payment.charges[0].id}/refuse-reauthorization`);
      assert.deepEqual(errorOf(await fulfilAll(averse, second)), [
        409,
        'payment_authorization_failed',
        'orderId',
      ]);
      assert.equal((await t.api.post('/test-helpers/charges/nope/expire-authorization')).status, 404);
      assert.equal(
        (await t.otherApi.post(`/test-helpers/charges/${chargeId}/refuse-reauthorization`)).status,
        404,
      );
    });

    it('a server left running settles captures by itself', async () => {
      const { TaskWorker } = await import('../../src/services/tasks.js');
      const order = await placeOrder(t.api, t.publicApi);
      await fulfilAll(t.api, order);
      const worker = new TaskWorker(t.deps, 50);
      worker.start();
      try {
        await eventually(
          async () => (await t.api.get(`/orders/${order.id}`)).body.state === 'complete',
          'the order to settle by itself, in real time',
        );
      } finally {
        await worker.stop();
      }
    });

    it('resets the account: objects gone, clock back, keys and settings kept', async () => {
      const own = await placeOrder(averse, aversePublic);
      await advance(averse, 3600);
      assert.equal((await averse.post('/test-helpers/reset')).status, 204);
      assert.equal((await averse.get(`/orders/${own.id}`)).status, 404);
      assert.deepEqual((await averse.get('/events')).body.data, []);
      assert.equal((await averse.get('/test-helpers/clock')).body.offsetSeconds, 0);
      assert.equal((await averse.get('/account')).body.chargebackRiskPolicy, 'averse');
      assert.ok((await t.api.get('/orders?limit=1')).body.data.length > 0, "the other account's data stays");
    });
  });
}
