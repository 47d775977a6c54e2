import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DeliveryWorker } from '../../src/jobs/deliveries.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { createCardSource, digitalCheckoutBody, SKU } from '../helpers/fixtures.js';
import { Receiver } from '../helpers/receiver.js';
import { storeKinds } from '../helpers/stores.js';

/**
 * DR's versioning (general-resources/versioning.md) and the breaking changes of 2021-12-13 against
 * 2021-03-23 (general-resources/release-notes/2021.md): a request picks its version with
 * `DigitalRiver-Version`, a webhook with `apiVersion`, the account keeps a default.
 */
const OLD = { 'DigitalRiver-Version': '2021-03-23' };
const NEW = { 'DigitalRiver-Version': '2021-12-13' };
const errorOf = (response: { body: any }) => response.body.errors[0];

for (const kind of storeKinds()) {
  describe(`API versions (${kind})`, () => {
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

    it('refuses an unknown DigitalRiver-Version with 400 naming the supported ones', async () => {
      const unknown = await t.api.request('GET', '/skus', undefined, {
        headers: { 'DigitalRiver-Version': '2020-09-30' },
      });
      assert.equal(unknown.status, 400);
      assert.deepEqual(errorOf(unknown), {
        code: 'invalid_parameter',
        parameter: 'DigitalRiver-Version',
        message:
          "API version '2020-09-30' is not supported; the supported versions are 2021-12-13 and 2021-03-23.",
      });
      for (const headers of [OLD, NEW]) {
        assert.equal((await t.api.request('GET', '/skus', undefined, { headers })).status, 200);
      }
    });

    it("keeps the account's default version (GET/POST /account), which requests without the header get", async () => {
      const account = await t.otherApi.get('/account');
      assert.equal(account.body.apiVersion, '2021-12-13');
      assert.deepEqual(account.body.supportedApiVersions, ['2021-12-13', '2021-03-23']);
      const bad = await t.otherApi.post('/account', { apiVersion: '2019-01-01' });
      assert.equal(bad.status, 400);
      assert.equal(errorOf(bad).parameter, 'apiVersion');
      assert.match(errorOf(bad).message, /2021-12-13 and 2021-03-23/);
      const moved = await t.otherApi.post('/account', { apiVersion: '2021-03-23' });
      assert.equal(moved.status, 200, moved.raw);
      assert.equal(moved.body.apiVersion, '2021-03-23');
      // no header: the account's 2021-03-23, where SKUs still have allowOversell
      const sku = await t.otherApi.put('/skus/oversold', { ...SKU, allowOversell: true });
      assert.equal(sku.status, 201, sku.raw);
      assert.equal(sku.body.allowOversell, true);
      // the header wins over the default
      const refused = await t.otherApi.request(
        'PUT',
        '/skus/oversold',
        { ...SKU, allowOversell: true },
        {
          headers: NEW,
        },
      );
      assert.equal(refused.status, 400);
      assert.deepEqual(
        [errorOf(refused).code, errorOf(refused).parameter],
        ['unknown_parameter', 'allowOversell'],
      );
      assert.equal((await t.otherApi.post('/account', { apiVersion: '2021-12-13' })).status, 200);
    });

    it('SKUs: allowOversell exists in 2021-03-23 only, in answers and in events', async () => {
      const refused = await t.api.put('/skus/v-sku', { ...SKU, allowOversell: false });
      assert.equal(refused.status, 400);
      assert.equal(errorOf(refused).parameter, 'allowOversell');
      const made = await t.api.request(
        'PUT',
        '/skus/v-sku',
        { ...SKU, allowOversell: false },
        { headers: OLD },
      );
      assert.equal(made.status, 201, made.raw);
      assert.equal(made.body.allowOversell, false);
      assert.equal((await t.api.get('/skus/v-sku')).body.allowOversell, undefined);
      assert.equal(
        (await t.api.request('GET', '/skus/v-sku', undefined, { headers: OLD })).body.allowOversell,
        false,
      );
      const newer = (await t.api.get('/events?type=sku.created')).body.data.find(
        (e: any) => e.data.object.id === 'v-sku',
      );
      assert.equal(newer.digitalriverVersion, '2021-12-13');
      assert.equal(newer.data.object.allowOversell, undefined);
      const older = (await t.api.request('GET', `/events/${newer.id}`, undefined, { headers: OLD })).body;
      assert.equal(older.digitalriverVersion, '2021-03-23');
      assert.equal(older.data.object.allowOversell, false);
    });

    it('webhooks: apiVersion is checked, and each webhook gets its events in its version', async () => {
      const bad = await t.api.post('/webhooks', {
        types: ['sku.created'],
        address,
        apiVersion: '2020-09-30',
      });
      assert.equal(bad.status, 400);
      assert.equal(errorOf(bad).parameter, 'apiVersion');
      assert.match(errorOf(bad).message, /2021-12-13 and 2021-03-23/);
      const old = await t.api.post('/webhooks', {
        types: ['sku.created'],
        address,
        apiVersion: '2021-03-23',
      });
      assert.equal(old.status, 201, old.raw);
      const current = await t.api.post('/webhooks', { types: ['sku.created'], address });
      assert.equal(current.status, 201);
      receiver.received.length = 0;
      assert.equal(
        (await t.api.request('PUT', '/skus/hooked', { ...SKU, allowOversell: true }, { headers: OLD }))
          .status,
        201,
      );
      await worker.drain(60_000);
      const got = receiver.received.map((r) => JSON.parse(r.body));
      // one delivery per webhook, each in its webhook's version
      const hooked = got.filter((e) => e.data.object.id === 'hooked');
      assert.deepEqual(hooked.map((e) => [e.digitalriverVersion, e.data.object.allowOversell]).sort(), [
        ['2021-03-23', true],
        ['2021-12-13', undefined],
      ]);
      for (const id of [old.body.id, current.body.id]) await t.api.delete(`/webhooks/${id}`);
    });

    it('registered checkouts: 2021-03-23 takes what the checkout leaves undefined from the customer, 2021-12-13 nothing', async () => {
      const customer = (
        await t.api.post('/customers', {
          email: 'registered@example.com',
          locale: 'de_DE',
          type: 'business',
          shipping: {
            name: 'John Doe',
            address: {
              line1: '123 Boulevard',
              city: 'Saint Paul',
              postalCode: '55155',
              state: 'MN',
              country: 'US',
            },
          },
        })
      ).body;
      const card = await createCardSource(t.publicApi);
      assert.equal((await t.api.post(`/customers/${customer.id}/sources/${card.id}`)).status, 200);
      const body = { currency: 'USD', customerId: customer.id, items: digitalCheckoutBody().items };

      const old = await t.api.request('POST', '/checkouts', body, { headers: OLD });
      assert.equal(old.status, 201, old.raw);
      assert.equal(old.body.email, 'registered@example.com');
      assert.equal(old.body.locale, 'de_DE');
      assert.equal(old.body.customerType, 'business');
      assert.equal(old.body.shipTo.name, 'John Doe');
      assert.equal(old.body.billTo.address.country, card.owner.address.country);
      assert.deepEqual(
        old.body.payment.sources.map((s: any) => s.id),
        [card.id],
      );
      // what the checkout sets wins
      const own = await t.api.request(
        'POST',
        '/checkouts',
        { ...body, email: 'other@example.com' },
        { headers: OLD },
      );
      assert.equal(own.body.email, 'other@example.com');

      const current = await t.api.post('/checkouts', body);
      assert.equal(current.status, 201, current.raw);
      for (const name of ['email', 'locale', 'customerType', 'shipTo', 'billTo']) {
        assert.ok(
          current.body[name] === undefined || current.body[name] === null,
          `${name} is not inherited`,
        );
      }
      assert.deepEqual(current.body.payment.sources ?? [], []);
    });
  });
}
