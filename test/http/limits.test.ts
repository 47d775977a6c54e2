import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { storeKinds } from '../helpers/stores.js';

const kind = storeKinds()[0] ?? 'sqlite';

describe(`limits (${kind})`, () => {
  let t: TestApp;
  before(async () => {
    t = await buildTestApp(kind, { settings: { webhookPrivateAddresses: 'allow', rateLimitPerSecond: 5 } });
  });
  after(async () => t.close());

  it('answers requests over the per-key rate with 429 and an integer Retry-After', async () => {
    const statuses: number[] = [];
    let limited: { status: number; headers: Record<string, unknown>; body: any } | undefined;
    for (let i = 0; i < 8; i++) {
      const response = await t.api.get('/skus', { unchecked: true });
      statuses.push(response.status);
      if (response.status === 429) limited = response;
    }
    assert.ok(
      statuses.slice(0, 5).every((s) => s === 200),
      statuses.join(','),
    );
    assert.ok(limited, `no 429 in ${statuses.join(',')}`);
    assert.match(String(limited.headers['retry-after']), /^[1-9]\d*$/);
    assert.equal(limited.body.type, 'too_many_requests');
    assert.equal(limited.body.errors[0].code, 'rate_limited');
    // another key has its own budget
    assert.equal((await t.otherApi.get('/skus')).status, 200);
    // and the budget comes back
    await new Promise((resolve) => setTimeout(resolve, Number(limited.headers['retry-after']) * 1000));
    assert.equal((await t.api.get('/skus')).status, 200);
  });

  it('answers a body over 1 MiB with 413 in the error envelope', async () => {
    const response = await t.api.request('POST', '/customers', undefined, {
      rawBody: JSON.stringify({ email: 'a@example.com', metadata: { k: 'x'.repeat(1024 * 1024) } }),
      unchecked: true,
      key: t.otherKeys.secretKey,
    });
    assert.equal(response.status, 413);
    assert.equal(response.body.errors[0].code, 'request_too_large');
  });
});

describe('the handler timeout', () => {
  it("answers a request that overruns it with 503 in DR's envelope", async () => {
    const t = await buildTestApp(kind, {
      beforeReady: (app) => {
        app.get('/test-only/slow', { config: { auth: 'none' }, handlerTimeout: 50 }, async () => {
          await new Promise((resolve) => setTimeout(resolve, 300));
          return { late: true };
        });
      },
    });
    try {
      const response = await t.app.inject({ method: 'GET', url: '/test-only/slow' });
      assert.equal(response.statusCode, 503);
      const body = response.json();
      assert.equal(body.type, 'service_unavailable');
      assert.equal(body.errors[0].code, 'handler_timeout');
    } finally {
      await new Promise((resolve) => setTimeout(resolve, 300));
      await t.close();
    }
  });
});
