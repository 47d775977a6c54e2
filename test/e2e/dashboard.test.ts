import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type Browser, chromium, type Page } from 'playwright-core';
import { eventually, removeDir, tempDir } from '../helpers/harness.js';
import { call as callServer, ROOT, type Server, serve, stop } from '../helpers/server.js';

/**
 * Issue 15, item 1: the dashboard in a real browser (Debian's Chromium, driven by playwright-core)
 * against a real server. An order is made, fulfilled and refunded by the API and watched in the
 * UI; the clock is advanced and an authorization expired from the UI. Screenshots are saved under
 * test/e2e/screenshots/ (git-ignored). Without Chromium the suite is skipped with a line saying
 * so, except in CI, where a missing Chromium is a failure.
 */
// run in the page, where the DOM is
declare const document: {
  querySelectorAll(s: string): { length: number };
  querySelector(s: string): { textContent: string | null } | null;
  body: { textContent: string | null };
};
declare const sessionStorage: { getItem(k: string): string | null };
declare const window: { innerWidth: number; document: { documentElement: { scrollWidth: number } } };
declare const localStorage: { length: number };

const CHROMIUM = '/usr/bin/chromium';
const present = existsSync(CHROMIUM);
if (!present && process.env['CI'])
  throw new Error(`CI needs Chromium at ${CHROMIUM} (apt-get install -y chromium)`);
const SHOTS = join(ROOT, 'test/e2e/screenshots');
const SK = 'sk_test_dashboard_e2e';
const PK = 'pk_test_dashboard_e2e';

describe('the dashboard in Chromium', {
  skip: present ? false : `skipped: no Chromium at ${CHROMIUM}`,
}, () => {
  let dir: string;
  let server: Server;
  let browser: Browser;
  let page: Page;
  const errors: string[] = [];

  const call = (method: string, path: string, body?: unknown, key = SK) =>
    callServer(server.url, key, method, path, body);

  const order = async (card = '4444222233331111') => {
    const checkout = await call('POST', '/checkouts', {
      currency: 'USD',
      email: 'ui@example.com',
      upstreamId: `ui-${Date.now()}`,
      billTo: {
        name: 'Ui Tester',
        address: {
          line1: '10380 Bren Road West',
          city: 'Minnetonka',
          postalCode: '55343',
          state: 'MN',
          country: 'US',
        },
      },
      items: [{ productDetails: { name: 'E-book' }, price: 20, quantity: 2 }],
    });
    const source = await call(
      'POST',
      '/payments/sources',
      {
        type: 'creditCard',
        creditCard: { number: card, expirationMonth: 7, expirationYear: 2031, cvv: '123' },
      },
      PK,
    );
    await call('POST', `/checkouts/${checkout.body.id}/sources/${source.body.id}`);
    const created = await call('POST', '/orders', { checkoutId: checkout.body.id });
    assert.equal(created.status, 201);
    return created.body;
  };

  const shot = (name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });

  before(async () => {
    mkdirSync(SHOTS, { recursive: true });
    dir = tempDir('dashboard');
    server = await serve(['--db', join(dir, 'ui.db')], {
      TRIBUTARY_SECRET_KEY: SK,
      TRIBUTARY_PUBLIC_KEY: PK,
    });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        // a host name for this machine, as a container's is (the docs page's test)
        '--host-resolver-rules=MAP tributary.test 127.0.0.1',
      ],
    });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
  });
  after(async () => {
    await browser?.close();
    if (server) await stop(server);
    removeDir(dir);
  });

  it('signs in with the secret key, refusing a wrong one', async () => {
    await page.goto(`${server.url}/dashboard`);
    await page.fill('input[name=key]', 'sk_test_not_the_key');
    await page.click('button[type=submit]');
    await page.waitForSelector('[role=alert]');
    assert.match((await page.textContent('[role=alert]')) ?? '', /401 unauthorized/);
    await page.fill('input[name=key]', SK);
    await page.click('button[type=submit]');
    await page.waitForSelector('h1:has-text("Orders")');
    // the key stays in the tab's session storage, nowhere else
    assert.equal(await page.evaluate(() => sessionStorage.getItem('tributary.secretKey')), SK);
    assert.equal(await page.evaluate(() => localStorage.length), 0);
  });

  it('watches an order through its life: made, fulfilled, settled and refunded by the API', async () => {
    const made = await order();
    await page.reload();
    await page.waitForSelector(`text=${made.id}`);
    // money in the order's currency
    assert.ok(((await page.textContent('tbody')) ?? '').includes(`$${made.totalAmount.toFixed(2)}`));
    await shot('orders');
    // DR's filters: another currency finds nothing, the order's finds it
    await page.fill('input[name=currency]', 'EUR');
    await page.press('input[name=currency]', 'Enter');
    await page.waitForSelector('text=No orders.');
    await page.fill('input[name=currency]', 'USD');
    await page.press('input[name=currency]', 'Tab');
    await page.waitForSelector(`text=${made.id}`);
    // search by upstream id finds it alone
    await page.fill('input[name=search]', made.upstreamId);
    await page.waitForFunction(
      (id) => document.querySelectorAll('tbody tr').length === 1 && document.body.textContent?.includes(id),
      made.id,
    );

    await page.click(`a[href="#/orders/${made.id}"]`);
    await page.waitForSelector(`h1:has-text("Order ${made.id}")`);
    assert.match((await page.textContent('h1')) ?? '', /accepted/);
    assert.match((await page.textContent('.charge')) ?? '', /capturable/);
    await shot('order-accepted');

    const item = made.items[0].id;
    assert.equal(
      (await call('POST', '/fulfillments', { orderId: made.id, items: [{ itemId: item, quantity: 2 }] }))
        .status,
      201,
    );
    await call('POST', '/test-helpers/clock/advance', { seconds: 5 });
    const refund = await call('POST', '/refunds', { orderId: made.id, currency: 'USD', amount: 5 });
    assert.equal(refund.status, 201);
    await call('POST', '/test-helpers/clock/advance', { seconds: 5 });
    await page.click('button:has-text("Refresh")');
    await page.waitForSelector(`text=${refund.body.id}`);
    assert.match((await page.textContent('h1')) ?? '', /complete/);
    const timeline = (await page.textContent('.timeline')) ?? '';
    for (const type of [
      'order.accepted',
      'fulfillment.created',
      'order.charge.capture.complete',
      'order.complete',
    ])
      assert.ok(timeline.includes(type), `${type} in the timeline`);
    // each event's JSON one click away
    await page.click('.timeline button:has-text("order.complete")');
    assert.match((await page.textContent('pre.json')) ?? '', /"type": "order.complete"/);
    await shot('order-refunded');
  });

  it('advances the clock from the account page, and expires an authorization from the order page', async () => {
    const made = await order();
    await page.goto(`${server.url}/dashboard#/account`);
    await page.waitForSelector('h1:has-text("Account")');
    const before = (await page.textContent('.account-clock')) ?? '';
    await page.click('button:has-text("+1 day")');
    await page.waitForSelector('[role=status]');
    assert.match((await page.textContent('[role=status]')) ?? '', /The clock is now/);
    await page.waitForFunction(
      (was) => document.querySelector('.account-clock')?.textContent !== was,
      before,
    );
    const clock = await call('GET', '/test-helpers/clock');
    assert.ok(clock.body.offsetSeconds >= 86_400, 'the account clock moved a day');
    // make the account risk averse from the UI
    await page.click('button:has-text("Make it averse")');
    await page.waitForSelector('.policy:has-text("averse")');
    await shot('account');

    await page.goto(`${server.url}/dashboard#/orders/${made.id}`);
    await page.waitForSelector(`h1:has-text("Order ${made.id}")`);
    await page.click('button:has-text("Expire the authorization")');
    await page.click('button:has-text("Refuse the reauthorization")');
    // the UI did it: a fulfillment now needs a reauthorization, which is refused (seed 002)
    const refused = await call('POST', '/fulfillments', {
      orderId: made.id,
      items: [{ itemId: made.items[0].id, quantity: 1 }],
    });
    assert.equal(refused.status, 409);
    assert.equal(refused.body.errors[0].code, 'payment_authorization_failed');
    await page.click('button:has-text("Refresh")');
    await page.waitForSelector('.timeline button:has-text("order.charge.reauth.failed")');
    await shot('order-reauth-failed');
  });

  it("shows a webhook's deliveries: what each attempt sent and got back, and redelivers", async () => {
    const receiver = createServer((request, response) => {
      request.resume();
      request.on('end', () => {
        response.writeHead(503);
        response.end('down for maintenance');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const address = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;
    try {
      const hook = await call('POST', '/webhooks', { types: ['sku.created'], address });
      await call('PUT', '/skus/ui-sku', {
        name: 'UI',
        eccn: 'EAR99',
        taxCode: '4323.310_A',
        countryOfOrigin: 'US',
      });
      let attempts: any[] = [];
      await eventually(async () => {
        attempts = (await call('GET', `/webhooks/${hook.body.id}/deliveries`)).body.data;
        return attempts.length > 0;
      }, 'the first delivery attempt');
      assert.equal(attempts[0]?.status, 503);
      await page.goto(`${server.url}/dashboard#/webhooks/${hook.body.id}`);
      await page.waitForSelector(`h1:has-text("Webhook ${hook.body.id}")`);
      await page.click('tbody tr.clickable');
      await page.waitForSelector('.attempt');
      const detail = (await page.textContent('.attempt')) ?? '';
      assert.match(detail, /webhook-signature/);
      assert.match(detail, /"type": "sku.created"/);
      assert.match(detail, /Response \(503\)down for maintenance/);
      assert.match(
        (await page.textContent('tbody')) ?? '',
        /\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC/,
        'the next retry',
      );
      await shot('webhook');
      await page.click('tbody button:has-text("Redeliver")');
      await eventually(async () => {
        attempts = (await call('GET', `/webhooks/${hook.body.id}/deliveries`)).body.data;
        return attempts.length >= 2;
      }, 'the redelivery clicked in the UI');
      assert.ok(attempts.length >= 2, 'redelivered from the UI');
    } finally {
      receiver.close();
    }
  });

  it('shows the other pages: checkouts, customers, events, webhooks, requests, test cards', async () => {
    await call('POST', '/webhooks', { types: ['order.*'], address: 'http://127.0.0.1:9/hooks' });
    // a checkout not (yet) turned into an order
    await call('POST', '/checkouts', {
      currency: 'EUR',
      email: 'open@example.com',
      items: [{ productDetails: { name: 'x' }, price: 1 }],
    });
    for (const [hash, heading, text] of [
      ['#/checkouts', 'Checkouts', 'open@example.com'],
      ['#/customers', 'Customers', 'None.'],
      ['#/events', 'Events', 'order.accepted'],
      ['#/webhooks', 'Webhooks', 'http://127.0.0.1:9/hooks'],
      ['#/requests', 'Request log', 'GET /webhooks'],
      ['#/scenarios', 'Test cards', '4444 2222 3333 1111'],
    ] as const) {
      await page.goto(`${server.url}/dashboard${hash}`);
      await page.waitForSelector(`h1:has-text("${heading}")`);
      await page.waitForSelector(`text=${text}`, { timeout: 10_000 }).catch(async (error) => {
        throw new Error(`${hash}: ${error.message}\n${(await page.textContent('main'))?.slice(0, 500)}`);
      });
      await shot(hash.slice(2));
    }
    assert.deepEqual(
      errors.filter((e) => !/401|409/.test(e)),
      [],
      'no errors in the page',
    );
  });

  it('keeps every page within the window when a value is long and unbroken (issue 23, item 8)', async () => {
    const long = `u${'x'.repeat(499)}`;
    const checkout = await call('POST', '/checkouts', {
      currency: 'USD',
      email: 'wide@example.com',
      upstreamId: long,
      metadata: { note: 'y'.repeat(500) },
      items: [{ productDetails: { name: 'z'.repeat(200) }, price: 1 }],
    });
    assert.equal(checkout.status, 201, JSON.stringify(checkout.body));
    await call('GET', `/orders?upstreamIds=${long}`);
    for (const hash of ['#/orders', '#/checkouts', '#/events', '#/requests']) {
      await page.goto(`${server.url}/dashboard${hash}`);
      await page.waitForSelector('main table, main .card');
      const [scrollWidth, innerWidth] = await page.evaluate(() => [
        window.document.documentElement.scrollWidth,
        window.innerWidth,
      ]);
      assert.ok(scrollWidth <= innerWidth, `${hash} is ${scrollWidth} px wide in a ${innerWidth} px window`);
    }
  });

  it('renders /docs when opened by host name over plain http (issue 23, item 7)', async () => {
    const port = new URL(server.url).port;
    const docs = await browser.newPage();
    try {
      const response = await docs.goto(`http://tributary.test:${port}/docs`);
      assert.doesNotMatch(
        String(response?.headers()['content-security-policy']),
        /upgrade-insecure-requests/,
        'no upgrade over http',
      );
      // the page's scripts and styles loaded (over http), and rendered the document
      await docs.waitForSelector('.swagger-ui .info .title:has-text("Tributary")', { timeout: 30_000 });
      await docs.waitForSelector('.swagger-ui .opblock-tag-section');
    } finally {
      await docs.close();
    }
  });
});
