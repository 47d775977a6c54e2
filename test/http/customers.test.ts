import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { CARDS, createCardSource, SHIP_TO } from '../helpers/fixtures.js';
import { storeKinds } from '../helpers/stores.js';

for (const kind of storeKinds()) {
  describe(`customers (${kind})`, () => {
    let t: TestApp;
    before(async () => {
      t = await buildTestApp(kind);
    });
    after(async () => t.close());

    it('creates, reads, updates, lists and deletes', async () => {
      const created = await t.api.post('/customers', {
        email: 'jo@example.com',
        shipping: SHIP_TO,
        metadata: { tier: 'gold' },
      });
      assert.equal(created.status, 201);
      assert.match(created.body.id, /^\d+0336$/);
      assert.equal(created.body.enabled, true);
      assert.deepEqual(created.body.sources, []);
      const own = await t.api.post('/customers', { id: 'cust-42', email: 'x@example.com', type: 'business' });
      assert.equal(own.body.id, 'cust-42');
      assert.equal((await t.api.post('/customers', { id: 'cust-42' })).status, 409);
      const updated = await t.api.post(`/customers/${created.body.id}`, {
        email: 'jo2@example.com',
        requestToBeForgotten: true,
      });
      assert.equal(updated.body.email, 'jo2@example.com');
      assert.equal(updated.body.requestToBeForgotten, true);
      assert.deepEqual(updated.body.shipping, SHIP_TO);
      assert.equal((await t.api.get(`/customers/${created.body.id}`)).body.email, 'jo2@example.com');
      const byEmail = await t.api.get('/customers?email=x%40example.com');
      assert.deepEqual(
        byEmail.body.data.map((c: any) => c.id),
        ['cust-42'],
      );
      assert.equal((await t.api.delete('/customers/cust-42')).status, 204);
      assert.equal((await t.api.get('/customers/cust-42')).status, 404);
    });

    it('saves reusable sources: the first becomes the default; removing one cancels it', async () => {
      const customer = (await t.api.post('/customers', { email: 'saver@example.com' })).body;
      const first = await createCardSource(t.publicApi, CARDS.visa);
      const second = await createCardSource(t.publicApi, CARDS.mastercard);
      const saved = await t.api.post(`/customers/${customer.id}/sources/${first.id}`);
      assert.equal(saved.status, 200);
      assert.equal(saved.body.reusable, true);
      assert.equal(saved.body.customerId, customer.id);
      await t.api.post(`/customers/${customer.id}/sources/${second.id}`);
      let read = (await t.api.get(`/customers/${customer.id}`)).body;
      assert.equal(read.defaultSourceId, first.id);
      assert.equal(read.sources.length, 2);
      const changed = await t.api.post(`/customers/${customer.id}`, { defaultSourceId: second.id });
      assert.equal(changed.body.defaultSourceId, second.id);
      assert.equal((await t.api.delete(`/customers/${customer.id}/sources/${second.id}`)).status, 204);
      read = (await t.api.get(`/customers/${customer.id}`)).body;
      assert.equal(read.defaultSourceId, first.id);
      assert.deepEqual(
        read.sources.map((s: any) => s.id),
        [first.id],
      );
      assert.equal((await t.api.get(`/sources/${second.id}`)).body.state, 'cancelled');
      // a source of another customer, a failed source, a customerCredit source
      const other = (await t.api.post('/customers', {})).body;
      const taken = await t.api.post(`/customers/${other.id}/sources/${first.id}`);
      assert.deepEqual([taken.status, taken.body.errors[0].code], [409, 'source_in_use']);
      const failed = await createCardSource(t.publicApi, CARDS.sourceFails);
      assert.equal(failed.state, 'failed');
      const refused = await t.api.post(`/customers/${other.id}/sources/${failed.id}`);
      assert.deepEqual([refused.status, refused.body.errors[0].code], [409, 'source_not_chargeable']);
      const unknownDefault = await t.api.post(`/customers/${other.id}`, { defaultSourceId: first.id });
      assert.deepEqual(
        [unknownDefault.status, unknownDefault.body.errors[0].parameter],
        [400, 'defaultSourceId'],
      );
      const missing = await t.api.post(`/customers/${other.id}/sources/00000000-0000-0000-0000-000000000000`);
      assert.equal(missing.status, 404);
    });

    it('rejects bad input', async () => {
      const badEmail = await t.api.post('/customers', { email: 'not-an-email' });
      assert.deepEqual([badEmail.status, badEmail.body.errors[0].parameter], [400, 'email']);
      const badType = await t.api.post('/customers', { type: 'robot' });
      assert.deepEqual([badType.status, badType.body.errors[0].parameter], [400, 'type']);
      const badState = await t.api.post('/customers', {
        shipping: { address: { country: 'US', state: 'ZZ' } },
      });
      assert.deepEqual([badState.status, badState.body.errors[0].parameter], [400, 'shipping.address.state']);
    });
  });
}
