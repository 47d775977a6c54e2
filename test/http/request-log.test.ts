import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { advance, CARDS, cardBody, digitalCheckoutBody } from '../helpers/fixtures.js';
import { storeKinds } from '../helpers/stores.js';

/**
 * Issue 15, item 2: every API request an account makes is kept for 7 days of its clock (method,
 * path, status, request id, idempotency key, duration, both bodies with card data and keys
 * redacted), listed by GET /test-helpers/requests with filters and paging, bounded per account.
 */
const KEEP = 25;

for (const kind of storeKinds()) {
  describe(`request log (${kind})`, () => {
    let t: TestApp;
    before(async () => {
      t = await buildTestApp(kind, {
        settings: { webhookPrivateAddresses: 'allow', requestLogMaxPerAccount: KEEP },
      });
    });
    after(async () => t.close());

    const requests = async (query = '') => {
      const listed = await t.api.get(`/test-helpers/requests${query}`, { unchecked: true });
      assert.equal(listed.status, 200, listed.raw);
      return listed.body.data as any[];
    };

    it('keeps each request with its answer, card data and keys redacted', async () => {
      const source = await t.publicApi.post('/payments/sources', cardBody(CARDS.visa));
      assert.equal(source.status, 201);
      const checkout = await t.api.post('/checkouts', digitalCheckoutBody(), {
        headers: { 'idempotency-key': 'log-key-1' },
      });
      const refused = await t.api.post('/checkouts', { currency: 'USD', colour: 'red' });
      const missing = await t.api.get('/orders/123456789');
      const hook = await t.api.post('/webhooks', {
        types: ['order.accepted'],
        address: 'http://127.0.0.1:9/h',
      });
      assert.match(hook.body.secret, /^whsec_/);
      await t.api.get('/test-helpers/requests'); // reading the log is not logged

      const [hooked, notFound, bad, created, sourced] = await requests();
      assert.deepEqual(
        [hooked, notFound, bad, created, sourced].map((r) => [r.method, r.path, r.status]),
        [
          ['POST', '/webhooks', 201],
          ['GET', '/orders/123456789', 404],
          ['POST', '/checkouts', 400],
          ['POST', '/checkouts', 201],
          ['POST', '/payments/sources', 201],
        ],
      );
      assert.equal(created.id, checkout.headers['x-dr-requestid']);
      assert.equal(notFound.id, missing.headers['x-dr-requestid']);
      assert.equal(created.idempotencyKey, 'log-key-1');
      assert.equal(created.responseBody.id, checkout.body.id);
      assert.equal(created.requestBody.email, digitalCheckoutBody().email);
      assert.equal(bad.errorCode, refused.body.errors[0].code);
      assert.equal(bad.responseBody.errors[0].parameter, refused.body.errors[0].parameter);
      assert.equal(typeof created.durationMs, 'number');
      assert.match(created.createdTime, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      // what is never kept
      assert.deepEqual(sourced.requestBody.creditCard, {
        ...cardBody(CARDS.visa).creditCard,
        number: '[redacted]',
        cvv: '[redacted]',
      });
      assert.equal(hooked.responseBody.secret, '[redacted]');
      const everything = JSON.stringify(await requests());
      for (const secret of [CARDS.visa, hook.body.secret, t.keys.secretKey, t.keys.publicKey])
        assert.ok(!everything.includes(secret), `${secret.slice(0, 8)}… is not in the log`);
      assert.equal(sourced.requestBody.creditCard.expirationYear, cardBody().creditCard.expirationYear);
    });

    it('filters by status (exact or class), path prefix, method and idempotency key, and pages', async () => {
      assert.deepEqual(
        (await requests('?status=4xx')).map((r) => r.status),
        [404, 400],
      );
      assert.deepEqual(
        (await requests('?status=404')).map((r) => r.path),
        ['/orders/123456789'],
      );
      assert.deepEqual(
        (await requests('?path=/checkouts')).map((r) => r.status),
        [400, 201],
      );
      assert.deepEqual(
        (await requests('?method=GET')).map((r) => r.path),
        ['/orders/123456789'],
      );
      assert.deepEqual((await requests('?idempotencyKey=log-key-1')).length, 1);
      const [first, second] = await requests('?limit=2');
      const older = await requests(`?startingAfter=${second.id}&limit=1`);
      assert.equal(older[0].path, '/checkouts');
      assert.deepEqual(
        (await requests(`?endingBefore=${second.id}`)).map((r) => r.id),
        [first.id],
      );
      const one = await t.api.get(`/test-helpers/requests/${first.id}`, { unchecked: true });
      assert.equal(one.body.path, first.path);
      const bad = await t.api.get('/test-helpers/requests?status=4x', { unchecked: true });
      assert.deepEqual([bad.status, bad.body.errors[0].parameter], [400, 'status']);
    });

    it("another account sees none of them, and a request without a valid key is in no one's log", async () => {
      await t.api.get('/orders', { key: 'sk_test_not_a_key_at_all' });
      assert.deepEqual((await t.otherApi.get('/test-helpers/requests', { unchecked: true })).body.data, []);
      const mine = await requests();
      const id = mine[0].id;
      assert.equal((await t.otherApi.get(`/test-helpers/requests/${id}`)).status, 404);
      assert.ok(!JSON.stringify(mine).includes('sk_test_not_a_key_at_all'));
    });

    it('keeps at most the newest requests of an account, and 7 days of its clock', async () => {
      for (let i = 0; i < KEEP + 5; i++) await t.api.get(`/skus?limit=${(i % 9) + 1}`);
      await t.app.requestLog.flush();
      // one more write prunes to the bound
      await t.api.get('/skus');
      const all = await requests(`?limit=100`);
      assert.equal(all.length, KEEP);
      assert.equal(all[0].path, '/skus');
      assert.equal(all[0].query, undefined);
      await advance(t.api, 7 * 24 * 3600 + 1);
      // the advance was made 7 days ago on the account's clock, with all the rest
      assert.deepEqual(await requests('?limit=100'), []);
      await t.api.get('/customers');
      assert.deepEqual(
        (await requests('?limit=100')).map((r) => r.path),
        ['/customers'],
      );
      // and the old ones are gone from the store, not just hidden
      const kept = await t.store.read((tx) => tx.requestLog.list(t.accountId, {}, { limit: 100 }));
      assert.deepEqual(
        kept.data.map((r) => r.path),
        ['/customers'],
      );
    });
  });
}
