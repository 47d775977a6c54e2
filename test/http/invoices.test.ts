import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { advance, createSku, eventsOf, physicalCheckoutBody, placeOrder } from '../helpers/fixtures.js';
import { storeKinds } from '../helpers/stores.js';

/**
 * DR's "Accessing invoices and credit memos" (order-management/accessing-invoices-and-credit-memos.md)
 * and the Files and File Links pages (order-management/files-and-file-links-1/): a complete order
 * gets an invoice PDF, a succeeded refund a credit memo; both are files the secret key downloads,
 * and a file link shares one without a key until it expires.
 */

/** The text a PDFKit page shows: its TJ/Tj strings (hex, WinAnsi), a line per text operator. */
function pdfText(pdf: Buffer): string {
  const source = pdf.toString('latin1');
  const lines: string[] = [];
  for (const match of source.matchAll(/\[((?:<[0-9a-f]*>\s*-?[\d.]*\s*)+)\]\s*TJ|<([0-9a-f]*)>\s*Tj/g)) {
    const hexes = match[1]
      ? [...match[1].matchAll(/<([0-9a-f]*)>/g)].map((m) => m[1] ?? '')
      : [match[2] ?? ''];
    lines.push(hexes.map((h) => Buffer.from(h, 'hex').toString('latin1')).join(''));
  }
  return lines.join('\n');
}

const errorOf = (response: { body: any }) => response.body.errors[0];

for (const kind of storeKinds()) {
  describe(`invoices, credit memos, files and file links (${kind})`, () => {
    let t: TestApp;
    before(async () => {
      t = await buildTestApp(kind);
      await createSku(t.api, 'shoe', {
        name: 'Athena Womens Running Shoes',
        eccn: 'EAR99',
        taxCode: '4323.310_A',
        countryOfOrigin: 'US',
        weight: 0.8,
        weightUnit: 'kg',
      });
    });
    after(async () => t.close());

    /** An order fulfilled in full, its capture settled: complete. */
    async function completeOrder() {
      const order = await placeOrder(t.api, t.publicApi, { body: physicalCheckoutBody('shoe') });
      assert.equal(order.invoicePDFs, undefined, 'no invoice before the order is complete');
      const fulfilled = await t.api.post('/fulfillments', {
        orderId: order.id,
        items: order.items.map((i: any) => ({ itemId: i.id, quantity: i.quantity })),
      });
      assert.equal(fulfilled.status, 201, fulfilled.raw);
      await advance(t.api, 5);
      const done = (await t.api.get(`/orders/${order.id}`)).body;
      assert.equal(done.state, 'complete');
      return done;
    }

    async function download(url: string, headers: Record<string, string> = {}) {
      const path = new URL(url).pathname;
      return t.app.inject({ method: 'GET', url: path, headers });
    }

    it('issues an invoice PDF once the order is complete: invoicePDFs, order.invoice.created, the file and its content', async () => {
      const order = await completeOrder();
      assert.equal(order.invoicePDFs.length, 1);
      const [invoice] = order.invoicePDFs;
      assert.equal(invoice.liveMode, false);
      assert.match(invoice.url, new RegExp(`/files/${invoice.id}/content$`));
      const events = (await eventsOf(t.api, 'order.invoice.created')).filter(
        (e) => e.data.object.orderId === order.id,
      );
      assert.equal(events.length, 1);
      assert.deepEqual(events[0].data.object, {
        id: invoice.id,
        fileId: invoice.id,
        orderId: order.id,
        purpose: 'customer_invoice',
        invoiceURL: invoice.url,
      });

      const file = await t.api.get(`/files/${invoice.id}`);
      assert.equal(file.status, 200, file.raw);
      assert.equal(file.body.purpose, 'customer_invoice');
      assert.equal(file.body.type, 'pdf');
      assert.equal(file.body.orderId, order.id);
      assert.equal(file.body.links, undefined);

      const content = await t.api.bytes(`/files/${invoice.id}/content`);
      assert.equal(content.statusCode, 200);
      assert.equal(content.headers['content-type'], 'application/pdf');
      const pdf = content.rawPayload;
      assert.equal(pdf.subarray(0, 5).toString(), '%PDF-');
      assert.equal(pdf.length, file.body.size);
      const text = pdfText(pdf);
      for (const shown of [
        'Invoice',
        `Order ${order.id}`,
        'DR globalTech Inc.',
        'William Brown',
        'Athena Womens Running Shoes',
        `$${order.totalAmount.toFixed(2)}`,
        `$${order.totalTax.toFixed(2)}`,
      ]) {
        assert.ok(text.includes(shown), `the invoice shows ${shown}:\n${text}`);
      }
      const listed = await t.api.get('/files?purpose=customer_invoice&limit=100');
      assert.ok(listed.body.data.some((f: any) => f.id === invoice.id));
      assert.ok(
        (await t.api.get(`/files?size[gte]=${file.body.size}&size[lte]=${file.body.size}`)).body.data.some(
          (f: any) => f.id === invoice.id,
        ),
      );
      assert.equal((await t.api.get('/files?size[lt]=1')).body.data.length, 0);
      // without a key, or with the public key, the content is not served
      assert.equal((await download(invoice.url)).statusCode, 401);
    });

    it('issues a credit memo for each refund that succeeds', async () => {
      const order = await completeOrder();
      const refund = await t.api.post('/refunds', {
        orderId: order.id,
        currency: 'USD',
        amount: 3.5,
        reason: 'Scratched',
      });
      assert.equal(refund.status, 201, refund.raw);
      assert.equal((await t.api.get(`/orders/${order.id}`)).body.creditMemoPDFs, undefined);
      await advance(t.api, 5);
      const after = (await t.api.get(`/orders/${order.id}`)).body;
      assert.equal(after.creditMemoPDFs.length, 1);
      const [memo] = after.creditMemoPDFs;
      const events = (await eventsOf(t.api, 'order.credit_memo.created')).filter(
        (e) => e.data.object.orderId === order.id,
      );
      assert.deepEqual(
        events.map((e) => [e.data.object.fileId, e.data.object.purpose]),
        [[memo.id, 'customer_credit_memo']],
      );
      const file = (await t.api.get(`/files/${memo.id}`)).body;
      assert.equal(file.refundId, refund.body.id);
      const text = pdfText((await t.api.bytes(`/files/${memo.id}/content`)).rawPayload);
      for (const shown of ['Credit memo', `Refund ${refund.body.id} (Scratched)`, '$3.50']) {
        assert.ok(text.includes(shown), `the credit memo shows ${shown}:\n${text}`);
      }
      // a second refund, a second memo; the invoice stays one
      const second = await t.api.post('/refunds', { orderId: order.id, currency: 'USD', amount: 1 });
      assert.equal(second.status, 201, second.raw);
      await advance(t.api, 5);
      assert.equal((await t.api.get(`/refunds/${second.body.id}`)).body.state, 'succeeded');
      const twice = (await t.api.get(`/orders/${order.id}`)).body;
      assert.equal(twice.creditMemoPDFs.length, 2);
      assert.equal(twice.invoicePDFs.length, 1);
    });

    it('a refund before the invoice gets its credit memo with the invoice', async () => {
      const order = await placeOrder(t.api, t.publicApi, { body: physicalCheckoutBody('shoe') });
      const item = order.items[0];
      assert.equal(item.quantity, 2);
      const ship = () =>
        t.api.post('/fulfillments', { orderId: order.id, items: [{ itemId: item.id, quantity: 1 }] });
      assert.equal((await ship()).status, 201);
      await advance(t.api, 5);
      assert.equal(
        (await t.api.post('/refunds', { orderId: order.id, currency: 'USD', amount: 2 })).status,
        201,
      );
      await advance(t.api, 5);
      const early = (await t.api.get(`/orders/${order.id}`)).body;
      assert.deepEqual([early.invoicePDFs, early.creditMemoPDFs], [undefined, undefined]);
      assert.equal((await ship()).status, 201);
      await advance(t.api, 5);
      const done = (await t.api.get(`/orders/${order.id}`)).body;
      assert.equal(done.state, 'complete');
      assert.deepEqual([done.invoicePDFs.length, done.creditMemoPDFs.length], [1, 1]);
    });

    it('shares a file by a link until it expires on the account clock; refuses bad links', async () => {
      const order = await completeOrder();
      const fileId = order.invoicePDFs[0].id;
      const clock = (await t.api.get('/test-helpers/clock')).body;
      const expiresTime = new Date(Date.parse(clock.time) + 3600_000).toISOString();
      const link = await t.api.post('/file-links', { fileId, expiresTime, metadata: { customer: 'w' } });
      assert.equal(link.status, 201, link.raw);
      assert.equal(link.body.expired, false);
      assert.equal(link.body.fileId, fileId);
      assert.match(link.body.url, new RegExp(`/links/${link.body.id}$`));
      const shared = await download(link.body.url);
      assert.equal(shared.statusCode, 200);
      assert.equal(shared.headers['content-type'], 'application/pdf');
      assert.ok(pdfText(shared.rawPayload).includes(`Order ${order.id}`));
      const file = (await t.api.get(`/files/${fileId}`)).body;
      assert.deepEqual(
        file.links.map((l: any) => l.id),
        [link.body.id],
      );
      assert.deepEqual(
        (await t.api.get(`/file-links?fileId=${fileId}&expired=false`)).body.data.map((l: any) => l.id),
        [link.body.id],
      );
      const moved = await t.api.post(`/file-links/${link.body.id}`, { metadata: { customer: 'x' } });
      assert.equal(moved.status, 200, moved.raw);
      assert.deepEqual(moved.body.metadata, { customer: 'x' });

      await advance(t.api, 3601);
      assert.equal((await download(link.body.url)).statusCode, 404);
      assert.equal((await t.api.get(`/file-links/${link.body.id}`)).body.expired, true);
      assert.deepEqual(
        (await t.api.get(`/file-links?fileId=${fileId}&expired=true`)).body.data.map((l: any) => l.id),
        [link.body.id],
      );

      const past = await t.api.post('/file-links', { fileId, expiresTime: '2001-01-01T00:00:00Z' });
      assert.equal(past.status, 400);
      assert.equal(errorOf(past).parameter, 'expiresTime');
      const unknown = await t.api.post('/file-links', {
        fileId: 'nope',
        expiresTime: '2999-01-01T00:00:00Z',
      });
      assert.equal(unknown.status, 400);
      assert.equal(errorOf(unknown).parameter, 'fileId');
      const missing = await t.api.post('/file-links', { expiresTime: '2999-01-01T00:00:00Z' });
      assert.equal(missing.status, 400);
      assert.equal(errorOf(missing).parameter, 'fileId');
      assert.equal((await t.api.delete(`/file-links/${link.body.id}`)).status, 204);
      assert.equal((await t.api.get(`/file-links/${link.body.id}`)).status, 404);
      assert.equal((await download(`http://x/links/no-such-link`)).statusCode, 404);
    });

    it("does not serve or link another account's files", async () => {
      const order = await completeOrder();
      const fileId = order.invoicePDFs[0].id;
      assert.equal((await t.otherApi.get(`/files/${fileId}`)).status, 404);
      assert.equal((await t.otherApi.bytes(`/files/${fileId}/content`)).statusCode, 404);
      const borrowed = await t.otherApi.post('/file-links', { fileId, expiresTime: '2999-01-01T00:00:00Z' });
      assert.equal(borrowed.status, 400);
      assert.ok(!(await t.otherApi.get('/files')).body.data.some((f: any) => f.id === fileId));
      assert.equal((await t.api.delete(`/files/${fileId}`)).status, 204);
      assert.equal((await t.api.get(`/files/${fileId}`)).status, 404);
    });
  });
}
