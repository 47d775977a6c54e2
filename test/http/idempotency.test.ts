import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { purgeIdempotencyKeys } from '../../src/services/tasks.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { advance, CARDS, digitalCheckoutBody, eventsOf, readyCheckout } from '../helpers/fixtures.js';
import { storeKinds } from '../helpers/stores.js';

const key = (k: string) => ({ headers: { 'idempotency-key': k } });

async function countRows(
  t: TestApp,
  table: 'orders' | 'charge_authorizations' | 'checkouts',
): Promise<number> {
  const row = await t.store.read((tx) =>
    tx.db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('account_id', '=', t.accountId)
      .executeTakeFirstOrThrow(),
  );
  return Number(row.n);
}

for (const kind of storeKinds()) {
  describe(`idempotency keys (${kind})`, () => {
    let t: TestApp;
    before(async () => {
      t = await buildTestApp(kind);
    });
    after(async () => t.close());

    it('replays a finished request with Idempotent-Replayed, and runs it once', async () => {
      const before = await countRows(t, 'checkouts');
      const first = await t.api.post('/checkouts', digitalCheckoutBody(), key('replay-1'));
      assert.equal(first.status, 201, first.raw);
      assert.equal(first.headers['idempotent-replayed'], undefined);
      const again = await t.api.post('/checkouts', digitalCheckoutBody(), key('"replay-1"'));
      assert.equal(again.status, 201);
      assert.equal(again.headers['idempotent-replayed'], 'true');
      assert.deepEqual(again.body, first.body);
      assert.equal(await countRows(t, 'checkouts'), before + 1);
      // without a key, the same body makes another checkout
      const other = await t.api.post('/checkouts', digitalCheckoutBody());
      assert.notEqual(other.body.id, first.body.id);
    });

    it('replays a finished request to many retries at once (issue 23, item 6)', async () => {
      const first = await t.api.post('/checkouts', digitalCheckoutBody(), key('finished-long-ago'));
      assert.equal(first.status, 201, first.raw);
      const before = await countRows(t, 'checkouts');
      const retries = await Promise.all(
        Array.from({ length: 60 }, () =>
          t.api.post('/checkouts', digitalCheckoutBody(), key('finished-long-ago')),
        ),
      );
      assert.deepEqual(
        retries.map((r) => [r.status, r.headers['idempotent-replayed']]),
        retries.map(() => [201, 'true']),
        'every retry is a replay, none idempotency_key_in_use',
      );
      for (const r of retries) assert.deepEqual(r.body, first.body);
      assert.equal(await countRows(t, 'checkouts'), before, 'nothing ran again');
    });

    it('keeps two accounts apart when they send the same key at once', async () => {
      const sent = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          (i % 2 === 0 ? t.api : t.otherApi).post(
            '/checkouts',
            digitalCheckoutBody(),
            key(`shared-${i >> 1}`),
          ),
        ),
      );
      assert.deepEqual(
        sent.map((r) => [r.status, r.headers['idempotent-replayed']]),
        sent.map(() => [201, undefined]),
        "one account's running request never blocks or answers another's",
      );
      assert.equal(new Set(sent.map((r) => r.body.id)).size, sent.length);
    });

    it('replays a 204 and a definitive 4xx', async () => {
      const created = await t.api.post('/checkouts', digitalCheckoutBody());
      const deleted = await t.api.delete(`/checkouts/${created.body.id}`, key('delete-1'));
      assert.equal(deleted.status, 204);
      const replayed = await t.api.delete(`/checkouts/${created.body.id}`, key('delete-1'));
      assert.equal(replayed.status, 204);
      assert.equal(replayed.headers['idempotent-replayed'], 'true');
      assert.equal(replayed.raw, '');

      const { checkout } = await readyCheckout(t.api, t.publicApi, { card: CARDS.insufficientFunds });
      const declined = await t.api.post('/orders', { checkoutId: checkout.id }, key('decline-1'));
      assert.equal(declined.status, 409, declined.raw);
      const again = await t.api.post('/orders', { checkoutId: checkout.id }, key('decline-1'));
      assert.equal(again.status, 409);
      assert.equal(again.headers['idempotent-replayed'], 'true');
      assert.deepEqual(again.body, declined.body);
    });

    it('refuses the same key on another body or path with 422 idempotency_key_reused', async () => {
      const first = await t.api.post('/customers', { email: 'a@example.com' }, key('reuse-1'));
      assert.equal(first.status, 201);
      for (const [method, url, body] of [
        ['POST', '/customers', { email: 'b@example.com' }],
        ['POST', '/checkouts', { email: 'a@example.com' }],
      ] as const) {
        const response = await t.api.request(method, url, body, { ...key('reuse-1'), unchecked: true });
        assert.equal(response.status, 422, response.raw);
        assert.equal(response.body.type, 'bad_request');
        assert.equal(response.body.errors[0].code, 'idempotency_key_reused');
        assert.equal(response.body.errors[0].parameter, 'Idempotency-Key');
      }
      // keys belong to one account: another account may use the same one
      const other = await t.otherApi.post('/customers', { email: 'b@example.com' }, key('reuse-1'));
      assert.equal(other.status, 201);
      assert.equal(other.headers['idempotent-replayed'], undefined);
    });

    it('refuses a malformed key', async () => {
      for (const bad of ['x'.repeat(256), '""', 'caf\u00e9']) {
        const response = await t.api.post('/customers', {}, key(bad));
        assert.equal(response.status, 400, bad);
        assert.equal(response.body.errors[0].parameter, 'Idempotency-Key');
      }
      const longest = await t.api.post('/customers', {}, key('k'.repeat(255)));
      assert.equal(longest.status, 201);
    });

    it('forgets a key after 24 hours of the account clock, and the purge deletes it', async () => {
      const first = await t.api.post('/customers', { email: 'c@example.com' }, key('expire-1'));
      assert.equal(first.status, 201);
      await advance(t.api, 24 * 3600 - 60);
      const replay = await t.api.post('/customers', { email: 'c@example.com' }, key('expire-1'));
      assert.equal(replay.headers['idempotent-replayed'], 'true');
      await advance(t.api, 61);
      const kept = await t.store.read((tx) => tx.idempotency.get(t.accountId, 'expire-1'));
      assert.ok(kept);
      assert.ok((await purgeIdempotencyKeys(t.deps)) >= 1);
      assert.equal(await t.store.read((tx) => tx.idempotency.get(t.accountId, 'expire-1')), undefined);
      const fresh = await t.api.post('/customers', { email: 'd@example.com' }, key('expire-1'));
      assert.equal(fresh.status, 201);
      assert.equal(fresh.headers['idempotent-replayed'], undefined);
      assert.notEqual(fresh.body.id, first.body.id);
    });

    it('50 parallel POST /orders with one key, 20 times: one order, one authorization, one order.accepted', async () => {
      for (let round = 0; round < 20; round++) {
        const { checkout } = await readyCheckout(t.api, t.publicApi);
        const ordersBefore = await countRows(t, 'orders');
        const authorizationsBefore = await countRows(t, 'charge_authorizations');
        const k = `race-${round}`;
        const responses = await Promise.all(
          Array.from({ length: 50 }, () =>
            t.api.post('/orders', { checkoutId: checkout.id }, { ...key(k), unchecked: true }),
          ),
        );
        const created = responses.filter((r) => r.status === 201);
        const inUse = responses.filter((r) => r.status === 409);
        assert.equal(created.length + inUse.length, 50, responses.map((r) => r.status).join(','));
        assert.ok(created.length >= 1);
        for (const r of inUse) assert.equal(r.body.errors[0].code, 'idempotency_key_in_use');
        const winners = created.filter((r) => r.headers['idempotent-replayed'] === undefined);
        assert.equal(winners.length, 1);
        const orderId = winners[0]?.body.id;
        for (const r of created) assert.equal(r.body.id, orderId);
        assert.equal(await countRows(t, 'orders'), ordersBefore + 1);
        assert.equal(await countRows(t, 'charge_authorizations'), authorizationsBefore + 1);
        const accepted = (await eventsOf(t.api, 'order.accepted')).filter(
          (e) => e.data.object.id === orderId,
        );
        assert.equal(accepted.length, 1);
      }
    });
  });
}
