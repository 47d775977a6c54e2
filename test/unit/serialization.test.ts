import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import Fastify from 'fastify';
import { responseSchemas } from '../../scripts/response-schemas.js';
import { firstDifference, registerSerialization } from '../../src/http/plugins/serialization.js';
import { DR_COMPONENTS, DR_RESPONSES, DR_SUMMARIES } from '../../src/http/schemas/dr-responses.js';

const contract = JSON.parse(
  readFileSync(new URL('../contract/digital-river-openapi-2021-12-13.json', import.meta.url), 'utf8'),
);

async function appReturning(body: unknown, verify: boolean) {
  const app = Fastify();
  app.setErrorHandler((error, _request, reply) => {
    reply.status(500).send({ message: (error as Error).message });
  });
  registerSerialization(app, { verify });
  app.get('/orders/:id', async () => body);
  app.get('/elsewhere', async () => body);
  await app.ready();
  return app;
}

const order = {
  id: '180000010001',
  currency: 'USD',
  totalAmount: 10.5,
  metadata: { coupon: 'x', nested: { free: [1, 'two'] } },
  stateTransitions: { accepted: '2026-11-23T00:00:02Z', in_review: '2026-11-23T00:00:01Z' },
  items: [{ id: '1', quantity: 2, metadata: { a: true } }],
};

describe('response serialization through DR schemas', () => {
  it('the generated schemas are what scripts/response-schemas.ts makes from the contract', () => {
    const { dr, responses, summaries } = responseSchemas(contract);
    assert.deepEqual(DR_COMPONENTS, dr);
    assert.deepEqual(DR_RESPONSES, responses);
    assert.deepEqual(DR_SUMMARIES, summaries);
  });

  it("writes a DR operation's body through the schema: free-form maps whole, in their order", async () => {
    const app = await appReturning({ ...order, notInDrSchema: 'dropped' }, false);
    const response = await app.inject({ method: 'GET', url: '/orders/1' });
    assert.equal(response.statusCode, 200);
    const body = response.json();
    assert.equal(body.notInDrSchema, undefined, 'a property outside the schema is not written');
    assert.deepEqual(body.metadata, order.metadata);
    assert.deepEqual(Object.keys(body.stateTransitions), ['accepted', 'in_review']);
    assert.deepEqual(body.items, order.items);
    // a route outside DR's document keeps JSON.stringify
    const other = await app.inject({ method: 'GET', url: '/elsewhere' });
    assert.equal(other.json().notInDrSchema, 'dropped');
    await app.close();
  });

  it('verify mode refuses a body the schema would change', async () => {
    const app = await appReturning({ ...order, notInDrSchema: 'dropped' }, true);
    const response = await app.inject({ method: 'GET', url: '/orders/1' });
    assert.equal(response.statusCode, 500);
    assert.match(response.json().message, /GET \/orders\/:id 200.*at \$\.notInDrSchema/);
    await app.close();
    const ok = await appReturning(order, true);
    assert.equal((await ok.inject({ method: 'GET', url: '/orders/1' })).statusCode, 200);
    await ok.close();
    // a number where DR says string is coerced by the schema serializer: refused too
    const coerced = await appReturning({ ...order, currency: 840 }, true);
    assert.equal((await coerced.inject({ method: 'GET', url: '/orders/1' })).statusCode, 500);
    await coerced.close();
  });

  it('finds the first difference', () => {
    assert.equal(firstDifference({ a: [1, { b: 2 }] }, { a: [1, { b: 2 }] }), undefined);
    assert.equal(firstDifference({ a: [1, { b: 2 }] }, { a: [1, { b: 3 }] }), '$.a[1].b');
    assert.equal(firstDifference({ a: 1 }, { a: 1, c: null }), '$.c');
    assert.equal(firstDifference([1], { 0: 1 }), '$');
  });
});
