import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { cardBody } from '../helpers/fixtures.js';

/**
 * Issue 15, item 6: a shopper's page creates payment sources with the public key from its own
 * origin, so POST /payments/sources answers CORS (preflight included, before authentication);
 * endpoints that take a secret key send no CORS headers, so a page cannot read them.
 */
describe('CORS', () => {
  let t: TestApp;
  before(async () => {
    t = await buildTestApp('sqlite');
  });
  after(async () => t.close());

  const ORIGIN = { origin: 'https://shop.example.com' };
  const preflight = (path: string) =>
    t.api.request('OPTIONS', path, undefined, {
      key: null,
      unchecked: true,
      headers: {
        ...ORIGIN,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization,content-type',
      },
    });

  it('answers the preflight of POST /payments/sources without a key, and the POST itself', async () => {
    const answer = await preflight('/payments/sources');
    assert.equal(answer.status, 204);
    assert.equal(answer.headers['access-control-allow-origin'], '*');
    assert.match(String(answer.headers['access-control-allow-methods']), /POST/);
    assert.match(String(answer.headers['access-control-allow-headers']), /Authorization/i);
    const created = await t.publicApi.post('/payments/sources', cardBody(), { headers: ORIGIN });
    assert.equal(created.status, 201, created.raw);
    assert.equal(created.headers['access-control-allow-origin'], '*');
    assert.match(String(created.headers['access-control-expose-headers']), /x-dr-requestid/);
  });

  it('sends nothing for secret-key endpoints: their preflight is a 404 and their answers carry no CORS headers', async () => {
    const answer = await preflight('/orders');
    assert.equal(answer.status, 404);
    assert.equal(answer.headers['access-control-allow-origin'], undefined);
    assert.equal(answer.body.errors[0].code, 'not_found');
    const list = await t.api.get('/orders', { headers: ORIGIN });
    assert.equal(list.status, 200);
    assert.equal(list.headers['access-control-allow-origin'], undefined);
  });

  it('leaves unknown paths 404 and known ones 405 for other methods', async () => {
    assert.equal((await t.api.get('/nowhere')).status, 404);
    assert.equal((await t.api.request('PUT', '/orders', {})).status, 405);
  });
});
