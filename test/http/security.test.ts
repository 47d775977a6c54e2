import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { buildTestApp, errorOf, type TestApp } from '../helpers/app.js';
import { createCardSource, createSku, digitalCheckoutBody, readyCheckout } from '../helpers/fixtures.js';
import { storeKinds } from '../helpers/stores.js';

for (const kind of storeKinds()) {
  describe(`security and bad input (${kind})`, () => {
    let t: TestApp;
    // objects of the first account
    const own: Record<string, string> = {};
    before(async () => {
      t = await buildTestApp(kind);
      own['sku'] = (await createSku(t.api, 'private-sku')).id;
      own['customer'] = (await t.api.post('/customers', { email: 'private@example.com' })).body.id;
      const saved = await createCardSource(t.publicApi);
      await t.api.post(`/customers/${own['customer']}/sources/${saved.id}`);
      own['savedSource'] = saved.id;
      const { checkout, source } = await readyCheckout(t.api, t.publicApi);
      own['orderedCheckout'] = checkout.id;
      const order = (await t.api.post('/orders', { checkoutId: checkout.id })).body;
      own['order'] = order.id;
      own['charge'] = order.payment.charges[0].id;
      own['consumedSource'] = source.id;
      const open = await readyCheckout(t.api, t.publicApi);
      own['checkout'] = open.checkout.id;
      own['session'] = open.checkout.payment.session.id;
      own['source'] = open.source.id;
      own['event'] = (await t.api.get('/events?limit=1')).body.data[0].id;
    });
    after(async () => t.close());

    it('answers no key, a bad key and a malformed header with 401', async () => {
      for (const headers of [
        {},
        { authorization: 'Bearer sk_test_unknownunknown' },
        { authorization: 'Bearer' },
        { authorization: 'Token abc' },
        { authorization: `Bearer ${t.keys.secretKey}x` },
      ]) {
        const response = await t.api.request('GET', '/orders', undefined, { key: null, headers });
        assert.equal(response.status, 401, JSON.stringify(headers));
        assert.deepEqual(
          [response.body.type, response.body.errors[0].code, response.body.errors[0].parameter],
          ['unauthorized', 'unauthorized', 'Authorization'],
        );
      }
      const basic = Buffer.from(`${t.keys.secretKey}:`).toString('base64');
      assert.equal(
        (
          await t.api.request('GET', '/orders', undefined, {
            key: null,
            headers: { authorization: `Basic ${basic}` },
          })
        ).status,
        200,
      );
    });

    it("answers another account's ids exactly as unknown ids: 404, never the object", async () => {
      const zero = '00000000-0000-0000-0000-000000000000';
      const routes: [string, string, unknown?][] = [
        ['GET', `/skus/${own['sku']}`],
        ['POST', `/skus/${own['sku']}`, { name: 'stolen' }],
        ['DELETE', `/skus/${own['sku']}`],
        ['GET', `/customers/${own['customer']}`],
        ['POST', `/customers/${own['customer']}`, { email: 'x@example.com' }],
        ['DELETE', `/customers/${own['customer']}`],
        ['POST', `/customers/${own['customer']}/sources/${own['source']}`],
        ['DELETE', `/customers/${own['customer']}/sources/${own['savedSource']}`],
        ['GET', `/sources/${own['source']}`],
        ['GET', `/checkouts/${own['checkout']}`],
        ['POST', `/checkouts/${own['checkout']}`, { email: 'x@example.com' }],
        ['DELETE', `/checkouts/${own['checkout']}`],
        ['POST', `/checkouts/${own['checkout']}/sources/${own['source']}`],
        ['DELETE', `/checkouts/${own['checkout']}/sources/${own['source']}`],
        ['GET', `/orders/${own['order']}`],
        ['POST', `/orders/${own['order']}`, { upstreamId: 'x' }],
        ['GET', `/charges/${own['charge']}`],
        ['GET', `/events/${own['event']}`],
      ];
      for (const [method, url, body] of routes) {
        const foreign = await t.otherApi.request(method, url, body);
        const unknown = await t.otherApi.request(method, url.replace(/[^/]+$/, zero), body);
        assert.equal(foreign.status, 404, `${method} ${url}`);
        assert.equal(unknown.status, 404, `${method} ${url} (unknown id)`);
        assert.equal(foreign.body.type, 'not_found');
        assert.ok(!foreign.raw.includes('private@example.com'));
      }
      // the other account's attempts changed nothing
      assert.equal((await t.api.get(`/skus/${own['sku']}`)).status, 200);
      assert.equal((await t.api.get(`/customers/${own['customer']}`)).body.email, 'private@example.com');
      assert.equal(
        (await t.api.get(`/checkouts/${own['checkout']}`)).body.payment.session.state,
        'requires_confirmation',
      );
    });

    it("treats another account's ids in bodies as unknown, too", async () => {
      const same = async (
        body: Record<string, unknown>,
        url: string,
        field: string,
        unknownValue: unknown,
      ) => {
        const foreign = await t.otherApi.post(url, body);
        const unknown = await t.otherApi.post(url, { ...body, [field]: unknownValue });
        assert.deepEqual(
          [foreign.status, foreign.body.errors[0].code, foreign.body.errors[0].parameter],
          [unknown.status, unknown.body.errors[0].code, unknown.body.errors[0].parameter],
          `${url} ${field}`,
        );
        assert.ok(foreign.status === 400 || foreign.status === 404);
      };
      await same({ checkoutId: own['checkout'] }, '/orders', 'checkoutId', 'nope');
      await same(digitalCheckoutBody({ customerId: own['customer'] }), '/checkouts', 'customerId', 'nope');
      await same(digitalCheckoutBody({ sourceId: own['source'] }), '/checkouts', 'sourceId', 'nope');
      await same(
        { ...digitalCheckoutBody(), items: [{ skuId: own['sku'], price: 1 }] },
        '/checkouts',
        'items',
        [{ skuId: 'nope', price: 1 }],
      );
      await same(
        { type: 'customerCredit', paymentSessionId: own['session'], amount: 1 },
        '/sources',
        'paymentSessionId',
        'nope',
      );
    });

    it('answers an empty id filter with an empty list on every list', async () => {
      for (const url of [
        '/skus',
        '/customers',
        '/checkouts',
        '/orders',
        '/fulfillments',
        '/refunds',
        '/events',
      ]) {
        const list = await t.api.get(`${url}?ids=`);
        assert.deepEqual([list.status, list.body.data], [200, []], url);
      }
      assert.deepEqual((await t.api.get('/orders?upstreamIds=,')).body.data, []);
      assert.deepEqual((await t.api.get('/events?types=,')).body.data, []);
    });

    it("never lists another account's objects", async () => {
      for (const url of [
        '/skus',
        '/customers',
        '/checkouts',
        '/orders',
        '/fulfillments',
        '/refunds',
        '/events',
      ]) {
        const list = await t.otherApi.get(`${url}?limit=100`);
        assert.equal(list.status, 200);
        assert.deepEqual(list.body.data, [], url);
      }
      const cursor = await t.otherApi.get(`/orders?startingAfter=${own['order']}`);
      assert.equal(cursor.status, 400, "another account's object is no cursor");
    });

    it('answers malformed requests with a 4xx in the envelope, and writes nothing', async () => {
      const before = (await t.api.get('/checkouts?limit=100')).body.data.length;
      const badJson = await t.api.post('/checkouts', undefined, { rawBody: '{"currency": "USD",' });
      assert.deepEqual(
        [badJson.status, badJson.body.errors[0].code, badJson.body.errors[0].parameter],
        [400, 'invalid_format', 'body'],
      );
      const proto = await t.api.post('/checkouts', undefined, { rawBody: '{"__proto__": {"admin": true}}' });
      assert.equal(proto.status, 400);
      const text = await t.api.post('/checkouts', undefined, {
        rawBody: 'currency=USD',
        headers: { 'content-type': 'text/plain' },
      });
      assert.deepEqual([text.status, text.body.errors[0].parameter], [400, 'Content-Type']);
      const form = await t.api.post('/checkouts', undefined, {
        rawBody: 'a=b',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      assert.equal(form.status, 400);
      const empty = await t.api.post('/checkouts', undefined, {
        rawBody: '',
        headers: { 'content-type': 'application/json' },
      });
      assert.deepEqual(
        [empty.status, empty.body.errors[0].code, empty.body.errors[0].parameter],
        [400, 'missing_parameter', 'currency'],
      );
      const array = await t.api.post('/checkouts', [digitalCheckoutBody()]);
      assert.deepEqual([array.status, array.body.errors[0].parameter], [400, 'body']);
      const nullBody = await t.api.post('/checkouts', undefined, { rawBody: 'null' });
      assert.equal(nullBody.status, 400);
      const deep = await t.api.post('/checkouts', undefined, {
        rawBody: `${'['.repeat(100_000)}${']'.repeat(100_000)}`,
      });
      assert.equal(deep.status, 400);
      const nested = await t.api.post(
        '/checkouts',
        digitalCheckoutBody({ metadata: { a: JSON.parse(`${'{"a":'.repeat(500)}1${'}'.repeat(500)}`) } }),
      );
      // deeper than JSON_DEPTH_MAX: refused at the edge, naming the body
      assert.deepEqual(errorOf(nested), [400, 'invalid_parameter', 'body']);
      const shallow = await t.api.post(
        '/checkouts',
        digitalCheckoutBody({ metadata: { a: { b: { c: 1 } } } }),
      );
      assert.deepEqual([shallow.status, shallow.body.errors[0].code], [400, 'invalid_metadata_value']);
      const huge = await t.api.post(
        '/checkouts',
        digitalCheckoutBody({ upstreamId: 'x'.repeat(2 * 1024 * 1024) }),
        { unchecked: true },
      );
      assert.equal(huge.status, 413);
      assert.deepEqual([huge.body.type, huge.body.errors[0].code], ['bad_request', 'request_too_large']);
      const long = await t.api.post('/checkouts', digitalCheckoutBody({ upstreamId: 'x'.repeat(5000) }));
      assert.deepEqual([long.status, long.body.errors[0].parameter], [400, 'upstreamId']);
      const bigNumber = await t.api.post('/checkouts', undefined, {
        rawBody: JSON.stringify(digitalCheckoutBody()).replace('"price":20', '"price":1e400'),
      });
      assert.equal(bigNumber.status, 400);
      assert.equal((await t.api.get('/checkouts?limit=100')).body.data.length, before, 'nothing was written');
    });

    it('keeps unicode as sent', async () => {
      const created = await t.api.post('/customers', {
        email: 'zoe@example.com',
        metadata: { note: 'café ☕' },
        shipping: { name: '山田 太郎 🎌', address: { country: 'JP' } },
      });
      assert.equal(created.status, 201, created.raw);
      assert.equal(created.body.shipping.name, '山田 太郎 🎌');
      assert.equal((await t.api.get(`/customers/${created.body.id}`)).body.metadata.note, 'café ☕');
    });

    it('answers unknown paths with 404, other methods with 405, and carries a request id', async () => {
      const missing = await t.api.get('/nowhere', { unchecked: true });
      assert.deepEqual(
        [missing.status, missing.body.type, missing.body.errors[0].code],
        [404, 'not_found', 'not_found'],
      );
      const wrongMethod = await t.api.request('PUT', '/checkouts', {});
      assert.deepEqual([wrongMethod.status, wrongMethod.body.type], [405, 'method_not_allowed']);
      const patch = await t.api.request('PATCH', `/orders/${own['order']}`, {});
      assert.equal(patch.status, 405);
      assert.match(String(wrongMethod.headers['x-dr-requestid']), /^[0-9a-f-]{36}$/);
      assert.match(String(missing.headers['x-dr-requestid']), /^[0-9a-f-]{36}$/);
      const unauthorized = await t.api.get('/orders', { key: null });
      assert.match(String(unauthorized.headers['x-dr-requestid']), /^[0-9a-f-]{36}$/);
    });
  });
}
