import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DeliveryWorker } from '../../src/jobs/deliveries.js';
import type { Store } from '../../src/store/store.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { SKU } from '../helpers/fixtures.js';
import { Receiver } from '../helpers/receiver.js';
import { storeKinds } from '../helpers/stores.js';

/** The store, counting the write transactions its user opens. */
function counting(store: Store): { store: Store; transactions: () => number } {
  let transactions = 0;
  const proxy = new Proxy(store, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (property === 'transaction') {
        return (...args: unknown[]) => {
          transactions += 1;
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      }
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return { store: proxy, transactions: () => transactions };
}

for (const kind of storeKinds()) {
  describe(`an idle delivery worker takes no write transaction (${kind})`, () => {
    let t: TestApp;
    const receiver = new Receiver();
    before(async () => {
      t = await buildTestApp(kind);
    });
    after(async () => {
      await receiver.stop();
      await t.close();
    });

    it('reads until something is due, then claims and delivers it', async () => {
      const { store, transactions } = counting(t.store);
      const worker = new DeliveryWorker({ ...t.deps, store });
      // no webhook: events are appended, nothing is due; woken again and again, the worker reads
      for (let i = 0; i < 20; i++) {
        assert.equal((await t.api.put(`/skus/idle-${i}`, SKU)).status, 201);
        assert.equal(await worker.tick(), 0);
      }
      assert.equal(transactions(), 0, 'no claim transaction while nothing was due');

      const address = await receiver.start();
      assert.equal((await t.api.post('/webhooks', { types: ['sku.created'], address })).status, 201);
      assert.equal((await t.api.put('/skus/idle-after-webhook', SKU)).status, 201);
      await worker.drain();
      assert.ok(transactions() >= 2, 'a claim and the attempt record');
      const delivered = receiver.received.map((r) => JSON.parse(r.body).data.object.id as string);
      assert.deepEqual(delivered, ['idle-after-webhook']);
      await worker.stop();
    });
  });
}
