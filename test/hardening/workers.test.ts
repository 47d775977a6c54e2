import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { sql } from 'kysely';
import { createLogger } from '../../src/lib/logger.js';
import { SecretBox } from '../../src/lib/secret-box.js';
import { createAccount } from '../../src/services/accounts.js';
import { TaskWorker } from '../../src/services/tasks.js';
import { SqliteStore } from '../../src/store/sqlite.js';
import type { Tx } from '../../src/store/store.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { digitalCheckoutBody, placeOrder } from '../helpers/fixtures.js';
import { removeDir, tempDir } from '../helpers/harness.js';
import { openTestStore, storeKinds } from '../helpers/stores.js';

/**
 * Issue 12, item 1: workers that run the same due tasks at the same moment (two clock advances,
 * the background sweep) never deadlock into a 500: orders are locked in id order, and a
 * transaction that still meets a deadlock or a serialization failure is run again whole.
 */

const ORDERS = 8;
const CAPTURES_PER_ORDER = 3;
const ROUNDS = Number(process.env['TRIBUTARY_CLOCK_RACE_ROUNDS'] ?? 5);
const ADVANCES_AT_ONCE = 4;

for (const kind of storeKinds()) {
  describe(`concurrent task runners (${kind})`, () => {
    let t: TestApp;
    let worker: TaskWorker;
    const logged: { level: number; msg: string }[] = [];
    before(async () => {
      const stream = { write: (line: string) => void logged.push(JSON.parse(line)) };
      t = await buildTestApp(kind, { logger: createLogger({ level: 'warn', stream }) });
      // the background sweep runs the same tasks meanwhile, as a served process's does
      worker = new TaskWorker(t.deps, 5);
      worker.start();
    });
    after(async () => {
      await worker.stop();
      await t.close();
    });

    it('two clock advances at once over orders with several pending captures each: no error, all settled', async () => {
      for (let round = 0; round < ROUNDS; round++) {
        const orders: { id: string; itemId: string }[] = [];
        for (let i = 0; i < ORDERS; i++) {
          const placed = await placeOrder(t.api, t.publicApi, {
            body: digitalCheckoutBody({
              items: [
                { productDetails: { name: 'Widget', id: 'w' }, price: 10, quantity: CAPTURES_PER_ORDER },
              ],
            }),
          });
          orders.push({ id: placed.id, itemId: placed.items[0].id });
        }
        // the captures' settlements interleave across orders, as a busy account's do
        for (let c = 0; c < CAPTURES_PER_ORDER; c++) {
          for (const { id, itemId } of orders) {
            const f = await t.api.post('/fulfillments', { orderId: id, items: [{ itemId, quantity: 1 }] });
            assert.equal(f.status, 201, f.raw);
          }
        }
        const calls = await Promise.all(
          Array.from({ length: ADVANCES_AT_ONCE }, () =>
            t.api.post('/test-helpers/clock/advance', { seconds: 3 }, { unchecked: true }),
          ),
        );
        for (const call of calls) assert.equal(call.status, 200, call.raw);
        for (const { id } of orders) {
          const order = (await t.api.get(`/orders/${id}`)).body;
          const captures = order.payment.charges[0].captures;
          assert.equal(captures.length, CAPTURES_PER_ORDER);
          for (const capture of captures) assert.equal(capture.state, 'complete', JSON.stringify(capture));
          assert.equal(order.state, 'complete');
        }
        assert.deepEqual(logged, [], 'nothing logged at warn or above');
      }
    });
  });
}

describe('transactions run again after a deadlock or a busy database', () => {
  if (storeKinds().includes('postgres'))
    it('postgres: two transactions that lock two rows in opposite orders both commit', async () => {
      const { store, destroy } = await openTestStore('postgres');
      try {
        const a = (await createAccount(store, 'A', Date.now())).account.id;
        const b = (await createAccount(store, 'B', Date.now())).account.id;
        const bump = (tx: Tx, id: string) =>
          sql`UPDATE accounts SET clock_offset_ms = clock_offset_ms + 1 WHERE id = ${id}`.execute(tx.db);
        let attempts = 0;
        const firsts: (() => void)[] = [];
        const bothFirst = Promise.all([0, 1].map((i) => new Promise<void>((r) => (firsts[i] = r))));
        const crossed = (i: number, first: string, second: string) =>
          store.transaction(async (tx) => {
            attempts += 1;
            await bump(tx, first);
            firsts[i]?.();
            await bothFirst;
            await bump(tx, second);
          });
        await Promise.all([crossed(0, a, b), crossed(1, b, a)]);
        assert.ok(attempts >= 3, `one of the two ran again (${attempts} attempts)`);
        const offsets = await store.read((tx) =>
          Promise.all([a, b].map(async (id) => (await tx.accounts.get(id))?.clockOffsetMs)),
        );
        assert.deepEqual(offsets, [2, 2], 'each transaction counted once');
      } finally {
        await destroy();
      }
    });

  it('sqlite: a transaction waits out another process holding the write lock past the busy timeout', async () => {
    const dir = tempDir('busy');
    const path = join(dir, 'busy.db');
    const store = await SqliteStore.open({ path, secrets: SecretBox.random(), busyTimeoutMs: 30 });
    const other = new BetterSqlite3(path);
    try {
      other.exec('BEGIN IMMEDIATE');
      setTimeout(() => other.exec('COMMIT'), 150);
      const made = await createAccount(store, 'Waited', Date.now());
      assert.ok(await store.read((tx) => tx.accounts.get(made.account.id)));
    } finally {
      other.close();
      await store.close();
      removeDir(dir);
    }
  });
});

describe('a background sweep that fails', () => {
  it('logs one line per sweep (no stack) and leaves the task due for the next tick', async () => {
    const logged: Record<string, unknown>[] = [];
    const stream = { write: (line: string) => void logged.push(JSON.parse(line)) };
    const t = await buildTestApp('sqlite', { logger: createLogger({ level: 'warn', stream }) });
    try {
      // a review of an order that does not exist: the task fails every time it runs
      await t.store.transaction((tx) =>
        tx.tasks.schedule([
          {
            accountId: t.accountId,
            id: 'task_broken',
            kind: 'review',
            subjectId: 'no_such_order',
            payload: { outcome: 'accept' },
            dueAt: 0,
            createdAt: 0,
          },
        ]),
      );
      const worker = new TaskWorker(t.deps);
      await worker.sweep();
      await worker.sweep();
      assert.equal(logged.length, 2, JSON.stringify(logged));
      for (const line of logged) {
        assert.equal(line['msg'], 'task sweep failed; retrying on the next tick');
        assert.equal(line['err'], undefined, 'no error object (and so no stack)');
        assert.equal(typeof line['reason'], 'string');
      }
      const still = await t.store.read((tx) => tx.tasks.ofSubject(t.accountId, 'no_such_order'));
      assert.equal(still.length, 1, 'still due');
    } finally {
      await t.close();
    }
  });
});
