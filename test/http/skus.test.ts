import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { SKU } from '../helpers/fixtures.js';
import { storeKinds } from '../helpers/stores.js';

for (const kind of storeKinds()) {
  describe(`SKUs (${kind})`, () => {
    let t: TestApp;
    before(async () => {
      t = await buildTestApp(kind);
    });
    after(async () => t.close());

    it('upserts with PUT: 201 when created, 200 when replaced', async () => {
      const created = await t.api.put('/skus/sku_shoe', SKU);
      assert.equal(created.status, 201);
      assert.equal(created.body.id, 'sku_shoe');
      assert.equal(created.body.physical, true);
      assert.equal(created.body.weight, 0.8);
      const replaced = await t.api.put('/skus/sku_shoe', { ...SKU, name: 'New name', weight: undefined });
      assert.equal(replaced.status, 200);
      assert.equal(replaced.body.name, 'New name');
      assert.equal(replaced.body.weight, undefined);
      assert.equal(replaced.body.createdTime, created.body.createdTime);
    });

    it('classifies digital tax codes', async () => {
      const digital = await t.api.put('/skus/sku_app', { ...SKU, taxCode: '4512.100' });
      assert.equal(digital.body.physical, false);
    });

    it('creates, updates, reads, lists and deletes', async () => {
      const created = await t.api.post('/skus', { ...SKU, id: 'sku_post', metadata: { color: 'blue' } });
      assert.equal(created.status, 201);
      assert.equal((await t.api.post('/skus', { ...SKU, id: 'sku_post' })).status, 409);
      const generated = await t.api.post('/skus', SKU);
      assert.equal(generated.status, 201);
      assert.match(generated.body.id, /^[0-9a-f-]{36}$/);
      const updated = await t.api.post('/skus/sku_post', { description: 'Blue shoes' });
      assert.equal(updated.body.description, 'Blue shoes');
      assert.deepEqual(updated.body.metadata, { color: 'blue' });
      assert.equal((await t.api.get('/skus/sku_post')).body.description, 'Blue shoes');
      const list = await t.api.get('/skus?limit=2');
      assert.equal(list.body.data.length, 2);
      assert.equal(list.body.hasMore, true);
      assert.equal(list.body.data[0].id, generated.body.id);
      const byIds = await t.api.get('/skus?ids=sku_post,sku_app');
      assert.deepEqual(byIds.body.data.map((s: any) => s.id).sort(), ['sku_app', 'sku_post']);
      assert.equal((await t.api.delete('/skus/sku_post')).status, 204);
      assert.equal((await t.api.get('/skus/sku_post')).status, 404);
      assert.equal((await t.api.delete('/skus/sku_post')).status, 404);
    });

    it('lists by partNumber, hsCode and skuGroupId (DR listSkus filters)', async () => {
      await t.api.put('/skus/filter-a', {
        ...SKU,
        partNumber: 'PN-1',
        hsCode: '6403.99',
        skuGroupId: 'shoes',
      });
      await t.api.put('/skus/filter-b', { ...SKU, partNumber: 'PN-2', hsCode: '6403.99' });
      await t.api.put('/skus/filter-c', { ...SKU, skuGroupId: 'shoes' });
      const ids = async (query: string) =>
        (await t.api.get(`/skus?${query}&limit=100`)).body.data.map((s: any) => s.id).sort();
      assert.deepEqual(await ids('partNumber=PN-1'), ['filter-a']);
      assert.deepEqual(await ids('hsCode=6403.99'), ['filter-a', 'filter-b']);
      assert.deepEqual(await ids('skuGroupId=shoes'), ['filter-a', 'filter-c']);
      assert.deepEqual(await ids('skuGroupId=shoes&partNumber=PN-2'), []);
      assert.deepEqual(await ids('partNumber=PN-9'), []);
      // a value with a JSON path's characters is only a value
      assert.deepEqual(await ids(`partNumber=${encodeURIComponent("x' OR 1=1 --")}`), []);
    });

    it('emits sku events', async () => {
      const events = await t.api.get('/events?type=sku.*&limit=100');
      const types = new Set(events.body.data.map((e: any) => e.type));
      assert.ok(types.has('sku.created') && types.has('sku.updated') && types.has('sku.deleted'));
    });

    it('rejects bad input with the parameter named', async () => {
      const missing = await t.api.put('/skus/x', { name: 'x', eccn: 'EAR99', countryOfOrigin: 'US' });
      assert.equal(missing.status, 400);
      assert.deepEqual(
        [missing.body.errors[0].code, missing.body.errors[0].parameter],
        ['missing_parameter', 'taxCode'],
      );
      const unknown = await t.api.put('/skus/x', { ...SKU, colour: 'red' });
      assert.deepEqual(
        [unknown.body.errors[0].code, unknown.body.errors[0].parameter],
        ['unknown_parameter', 'colour'],
      );
      const wrongType = await t.api.put('/skus/x', { ...SKU, weight: 'heavy' });
      assert.deepEqual(
        [wrongType.body.errors[0].code, wrongType.body.errors[0].parameter],
        ['invalid_parameter', 'weight'],
      );
      const badEnum = await t.api.put('/skus/x', { ...SKU, weightUnit: 'stone' });
      assert.equal(badEnum.body.errors[0].parameter, 'weightUnit');
      assert.match(badEnum.body.errors[0].message, /oz, lb, g, kg/);
      const tooManyMetadata = await t.api.put('/skus/x', {
        ...SKU,
        metadata: Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`k${i}`, i])),
      });
      assert.equal(tooManyMetadata.body.errors[0].code, 'too_many_metadata_pairs');
      const longKey = await t.api.put('/skus/x', { ...SKU, metadata: { ['k'.repeat(41)]: 1 } });
      assert.equal(longKey.body.errors[0].code, 'invalid_metadata_key');
      const badValue = await t.api.put('/skus/x', { ...SKU, metadata: { nested: { a: 1 } } });
      assert.equal(badValue.body.errors[0].code, 'invalid_metadata_value');
      assert.equal((await t.api.get('/skus/x')).status, 404, 'nothing was written');
      const badLimit = await t.api.get('/skus?limit=101');
      assert.deepEqual([badLimit.status, badLimit.body.errors[0].parameter], [400, 'limit']);
      const badCursor = await t.api.get('/skus?startingAfter=nope');
      assert.deepEqual([badCursor.status, badCursor.body.errors[0].parameter], [400, 'startingAfter']);
      const unknownQuery = await t.api.get('/skus?colour=red');
      assert.deepEqual([unknownQuery.status, unknownQuery.body.errors[0].code], [400, 'unknown_parameter']);
    });
  });
}
