import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import pg from 'pg';
import { cardBody, digitalCheckoutBody } from '../helpers/fixtures.js';
import { eventually, removeDir, stopTracked, tempDir } from '../helpers/harness.js';
import { call, emptyDatabase, type Server, serve, stop } from '../helpers/server.js';
import { storeKinds } from '../helpers/stores.js';

/**
 * Issue 24, item 4: a server SIGKILLed between recording its authorization intents and applying
 * the processor's answers (the answers are on their way: the slow card answers after 2 s). After
 * a restart every intent is finished exactly once, by the reconciler past its deadline: one order
 * per checkout, one charge, one order.accepted; the original requests, retried with their
 * Idempotency-Keys, get those orders. On SQLite and on PostgreSQL.
 */

const SK = 'sk_test_intents_crash';
const PK = 'pk_test_intents_crash';
const SLOW_CARD = '4000007200000708';
const ORDERS = 4;
const env = {
  TRIBUTARY_SECRET_KEY: SK,
  TRIBUTARY_PUBLIC_KEY: PK,
  // the request would wait for the slow answer; the reconciler takes over a second after the intent
  TRIBUTARY_PROCESSOR_TIMEOUT_MS: '30000',
  TRIBUTARY_INTENT_DEADLINE_MS: '1000',
};

for (const kind of storeKinds()) {
  describe(`SIGKILL between intent and answer (${kind})`, () => {
    let dir: string;
    let store: string[];
    let intentsRecorded: () => Promise<number>;
    let drop: (() => Promise<void>) | undefined;
    before(async () => {
      dir = tempDir('intents-crash');
      if (kind === 'sqlite') {
        const file = join(dir, 'intents.db');
        store = ['--db', file];
        intentsRecorded = async () => {
          try {
            const db = new Database(file, { readonly: true, fileMustExist: true });
            try {
              return (db.prepare('SELECT count(*) AS n FROM processor_intents').get() as { n: number }).n;
            } finally {
              db.close();
            }
          } catch {
            return 0;
          }
        };
      } else {
        const database = await emptyDatabase('tributary_intents');
        drop = database.drop;
        store = ['--database-url', database.url];
        intentsRecorded = async () => {
          const client = new pg.Client({ connectionString: database.url });
          await client.connect();
          try {
            return Number((await client.query('SELECT count(*) AS n FROM processor_intents')).rows[0].n);
          } catch {
            return 0;
          } finally {
            await client.end();
          }
        };
      }
    });
    after(async () => {
      await drop?.();
      removeDir(dir);
    });

    it('finishes every intent once after a restart; the retries get their orders', async () => {
      let server: Server = await serve(store, { ...env, TRIBUTARY_KEY_FILE: join(dir, 'k.key') });
      const checkouts: string[] = [];
      for (let i = 0; i < ORDERS; i++) {
        const checkout = await call(server.url, SK, 'POST', '/checkouts', digitalCheckoutBody());
        const source = await call(server.url, PK, 'POST', '/payments/sources', cardBody(SLOW_CARD));
        const attached = await call(
          server.url,
          SK,
          'POST',
          `/checkouts/${checkout.body.id}/sources/${source.body.id}`,
        );
        assert.equal(attached.status, 200, JSON.stringify(attached.body));
        checkouts.push(checkout.body.id);
      }
      const keyOf = (i: number) => `intent-crash-${kind}-${i}`;
      const send = (url: string, i: number) =>
        fetch(`${url}/orders`, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${SK}`,
            'content-type': 'application/json',
            'idempotency-key': keyOf(i),
          },
          body: JSON.stringify({ checkoutId: checkouts[i] }),
        });
      const inFlight = checkouts.map((_, i) => send(server.url, i).catch(() => undefined));
      // every intent committed, every answer still on its way (2 s): then the process dies
      await eventually(async () => (await intentsRecorded()) === ORDERS, 'the intents to be recorded');
      await stopTracked(server.child, 'SIGKILL');
      const answered = (await Promise.all(inFlight)).filter((r) => r !== undefined && r.status < 500);
      assert.deepEqual(answered, [], 'no request was answered before the kill');

      server = await serve(store, { ...env, TRIBUTARY_KEY_FILE: join(dir, 'k.key') });
      try {
        const ordersOf = async (checkoutId: string) =>
          (await call(server.url, SK, 'GET', `/orders?checkoutId=${checkoutId}`)).body.data as any[];
        await eventually(
          async () => (await Promise.all(checkouts.map(ordersOf))).every((orders) => orders.length === 1),
          'the reconciler to place every order',
        );
        const orders = (await Promise.all(checkouts.map(ordersOf))).map((o) => o[0]);
        for (const [i, order] of orders.entries()) {
          assert.equal(order.payment.charges.length, 1, 'one charge');
          const retried = await call(server.url, SK, 'POST', '/orders', { checkoutId: checkouts[i] });
          assert.equal(retried.status, 404, 'the checkout was used (a request without the key)');
          const replay = await fetch(`${server.url}/orders`, {
            method: 'POST',
            headers: {
              authorization: `Bearer ${SK}`,
              'content-type': 'application/json',
              'idempotency-key': keyOf(i),
            },
            body: JSON.stringify({ checkoutId: checkouts[i] }),
          });
          assert.equal(replay.status, 201, 'the retry with its key gets its order');
          assert.equal(((await replay.json()) as { id: string }).id, order.id);
        }
        const accepted = (await call(server.url, SK, 'GET', '/events?type=order.accepted&limit=100')).body
          .data as any[];
        for (const order of orders)
          assert.equal(accepted.filter((e) => e.data.object.id === order.id).length, 1, 'one order.accepted');
        assert.equal(await intentsRecorded(), ORDERS, 'no intent was recorded twice');
      } finally {
        await stop(server);
      }
    });
  });
}
