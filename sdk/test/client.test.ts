import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { buildTestApp, type TestApp } from '../../test/helpers/app.js';
import { cardBody, digitalCheckoutBody } from '../../test/helpers/fixtures.js';
import {
  ConflictError,
  createTributary,
  InvalidRequestError,
  NotFoundError,
  TributaryError,
} from '../src/index.js';

/**
 * The SDK's client against a real Tributary on loopback: typed calls, DR's errors as typed
 * errors, and retries that are safe because every write carries one idempotency key.
 */
describe('the SDK client', () => {
  let t: TestApp;
  let baseUrl: string;
  before(async () => {
    t = await buildTestApp('sqlite');
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    baseUrl = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
  });
  after(async () => t.close());

  it('walks an order: checkout, source, order, fulfilment, with typed answers', async () => {
    const tributary = createTributary({ apiKey: t.keys.secretKey, baseUrl });
    const shopper = createTributary({ apiKey: t.keys.publicKey, baseUrl });
    const { data: checkout } = await tributary.POST('/checkouts', { body: digitalCheckoutBody() as never });
    assert.ok(checkout?.id);
    assert.equal(checkout.totalAmount, 21.38);
    const { data: source } = await shopper.POST('/payments/sources', { body: cardBody() as never });
    await tributary.POST('/checkouts/{id}/sources/{sourceId}', {
      params: { path: { id: checkout.id, sourceId: source?.id ?? '' } },
    });
    const { data: order } = await tributary.POST('/orders', { body: { checkoutId: checkout.id } });
    assert.equal(order?.state, 'accepted');
    const { data: read } = await tributary.GET('/orders/{id}', { params: { path: { id: order?.id ?? '' } } });
    assert.equal(read?.id, order?.id);
    const item = read?.items?.[0]?.id ?? '';
    const { data: fulfillment } = await tributary.POST('/fulfillments', {
      body: { orderId: order?.id ?? '', items: [{ itemId: item, quantity: 1 }] },
    });
    assert.match(fulfillment?.id ?? '', /^ful_/);
  });

  it("throws DR's errors as typed errors with code, parameter and request id", async () => {
    const tributary = createTributary({ apiKey: t.keys.secretKey, baseUrl, maxRetries: 0 });
    const missing = await tributary
      .GET('/orders/{id}', { params: { path: { id: '999' } } })
      .catch((e: unknown) => e);
    assert.ok(missing instanceof NotFoundError);
    assert.equal(missing.status, 404);
    assert.equal(missing.code, 'not_found');
    assert.match(missing.requestId ?? '', /^[0-9a-f-]{36}$/);
    const bad = await tributary
      .POST('/checkouts', { body: { currency: 'USD', colour: 'red' } as never })
      .catch((e) => e);
    assert.ok(bad instanceof InvalidRequestError);
    assert.equal(bad.type, 'bad_request');
    assert.ok(bad.parameter);
    // a declined card: 409 failed-request
    const { data: checkout } = await tributary.POST('/checkouts', { body: digitalCheckoutBody() as never });
    const shopper = createTributary({ apiKey: t.keys.publicKey, baseUrl });
    const { data: source } = await shopper
      .POST('/payments/sources', { body: cardBody('4000000000000002') as never })
      .catch(() => ({ data: undefined }));
    if (source?.id) {
      await tributary.POST('/checkouts/{id}/sources/{sourceId}', {
        params: { path: { id: checkout?.id ?? '', sourceId: source.id } },
      });
      const declined = await tributary
        .POST('/orders', { body: { checkoutId: checkout?.id ?? '' } })
        .catch((e) => e);
      assert.ok(declined instanceof ConflictError, String(declined));
      assert.equal(declined.code, 'failed-request');
    }
    const wrongKey = createTributary({ apiKey: 'sk_test_wrong_key_123', baseUrl });
    const refused = await wrongKey.GET('/orders').catch((e) => e);
    assert.ok(refused instanceof TributaryError);
    assert.equal(refused.status, 401);
  });

  it('retries a write whose answer was lost with the same idempotency key: it happens once', async () => {
    const keys: string[] = [];
    let lost = 0;
    const losing: typeof fetch = async (input, init) => {
      const request = new Request(input, init);
      keys.push(request.headers.get('idempotency-key') ?? '');
      const response = await fetch(request);
      if (request.method === 'POST' && lost++ === 0) {
        // the server did the work; the answer never arrives
        await response.arrayBuffer();
        throw new TypeError('fetch failed: socket hang up');
      }
      return response;
    };
    const tributary = createTributary({
      apiKey: t.keys.secretKey,
      baseUrl,
      fetch: losing,
      sleep: async () => {},
    });
    const before =
      (await tributary.GET('/checkouts', { params: { query: { limit: 100 } } })).data?.data?.length ?? 0;
    const { data: created } = await tributary.POST('/checkouts', {
      body: digitalCheckoutBody({ email: 'once@example.com' }) as never,
    });
    assert.ok(created?.id);
    assert.equal(keys.length, 3, 'the list, then the write twice');
    assert.equal(keys[1], keys[2], 'the retry carries the first attempt’s key');
    assert.match(keys[1] ?? '', /^[0-9a-f-]{36}$/);
    const listed =
      (await tributary.GET('/checkouts', { params: { query: { limit: 100 } } })).data?.data ?? [];
    assert.equal(listed.length, before + 1, 'one checkout, not two');
  });

  it('retries 503 and 429 with backoff, and gives up after maxRetries', async () => {
    const waits: number[] = [];
    let calls = 0;
    const busy: typeof fetch = async (input, init) => {
      calls++;
      if (calls <= 2)
        return new Response(
          JSON.stringify({ type: 'service_unavailable', errors: [{ code: 'server_closing', message: 'x' }] }),
          {
            status: calls === 1 ? 503 : 429,
            headers: { 'content-type': 'application/json', ...(calls === 2 ? { 'retry-after': '1' } : {}) },
          },
        );
      return fetch(new Request(input, init));
    };
    const tributary = createTributary({
      apiKey: t.keys.secretKey,
      baseUrl,
      fetch: busy,
      retryDelayMs: 100,
      sleep: async (ms) => {
        waits.push(ms);
      },
    });
    const { data } = await tributary.GET('/skus');
    assert.ok(Array.isArray(data?.data));
    assert.equal(calls, 3);
    assert.ok(waits[0]! >= 75 && waits[0]! <= 125, `first backoff ${waits[0]}`);
    assert.equal(waits[1], 1000, 'Retry-After is honoured');
    calls = -10; // always busy
    const giving = await createTributary({
      apiKey: t.keys.secretKey,
      baseUrl,
      fetch: busy,
      maxRetries: 1,
      sleep: async () => {},
    })
      .GET('/skus')
      .catch((e) => e);
    assert.ok(giving instanceof TributaryError);
    assert.equal(calls, -8, 'one attempt and one retry');
  });
});
