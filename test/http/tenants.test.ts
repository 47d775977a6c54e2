import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createAccount } from '../../src/services/accounts.js';
import { Api, buildTestApp, type TestApp } from '../helpers/app.js';
import { advance, CARDS, createCardSource, placeOrder, readyCheckout, SKU } from '../helpers/fixtures.js';
import { storeKinds } from '../helpers/stores.js';

/**
 * The tenant matrix: every operation of /openapi.json that takes an id, called with a second
 * account's key on the first account's objects, answers 404 not_found exactly as for an id that
 * does not exist, and changes nothing.
 */

const BODIES: Record<string, unknown> = {
  'POST /skus/{id}': { name: 'taken over' },
  'POST /customers/{id}': { email: 'intruder@example.com' },
  'POST /checkouts/{id}': { email: 'intruder@example.com' },
  'POST /orders/{id}': { upstreamId: 'intruder' },
  'POST /fulfillments/{id}': { trackingNumber: 'intruder' },
  'POST /refunds/{id}': { metadata: { by: 'intruder' } },
  'PATCH /webhooks/{id}': { enabled: false },
  'POST /webhooks/{id}/redeliver-failed': { since: '2020-01-01T00:00:00Z' },
  'POST /events/{id}/redeliver': {},
  'POST /returns/{id}': { state: 'accepted' },
  'POST /test-helpers/orders/{id}/dispute/resolve': { outcome: 'won' },
  'POST /test-helpers/tax-identifiers/{id}/verification': { state: 'verified' },
};

/** PUT /skus/{id} is an upsert: with another key it makes that account's own SKU (checked below). */
const NOT_ID_LOOKUPS = new Set(['PUT /skus/{id}', 'GET /links/{id}']);

for (const kind of storeKinds()) {
  describe(`tenant isolation (${kind})`, () => {
    let t: TestApp;
    const own: Record<string, string> = {};

    before(async () => {
      t = await buildTestApp(kind);
      own['sku'] = (await t.api.put('/skus/tenant-sku', { ...SKU, name: 'Private SKU' })).body.id;
      const customer = await t.api.post('/customers', { email: 'private@example.com' });
      own['customer'] = customer.body.id;
      const saved = await createCardSource(t.publicApi);
      await t.api.post(`/customers/${own['customer']}/sources/${saved.id}`);
      own['customerSource'] = saved.id;
      const { checkout, source } = await readyCheckout(t.api, t.publicApi);
      own['checkout'] = checkout.id;
      own['checkoutSource'] = source.id;
      own['source'] = source.id;
      const order = await placeOrder(t.api, t.publicApi);
      own['order'] = order.id;
      own['charge'] = order.payment.charges[0].id;
      const item = order.items[0];
      const ful = await t.api.post('/fulfillments', {
        orderId: order.id,
        items: [{ itemId: item.id, quantity: item.quantity }],
      });
      own['fulfillment'] = ful.body.id;
      await advance(t.api, 10);
      const refund = await t.api.post('/refunds', { orderId: order.id, currency: 'USD', amount: 1 });
      own['refund'] = refund.body.id;
      own['return'] = (
        await t.api.post('/returns', { orderId: order.id, items: [{ itemId: item.id, quantity: 1 }] })
      ).body.id;
      const pending = await placeOrder(t.api, t.publicApi, { card: CARDS.captureStaysPending });
      const pendingItem = pending.items[0];
      await t.api.post('/fulfillments', {
        orderId: pending.id,
        items: [{ itemId: pendingItem.id, quantity: pendingItem.quantity }],
      });
      const captured = await t.api.get(`/orders/${pending.id}`);
      own['capture'] = captured.body.payment.charges[0].captures[0].id;
      own['webhook'] = (
        await t.api.post('/webhooks', { types: ['*'], address: 'http://127.0.0.1:9/h' })
      ).body.id;
      own['file'] = (await t.api.get(`/orders/${order.id}`)).body.invoicePDFs[0].id;
      own['file-link'] = (
        await t.api.post('/file-links', { fileId: own['file'], expiresTime: '2999-01-01T00:00:00Z' })
      ).body.id;
      own['tax-identifier'] = (
        await t.api.post('/tax-identifiers', { type: 'de', value: 'DE444444444' })
      ).body.id;
      await t.api.post(`/customers/${own['customer']}/tax-identifiers/${own['tax-identifier']}`);
      own['event'] = (await t.api.get('/events?limit=1')).body.data[0].id;
      own['request'] = (
        await t.api.get('/test-helpers/requests?limit=1', { unchecked: true })
      ).body.data[0].id;
      for (const [name, id] of Object.entries(own)) assert.ok(id, `made ${name}`);
    });
    after(async () => t.close());

    function idFor(path: string, param: string): string {
      const segments = path.split('/');
      const resource = segments[segments.indexOf(`{${param}}`) - 1] ?? '';
      if (param === 'sourceId')
        return path.startsWith('/customers') ? own['customerSource']! : own['checkoutSource']!;
      const kind = resource.replace(/s$/, '');
      const id = own[kind];
      assert.ok(id, `the matrix has no ${kind} for ${path}`);
      return id;
    }

    it("answers every id-taking operation with another account's key 404, as for an unknown id", async () => {
      const doc = (await t.app.inject({ method: 'GET', url: '/openapi.json' })).json();
      let checked = 0;
      for (const [path, item] of Object.entries<Record<string, unknown>>(doc.paths)) {
        if (!path.includes('{')) continue;
        for (const method of Object.keys(item).map((m) => m.toUpperCase())) {
          const name = `${method} ${path}`;
          if (NOT_ID_LOOKUPS.has(name)) continue;
          const url = path.replace(/\{(\w+)\}/g, (_m, param: string) => idFor(path, param));
          const unknownUrl = path.replace(/\{(\w+)\}/g, () => '000000000000000');
          const body = method === 'GET' || method === 'DELETE' ? undefined : (BODIES[name] ?? {});
          const foreign = await t.otherApi.request(method, url, body, { unchecked: true });
          const unknown = await t.otherApi.request(method, unknownUrl, body, { unchecked: true });
          assert.equal(foreign.status, 404, `${name} with another account's key: ${foreign.raw}`);
          assert.equal(foreign.body.type, 'not_found', name);
          assert.equal(unknown.status, 404, `${name} with an unknown id: ${unknown.raw}`);
          assert.equal(foreign.body.errors[0].code, unknown.body.errors[0].code, name);
          assert.equal(foreign.body.errors[0].parameter, unknown.body.errors[0].parameter, name);
          assert.ok(!foreign.raw.includes('private@example.com'));
          if (method === 'GET') {
            const mine = await t.api.request(method, url, undefined, { unchecked: true });
            assert.equal(mine.status, 200, `${name} works for the owner`);
          }
          checked += 1;
        }
      }
      assert.ok(checked >= 32, `only ${checked} operations checked`);
      // nothing changed for the owner
      assert.equal((await t.api.get(`/customers/${own['customer']}`)).body.email, 'private@example.com');
      assert.equal((await t.api.get(`/skus/${own['sku']}`)).body.name, 'Private SKU');
      assert.equal((await t.api.get(`/webhooks/${own['webhook']}`)).body.enabled, true);
      assert.equal((await t.api.get(`/orders/${own['order']}`)).body.upstreamId, undefined);
      // PUT /skus/{id} with the other key makes that account's own SKU; the first one's stays
      const put = await t.otherApi.put(`/skus/${own['sku']}`, { ...SKU, name: 'Same id, other account' });
      assert.equal(put.status, 201);
      assert.equal((await t.api.get(`/skus/${own['sku']}`)).body.name, 'Private SKU');
    });

    it('lists nothing of another account: a new account sees every list empty, without more (issue 23, item 10)', async () => {
      const { keys } = await createAccount(t.store, 'New account', Date.now());
      const fresh = new Api(t.app, keys.secretKey);
      const lists = listOperations((await t.app.inject({ method: 'GET', url: '/openapi.json' })).json());
      assert.ok(lists.length >= 12, `only ${lists.length} lists`);
      // the request log first: the new account's own requests are logged as it makes them
      for (const { path } of [...lists].sort(
        (a, b) => Number(b.path.includes('requests')) - Number(a.path.includes('requests')),
      ))
        for (const query of ['', '?limit=1']) {
          const mine = await t.api.get(`${path}${query}`, { unchecked: true });
          assert.equal(mine.status, 200, `${path}${query}: ${mine.raw}`);
          if (!path.includes('requests'))
            assert.ok(mine.body.data.length > 0, `the first account has something in ${path}`);
          const theirs = await fresh.get(`${path}${query}`, { unchecked: true });
          assert.deepEqual(
            [theirs.status, theirs.body.data, theirs.body.hasMore],
            [200, [], false],
            `${path}${query} for a new account: ${theirs.raw.slice(0, 300)}`,
          );
        }
    });

    it('filters by ids on every list that takes them; a list that would ignore them refuses them', async () => {
      const lists = listOperations((await t.app.inject({ method: 'GET', url: '/openapi.json' })).json());
      for (const { path, params } of lists) {
        const filtered = await t.api.get(`${path}?ids=no-such-id`, { unchecked: true });
        if (params.includes('ids'))
          assert.deepEqual([filtered.status, filtered.body.data], [200, []], `${path}?ids= filters`);
        else
          assert.deepEqual(
            [filtered.status, filtered.body.errors?.[0]?.code, filtered.body.errors?.[0]?.parameter],
            [400, 'unknown_parameter', 'ids'],
            `${path} does not filter by ids: it must refuse them`,
          );
      }
    });
  });
}

/** Lists of what every account shares (the simulator's test cards), not of an account's objects. */
const SHARED_LISTS = new Set(['/test-helpers/scenarios']);

/** The list operations of the document: GETs of a collection whose answer has `data` and `hasMore`. */
function listOperations(doc: {
  paths: Record<
    string,
    { get?: { parameters?: { name: string; in: string }[]; responses?: Record<string, any> } }
  >;
}): { path: string; params: string[] }[] {
  const found: { path: string; params: string[] }[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    const get = item.get;
    if (!get || path.includes('{')) continue;
    const schema = get.responses?.['200']?.content?.['application/json']?.schema;
    const properties = schema?.properties ?? {};
    if (!('data' in properties) || !('hasMore' in properties) || SHARED_LISTS.has(path)) continue;
    found.push({ path, params: (get.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name) });
  }
  return found;
}
