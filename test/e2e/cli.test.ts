import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { removeDir, tempDir } from '../helpers/harness.js';
import { BIN, call, emptyDatabase, serve, stop } from '../helpers/server.js';
import { storeKinds } from '../helpers/stores.js';

/**
 * The real command, as a user runs it: `bin/tributary.js serve` in a child process on a loopback
 * port, driven over HTTP; `keys create` and `accounts create` against the running server's store.
 */

const run = promisify(execFile);

const keyOf = (stdout: string, kind: 'secret' | 'public') =>
  new RegExp(`${kind} key: (\\S+)`).exec(stdout)?.[1] ?? '';

async function lifecycle(url: string, secretKey: string, publicKey: string) {
  const checkout = await call(url, secretKey, 'POST', '/checkouts', {
    currency: 'EUR',
    email: 'e2e@example.com',
    billTo: {
      name: 'E Two',
      address: { line1: 'Unter den Linden 1', city: 'Berlin', postalCode: '10117', country: 'DE' },
    },
    items: [{ productDetails: { name: 'Licence' }, price: 100, quantity: 1 }],
  });
  assert.equal(checkout.status, 201);
  assert.equal(checkout.body.totalAmount, 119, 'German VAT 19%');
  const source = await call(url, publicKey, 'POST', '/payments/sources', {
    type: 'creditCard',
    creditCard: { number: '5466160000000008', expirationMonth: 1, expirationYear: 2032, cvv: '123' },
  });
  assert.equal(source.status, 201);
  const attached = await call(
    url,
    secretKey,
    'POST',
    `/checkouts/${checkout.body.id}/sources/${source.body.id}`,
  );
  assert.equal(attached.status, 200);
  const order = await call(url, secretKey, 'POST', '/orders', { checkoutId: checkout.body.id });
  assert.equal(order.status, 201);
  assert.equal(order.body.state, 'accepted');
  assert.match(order.headers.get('x-dr-requestid') ?? '', /^[0-9a-f-]{36}$/);
  return order.body;
}

for (const kind of storeKinds()) {
  describe(`the tributary command (${kind})`, () => {
    let dir: string;
    let storeArgs: string[];
    let drop: (() => Promise<void>) | undefined;
    let keyEnv: Record<string, string> = {};

    before(async () => {
      dir = tempDir('e2e');
      if (kind === 'sqlite') {
        storeArgs = ['--db', join(dir, 'e2e.db')];
        return;
      }
      const made = await emptyDatabase('tributary_e2e');
      drop = made.drop;
      storeArgs = ['--database-url', made.url];
      // the key beside the test's files, not in the user's configuration directory
      keyEnv = { TRIBUTARY_KEY_FILE: join(dir, 'e2e.key') };
    });

    after(async () => {
      removeDir(dir);
      await drop?.();
    });

    it('serves, prints keys once, takes a lifecycle, makes keys and accounts, stops cleanly and restarts', async () => {
      const first = await serve(storeArgs, keyEnv);
      assert.match(first.stdout, /created now/);
      const secretKey = keyOf(first.stdout, 'secret');
      const publicKey = keyOf(first.stdout, 'public');
      assert.match(secretKey, /^sk_test_/);
      assert.match(publicKey, /^pk_test_/);
      assert.equal((await fetch(`${first.url}/health`)).status, 200);
      const order = await lifecycle(first.url, secretKey, publicKey);

      // while it runs: another key pair, and another account that cannot see the first's order
      const keys = JSON.parse(
        (
          await run(process.execPath, [BIN, 'keys', 'create', '--json', ...storeArgs], {
            env: { ...process.env, ...keyEnv },
          })
        ).stdout,
      );
      assert.equal((await call(first.url, keys.secretKey, 'GET', `/orders/${order.id}`)).status, 200);
      const account = JSON.parse(
        (
          await run(process.execPath, [BIN, 'accounts', 'create', '--json', ...storeArgs], {
            env: { ...process.env, ...keyEnv },
          })
        ).stdout,
      );
      assert.equal((await call(first.url, account.secretKey, 'GET', `/orders/${order.id}`)).status, 404);
      await lifecycle(first.url, account.secretKey, account.publicKey);

      assert.equal(await stop(first), 0, 'SIGTERM exits with 0');

      const second = await serve(storeArgs, {
        ...keyEnv,
        TRIBUTARY_SECRET_KEY: 'sk_test_pinned_e2e_key',
        TRIBUTARY_PUBLIC_KEY: 'pk_test_pinned_e2e_key',
      });
      assert.doesNotMatch(second.stdout, /created now/);
      assert.match(second.stdout, /secret key: sk_test_pinned_e2e_key/);
      assert.equal(
        (await call(second.url, secretKey, 'GET', `/orders/${order.id}`)).status,
        200,
        'the data and keys survived',
      );
      await lifecycle(second.url, 'sk_test_pinned_e2e_key', 'pk_test_pinned_e2e_key');
      assert.equal(await stop(second), 0);
    });

    it('refuses a badly formed pinned key', async () => {
      await assert.rejects(
        serve(storeArgs, { ...keyEnv, TRIBUTARY_SECRET_KEY: 'secret' }),
        /TRIBUTARY_SECRET_KEY must look like sk_test_/,
      );
    });
  });
}
