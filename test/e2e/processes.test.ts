import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { SecretBox } from '../../src/lib/secret-box.js';
import { PostgresStore } from '../../src/store/postgres.js';
import { cardBody, digitalCheckoutBody } from '../helpers/fixtures.js';
import { eventually, removeDir, tempDir } from '../helpers/harness.js';
import { Receiver } from '../helpers/receiver.js';
import { call, emptyDatabase, ServeExited, type Server, serve, stop } from '../helpers/server.js';
import { storeKinds } from '../helpers/stores.js';

/**
 * `tributary serve --processes N`: several server processes on one port and one PostgreSQL
 * database, the background work led by one of them (issue 13, item 5).
 */

const SK = 'sk_test_processes_e2e';
const PK = 'pk_test_processes_e2e';

describe('several server processes', () => {
  if (!storeKinds().includes('postgres')) return;

  it('refuse SQLite, in one sentence', async () => {
    const dir = tempDir('processes');
    try {
      const refused = await serve(['--db', join(dir, 'p.db'), '--processes', '2']).then(
        (s) => stop(s).then(() => assert.fail('it started')),
        (error: unknown) => error,
      );
      assert.ok(refused instanceof ServeExited);
      assert.equal(refused.code, 1);
      assert.match(refused.stderr, /--processes needs PostgreSQL/);
    } finally {
      removeDir(dir);
    }
  });

  it('one process leads each background job; another takes over when it is gone', async () => {
    const database = await emptyDatabase('tributary_leads');
    const secrets = SecretBox.random();
    const a = await PostgresStore.open({ connectionString: database.url, secrets });
    const b = await PostgresStore.open({ connectionString: database.url, secrets });
    try {
      const first = [await a.leads('tasks'), await b.leads('tasks')];
      assert.deepEqual(first, [true, false]);
      assert.equal(await b.leads('deliveries'), true, 'jobs are led apart');
      await a.close();
      await eventually(() => b.leads('tasks'), 'the other process to take the sweep over');
    } finally {
      await a.close().catch(() => undefined);
      await b.close();
      await database.drop();
    }
  });

  describe('--processes 2 on one database', () => {
    const receiver = new Receiver();
    let dir: string;
    let server: Server;
    let drop: () => Promise<void>;
    let hookUrl: string;
    before(async () => {
      dir = tempDir('processes');
      const database = await emptyDatabase('tributary_processes');
      drop = database.drop;
      hookUrl = await receiver.start();
      server = await serve(['--database-url', database.url, '--processes', '2'], {
        TRIBUTARY_KEY_FILE: join(dir, 'p.key'),
        TRIBUTARY_SECRET_KEY: SK,
        TRIBUTARY_PUBLIC_KEY: PK,
      });
    });
    after(async () => {
      if (server) await stop(server);
      await receiver.stop();
      await drop?.();
      removeDir(dir);
    });

    it('serve lifecycles; captures settle by themselves; every event is delivered once; SIGTERM stops them all', async () => {
      assert.match(server.stdout, /2 processes/);
      const hook = await call(server.url, SK, 'POST', '/webhooks', {
        types: ['*'],
        address: hookUrl,
      });
      assert.equal(hook.status, 201, JSON.stringify(hook.body));
      const orders: string[] = [];
      await Promise.all(
        Array.from({ length: 8 }, async () => {
          const checkout = await call(server.url, SK, 'POST', '/checkouts', digitalCheckoutBody());
          assert.equal(checkout.status, 201, JSON.stringify(checkout.body));
          const source = await call(server.url, PK, 'POST', '/payments/sources', cardBody());
          await call(server.url, SK, 'POST', `/checkouts/${checkout.body.id}/sources/${source.body.id}`);
          const order = await call(server.url, SK, 'POST', '/orders', { checkoutId: checkout.body.id });
          assert.equal(order.status, 201);
          const f = await call(server.url, SK, 'POST', '/fulfillments', {
            orderId: order.body.id,
            items: [{ itemId: order.body.items[0].id, quantity: 1 }],
          });
          assert.equal(f.status, 201);
          orders.push(order.body.id);
        }),
      );
      // the simulator settles a capture 2 s after it is asked; the leading process's sweep does it
      await eventually(async () => {
        const states = await Promise.all(orders.map((id) => call(server.url, SK, 'GET', `/orders/${id}`)));
        return states.every((o) => o.body.state === 'complete');
      }, 'every capture to settle without a clock advance');
      const events = (await call(server.url, SK, 'GET', '/events?limit=100')).body.data as { id: string }[];
      let delivered = new Map<string, number>();
      await eventually(() => {
        delivered = new Map();
        for (const r of receiver.received) {
          const id = JSON.parse(r.body).id as string;
          delivered.set(id, (delivered.get(id) ?? 0) + 1);
        }
        return events.every((e) => delivered.has(e.id));
      }, 'every event to be delivered');
      for (const e of events) assert.equal(delivered.get(e.id), 1, `event ${e.id} delivered once`);

      assert.equal(await stop(server), 0, 'SIGTERM to the primary: all exit, 0');
      const answering = await fetch(`${server.url}/health`).then(
        () => true,
        () => false,
      );
      assert.equal(answering, false);
    });
  });
});
