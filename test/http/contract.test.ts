import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { TSchema } from 'typebox';
import { CheckoutListQuery } from '../../src/http/routes/checkouts.js';
import { CustomerListQuery } from '../../src/http/routes/customers.js';
import { EventListQuery } from '../../src/http/routes/events.js';
import { FulfillmentListQuery } from '../../src/http/routes/fulfillments.js';
import { OrderListQuery } from '../../src/http/routes/orders.js';
import { RefundListQuery } from '../../src/http/routes/refunds.js';
import { ReturnListQuery } from '../../src/http/routes/returns.js';
import { SkuListQuery } from '../../src/http/routes/skus.js';
import { WebhookListQuery } from '../../src/http/routes/webhooks.js';
import {
  CreditSourceCreate,
  CustomerCreate,
  CustomerUpdate,
  SkuCreate,
  SkuUpdate,
  SkuUpsert,
} from '../../src/http/schemas/catalog.js';
import { CheckoutCreate, CheckoutUpdate, OrderUpdate } from '../../src/http/schemas/checkout.js';
import { FulfillmentCreate } from '../../src/http/schemas/fulfillment.js';
import { RefundCreate, RefundUpdate } from '../../src/http/schemas/refund.js';
import { ReturnCreate, ReturnUpdate } from '../../src/http/schemas/return.js';
import { WebhookCreate, WebhookUpdate } from '../../src/http/schemas/webhook.js';
import { Api, buildTestApp, type TestApp } from '../helpers/app.js';
import { checkContract, contractDocument } from '../helpers/contract.js';
import {
  advance,
  CARDS,
  createCardSource,
  createSku,
  digitalCheckoutBody,
  placeOrder,
  readyCheckout,
} from '../helpers/fixtures.js';
import { storeKinds } from '../helpers/stores.js';

/** The DR operations Tributary implements. */
const IMPLEMENTED = [
  'GET /charges/{id}',
  'GET /checkouts',
  'POST /checkouts',
  'GET /checkouts/{id}',
  'POST /checkouts/{id}',
  'DELETE /checkouts/{id}',
  'POST /checkouts/{id}/sources/{sourceId}',
  'DELETE /checkouts/{id}/sources/{sourceId}',
  'GET /customers',
  'POST /customers',
  'GET /customers/{id}',
  'POST /customers/{id}',
  'DELETE /customers/{id}',
  'POST /customers/{id}/sources/{sourceId}',
  'DELETE /customers/{id}/sources/{sourceId}',
  'GET /events',
  'GET /events/{id}',
  'GET /fulfillments',
  'POST /fulfillments',
  'GET /fulfillments/{id}',
  'GET /refunds',
  'POST /refunds',
  'GET /refunds/{id}',
  'POST /refunds/{id}',
  'GET /returns',
  'POST /returns',
  'GET /returns/{id}',
  'POST /returns/{id}',
  'GET /orders',
  'POST /orders',
  'GET /orders/{id}',
  'POST /orders/{id}',
  'GET /skus',
  'POST /skus',
  'GET /skus/{id}',
  'PUT /skus/{id}',
  'POST /skus/{id}',
  'DELETE /skus/{id}',
  'POST /sources',
  'GET /sources/{id}',
  'GET /tax-identifiers',
  'POST /tax-identifiers',
  'GET /tax-identifiers/{id}',
  'DELETE /tax-identifiers/{id}',
  'POST /customers/{id}/tax-identifiers/{taxId}',
  'GET /files',
  'GET /files/{id}',
  'DELETE /files/{id}',
  'GET /file-links',
  'POST /file-links',
  'GET /file-links/{id}',
  'POST /file-links/{id}',
  'DELETE /file-links/{id}',
  'GET /webhooks',
  'POST /webhooks',
  'GET /webhooks/{id}',
  'PATCH /webhooks/{id}',
  'DELETE /webhooks/{id}',
];

type Json = Record<string, any>;
const schemas = contractDocument.components.schemas as Record<string, Json>;
const resolve = (schema: Json | undefined): Json | undefined =>
  schema?.['$ref'] ? resolve(schemas[String(schema['$ref']).split('/').pop()!]) : schema;

/** The object schemas inside a TypeBox schema (through unions, arrays and records). */
function objectsOf(schema: Json | undefined): Json[] {
  if (!schema) return [];
  if (schema['anyOf']) return (schema['anyOf'] as Json[]).flatMap(objectsOf);
  if (schema['type'] === 'array') return objectsOf(schema['items']);
  if (schema['type'] === 'object' && schema['properties']) return [schema];
  return [];
}

/** Every property DR's request schema names must be accepted by ours, at every depth. */
function compare(ours: Json, theirs: Json | undefined, path: string, problems: string[]): void {
  const dr = resolve(theirs);
  const drObject = dr?.['type'] === 'array' ? resolve(dr['items']) : dr;
  if (!drObject?.['properties']) return;
  const mine = objectsOf(ours);
  if (mine.length === 0) return;
  for (const [name, drProperty] of Object.entries(drObject['properties'] as Record<string, Json>)) {
    const carrier = mine.find((o) => o['properties'][name] !== undefined);
    if (!carrier) {
      problems.push(`${path}.${name}`);
      continue;
    }
    compare(carrier['properties'][name], drProperty, `${path}.${name}`, problems);
  }
}

function requestSchema(operation: string): Json {
  const [method, path] = operation.split(' ') as [string, string];
  const op = (contractDocument.paths[path] as Json)[method.toLowerCase()];
  return op.requestBody.content['application/json'].schema;
}

/** Objects in our request schemas refuse unknown members (only metadata-like maps are open). */
function openObjects(schema: Json, path: string, found: string[]): void {
  if (schema['type'] === 'object' && schema['properties'] && schema['additionalProperties'] !== false)
    found.push(path);
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'patternProperties') continue;
    if (value && typeof value === 'object') openObjects(value as Json, `${path}/${key}`, found);
  }
}

describe('request schemas against DR', () => {
  const bodies: [string, TSchema][] = [
    ['POST /checkouts', CheckoutCreate],
    ['POST /checkouts/{id}', CheckoutUpdate],
    ['POST /customers', CustomerCreate],
    ['POST /customers/{id}', CustomerUpdate],
    ['POST /orders/{id}', OrderUpdate],
    ['POST /skus', SkuCreate],
    ['PUT /skus/{id}', SkuUpsert],
    ['POST /skus/{id}', SkuUpdate],
    ['POST /sources', CreditSourceCreate],
    ['POST /fulfillments', FulfillmentCreate],
    ['POST /refunds', RefundCreate],
    ['POST /refunds/{id}', RefundUpdate],
    ['POST /returns', ReturnCreate],
    ['POST /returns/{id}', ReturnUpdate],
    ['POST /webhooks', WebhookCreate],
    ['PATCH /webhooks/{id}', WebhookUpdate],
  ];
  for (const [operation, schema] of bodies) {
    it(`${operation} accepts every field DR defines, and refuses others`, () => {
      const problems: string[] = [];
      compare(schema as Json, requestSchema(operation), 'body', problems);
      assert.deepEqual(problems, [], `fields DR defines that ${operation} refuses`);
      const open: string[] = [];
      openObjects(schema as Json, '', open);
      assert.deepEqual(open, [], 'objects that accept unknown members');
    });
  }

  const queries: [string, TSchema][] = [
    ['GET /checkouts', CheckoutListQuery],
    ['GET /customers', CustomerListQuery],
    ['GET /events', EventListQuery],
    ['GET /orders', OrderListQuery],
    ['GET /skus', SkuListQuery],
    ['GET /fulfillments', FulfillmentListQuery],
    ['GET /refunds', RefundListQuery],
    ['GET /returns', ReturnListQuery],
    ['GET /webhooks', WebhookListQuery],
  ];
  for (const [operation, schema] of queries) {
    it(`${operation} accepts every query parameter DR defines`, () => {
      const [method, path] = operation.split(' ') as [string, string];
      const parameters = (
        (contractDocument.paths[path] as Json)[method.toLowerCase()].parameters as Json[]
      ).map((p) => resolve(p) as Json);
      const accepted = new Set(Object.keys((schema as Json)['properties']));
      const missing = parameters
        .filter((p) => p['in'] === 'query')
        .flatMap((p) => (p['style'] === 'deepObject' ? [p['name'], `${p['name']}[gte]`] : [p['name']]))
        .filter((name) => !accepted.has(name));
      assert.deepEqual(missing, []);
    });
  }
});

for (const kind of storeKinds()) {
  describe(`every implemented operation answers in DR's shapes (${kind})`, () => {
    let t: TestApp;
    const seen = new Set<string>();
    before(async () => {
      t = await buildTestApp(kind);
    });
    after(async () => t.close());

    /** Calls an operation, checks its answer against the document, and records it. */
    async function call(operation: string, url: string, body?: unknown) {
      const [method] = operation.split(' ') as [string];
      const response = await t.api.request(method, url, body);
      assert.ok(response.status < 300, `${operation}: ${response.status} ${response.raw}`);
      const result = checkContract(method, url, response.status, response.body);
      assert.ok(result.checked, `${operation} is checked against the document`);
      assert.deepEqual(result.errors, []);
      seen.add(operation);
      return response.body;
    }

    it('walks every operation once, in a full lifecycle', async () => {
      await call('POST /skus', '/skus', {
        id: 'c-sku',
        name: 'x',
        eccn: 'EAR99',
        taxCode: '4512.1',
        countryOfOrigin: 'US',
      });
      await call('PUT /skus/{id}', '/skus/c-sku2', {
        name: 'y',
        eccn: 'EAR99',
        taxCode: '4512.1',
        countryOfOrigin: 'US',
      });
      await call('POST /skus/{id}', '/skus/c-sku2', { description: 'd' });
      await call('GET /skus/{id}', '/skus/c-sku2');
      await call('GET /skus', '/skus');
      await call('DELETE /skus/{id}', '/skus/c-sku2');
      const customer = await call('POST /customers', '/customers', { email: 'c@example.com' });
      await call('POST /customers/{id}', `/customers/${customer.id}`, { locale: 'en_US' });
      await call('GET /customers/{id}', `/customers/${customer.id}`);
      await call('GET /customers', '/customers');
      const card = await createCardSource(t.publicApi);
      await call('POST /customers/{id}/sources/{sourceId}', `/customers/${customer.id}/sources/${card.id}`);
      await call('GET /sources/{id}', `/sources/${card.id}`);
      await call('DELETE /customers/{id}/sources/{sourceId}', `/customers/${customer.id}/sources/${card.id}`);
      const taxId = await call('POST /tax-identifiers', '/tax-identifiers', {
        type: 'de',
        value: 'DE123456789',
      });
      await call('GET /tax-identifiers/{id}', `/tax-identifiers/${taxId.id}`);
      await call(
        'POST /customers/{id}/tax-identifiers/{taxId}',
        `/customers/${customer.id}/tax-identifiers/${taxId.id}`,
      );
      await call('GET /customers/{id}', `/customers/${customer.id}`);
      await call('GET /tax-identifiers', '/tax-identifiers');
      await call(
        'POST /checkouts',
        '/checkouts',
        digitalCheckoutBody({
          customerId: customer.id,
          customerType: 'business',
          billTo: { name: 'B', address: { line1: 'x', city: 'Berlin', postalCode: '10117', country: 'DE' } },
        }),
      );
      await call('DELETE /tax-identifiers/{id}', `/tax-identifiers/${taxId.id}`);
      await call('DELETE /customers/{id}', `/customers/${customer.id}`);
      await createSku(t.api, 'c-sku3');
      const checkout = await call(
        'POST /checkouts',
        '/checkouts',
        digitalCheckoutBody({ items: [{ skuId: 'c-sku', price: 3, quantity: 2 }] }),
      );
      await call('POST /checkouts/{id}', `/checkouts/${checkout.id}`, { upstreamId: 'u' });
      await call('GET /checkouts', '/checkouts');
      const credit = await call('POST /sources', '/sources', {
        type: 'customerCredit',
        paymentSessionId: checkout.payment.session.id,
        amount: 1,
      });
      await call('POST /checkouts/{id}/sources/{sourceId}', `/checkouts/${checkout.id}/sources/${credit.id}`);
      await call(
        'DELETE /checkouts/{id}/sources/{sourceId}',
        `/checkouts/${checkout.id}/sources/${credit.id}`,
      );
      await call('GET /checkouts/{id}', `/checkouts/${checkout.id}`);
      await call('DELETE /checkouts/{id}', `/checkouts/${checkout.id}`);
      const { checkout: ready } = await readyCheckout(t.api, t.publicApi);
      const order = await call('POST /orders', '/orders', { checkoutId: ready.id });
      await call('GET /orders/{id}', `/orders/${order.id}`);
      await call('POST /orders/{id}', `/orders/${order.id}`, { metadata: { a: 1 } });
      await call('GET /orders', '/orders');
      await call('GET /charges/{id}', `/charges/${order.payment.charges[0].id}`);
      const fulfillment = await call('POST /fulfillments', '/fulfillments', {
        orderId: order.id,
        items: [{ itemId: order.items[0].id, quantity: '1' }],
        trackingNumber: 'T1',
      });
      await call('GET /fulfillments/{id}', `/fulfillments/${fulfillment.id}`);
      await call('GET /fulfillments', '/fulfillments');
      await advance(t.api, 5);
      const refund = await call('POST /refunds', '/refunds', {
        orderId: order.id,
        currency: 'USD',
        amount: 1,
      });
      await advance(t.api, 5);
      await call('GET /refunds/{id}', `/refunds/${refund.id}`);
      await call('POST /refunds/{id}', `/refunds/${refund.id}`, { metadata: { a: 'b' } });
      await call('GET /refunds', '/refunds');
      const invoiced = await call('GET /orders/{id}', `/orders/${order.id}`);
      const fileId = invoiced.invoicePDFs[0].id;
      assert.ok(invoiced.creditMemoPDFs[0].id);
      const link = await call('POST /file-links', '/file-links', {
        fileId,
        expiresTime: '2999-01-01T00:00:00Z',
      });
      await call('GET /files/{id}', `/files/${fileId}`);
      await call('GET /files', '/files');
      await call('GET /file-links/{id}', `/file-links/${link.id}`);
      await call('POST /file-links/{id}', `/file-links/${link.id}`, { expiresTime: '2998-01-01T00:00:00Z' });
      await call('GET /file-links', '/file-links');
      await call('DELETE /file-links/{id}', `/file-links/${link.id}`);
      await call('DELETE /files/{id}', `/files/${invoiced.creditMemoPDFs[0].id}`);
      const ret = await call('POST /returns', '/returns', {
        orderId: order.id,
        reason: 'Incorrect size',
        items: [{ itemId: order.items[0].id, quantity: '1' }],
      });
      await call('GET /returns/{id}', `/returns/${ret.id}`);
      await call('GET /returns', '/returns');
      await call('POST /returns/{id}', `/returns/${ret.id}`, { state: 'accepted' });
      await advance(t.api, 5);
      const webhook = await call('POST /webhooks', '/webhooks', {
        types: ['order.*'],
        address: 'http://127.0.0.1:9/hooks',
      });
      await call('PATCH /webhooks/{id}', `/webhooks/${webhook.id}`, { enabled: false });
      await call('GET /webhooks/{id}', `/webhooks/${webhook.id}`);
      await call('GET /webhooks', '/webhooks');
      await call('DELETE /webhooks/{id}', `/webhooks/${webhook.id}`);
      // a declined, an averse refusal and a blocked order add their own events
      const averse = await placeOrder(t.otherApi, new Api(t.app, t.otherKeys.publicKey), {
        card: CARDS.reauthRefusedForcedCompletes,
      });
      await t.otherApi.post('/account', { chargebackRiskPolicy: 'averse' });
      await advance(t.otherApi, 8 * 86_400);
      await t.otherApi.post('/fulfillments', {
        orderId: averse.id,
        items: [{ itemId: averse.items[0].id, quantity: 1 }],
      });
      const events = await call('GET /events', '/events?limit=100');
      await call('GET /events/{id}', `/events/${events.data[0].id}`);
      // every event's object is the resource it reports, in that resource's shape
      const otherEvents = (await t.otherApi.get('/events?limit=100')).body.data;
      for (const event of [...events.data, ...otherEvents]) {
        const path =
          event.type.startsWith('order.charge.') && event.type !== 'order.charge.reauth.failed'
            ? '/charges/x'
            : event.type.startsWith('order.')
              ? '/orders/x'
              : event.type.startsWith('checkout.')
                ? '/checkouts/x'
                : event.type.startsWith('sku.')
                  ? '/skus/x'
                  : event.type.startsWith('fulfillment.')
                    ? '/fulfillments/x'
                    : event.type.startsWith('refund.')
                      ? '/refunds/x'
                      : event.type.startsWith('return.')
                        ? '/returns/x'
                        : event.type.includes('tax_identifier.')
                          ? '/tax-identifiers/x'
                          : event.type.startsWith('webhook.')
                            ? '/webhooks/x'
                            : event.type.startsWith('customer.source.') || event.type.startsWith('source.')
                              ? '/sources/x'
                              : '/customers/x';
        // an invoice's or a credit memo's event carries DR's file notice, which no schema names
        if (event.type === 'order.invoice.created' || event.type === 'order.credit_memo.created') continue;
        const result = checkContract('GET', path, 200, event.data.object);
        assert.deepEqual(result.errors, [], `${event.type} carries the object of ${path}`);
      }
      const seenTypes = new Set([...events.data, ...otherEvents].map((e: any) => e.type));
      for (const type of [
        'fulfillment.created',
        'order.charge.capture.pending',
        'order.charge.capture.complete',
        'refund.complete',
        'return.created',
        'return.accepted',
        'order.charge.reauth.failed',
      ]) {
        assert.ok(seenTypes.has(type), `the walk saw ${type}`);
      }
      assert.deepEqual(
        IMPLEMENTED.filter((op) => !seen.has(op)),
        [],
      );
    });
  });
}
