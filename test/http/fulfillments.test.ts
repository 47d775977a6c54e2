import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Api, buildTestApp, errorOf, type TestApp } from '../helpers/app.js';
import {
  advance,
  CARDS,
  createCardSource,
  createSku,
  digitalCheckoutBody,
  eventsOf,
  physicalCheckoutBody,
  placeOrder,
  SKU,
} from '../helpers/fixtures.js';
import { storeKinds } from '../helpers/stores.js';

const DAY = 86_400;
const cents = (amount: number) => Math.round(amount * 100);
const REAUTH_FAILED = 'Fulfillment cannot be processed because the payment authorization has expired';

for (const kind of storeKinds()) {
  describe(`seed 002: fulfillments, captures and reauthorization (${kind})`, () => {
    let t: TestApp;
    /** the second account, set up risk averse */
    let averse: Api;
    let aversePublic: Api;

    before(async () => {
      t = await buildTestApp(kind);
      averse = t.otherApi;
      aversePublic = new Api(t.app, t.otherKeys.publicKey);
      assert.equal(
        (await averse.post('/account', { chargebackRiskPolicy: 'averse' })).body.chargebackRiskPolicy,
        'averse',
      );
      for (const api of [t.api, averse]) {
        await createSku(api, 'preorder-shoe');
        await createSku(api, 'in-stock-ebook', {
          ...SKU,
          name: 'E-book',
          taxCode: '4512.1',
          weight: undefined,
        });
      }
    });
    after(async () => t.close());

    /** The order of seed 002's examples: a physical pre-ordered item, quantity 2. */
    const preorder = (api: Api, publicApi: Api, card: string) =>
      placeOrder(api, publicApi, { card, body: physicalCheckoutBody('preorder-shoe') });

    const fulfil = (api: Api, order: any, quantity: number | string, extra: Record<string, unknown> = {}) =>
      api.post('/fulfillments', {
        orderId: order.id,
        items: [{ itemId: order.items[0].id, quantity }],
        trackingCompany: 'Fedex',
        trackingNumber: 'Z10100002632653',
        trackingUrl: 'http://www.fedex.com/Tracking?tracknumbers=Z10100002632653',
        ...extra,
      });

    it('valid authorization: 201 fulfillment, capture pending, then complete (tolerant)', async () => {
      const order = await preorder(t.api, t.publicApi, CARDS.visa);
      const created = await fulfil(t.api, order, '2');
      assert.equal(created.status, 201);
      const fulfillment = created.body;
      assert.match(fulfillment.id, /^ful_[0-9a-f-]{36}$/);
      assert.deepEqual(fulfillment.items, [
        { quantity: 2, cancelQuantity: 0, skuId: 'preorder-shoe', itemId: order.items[0].id },
      ]);
      assert.deepEqual(
        [fulfillment.orderId, fulfillment.trackingCompany, fulfillment.trackingNumber, fulfillment.liveMode],
        [order.id, 'Fedex', 'Z10100002632653', false],
      );
      const [pending] = (await eventsOf(t.api, 'order.charge.capture.pending')).filter(
        (e) => e.data.object.orderId === order.id,
      );
      const charge = pending.data.object;
      assert.deepEqual(
        [charge.state, charge.captured, charge.amount],
        ['processing', true, order.totalAmount],
      );
      assert.deepEqual(
        charge.captures.map((c: any) => [c.amount, c.state, c.fulfillmentId]),
        [[order.totalAmount, 'pending', fulfillment.id]],
      );
      let read = (await t.api.get(`/orders/${order.id}`)).body;
      assert.deepEqual(
        [read.state, read.items[0].state, read.capturedAmount, read.availableToRefundAmount],
        ['fulfilled', 'fulfilled', 26.72, 0],
      );
      await advance(t.api, 5);
      read = (await t.api.get(`/orders/${order.id}`)).body;
      assert.deepEqual(
        [read.state, read.payment.charges[0].state, read.payment.charges[0].captures[0].state],
        ['complete', 'complete', 'complete'],
      );
      assert.equal(read.availableToRefundAmount, 26.72);
      // an item's availableToRefundAmount is its amount and tax, never its shipping
      // (returns-and-refunds-1/refunds/issuing-refunds.md, "item-level"): 20.00 + 1.38
      assert.equal(read.items[0].availableToRefundAmount, 21.38);
      const types = (await eventsOf(t.api, 'order.*'))
        .filter((e) => (e.data.object.orderId ?? e.data.object.id) === order.id)
        .map((e) => e.type);
      // the complete order's invoice follows its events (accessing-invoices-and-credit-memos.md)
      assert.deepEqual(types.slice(-7), [
        'order.charge.capture.pending',
        'order.charge.processing',
        'order.fulfilled',
        'order.charge.capture.complete',
        'order.charge.complete',
        'order.complete',
        'order.invoice.created',
      ]);
      assert.ok(
        types.includes('order.fulfilled') &&
          types.includes('order.charge.capture.complete') &&
          types.includes('order.complete'),
      );
      const fulfillmentEvent = (await eventsOf(t.api, 'fulfillment.created')).find(
        (e) => e.data.object.id === fulfillment.id,
      );
      assert.equal(fulfillmentEvent.data.object.orderDetails.id, order.id);
      assert.equal(fulfillmentEvent.data.object.orderDetails.payment, undefined);
    });

    it('expired authorization, reauthorization granted: captured on the new authorization', async () => {
      for (const [api, publicApi] of [
        [t.api, t.publicApi],
        [averse, aversePublic],
      ] as const) {
        const order = await preorder(api, publicApi, CARDS.expiresIn1hReauthGranted);
        await advance(api, 2 * 3600);
        const created = await fulfil(api, order, 2);
        assert.equal(created.status, 201, created.raw);
        await advance(api, 5);
        const read = (await api.get(`/orders/${order.id}`)).body;
        assert.deepEqual([read.state, read.payment.charges[0].captures[0].state], ['complete', 'complete']);
        assert.equal(
          (await eventsOf(api, 'order.charge.reauth.failed')).filter((e) => e.data.object.id === order.id)
            .length,
          0,
        );
      }
    });

    it('expired, reauthorization refused, tolerant: force-settled, the capture completes', async () => {
      const order = await preorder(t.api, t.publicApi, CARDS.reauthRefusedForcedCompletes);
      await advance(t.api, 8 * DAY);
      const created = await fulfil(t.api, order, 2);
      assert.equal(created.status, 201);
      let read = (await t.api.get(`/orders/${order.id}`)).body;
      assert.equal(read.payment.charges[0].captures[0].state, 'pending');
      await advance(t.api, 5);
      read = (await t.api.get(`/orders/${order.id}`)).body;
      assert.deepEqual([read.state, read.payment.charges[0].state], ['complete', 'complete']);
    });

    it('expired, reauthorization refused, tolerant: force-settled, the capture fails', async () => {
      const order = await preorder(t.api, t.publicApi, CARDS.reauthRefusedForcedFails);
      await advance(t.api, 8 * DAY);
      assert.equal((await fulfil(t.api, order, 2)).status, 201);
      await advance(t.api, 5);
      const read = (await t.api.get(`/orders/${order.id}`)).body;
      const [charge] = read.payment.charges;
      assert.deepEqual(
        [read.state, charge.state, charge.captures[0].state],
        ['fulfilled', 'failed', 'failed'],
      );
      assert.deepEqual(
        [charge.captures[0].failureCode, charge.captures[0].failureMessage],
        ['failed-request', 'Failed to operate on charge'],
      );
      assert.equal(read.capturedAmount, 0);
      const failed = (await eventsOf(t.api, 'order.charge.capture.failed')).find(
        (e) => e.data.object.orderId === order.id,
      );
      assert.equal(
        failed.data.object.captures[0].fulfillmentId,
        (await t.api.get(`/fulfillments?orderId=${order.id}`)).body.data[0].id,
      );
    });

    it('expired, refused, tolerant: a force-settled capture brings a late-presentment chargeback 30 days later', async () => {
      const order = await preorder(t.api, t.publicApi, CARDS.reauthRefusedChargeback);
      await advance(t.api, 8 * DAY);
      await fulfil(t.api, order, 2);
      await advance(t.api, 5);
      assert.equal(
        (await eventsOf(t.api, 'order.chargeback')).filter((e) => e.data.object.id === order.id).length,
        0,
      );
      await advance(t.api, 30 * DAY);
      const [chargeback] = (await eventsOf(t.api, 'order.chargeback')).filter(
        (e) => e.data.object.id === order.id,
      );
      assert.equal(chargeback.data.object.state, 'complete');
      // the same path as a dispute lost at once: the captured money charged back through the
      // ledger, and the order resumes (disputes-and-chargebacks.md)
      const after = (await t.api.get(`/orders/${order.id}`)).body;
      assert.equal(after.state, 'complete');
      assert.equal(after.refundedAmount, after.capturedAmount);
      assert.equal(after.availableToRefundAmount, 0);
      for (const type of ['order.dispute', 'order.dispute.resolved'])
        assert.equal(
          (await eventsOf(t.api, type)).filter((e) => e.data.object.id === order.id).length,
          1,
          type,
        );
    });

    it('expired, refused, averse: 409 payment_authorization_failed, order.charge.reauth.failed, nothing captured', async () => {
      const order = await preorder(averse, aversePublic, CARDS.reauthRefusedForcedCompletes);
      await advance(averse, 8 * DAY);
      const refused = await fulfil(averse, order, '2');
      assert.equal(refused.status, 409);
      assert.equal(refused.body.type, 'conflict');
      assert.deepEqual(refused.body.errors[0], {
        code: 'payment_authorization_failed',
        message: REAUTH_FAILED,
        description: REAUTH_FAILED,
        parameter: 'orderId',
      });
      const [event] = (await eventsOf(averse, 'order.charge.reauth.failed')).filter(
        (e) => e.data.object.id === order.id,
      );
      assert.equal(event.data.object.state, 'accepted');
      assert.deepEqual(
        [
          event.data.object.payment.charges[0].state,
          event.data.object.payment.charges[0].captured,
          event.data.object.items[0].state,
        ],
        ['capturable', false, 'created'],
      );
      const read = (await averse.get(`/orders/${order.id}`)).body;
      assert.deepEqual([read.state, read.capturedAmount, read.items[0].state], ['accepted', 0, 'created']);
      assert.deepEqual((await averse.get(`/fulfillments?orderId=${order.id}`)).body.data, []);
      // the rest of the order stays consistent: the items can still be cancelled
      const cancelled = await averse.post('/fulfillments', {
        orderId: order.id,
        items: [{ itemId: order.items[0].id, cancelQuantity: 2 }],
      });
      assert.equal(cancelled.status, 201);
      await advance(averse, 5);
      const after = (await averse.get(`/orders/${order.id}`)).body;
      assert.deepEqual(
        [after.state, after.cancelledAmount, after.payment.charges[0].state, after.items[0].state],
        ['cancelled', 26.72, 'cancelled', 'cancelled'],
      );
    });

    it('a partial pre-order fulfillment, then the rest: the captures sum exactly to the total', async () => {
      const body = physicalCheckoutBody('preorder-shoe', {
        items: [{ skuId: 'preorder-shoe', price: 10.01, quantity: 3 }],
      });
      const order = await placeOrder(t.api, t.publicApi, { body });
      // 30.03 + 2.06 tax + 5.00 shipping + 0.34 shipping tax
      assert.equal(order.totalAmount, 37.43);
      assert.equal((await fulfil(t.api, order, 1)).status, 201);
      let read = (await t.api.get(`/orders/${order.id}`)).body;
      assert.deepEqual(
        [read.state, read.items[0].state, read.payment.charges[0].state],
        ['accepted', 'created', 'capturable'],
      );
      await advance(t.api, 5);
      read = (await t.api.get(`/orders/${order.id}`)).body;
      assert.equal(
        read.payment.charges[0].state,
        'capturable',
        'a partial capture leaves the charge capturable',
      );
      assert.equal((await fulfil(t.api, order, 2)).status, 201);
      await advance(t.api, 5);
      read = (await t.api.get(`/orders/${order.id}`)).body;
      const captures = read.payment.charges[0].captures;
      assert.equal(captures.length, 2);
      assert.equal(
        captures.reduce((s: number, c: any) => s + cents(c.amount), 0),
        cents(order.totalAmount),
      );
      assert.deepEqual([read.state, read.capturedAmount], ['complete', 37.43]);
      assert.deepEqual(errorOf(await fulfil(t.api, order, 1)), [409, 'order_fulfilled', 'orderId']);
    });

    it('partial pre-order on a refused reauthorization: tolerant forces each part; averse refuses and the rest is cancellable', async () => {
      const body = physicalCheckoutBody('preorder-shoe', {
        items: [{ skuId: 'preorder-shoe', price: 10, quantity: 3 }],
      });
      const tolerant = await placeOrder(t.api, t.publicApi, {
        card: CARDS.reauthRefusedForcedCompletes,
        body,
      });
      await advance(t.api, 8 * DAY);
      assert.equal((await fulfil(t.api, tolerant, 1)).status, 201);
      assert.equal((await fulfil(t.api, tolerant, 2)).status, 201);
      await advance(t.api, 5);
      const read = (await t.api.get(`/orders/${tolerant.id}`)).body;
      assert.deepEqual([read.state, read.capturedAmount], ['complete', read.totalAmount]);

      const strict = await placeOrder(averse, aversePublic, {
        card: CARDS.reauthRefusedForcedCompletes,
        body,
      });
      await advance(averse, 8 * DAY);
      assert.deepEqual(errorOf(await fulfil(averse, strict, 1)), [
        409,
        'payment_authorization_failed',
        'orderId',
      ]);
      assert.equal(
        (
          await averse.post('/fulfillments', {
            orderId: strict.id,
            items: [{ itemId: strict.items[0].id, cancelQuantity: 3 }],
          })
        ).status,
        201,
      );
      await advance(averse, 5);
      assert.equal((await averse.get(`/orders/${strict.id}`)).body.state, 'cancelled');
    });

    it('mixed pre-order and in-stock items, registered customer: ship what is there, the pre-order later', async () => {
      const customer = (await t.api.post('/customers', { email: 'preorder@example.com' })).body;
      const card = await createCardSource(t.publicApi, CARDS.expiresIn1hReauthGranted);
      await t.api.post(`/customers/${customer.id}/sources/${card.id}`);
      const body = physicalCheckoutBody('preorder-shoe', {
        customerId: customer.id,
        sourceId: card.id,
        items: [
          { skuId: 'preorder-shoe', price: 50, quantity: 1 },
          { skuId: 'in-stock-ebook', price: 9.99, quantity: 1 },
        ],
      });
      const checkout = (await t.api.post('/checkouts', body)).body;
      const order = (await t.api.post('/orders', { checkoutId: checkout.id })).body;
      const [shoe, ebook] = order.items;
      assert.equal(
        (
          await t.api.post('/fulfillments', {
            orderId: order.id,
            items: [{ skuId: 'in-stock-ebook', quantity: 1 }],
          })
        ).status,
        201,
      );
      await advance(t.api, 3 * 3600);
      assert.equal(
        (
          await t.api.post('/fulfillments', {
            orderId: order.id,
            items: [{ itemId: Number(shoe.id), quantity: 1 }],
          })
        ).status,
        201,
      );
      await advance(t.api, 5);
      const read = (await t.api.get(`/orders/${order.id}`)).body;
      assert.deepEqual(
        [read.state, read.items.map((i: any) => i.state)],
        ['complete', ['fulfilled', 'fulfilled']],
      );
      assert.equal(
        read.payment.charges[0].captures.reduce((s: number, c: any) => s + cents(c.amount), 0),
        cents(order.totalAmount),
      );
      assert.ok(ebook.id);
    });

    it('guest and registered checkouts fulfil alike', async () => {
      const guest = await placeOrder(t.api, t.publicApi, { body: digitalCheckoutBody() });
      assert.equal(
        (
          await t.api.post('/fulfillments', {
            orderId: guest.id,
            items: [{ itemId: guest.items[0].id, quantity: 1 }],
          })
        ).status,
        201,
      );
      const customer = (await t.api.post('/customers', { email: 'registered@example.com' })).body;
      const registered = await placeOrder(t.api, t.publicApi, {
        body: digitalCheckoutBody({ customerId: customer.id }),
      });
      assert.equal(registered.customerId, customer.id);
      assert.equal(
        (
          await t.api.post('/fulfillments', {
            orderId: registered.id,
            items: [{ itemId: registered.items[0].id, quantity: 1 }],
          })
        ).status,
        201,
      );
      await advance(t.api, 5);
      for (const id of [guest.id, registered.id])
        assert.equal((await t.api.get(`/orders/${id}`)).body.state, 'complete');
    });

    it('takes captures from secondary charges first and cancels from the primary first', async () => {
      const body = digitalCheckoutBody({
        items: [{ productDetails: { name: 'x' }, price: 10, quantity: 4 }],
      });
      const checkout = (await t.api.post('/checkouts', body)).body; // 40.00 + 2.75 tax = 42.75
      const credit = (
        await t.api.post('/sources', {
          type: 'customerCredit',
          paymentSessionId: checkout.payment.session.id,
          amount: 15,
        })
      ).body;
      await t.api.post(`/checkouts/${checkout.id}/sources/${credit.id}`);
      const customer = (await t.api.post('/customers', {})).body;
      await t.api.post(`/checkouts/${checkout.id}`, { customerId: customer.id });
      const card = await createCardSource(t.publicApi);
      await t.api.post(`/customers/${customer.id}/sources/${card.id}`);
      await t.api.post(`/checkouts/${checkout.id}/sources/${card.id}`);
      const order = (await t.api.post('/orders', { checkoutId: checkout.id })).body;
      const item = order.items[0].id;
      await t.api.post('/fulfillments', {
        orderId: order.id,
        items: [{ itemId: item, quantity: 1, cancelQuantity: 1 }],
      });
      const read = (await t.api.get(`/orders/${order.id}`)).body;
      const bySource = Object.fromEntries(
        read.payment.charges.map((c: any) => [c.sourceId === credit.id ? 'credit' : 'card', c]),
      );
      // 42.75 over 4 units: 10.69, 10.69, 10.69, 10.68 (the first units take the extra cents)
      assert.deepEqual(
        bySource.credit.captures.map((c: any) => c.amount),
        [10.69],
      );
      assert.deepEqual(bySource.card.captures, []);
      assert.deepEqual(
        bySource.card.cancels.map((c: any) => c.amount),
        [10.69],
      );
      assert.deepEqual(bySource.credit.cancels, []);
    });

    it('refuses what cannot be fulfilled, naming the parameter', async () => {
      const order = await preorder(t.api, t.publicApi, CARDS.visa);
      const item = order.items[0].id;
      const post = (items: unknown[]) => t.api.post('/fulfillments', { orderId: order.id, items });
      assert.deepEqual(errorOf(await post([{ itemId: item, quantity: 3 }])), [
        409,
        'quantity_too_large',
        'items[0].quantity',
      ]);
      assert.deepEqual(errorOf(await post([{ itemId: item, quantity: 1, cancelQuantity: 2 }])), [
        409,
        'quantity_too_large',
        'items[0].cancelQuantity',
      ]);
      assert.deepEqual(errorOf(await post([{ itemId: item }])), [
        400,
        'missing_parameter',
        'items[0].quantity',
      ]);
      assert.deepEqual(errorOf(await post([{ itemId: item, quantity: -1 }])), [
        400,
        'invalid_parameter',
        'items[0].quantity',
      ]);
      assert.deepEqual(errorOf(await post([{ itemId: 'nope', quantity: 1 }])), [
        400,
        'invalid_parameter',
        'items[0].itemId',
      ]);
      assert.deepEqual(errorOf(await post([{ quantity: 1 }])), [400, 'missing_parameter', 'items[0].itemId']);
      assert.deepEqual(
        errorOf(
          await post([
            { itemId: item, quantity: 1 },
            { itemId: item, quantity: 1 },
          ]),
        ),
        [400, 'invalid_parameter', 'items[1].itemId'],
      );
      assert.deepEqual(errorOf(await post([])), [400, 'invalid_parameter', 'items']);
      assert.deepEqual(
        errorOf(
          await t.api.post('/fulfillments', { orderId: 'nope', items: [{ itemId: item, quantity: 1 }] }),
        ),
        [400, 'invalid_parameter', 'orderId'],
      );
      assert.deepEqual(
        errorOf(await t.api.post('/fulfillments', { items: [{ itemId: item, quantity: 1 }] })),
        [400, 'missing_parameter', 'orderId'],
      );
      assert.deepEqual(errorOf(await post([{ itemId: item, quantity: 1, price: 3 }])), [
        400,
        'unknown_parameter',
        'price',
      ]);
      assert.equal(
        (await t.api.get(`/fulfillments?orderId=${order.id}`)).body.data.length,
        0,
        'nothing was written',
      );
      const review = await placeOrder(t.api, t.publicApi, { card: CARDS.review });
      assert.deepEqual(
        errorOf(
          await t.api.post('/fulfillments', {
            orderId: review.id,
            items: [{ itemId: review.items[0].id, quantity: 1 }],
          }),
        ),
        [409, 'order_not_submitted', 'orderId'],
      );
      assert.equal(
        (
          await t.otherApi.post('/fulfillments', {
            orderId: order.id,
            items: [{ itemId: item, quantity: 1 }],
          })
        ).status,
        400,
      );
    });

    it('reads, lists and updates tracking (seed 002: itemId as a number)', async () => {
      const order = await preorder(t.api, t.publicApi, CARDS.visa);
      const created = (
        await t.api.post('/fulfillments', {
          orderId: order.id,
          items: [{ itemId: order.items[0].id, quantity: '2' }],
        })
      ).body;
      assert.equal(created.trackingNumber, undefined);
      const updated = await t.api.post(`/fulfillments/${created.id}`, {
        trackingCompany: 'UPS',
        trackingNumber: 'Z10100002632653',
        trackingUrl: 'http://www.ups.com/Tracking?tracknumbers=Z10100002632653',
        items: [{ itemId: Number(order.items[0].id) }],
      });
      assert.equal(updated.status, 200);
      assert.deepEqual(
        [updated.body.id, updated.body.trackingCompany, updated.body.items[0].quantity],
        [created.id, 'UPS', 2],
      );
      assert.deepEqual(errorOf(await t.api.post(`/fulfillments/${created.id}`, { items: [{ itemId: 1 }] })), [
        400,
        'invalid_parameter',
        'items[0].itemId',
      ]);
      const read = (await t.api.get(`/fulfillments/${created.id}`)).body;
      assert.deepEqual(
        [read.trackingCompany, read.orderDetails.id, read.orderDetails.state],
        ['UPS', order.id, 'fulfilled'],
      );
      // the capture it made (informing-digital-river-of-a-fulfillment.md shows chargeOperationIds)
      const captures = (await t.api.get(`/orders/${order.id}`)).body.payment.charges.flatMap((c: any) =>
        (c.captures ?? []).filter((x: any) => x.fulfillmentId === created.id).map((x: any) => x.id),
      );
      assert.equal(captures.length, 1);
      assert.deepEqual(read.chargeOperationIds, captures);
      assert.deepEqual(
        (await t.api.get(`/fulfillments?orderId=${order.id}`)).body.data.map((f: any) => f.id),
        [created.id],
      );
      assert.deepEqual(
        (await t.api.get('/fulfillments?trackingNumber=Z10100002632653&skuId=preorder-shoe')).body.data.map(
          (f: any) => f.id,
        )[0],
        created.id,
      );
      assert.equal((await t.api.get('/fulfillments/ful_00000000-0000-0000-0000-000000000000')).status, 404);
      assert.equal((await t.otherApi.get(`/fulfillments/${created.id}`)).status, 404);
    });
  });
}
