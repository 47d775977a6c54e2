import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DeliveryWorker } from '../../src/jobs/deliveries.js';
import { purgeIdempotencyKeys, TaskWorker } from '../../src/services/tasks.js';
import type { SqliteStore } from '../../src/store/sqlite.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { advance, placeOrder } from '../helpers/fixtures.js';
import { Receiver } from '../helpers/receiver.js';

/**
 * Every statement the API and its workers prepare during a whole lifecycle (with a webhook, the
 * settlement and delivery workers and the idempotency purge) reads its tables through an index:
 * SQLite's query plan shows no `SCAN <table>` of a table that grows with use. (A delivery batch
 * once looked its events up by id alone, a scan of the whole event table per batch.)
 */

/** Tables a full scan of which is bounded by configuration, not by use. */
const SMALL_TABLES = new Set(['accounts', 'api_keys', 'schema_migrations']);

describe('query plans: no full scans on the hot path (sqlite)', () => {
  let t: TestApp;
  const statements = new Set<string>();
  let collecting = false;
  const receiver = new Receiver();
  before(async () => {
    t = await buildTestApp('sqlite', {
      onPrepare: (text) => {
        if (collecting) statements.add(text);
      },
    });
    collecting = true;
  });
  after(async () => {
    await receiver.stop();
    await t.close();
  });

  it('reads every growing table through an index', async () => {
    const address = await receiver.start();
    assert.equal((await t.api.post('/webhooks', { types: ['*'], address })).status, 201);
    const deliveries = new DeliveryWorker(t.deps);
    const tasks = new TaskWorker(t.deps);
    const order = await placeOrder(t.api, t.publicApi);
    const keyed = { headers: { 'idempotency-key': 'plan-1' } };
    const fulfilled = await t.api.post(
      '/fulfillments',
      { orderId: order.id, items: [{ itemId: order.items[0].id, quantity: 1 }] },
      keyed,
    );
    assert.equal(fulfilled.status, 201, fulfilled.raw);
    await advance(t.api, 60);
    await tasks.sweep();
    assert.equal(
      (await t.api.post('/refunds', { orderId: order.id, currency: 'USD', amount: 1 })).status,
      201,
    );
    await advance(t.api, 60);
    await tasks.sweep();
    for (const path of [`/orders/${order.id}`, '/orders?limit=10', '/events?limit=10', '/fulfillments']) {
      assert.equal((await t.api.get(path)).status, 200, path);
    }
    await deliveries.drain();
    assert.ok(receiver.received.length > 5, 'the webhook got the lifecycle');
    await advance(t.api, 2 * 86_400);
    await purgeIdempotencyKeys(t.deps);
    await deliveries.stop();

    const raw = (t.store as SqliteStore).raw;
    const scans: string[] = [];
    for (const text of statements) {
      if (!/^\s*(select|update|delete|insert)/i.test(text)) continue;
      const parameters = (text.match(/\?/g) ?? []).length;
      const plan = raw.prepare(`EXPLAIN QUERY PLAN ${text}`).all(...Array(parameters).fill(null)) as {
        detail: string;
      }[];
      for (const { detail } of plan) {
        // a bare SCAN reads every row; SCAN … USING [COVERING] INDEX reads the whole index
        const scanned = /^SCAN (\w+)/.exec(detail);
        if (scanned && !SMALL_TABLES.has(scanned[1]!) && !/VALUES CLAUSE/.test(detail))
          scans.push(`${detail}: ${text.replace(/\s+/g, ' ').slice(0, 160)}`);
      }
    }
    assert.ok(statements.size > 50, `${statements.size} statements seen`);
    assert.deepEqual(scans, []);
  });
});
