import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { buildTestApp, errorOf, type TestApp } from '../helpers/app.js';
import {
  ADDRESS_MN,
  advance,
  CARDS,
  createCardSource,
  createSku,
  digitalCheckoutBody,
  physicalCheckoutBody,
  readyCheckout,
  SHIP_FROM,
  SHIP_TO,
  SKU,
} from '../helpers/fixtures.js';
import { storeKinds } from '../helpers/stores.js';

for (const kind of storeKinds()) {
  describe(`orders (${kind})`, () => {
    let t: TestApp;
    before(async () => {
      t = await buildTestApp(kind);
      await createSku(t.api, 'shoe');
    });
    after(async () => t.close());

    async function eventsOf(type: string, id: string) {
      const events = await t.api.get(`/events?type=${type}&limit=100`);
      return events.body.data.filter((e: any) => e.data.object.id === id || e.data.object.orderId === id);
    }

    it('turns a ready checkout into an accepted order with capturable charges', async () => {
      const { checkout, source } = await readyCheckout(t.api, t.publicApi, {
        body: physicalCheckoutBody('shoe', { upstreamId: 'cart-1', metadata: { channel: 'web' } }),
      });
      const created = await t.api.post('/orders', { checkoutId: checkout.id });
      assert.equal(created.status, 201);
      const order = created.body;
      assert.match(order.id, /^\d{11}0336$/);
      assert.equal(order.checkoutId, checkout.id);
      assert.equal(order.state, 'accepted');
      assert.equal(order.fraudState, 'passed');
      assert.ok(order.stateTransitions.accepted);
      assert.deepEqual([order.totalAmount, order.totalTax, order.subtotal], [26.72, 1.72, 25]);
      assert.deepEqual(
        [order.capturedAmount, order.cancelledAmount, order.refundedAmount, order.availableToRefundAmount],
        [0, 0, 0, 0],
      );
      assert.equal(order.upstreamId, 'cart-1');
      assert.deepEqual(order.metadata, { channel: 'web' });
      assert.equal(order.items[0].state, 'created');
      assert.match(order.items[0].id, /^\d{11}0336$/);
      assert.notEqual(order.items[0].id, checkout.items[0].id, 'order items get their own ids');
      assert.deepEqual(order.shipTo, SHIP_TO);
      const [charge] = order.payment.charges;
      assert.equal(order.payment.charges.length, 1);
      assert.deepEqual(
        [
          charge.state,
          charge.amount,
          charge.captured,
          charge.refunded,
          charge.sourceId,
          charge.orderId,
          charge.type,
        ],
        ['capturable', 26.72, false, false, source.id, order.id, 'customer_initiated'],
      );
      assert.equal(order.payment.session.state, 'complete');
      assert.equal(order.payment.sources[0].state, 'consumed');
      assert.deepEqual((await t.api.get(`/orders/${order.id}`)).body, order);
      assert.deepEqual((await t.api.get(`/charges/${charge.id}`)).body, charge);
      assert.equal((await t.api.get(`/sources/${source.id}`)).body.state, 'consumed');
      const events = await t.api.get('/events?limit=3');
      assert.deepEqual(
        events.body.data.map((e: any) => e.type),
        ['order.accepted', 'order.charge.capturable', 'order.created'],
      );
      assert.equal(events.body.data[0].data.object.id, order.id);
      assert.equal(events.body.data[1].data.object.id, charge.id);
    });

    it('expand=true shows each product as physical or not, with its SKU metadata (expanding-events.md)', async () => {
      await createSku(t.api, 'tagged-shoe', { ...SKU, metadata: { more: 'data', evenMore: 'data' } });
      const { checkout } = await readyCheckout(t.api, t.publicApi, {
        body: physicalCheckoutBody('tagged-shoe', {
          items: [
            { skuId: 'tagged-shoe', price: 10, quantity: 1 },
            { productDetails: { name: 'E-book', id: 'ebook-1' }, price: 5, quantity: 1 },
          ],
        }),
      });
      const order = (await t.api.post('/orders', { checkoutId: checkout.id })).body;
      const plain = (await t.api.get(`/orders/${order.id}`)).body;
      assert.equal(plain.items[0].productDetails.physical, undefined);
      assert.equal(plain.items[0].productDetails.metadata, undefined);
      const expanded = (await t.api.get(`/orders/${order.id}?expand=true`)).body;
      assert.deepEqual(
        expanded.items.map((i: any) => [i.productDetails.physical, i.productDetails.metadata]),
        [
          [true, { more: 'data', evenMore: 'data' }],
          [false, undefined],
        ],
      );
      assert.equal(expanded.items[0].productDetails.name, plain.items[0].productDetails.name);
      assert.deepEqual({ ...expanded, items: undefined }, { ...plain, items: undefined });
    });

    it('ignores every field of POST /orders but checkoutId (DR)', async () => {
      const { checkout } = await readyCheckout(t.api, t.publicApi);
      const created = await t.api.post('/orders', {
        checkoutId: checkout.id,
        email: 'janedoe@example.com',
        upstreamId: 'X1',
      });
      assert.equal(created.status, 201);
      assert.equal(created.body.email, 'william.brown@example.com');
      assert.equal(created.body.upstreamId, undefined);
    });

    describe('seed 000: a 409 spends the checkout', () => {
      for (const [label, card, reason] of [
        ["DR's charge-failure card", CARDS.chargeFails, /declined/],
        ['insufficient funds', CARDS.insufficientFunds, /insufficient funds/],
        ['do not honor', CARDS.doNotHonor, /do not honor/],
      ] as const) {
        it(`${label}: 409 failed-request, no order, and the checkout stays dead`, async () => {
          const { checkout, source } = await readyCheckout(t.api, t.publicApi, { card });
          const declined = await t.api.post('/orders', { checkoutId: checkout.id });
          assert.deepEqual(errorOf(declined), [409, 'failed-request', 'checkoutId']);
          assert.equal(declined.body.type, 'conflict');
          assert.match(declined.body.errors[0].message, /^Failed to charge source\./);
          assert.match(declined.body.errors[0].message, reason);
          assert.deepEqual((await t.api.get(`/orders?checkoutId=${checkout.id}`)).body.data, []);
          const eventsBefore = (await t.api.get('/events?type=order.*&limit=100')).body.data.length;
          // every later POST /orders or update with it is a 409
          assert.deepEqual(errorOf(await t.api.post('/orders', { checkoutId: checkout.id })), [
            409,
            'failed-request',
            'checkoutId',
          ]);
          assert.deepEqual(
            errorOf(await t.api.post(`/checkouts/${checkout.id}`, { email: 'x@example.com' })),
            [409, 'restricted_update', 'id'],
          );
          const card2 = await createCardSource(t.publicApi);
          assert.equal((await t.api.post(`/checkouts/${checkout.id}/sources/${card2.id}`)).status, 409);
          assert.equal((await t.api.delete(`/checkouts/${checkout.id}/sources/${source.id}`)).status, 409);
          assert.equal(
            (await t.api.get(`/checkouts/${checkout.id}`)).status,
            200,
            'the spent checkout can still be read',
          );
          assert.equal(
            (await t.api.get('/events?type=order.*&limit=100')).body.data.length,
            eventsBefore,
            'no order events',
          );
          // a new checkout with a new source succeeds
          const { checkout: fresh } = await readyCheckout(t.api, t.publicApi);
          assert.equal((await t.api.post('/orders', { checkoutId: fresh.id })).status, 201);
        });
      }

      it('a saved source charged on a checkout of another customer: 409 source_in_use', async () => {
        const owner = (await t.api.post('/customers', { email: 'owner@example.com' })).body;
        const card = await createCardSource(t.publicApi);
        await t.api.post(`/customers/${owner.id}/sources/${card.id}`);
        const stranger = (await t.api.post('/customers', { email: 'stranger@example.com' })).body;
        const checkout = (
          await t.api.post('/checkouts', digitalCheckoutBody({ customerId: stranger.id, sourceId: card.id }))
        ).body;
        assert.deepEqual(errorOf(await t.api.post('/orders', { checkoutId: checkout.id })), [
          409,
          'source_in_use',
          'sourceId',
        ]);
        assert.equal((await t.api.post('/orders', { checkoutId: checkout.id })).status, 409);
      });
    });

    describe('seed 000: a non-409 4xx leaves the checkout fixable', () => {
      it('payment session not ready: 400 order_submit_failed, then attach and resubmit the same checkout', async () => {
        const checkout = (await t.api.post('/checkouts', digitalCheckoutBody())).body;
        assert.deepEqual(errorOf(await t.api.post('/orders', { checkoutId: checkout.id })), [
          400,
          'order_submit_failed',
          'payment.session.state',
        ]);
        const source = await createCardSource(t.publicApi);
        await t.api.post(`/checkouts/${checkout.id}/sources/${source.id}`);
        assert.equal((await t.api.post('/orders', { checkoutId: checkout.id })).status, 201);
      });

      it('missing email: 400 order_create_failed, then POST /checkouts/{id} and resubmit', async () => {
        const { email: _, ...body } = digitalCheckoutBody();
        const { checkout } = await readyCheckout(t.api, t.publicApi, { body });
        assert.deepEqual(errorOf(await t.api.post('/orders', { checkoutId: checkout.id })), [
          400,
          'order_create_failed',
          'email',
        ]);
        assert.equal(
          (await t.api.post(`/checkouts/${checkout.id}`, { email: 'fixed@example.com' })).status,
          200,
        );
        const order = await t.api.post('/orders', { checkoutId: checkout.id });
        assert.equal(order.status, 201);
        assert.equal(order.body.email, 'fixed@example.com');
      });

      it('incomplete billTo: 400 missing_parameter, then fix and resubmit', async () => {
        const checkout = (
          await t.api.post(
            '/checkouts',
            digitalCheckoutBody({
              billTo: {
                name: 'W B',
                address: { country: 'US', state: 'MN', line1: '1 Main', postalCode: '55343' },
              },
            }),
          )
        ).body;
        const credit = (
          await t.api.post('/sources', {
            type: 'customerCredit',
            paymentSessionId: checkout.payment.session.id,
            amount: checkout.totalAmount,
          })
        ).body;
        await t.api.post(`/checkouts/${checkout.id}/sources/${credit.id}`);
        assert.deepEqual(errorOf(await t.api.post('/orders', { checkoutId: checkout.id })), [
          400,
          'missing_parameter',
          'billTo.address.city',
        ]);
        await t.api.post(`/checkouts/${checkout.id}`, { billTo: { name: 'W B', address: ADDRESS_MN } });
        assert.equal((await t.api.post('/orders', { checkoutId: checkout.id })).status, 201);
      });

      it('a billTo without its name: 409 create-order-failed (providing-address-information.md), nothing spent, then fixed', async () => {
        const checkout = (
          await t.api.post('/checkouts', digitalCheckoutBody({ billTo: { address: ADDRESS_MN } }))
        ).body;
        assert.ok(checkout.id, JSON.stringify(checkout));
        const credit = (
          await t.api.post('/sources', {
            type: 'customerCredit',
            paymentSessionId: checkout.payment.session.id,
            amount: checkout.totalAmount,
          })
        ).body;
        await t.api.post(`/checkouts/${checkout.id}/sources/${credit.id}`);
        const refused = await t.api.post('/orders', { checkoutId: checkout.id });
        assert.deepEqual(errorOf(refused), [409, 'create-order-failed', 'billTo.name']);
        assert.deepEqual(refused.body, {
          type: 'conflict',
          errors: [
            {
              code: 'create-order-failed',
              parameter: 'billTo.name',
              message: 'The order is missing required details and could not be completed.',
            },
          ],
        });
        await t.api.post(`/checkouts/${checkout.id}`, { billTo: { name: 'W B', address: ADDRESS_MN } });
        assert.equal((await t.api.post('/orders', { checkoutId: checkout.id })).status, 201);
      });

      it("a card's owner stands in for billTo", async () => {
        const { billTo: _, ...body } = digitalCheckoutBody();
        const { checkout } = await readyCheckout(t.api, t.publicApi, { body });
        assert.equal((await t.api.post('/orders', { checkoutId: checkout.id })).status, 201);
      });

      it('physical goods without shipTo, shipFrom, shippingChoice: 400 for each (shipping-choice.md), then fixed', async () => {
        const { shipTo: _s, shipFrom: _f, shippingChoice: _c, ...body } = physicalCheckoutBody('shoe');
        const { checkout } = await readyCheckout(t.api, t.publicApi, { body });
        assert.deepEqual(errorOf(await t.api.post('/orders', { checkoutId: checkout.id })), [
          400,
          'missing_parameter',
          'shipTo.address',
        ]);
        await t.api.post(`/checkouts/${checkout.id}`, { shipTo: SHIP_TO });
        assert.deepEqual(errorOf(await t.api.post('/orders', { checkoutId: checkout.id })), [
          400,
          'missing_parameter',
          'shipFrom.address',
        ]);
        await t.api.post(`/checkouts/${checkout.id}`, { shipFrom: SHIP_FROM });
        const noChoice = await t.api.post('/orders', { checkoutId: checkout.id });
        assert.deepEqual(noChoice.body.errors, [
          {
            code: 'invalid_shipping_choice',
            parameter: 'shippingChoice',
            message: 'Could not get Shipping Options for order',
          },
        ]);
        await t.api.post(`/checkouts/${checkout.id}`, { shippingChoice: { amount: 5, serviceLevel: 'SG' } });
        // shipping tax changed with the new shipTo: the primary source still covers the total
        assert.equal((await t.api.post('/orders', { checkoutId: checkout.id })).status, 201);
      });

      it('a total raised above the secondary sources: order_submit_failed until the sources are fixed', async () => {
        const checkout = (await t.api.post('/checkouts', physicalCheckoutBody('shoe', { shipTo: undefined })))
          .body;
        const credit = (
          await t.api.post('/sources', {
            type: 'customerCredit',
            paymentSessionId: checkout.payment.session.id,
            amount: checkout.totalAmount,
          })
        ).body;
        await t.api.post(`/checkouts/${checkout.id}/sources/${credit.id}`);
        const reTaxed = await t.api.post(`/checkouts/${checkout.id}`, {
          shipTo: {
            ...SHIP_TO,
            address: {
              line1: '1 Market St',
              city: 'San Francisco',
              postalCode: '94105',
              state: 'CA',
              country: 'US',
            },
          },
        });
        assert.equal(reTaxed.body.payment.session.state, 'requires_source');
        assert.deepEqual(errorOf(await t.api.post('/orders', { checkoutId: checkout.id })), [
          400,
          'order_submit_failed',
          'payment.session.state',
        ]);
        // a primary card covers what the secondary source no longer does
        const card = await createCardSource(t.publicApi);
        assert.equal((await t.api.post(`/checkouts/${checkout.id}/sources/${card.id}`)).status, 200);
        const order = await t.api.post('/orders', { checkoutId: checkout.id });
        assert.equal(order.status, 201);
        assert.equal(order.body.payment.charges.length, 2);
        const sum = order.body.payment.charges.reduce(
          (s: number, c: any) => s + Math.round(c.amount * 100),
          0,
        );
        assert.equal(sum, Math.round(order.body.totalAmount * 100), 'the charges sum to the total');
      });
    });

    it('seed 000: a checkout that produced an order answers 404 when reused', async () => {
      const { checkout } = await readyCheckout(t.api, t.publicApi);
      const order = (await t.api.post('/orders', { checkoutId: checkout.id })).body;
      const reused = await t.api.post('/orders', { checkoutId: checkout.id });
      assert.deepEqual(errorOf(reused), [404, 'not_found', 'orderId']);
      assert.equal(reused.body.type, 'not_found');
      assert.match(reused.body.errors[0].message, new RegExp(`^Order ${checkout.id} not found`));
      assert.match(reused.body.errors[0].message, new RegExp(order.id));
      assert.equal((await t.api.get(`/checkouts/${checkout.id}`)).status, 404);
      assert.equal((await t.api.post(`/checkouts/${checkout.id}`, { email: 'a@example.com' })).status, 404);
      assert.equal((await t.api.delete(`/checkouts/${checkout.id}`)).status, 404);
    });

    it('puts a fraud-review card in review', async () => {
      const { checkout } = await readyCheckout(t.api, t.publicApi, { card: CARDS.review });
      const order = await t.api.post('/orders', { checkoutId: checkout.id });
      assert.equal(order.status, 201);
      assert.deepEqual([order.body.state, order.body.fraudState], ['in_review', 'review_opened']);
      assert.equal(order.body.payment.charges[0].state, 'capturable');
      assert.equal((await eventsOf('order.review_opened', order.body.id)).length, 1);
      assert.equal((await eventsOf('order.accepted', order.body.id)).length, 0);
    });

    it('rejects bad POST /orders bodies', async () => {
      assert.deepEqual(errorOf(await t.api.post('/orders', {})), [400, 'missing_parameter', 'checkoutId']);
      assert.deepEqual(errorOf(await t.api.post('/orders')), [400, 'missing_parameter', 'checkoutId']);
      assert.deepEqual(errorOf(await t.api.post('/orders', { checkoutId: 42 })), [
        400,
        'invalid_parameter',
        'checkoutId',
      ]);
      assert.deepEqual(errorOf(await t.api.post('/orders', { checkoutId: 'nope' })), [
        404,
        'not_found',
        'checkoutId',
      ]);
      assert.deepEqual(errorOf(await t.api.post('/orders', [1, 2])), [400, 'invalid_parameter', 'body']);
    });

    it('updates upstreamId, metadata and requestToBeForgotten, and nothing else', async () => {
      const { checkout } = await readyCheckout(t.api, t.publicApi);
      const order = (await t.api.post('/orders', { checkoutId: checkout.id })).body;
      const updated = await t.api.post(`/orders/${order.id}`, {
        upstreamId: 'erp-9',
        metadata: { k: 'v' },
        requestToBeForgotten: true,
      });
      assert.equal(updated.status, 200);
      assert.deepEqual(
        [updated.body.upstreamId, updated.body.metadata, updated.body.requestToBeForgotten],
        ['erp-9', { k: 'v' }, true],
      );
      assert.equal(updated.body.state, 'accepted');
      assert.deepEqual(errorOf(await t.api.post(`/orders/${order.id}`, { email: 'x@example.com' })), [
        400,
        'unknown_parameter',
        'email',
      ]);
      const cleared = await t.api.post(`/orders/${order.id}`, { upstreamId: null });
      assert.equal(cleared.body.upstreamId, undefined);
      assert.equal((await eventsOf('order.updated', order.id)).length, 2);
      assert.equal((await t.api.post('/orders/123', { upstreamId: 'x' })).status, 404);
    });

    it('lists orders with filters and pagination', async () => {
      const mine: string[] = [];
      for (let i = 0; i < 3; i++) {
        const { checkout } = await readyCheckout(t.api, t.publicApi, {
          body: digitalCheckoutBody({ email: 'lister@example.com', upstreamId: `L${i}` }),
        });
        mine.push((await t.api.post('/orders', { checkoutId: checkout.id })).body.id);
      }
      const all = await t.api.get('/orders?email=lister%40example.com');
      assert.deepEqual(
        all.body.data.map((o: any) => o.id),
        [...mine].reverse(),
      );
      const page1 = await t.api.get('/orders?email=lister%40example.com&limit=2');
      assert.equal(page1.body.hasMore, true);
      const page2 = await t.api.get(
        `/orders?email=lister%40example.com&limit=2&startingAfter=${page1.body.data[1].id}`,
      );
      assert.deepEqual(
        page2.body.data.map((o: any) => o.id),
        [mine[0]],
      );
      assert.equal(page2.body.hasMore, false);
      assert.deepEqual(
        (await t.api.get('/orders?upstreamIds=L0,L2')).body.data.map((o: any) => o.id),
        [mine[2], mine[0]],
      );
      assert.deepEqual(
        (await t.api.get(`/orders?ids=${mine[1]}`)).body.data.map((o: any) => o.id),
        [mine[1]],
      );
      const since = new Date(Date.now() - 60_000).toISOString();
      assert.ok(
        (await t.api.get(`/orders?createdTime[gte]=${since}&state=accepted&limit=100`)).body.data.length >= 3,
      );
      assert.deepEqual((await t.api.get('/orders?createdTime[lt]=2000-01-01T00:00:00Z')).body.data, []);
      assert.deepEqual(errorOf(await t.api.get('/orders?state=shipped')), [
        400,
        'invalid_parameter',
        'state',
      ]);
      assert.deepEqual(
        (
          await t.api.get(
            '/orders?currency=USD&totalAmount[gte]=21.38&totalAmount[lte]=21.38&email=lister%40example.com',
          )
        ).body.data.length,
        3,
      );
    });

    it("filters by each state's time, each fraud state's time and subscriptionId (DR's listOrders)", async () => {
      const email = 'timed@example.com';
      const place = async (extra: Record<string, unknown> = {}) => {
        const { checkout } = await readyCheckout(t.api, t.publicApi, {
          body: digitalCheckoutBody({ email, ...extra }),
        });
        return (await t.api.post('/orders', { checkoutId: checkout.id })).body;
      };
      const early = await place();
      await advance(t.api, 3_600);
      const late = await place({
        items: [
          {
            productDetails: { name: 'Plan', id: 'plan-1' },
            price: 5,
            quantity: 1,
            subscriptionInfo: { subscriptionId: 'sub-42', autoRenewal: true, terms: 'Monthly' },
          },
        ],
      });
      const between = new Date(Date.parse(early.stateTransitions.accepted) + 1_800_000).toISOString();
      const ids = async (query: string) =>
        (await t.api.get(`/orders?email=${encodeURIComponent(email)}&${query}`)).body.data.map(
          (o: any) => o.id,
        );
      assert.deepEqual(await ids(`accepted[gte]=${between}`), [late.id]);
      assert.deepEqual(await ids(`accepted[lt]=${between}`), [early.id]);
      assert.deepEqual(await ids(`accepted=${early.stateTransitions.accepted}`), [early.id]);
      assert.deepEqual(await ids(`accepted[gt]=${late.stateTransitions.accepted}`), []);
      assert.deepEqual(await ids(`accepted[lte]=${late.stateTransitions.accepted}`), [late.id, early.id]);
      // no order was fulfilled: a state it never reached matches nothing
      assert.deepEqual(await ids('fulfilled[gte]=2000-01-01T00:00:00Z'), []);
      assert.deepEqual(await ids(`fraudStateTransitions.passed[gte]=${between}`), [late.id]);
      assert.deepEqual(await ids('fraudStateTransitions.blocked[gte]=2000-01-01T00:00:00Z'), []);
      assert.deepEqual(await ids('subscriptionId=sub-42'), [late.id]);
      assert.deepEqual(await ids('subscriptionId=sub-43'), []);
      assert.deepEqual(errorOf(await t.api.get('/orders?accepted[gte]=yesterday')), [
        400,
        'invalid_parameter',
        'accepted[gte]',
      ]);
      // nothing was refunded
      assert.deepEqual(await ids('refundedAmount=0'), [late.id, early.id]);
      assert.deepEqual(await ids('refundedAmount=1'), []);
      // and checkouts, by subscriptionId and totalAmount
      const { checkout } = await readyCheckout(t.api, t.publicApi, {
        body: digitalCheckoutBody({
          email: 'checkout-filter@example.com',
          items: [
            {
              productDetails: { name: 'Plan', id: 'plan-1' },
              price: 7,
              quantity: 1,
              subscriptionInfo: { subscriptionId: 'sub-77', autoRenewal: true, terms: 'Monthly' },
            },
          ],
        }),
      });
      const checkouts = async (query: string) =>
        (await t.api.get(`/checkouts?email=checkout-filter%40example.com&${query}`)).body.data.map(
          (c: any) => c.id,
        );
      assert.deepEqual(await checkouts('subscriptionId=sub-77'), [checkout.id]);
      assert.deepEqual(await checkouts('subscriptionId=sub-42'), []);
      assert.deepEqual(await checkouts(`currency=USD&totalAmount[gte]=${checkout.totalAmount}`), [
        checkout.id,
      ]);
      assert.deepEqual(await checkouts(`currency=USD&totalAmount[gt]=${checkout.totalAmount}`), []);
      // without a currency, each checkout's amount is read at its own currency's decimals
      assert.deepEqual(await checkouts(`totalAmount=${checkout.totalAmount}`), [checkout.id]);
      assert.deepEqual(await checkouts(`totalAmount[lt]=${checkout.totalAmount}`), []);
    });
  });
}
