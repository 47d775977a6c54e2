import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { constructEvent, WebhookSignatureError } from '@tributary/sdk';
import { Webhook } from 'standardwebhooks';
import { DeliveryWorker } from '../../src/jobs/deliveries.js';
import { buildTestApp, errorOf, type TestApp } from '../helpers/app.js';
import {
  advance,
  createSku,
  digitalCheckoutBody,
  physicalCheckoutBody,
  readyCheckout,
} from '../helpers/fixtures.js';
import { Receiver } from '../helpers/receiver.js';
import { storeKinds } from '../helpers/stores.js';

/** DR's connector's method, in a few independent lines: split on ", ", HMAC "<first part>.<body>". */
function drSignatureValid(header: string, body: string, secret: string): boolean {
  const [timestampPart, signature] = header.split(', ');
  const expected = createHmac('sha256', secret).update(`${timestampPart}.${body}`).digest('base64');
  return signature === expected;
}

for (const kind of storeKinds()) {
  describe(`webhooks (${kind})`, () => {
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

    it('creates, reads, lists, updates and deletes webhooks; shows the secret only when made', async () => {
      const created = await t.api.post('/webhooks', {
        types: ['order.*', 'checkout.created'],
        address,
        apiVersion: '2021-12-13',
      });
      assert.equal(created.status, 201);
      const hook = created.body;
      assert.match(hook.id, /^[0-9a-f-]{36}$/);
      assert.match(hook.secret, /^whsec_[A-Za-z0-9+/]{43}=$/);
      assert.deepEqual(
        [hook.enabled, hook.transportType, hook.apiVersion, hook.liveMode, hook.types],
        [true, 'HTTP', '2021-12-13', false, ['order.*', 'checkout.created']],
      );
      const read = (await t.api.get(`/webhooks/${hook.id}`)).body;
      assert.equal(read.secret, undefined);
      const patched = await t.api.request('PATCH', `/webhooks/${hook.id}`, {
        enabled: false,
        authentication: { username: 'u', password: 'p' },
      });
      assert.deepEqual(
        [patched.status, patched.body.enabled, patched.body.authentication],
        [200, false, { username: 'u', password: '********' }],
      );
      const list = await t.api.get('/webhooks?types=order.accepted');
      assert.deepEqual(
        list.body.data.map((w: any) => w.id),
        [hook.id],
      );
      assert.deepEqual((await t.api.get('/webhooks?type=sku.created')).body.data, []);
      assert.equal((await t.api.delete(`/webhooks/${hook.id}`)).status, 204);
      assert.equal((await t.api.get(`/webhooks/${hook.id}`)).status, 404);
      assert.deepEqual(errorOf(await t.api.post('/webhooks', { address })), [
        400,
        'missing_parameter',
        'types',
      ]);
      assert.deepEqual(errorOf(await t.api.post('/webhooks', { types: ['order.*'] })), [
        400,
        'missing_parameter',
        'address',
      ]);
      assert.deepEqual(errorOf(await t.api.post('/webhooks', { types: [], address })), [
        400,
        'invalid_parameter',
        'types',
      ]);
      assert.deepEqual(errorOf(await t.api.post('/webhooks', { types: ['order.*.x'], address })), [
        400,
        'invalid_parameter',
        'types[0]',
      ]);
      // a type no one sends would never be delivered: a typo is refused
      assert.deepEqual(
        errorOf(await t.api.post('/webhooks', { types: ['order.created', 'order.acepted'], address })),
        [400, 'invalid_parameter', 'types[1]'],
      );
      assert.deepEqual(errorOf(await t.api.post('/webhooks', { types: ['orders.*'], address })), [
        400,
        'invalid_parameter',
        'types[0]',
      ]);
      assert.deepEqual(errorOf(await t.api.post('/webhooks', { types: ['*'], address: 'ftp://x' })), [
        400,
        'invalid_parameter',
        'address',
      ]);
      assert.deepEqual(
        errorOf(await t.api.post('/webhooks', { types: ['*'], address, transportType: 'OAUTH' })),
        [400, 'invalid_parameter', 'transportType'],
      );
      assert.deepEqual(errorOf(await t.api.post('/webhooks', { types: ['*'], address, apiVersion: 'v2' })), [
        400,
        'invalid_parameter',
        'apiVersion',
      ]);
      assert.equal((await t.otherApi.get(`/webhooks/${hook.id}`)).status, 404);
    });

    it('delivers every event of a checkout → order → fulfillment → capture run, verified by both signature families', async () => {
      receiver.received.length = 0;
      receiver.behaviour = () => ({ status: 200 });
      const { secret, id: webhookId } = (await t.api.post('/webhooks', { types: ['*'], address })).body;
      worker.start();
      await createSku(t.api, 'wh-shoe');
      const { checkout } = await readyCheckout(t.api, t.publicApi, { body: physicalCheckoutBody('wh-shoe') });
      const order = (await t.api.post('/orders', { checkoutId: checkout.id })).body;
      await t.api.post('/fulfillments', {
        orderId: order.id,
        items: [{ itemId: order.items[0].id, quantity: 2 }],
      });
      await advance(t.api, 5);
      await worker.drain();
      const events = (await t.api.get(`/events?limit=100`)).body.data.filter((e: any) =>
        e.webhookIds.includes(webhookId),
      );
      const types = new Set(events.map((e: any) => e.type));
      for (const type of [
        'checkout.created',
        'order.accepted',
        'fulfillment.created',
        'order.charge.capture.pending',
        'order.charge.capture.complete',
        'order.complete',
      ]) {
        assert.ok(types.has(type), `${type} went to the webhook`);
      }
      const receivedIds = new Set(receiver.events(200).map((e) => e.id));
      for (const event of events)
        assert.ok(receivedIds.has(event.id), `${event.type} ${event.id} was delivered`);
      const standard = new Webhook(secret);
      for (const r of receiver.received) {
        const headers = r.headers as Record<string, string>;
        assert.ok(drSignatureValid(headers['digitalriver-signature'] ?? '', r.body, secret), 'DR signature');
        assert.match(headers['digitalriver-signature'] ?? '', /^t=\d+, [A-Za-z0-9+/]+=*$/);
        standard.verify(r.body, headers);
        // the SDK's constructEvent verifies each family on its own
        const { 'digitalriver-signature': dr, ...standardOnly } = headers;
        assert.equal(constructEvent<{ id: string }>(r.body, standardOnly, secret).id, JSON.parse(r.body).id);
        assert.equal(
          constructEvent<{ id: string }>(r.body, { 'digitalriver-signature': dr }, secret).id,
          JSON.parse(r.body).id,
        );
        assert.equal(headers['webhook-id'], JSON.parse(r.body).id);
        assert.equal(headers['content-type'], 'application/json');
      }
      const attempts = await t.api.get(`/webhooks/${webhookId}/deliveries?limit=100`);
      assert.ok(attempts.body.data.length >= events.length);
      assert.ok(
        attempts.body.data.every(
          (a: any) => a.outcome === 'delivered' && a.status === 200 && a.attempt === 1,
        ),
      );
      await worker.stop();
      worker = new DeliveryWorker(t.deps);
      await t.api.delete(`/webhooks/${webhookId}`);
    });

    it('signs with the old secret beside the new one for 12 hours after a rotation', async () => {
      receiver.received.length = 0;
      const { secret: old, id } = (await t.api.post('/webhooks', { types: ['sku.*'], address })).body;
      const rotated = await t.api.post(`/webhooks/${id}/rotate-secret`);
      assert.equal(rotated.status, 200);
      const fresh = rotated.body.secret;
      assert.notEqual(fresh, old);
      await createSku(t.api, 'rotated-1');
      await worker.drain();
      const first = receiver.received.at(-1);
      assert.ok(first);
      const headers = first.headers as Record<string, string>;
      new Webhook(fresh).verify(first.body, headers);
      new Webhook(old).verify(first.body, headers);
      const { 'digitalriver-signature': dr, ...standardOnly } = headers;
      for (const only of [standardOnly, { 'digitalriver-signature': dr }])
        for (const secret of [fresh, old]) assert.ok(constructEvent(first.body, only, secret));
      assert.ok(
        drSignatureValid(headers['digitalriver-signature'] ?? '', first.body, fresh),
        "the connector's method checks the newest",
      );
      await advance(t.api, 13 * 3600);
      await createSku(t.api, 'rotated-2');
      await worker.drain();
      const later = receiver.received.at(-1);
      assert.ok(later);
      assert.throws(() => new Webhook(old).verify(later.body, later.headers as Record<string, string>));
      assert.throws(
        () => constructEvent(later.body, later.headers as Record<string, string>, old),
        WebhookSignatureError,
      );
      assert.ok(constructEvent(later.body, later.headers as Record<string, string>, [old, fresh]));
      new Webhook(fresh).verify(later.body, later.headers as Record<string, string>);
      await t.api.delete(`/webhooks/${id}`);
    });

    it('redelivers an event, and everything that failed since a time', async () => {
      receiver.received.length = 0;
      const { id } = (await t.api.post('/webhooks', { types: ['customer.created'], address })).body;
      const customer = (await t.api.post('/customers', { email: 'r@example.com' })).body;
      await worker.drain();
      const [event] = (await t.api.get('/events?type=customer.created&limit=1')).body.data;
      assert.equal(event.data.object.id, customer.id);
      const again = await t.api.post(`/events/${event.id}/redeliver`, {});
      assert.deepEqual([again.status, again.body.webhookIds], [202, [id]]);
      await worker.drain();
      const copies = receiver.received.filter((r) => JSON.parse(r.body).id === event.id);
      assert.equal(copies.length, 2);
      assert.equal(copies[0]?.headers['webhook-id'], copies[1]?.headers['webhook-id'], 'the same message id');
      assert.deepEqual(errorOf(await t.api.post(`/events/${event.id}/redeliver`, { webhookId: 'nope' })), [
        400,
        'invalid_parameter',
        'webhookId',
      ]);
      assert.equal((await t.api.post('/events/nope/redeliver', {})).status, 404);
      const none = await t.api.post(`/webhooks/${id}/redeliver-failed`, { since: '2020-01-01T00:00:00Z' });
      assert.deepEqual([none.status, none.body.eventIds], [202, []]);
      await t.api.delete(`/webhooks/${id}`);
    });

    it('lists events with the webhooks they went to', async () => {
      const { id } = (await t.api.post('/webhooks', { types: ['checkout.created'], address })).body;
      const checkout = (await t.api.post('/checkouts', digitalCheckoutBody())).body;
      const [event] = (await t.api.get('/events?type=checkout.created&limit=1')).body.data;
      assert.deepEqual([event.data.object.id, event.webhookIds], [checkout.id, [id]]);
      await worker.drain();
      await t.api.delete(`/webhooks/${id}`);
    });

    it("sends Tributary's own events (webhook.*) only to webhooks that name them, not to *", async () => {
      const all = (await t.api.post('/webhooks', { types: ['*'], address })).body.id;
      const ours = (await t.api.post('/webhooks', { types: ['webhook.*'], address })).body.id;
      const named = (await t.api.post('/webhooks', { types: ['webhook.updated'], address })).body.id;
      const made = (await t.api.post('/webhooks', { types: ['sku.created'], address })).body.id;
      await t.api.request('PATCH', `/webhooks/${made}`, { enabled: false });
      const created = (await t.api.get('/events?type=webhook.created&limit=1')).body.data[0];
      assert.equal(created.data.object.id, made);
      assert.deepEqual(created.webhookIds, [ours]);
      const updated = (await t.api.get('/events?type=webhook.updated&limit=1')).body.data[0];
      assert.deepEqual([...updated.webhookIds].sort(), [ours, named].sort());
      // DR's events still reach *
      const checkout = (await t.api.post('/checkouts', digitalCheckoutBody())).body;
      const event = (await t.api.get('/events?type=checkout.created&limit=1')).body.data[0];
      assert.equal(event.data.object.id, checkout.id);
      assert.deepEqual(event.webhookIds, [all]);
      await worker.drain();
      for (const id of [all, ours, named, made]) await t.api.delete(`/webhooks/${id}`);
    });
  });
}
