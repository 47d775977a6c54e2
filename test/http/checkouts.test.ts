import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { buildTestApp, errorOf, type TestApp } from '../helpers/app.js';
import {
  ADDRESS_MN,
  CARDS,
  createCardSource,
  createSku,
  digitalCheckoutBody,
  physicalCheckoutBody,
  SHIP_TO,
} from '../helpers/fixtures.js';
import { storeKinds } from '../helpers/stores.js';

for (const kind of storeKinds()) {
  describe(`checkouts (${kind})`, () => {
    let t: TestApp;
    before(async () => {
      t = await buildTestApp(kind);
      await createSku(t.api, 'shoe');
      await createSku(t.otherApi, 'foreign-sku');
    });
    after(async () => t.close());

    it('prices a physical checkout: line tax, shipping tax and totals (MN 6.875%)', async () => {
      const created = await t.api.post('/checkouts', physicalCheckoutBody('shoe'));
      assert.equal(created.status, 201);
      const c = created.body;
      assert.equal(c.currency, 'USD');
      assert.equal(c.subtotal, 25);
      assert.equal(c.totalShipping, 5);
      assert.equal(c.totalTax, 1.72); // 1.375 → 1.38 on 20.00, 0.34375 → 0.34 on 5.00
      assert.equal(c.totalAmount, 26.72);
      assert.deepEqual(c.shippingChoice, {
        amount: 5,
        taxAmount: 0.34,
        description: 'USPS: Priority',
        serviceLevel: 'SG',
      });
      const [item] = c.items;
      assert.match(item.id, /^[0-9a-f-]{36}$/);
      assert.equal(item.skuId, 'shoe');
      assert.equal(item.productDetails.name, 'Athena Womens Running Shoes');
      assert.deepEqual([item.quantity, item.amount], [2, 20]);
      assert.deepEqual(item.tax, { rate: 0.06875, amount: 1.38 });
      assert.deepEqual(item.shipping, { amount: 5, taxAmount: 0.34 });
      assert.deepEqual(c.sellingEntity, { id: 'C5_INC-ENTITY', name: 'DR globalTech Inc.' });
      assert.equal(c.payment.session.state, 'requires_source');
      assert.equal(c.payment.session.amountContributed, 0);
      assert.equal(c.payment.session.amountRemainingToBeContributed, 26.72);
      assert.ok(c.payment.session.clientSecret.startsWith(`${c.payment.session.id}_`));
      const events = await t.api.get('/events?type=checkout.created&limit=1');
      assert.equal(events.body.data[0].data.object.id, c.id);
    });

    it("reproduces DR's example with an account tax override: 20.00 + 5.00 at 8.025% = 27.01", async () => {
      const account = await t.api.post('/account', { taxRates: { 'US-MN': 0.08025 } });
      assert.equal(account.status, 200);
      assert.deepEqual(account.body.taxRates, { 'US-MN': 0.08025 });
      const c = (await t.api.post('/checkouts', physicalCheckoutBody('shoe'))).body;
      assert.deepEqual(
        [c.items[0].tax.amount, c.shippingChoice.taxAmount, c.totalTax, c.totalAmount],
        [1.61, 0.4, 2.01, 27.01],
      );
      await t.api.post('/account', { taxRates: null });
      const badRate = await t.api.post('/account', { taxRates: { 'US-MN': 1.5 } });
      assert.deepEqual(errorOf(badRate).slice(0, 2), [400, 'invalid_parameter']);
      const badRegion = await t.api.post('/account', { taxRates: { minnesota: 0.1 } });
      assert.deepEqual(errorOf(badRegion), [400, 'invalid_parameter', 'taxRates.minnesota']);
    });

    it('accepts aggregatePrice, a default quantity, numeric-string quantities and discounts', async () => {
      const c = (
        await t.api.post(
          '/checkouts',
          digitalCheckoutBody({
            items: [
              { productDetails: { name: 'a' }, aggregatePrice: 30, quantity: '3' },
              { productDetails: { name: 'b' }, price: 10 },
              {
                productDetails: { name: 'c' },
                price: 10,
                quantity: 2,
                discount: { amountOff: 1, quantity: 1 },
              },
            ],
            discount: { percentOff: 10 },
          }),
        )
      ).body;
      assert.deepEqual(
        c.items.map((i: any) => [i.quantity, i.amount]),
        [
          [3, 27],
          [1, 9],
          [2, 17.1],
        ],
      );
      assert.equal(c.totalDiscount, 3 + 1 + 1 + 1.9);
      assert.deepEqual(c.discount, { percentOff: 10 });
      // billed in MN: digital goods are taxed where the shopper is billed
      assert.equal(c.items[1].tax.rate, 0.06875);
    });

    it('handles currencies of every exponent, and refuses too many decimals', async () => {
      const jpy = await t.api.post(
        '/checkouts',
        digitalCheckoutBody({ currency: 'JPY', items: [{ productDetails: { name: 'x' }, price: 1500 }] }),
      );
      assert.equal(jpy.body.totalAmount, 1500 + 103); // 1500 × 6.875% = 103.125 → 103
      const kwd = await t.api.post(
        '/checkouts',
        digitalCheckoutBody({ currency: 'KWD', items: [{ productDetails: { name: 'x' }, price: 1.234 }] }),
      );
      assert.equal(kwd.body.subtotal, 1.234);
      assert.deepEqual(
        errorOf(
          await t.api.post(
            '/checkouts',
            digitalCheckoutBody({ currency: 'JPY', items: [{ productDetails: { name: 'x' }, price: 10.5 }] }),
          ),
        ),
        [400, 'invalid_parameter', 'items[0].price'],
      );
      assert.deepEqual(
        errorOf(
          await t.api.post(
            '/checkouts',
            digitalCheckoutBody({ items: [{ productDetails: { name: 'x' }, price: 10.001 }] }),
          ),
        ),
        [400, 'invalid_parameter', 'items[0].price'],
      );
      assert.deepEqual(
        errorOf(
          await t.api.post(
            '/checkouts',
            digitalCheckoutBody({ items: [{ productDetails: { name: 'x' }, price: -1 }] }),
          ),
        ),
        [400, 'invalid_parameter', 'items[0].price'],
      );
      assert.deepEqual(
        errorOf(
          await t.api.post(
            '/checkouts',
            digitalCheckoutBody({ items: [{ productDetails: { name: 'x' }, price: 1e20 }] }),
          ),
        ),
        [400, 'amount_too_large', 'items[0].price'],
      );
      assert.deepEqual(errorOf(await t.api.post('/checkouts', digitalCheckoutBody({ currency: 'XYZ' }))), [
        400,
        'invalid_parameter',
        'currency',
      ]);
      assert.deepEqual(errorOf(await t.api.post('/checkouts', digitalCheckoutBody({ currency: 'PAB' }))), [
        409,
        'currency_unactivated',
        'currency',
      ]);
    });

    it('rejects bad checkouts with the parameter named, and writes nothing', async () => {
      const before = (await t.api.get('/checkouts?limit=100')).body.data.length;
      const cases: [unknown, unknown[]][] = [
        [{ items: [{ productDetails: {}, price: 1 }] }, [400, 'missing_parameter', 'currency']],
        [{ currency: 'USD' }, [400, 'missing_parameter', 'items']],
        [{ currency: 'USD', items: [] }, [400, 'invalid_parameter', 'items']],
        [digitalCheckoutBody({ colour: 'red' }), [400, 'unknown_parameter', 'colour']],
        [digitalCheckoutBody({ items: [{ price: 1 }] }), [400, 'missing_parameter', 'items[0].skuId']],
        [
          digitalCheckoutBody({ items: [{ skuId: 'shoe', productDetails: {}, price: 1 }] }),
          [400, 'invalid_parameter', 'items[0].productDetails'],
        ],
        [digitalCheckoutBody({ items: [{ skuId: 'shoe' }] }), [400, 'missing_parameter', 'items[0].price']],
        [
          digitalCheckoutBody({ items: [{ skuId: 'shoe', price: 1, aggregatePrice: 1 }] }),
          [400, 'invalid_parameter', 'items[0].price'],
        ],
        [
          digitalCheckoutBody({ items: [{ skuId: 'nope', price: 1 }] }),
          [400, 'invalid_parameter', 'items[0].skuId'],
        ],
        [
          digitalCheckoutBody({ items: [{ skuId: 'foreign-sku', price: 1 }] }),
          [400, 'invalid_parameter', 'items[0].skuId'],
        ],
        [
          digitalCheckoutBody({ items: [{ skuId: 'shoe', price: 1, quantity: 0 }] }),
          [400, 'invalid_parameter', 'items[0].quantity'],
        ],
        [
          digitalCheckoutBody({ items: [{ skuId: 'shoe', price: 1, quantity: 'two' }] }),
          [400, 'invalid_parameter', 'items[0].quantity'],
        ],
        [
          digitalCheckoutBody({ items: [{ skuId: 'shoe', price: '10' }] }),
          [400, 'invalid_parameter', 'items[0].price'],
        ],
        [digitalCheckoutBody({ customerId: 'nobody' }), [400, 'invalid_parameter', 'customerId']],
        [digitalCheckoutBody({ email: 'nope' }), [400, 'invalid_parameter', 'email']],
        [digitalCheckoutBody({ chargeType: 'sometimes' }), [400, 'invalid_parameter', 'chargeType']],
        [
          digitalCheckoutBody({ billTo: { name: 'x', address: { country: 'KP' } } }),
          [409, 'country_unsupported', 'billTo.address.country'],
        ],
        [
          digitalCheckoutBody({ billTo: { name: 'x', address: { country: 'ZZ' } } }),
          [400, 'invalid_parameter', 'billTo.address.country'],
        ],
        [
          digitalCheckoutBody({ billTo: { name: 'x', address: { ...ADDRESS_MN, postalCode: 'ABC' } } }),
          [400, 'invalid_parameter', 'address.postalCode'],
        ],
        [
          digitalCheckoutBody({ billTo: { name: 'x', address: { ...ADDRESS_MN, state: 'XX' } } }),
          [400, 'invalid_parameter', 'billTo.address.state'],
        ],
        [digitalCheckoutBody({ billTo: { name: 'x' } }), [400, 'missing_parameter', 'billTo.address']],
        [
          physicalCheckoutBody('shoe', {
            shipTo: { name: 'x', address: { country: 'US', line1: '1 Main' } },
          }),
          [400, 'missing_parameter', 'shipTo.address.city'],
        ],
        [
          // shipping-choice.md: DR answers internal_error (as a 400) "Client must provide shipping Cost"
          physicalCheckoutBody('shoe', { shippingChoice: { description: 'free?' } }),
          [400, 'internal_error', 'shippingChoice.amount'],
        ],
        [
          digitalCheckoutBody({ discount: { amountOff: 1, percentOff: 5 } }),
          [400, 'invalid_parameter', 'discount'],
        ],
        // applying-a-discount.md: DR's own codes for a discount of 0 or less (or over 100 %)
        [
          digitalCheckoutBody({ discount: { percentOff: 101 } }),
          [400, 'invalid_discount_percent', 'discount'],
        ],
        [digitalCheckoutBody({ discount: { percentOff: 0 } }), [400, 'invalid_discount_percent', 'discount']],
        [digitalCheckoutBody({ discount: { amountOff: 0 } }), [400, 'invalid_discount_amount', 'discount']],
        [digitalCheckoutBody({ discount: { amountOff: -2 } }), [400, 'invalid_discount_amount', 'discount']],
        [
          digitalCheckoutBody({ discount: { amountOff: 0.001 } }),
          [400, 'invalid_parameter', 'discount.amountOff'],
        ],
        [
          digitalCheckoutBody({
            items: [
              {
                productDetails: { name: 'E-book', id: 'ebook-1' },
                price: 20,
                quantity: 1,
                discount: { amountOff: 0 },
              },
            ],
          }),
          [400, 'invalid_discount_amount', 'items[0].discount'],
        ],
        [
          digitalCheckoutBody({ metadata: { a: 'x'.repeat(501) } }),
          [400, 'invalid_metadata_value', 'metadata.a'],
        ],
      ];
      for (const [body, expected] of cases) {
        assert.deepEqual(errorOf(await t.api.post('/checkouts', body)), expected, JSON.stringify(body));
      }
      assert.equal((await t.api.get('/checkouts?limit=100')).body.data.length, before);
      // a shipTo without its name is taken, and refused when the checkout becomes an order, as
      // DR's "Ship to name" example shows it (providing-address-information.md)
      const unnamed = await t.api.post(
        '/checkouts',
        physicalCheckoutBody('shoe', { shipTo: { address: ADDRESS_MN } }),
      );
      assert.equal(unnamed.status, 201, unnamed.raw);
      const source = await createCardSource(t.publicApi);
      assert.equal((await t.api.post(`/checkouts/${unnamed.body.id}/sources/${source.id}`)).status, 200);
      assert.deepEqual(errorOf(await t.api.post('/orders', { checkoutId: unnamed.body.id })), [
        400,
        'missing_parameter',
        'shipping.name',
      ]);
    });

    it("updates: recomputes tax for a new address, changes items' updatable fields, refuses create-only ones", async () => {
      const c = (await t.api.post('/checkouts', physicalCheckoutBody('shoe'))).body;
      const moved = await t.api.post(`/checkouts/${c.id}`, {
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
        email: 'new@example.com',
        items: [{ id: c.items[0].id, metadata: { gift: true } }],
        upstreamId: 'cart-7',
      });
      assert.equal(moved.status, 200);
      assert.equal(moved.body.items[0].tax.rate, 0.0725);
      assert.equal(moved.body.totalTax, 1.45 + 0.36);
      assert.equal(moved.body.email, 'new@example.com');
      assert.deepEqual(moved.body.items[0].metadata, { gift: true });
      assert.equal(moved.body.upstreamId, 'cart-7');
      assert.equal(moved.body.items[0].id, c.items[0].id);
      const single = await t.api.post(`/checkouts/${c.id}`, {
        items: { id: c.items[0].id, metadata: { gift: false } },
      });
      assert.deepEqual(single.body.items[0].metadata, { gift: false });
      assert.deepEqual(
        errorOf(await t.api.post(`/checkouts/${c.id}`, { items: [{ id: c.items[0].id, price: 1 }] })),
        [400, 'unknown_parameter', 'price'],
      );
      assert.deepEqual(errorOf(await t.api.post(`/checkouts/${c.id}`, { items: [{ id: 'nope' }] })), [
        400,
        'invalid_parameter',
        'items[0].id',
      ]);
      assert.deepEqual(errorOf(await t.api.post(`/checkouts/${c.id}`, { discount: { percentOff: 5 } })), [
        400,
        'unknown_parameter',
        'discount',
      ]);
      assert.deepEqual(errorOf(await t.api.post(`/checkouts/${c.id}`, { taxInclusive: true })), [
        400,
        'unknown_parameter',
        'taxInclusive',
      ]);
      assert.deepEqual(errorOf(await t.api.post(`/checkouts/${c.id}`, { currency: 'EUR' })), [
        400,
        'invalid_parameter',
        'currency',
      ]);
      const removeShipping = await t.api.post(`/checkouts/${c.id}`, { shippingChoice: null });
      assert.equal(removeShipping.body.totalShipping, 0);
      assert.equal(removeShipping.body.shippingChoice, undefined);
      const events = await t.api.get('/events?type=checkout.updated&limit=1');
      assert.equal(events.body.data[0].data.object.id, c.id);
    });

    it('attaches and detaches sources; a primary covers the remainder', async () => {
      const c = (await t.api.post('/checkouts', digitalCheckoutBody())).body; // 20.00 + 1.38 tax = 21.38
      assert.equal(c.totalAmount, 21.38);
      const card = await createCardSource(t.publicApi);
      const attached = await t.api.request('POST', `/checkouts/${c.id}/sources/${card.id}`, undefined, {
        headers: { 'content-type': 'application/json' },
      });
      assert.equal(attached.status, 200, 'an empty JSON body is no body');
      assert.equal(attached.body.id, card.id);
      assert.equal(attached.body.amount, 21.38);
      let read = (await t.api.get(`/checkouts/${c.id}`)).body;
      assert.deepEqual(read.payment.session, {
        ...c.payment.session,
        amountContributed: 21.38,
        amountRemainingToBeContributed: 0,
        state: 'requires_confirmation',
      });
      assert.equal(
        (await t.api.post(`/checkouts/${c.id}/sources/${card.id}`)).status,
        200,
        'attaching twice is a no-op',
      );
      // a second card replaces the first, which is cancelled
      const second = await createCardSource(t.publicApi, CARDS.mastercard);
      await t.api.post(`/checkouts/${c.id}`, { sourceId: second.id });
      read = (await t.api.get(`/checkouts/${c.id}`)).body;
      assert.deepEqual(
        read.payment.sources.map((s: any) => s.id),
        [second.id],
      );
      assert.equal((await t.api.get(`/sources/${card.id}`)).body.state, 'cancelled');
      assert.deepEqual(errorOf(await t.api.post(`/checkouts/${c.id}/sources/${card.id}`)), [
        409,
        'source_status_invalid_for_session',
        'sourceId',
      ]);
      // a secondary source after a single-use primary is refused (DR)
      const credit = (
        await t.api.post('/sources', {
          type: 'customerCredit',
          paymentSessionId: c.payment.session.id,
          amount: 5,
        })
      ).body;
      assert.deepEqual(errorOf(await t.api.post(`/checkouts/${c.id}/sources/${credit.id}`)), [
        409,
        'session_update_not_allowed',
        'sourceId',
      ]);
      assert.equal((await t.api.delete(`/checkouts/${c.id}/sources/${second.id}`)).status, 204);
      read = (await t.api.get(`/checkouts/${c.id}`)).body;
      assert.equal(read.payment.session.state, 'requires_source');
      assert.equal((await t.api.get(`/sources/${second.id}`)).body.state, 'cancelled');
      assert.equal((await t.api.delete(`/checkouts/${c.id}/sources/${second.id}`)).status, 404);
      // secondaries alone: 5 of 21.38, then too much
      assert.equal((await t.api.post(`/checkouts/${c.id}/sources/${credit.id}`)).status, 200);
      read = (await t.api.get(`/checkouts/${c.id}`)).body;
      assert.deepEqual(
        [read.payment.session.amountContributed, read.payment.session.amountRemainingToBeContributed],
        [5, 16.38],
      );
      const big = (
        await t.api.post('/sources', {
          type: 'customerCredit',
          paymentSessionId: c.payment.session.id,
          amount: 20,
        })
      ).body;
      assert.deepEqual(errorOf(await t.api.post(`/checkouts/${c.id}/sources/${big.id}`)), [
        409,
        'session_source_amount_too_large',
        'sourceId',
      ]);
      const rest = (
        await t.api.post('/sources', {
          type: 'customerCredit',
          paymentSessionId: c.payment.session.id,
          amount: 16.38,
        })
      ).body;
      await t.api.post(`/checkouts/${c.id}/sources/${rest.id}`);
      read = (await t.api.get(`/checkouts/${c.id}`)).body;
      assert.equal(read.payment.session.state, 'requires_confirmation');
    });

    it('lets a saved (reusable) primary shrink when a secondary source is added', async () => {
      const customer = (await t.api.post('/customers', { email: 'w@example.com' })).body;
      const card = await createCardSource(t.publicApi);
      await t.api.post(`/customers/${customer.id}/sources/${card.id}`);
      const c = (
        await t.api.post('/checkouts', digitalCheckoutBody({ customerId: customer.id, sourceId: card.id }))
      ).body;
      assert.equal(c.payment.session.state, 'requires_confirmation');
      const credit = (
        await t.api.post('/sources', {
          type: 'customerCredit',
          paymentSessionId: c.payment.session.id,
          amount: 10,
        })
      ).body;
      await t.api.post(`/checkouts/${c.id}/sources/${credit.id}`);
      const read = (await t.api.get(`/checkouts/${c.id}`)).body;
      const amounts = Object.fromEntries(read.payment.sources.map((s: any) => [s.type, s.amount]));
      assert.deepEqual(amounts, { creditCard: 11.38, customerCredit: 10 });
      assert.equal(read.payment.session.state, 'requires_confirmation');
      // the same saved card can serve another checkout at once; a single-use one cannot
      const other = await t.api.post(
        '/checkouts',
        digitalCheckoutBody({ customerId: customer.id, sourceId: card.id }),
      );
      assert.equal(other.status, 201);
      const single = await createCardSource(t.publicApi);
      await t.api.post('/checkouts', digitalCheckoutBody({ sourceId: single.id }));
      assert.deepEqual(
        errorOf(await t.api.post('/checkouts', digitalCheckoutBody({ sourceId: single.id }))),
        [409, 'source_status_invalid_for_session', 'sourceId'],
      );
      const failed = await createCardSource(t.publicApi, CARDS.sourceFails);
      assert.deepEqual(errorOf(await t.api.post(`/checkouts/${c.id}/sources/${failed.id}`)), [
        409,
        'source_not_chargeable',
        'sourceId',
      ]);
      assert.equal(
        (await t.api.post(`/checkouts/${c.id}/sources/00000000-0000-0000-0000-000000000000`)).status,
        404,
      );
      assert.deepEqual(errorOf(await t.api.post('/checkouts', digitalCheckoutBody({ sourceId: 'nope' }))), [
        400,
        'invalid_parameter',
        'sourceId',
      ]);
    });

    it('deletes, lists newest first with filters and pages', async () => {
      const a = (
        await t.api.post('/checkouts', digitalCheckoutBody({ email: 'list@example.com', upstreamId: 'up-a' }))
      ).body;
      const b = (await t.api.post('/checkouts', digitalCheckoutBody({ email: 'list@example.com' }))).body;
      const listed = await t.api.get('/checkouts?email=list%40example.com');
      assert.deepEqual(
        listed.body.data.map((c: any) => c.id),
        [b.id, a.id],
      );
      const page = await t.api.get(`/checkouts?email=list%40example.com&limit=1&startingAfter=${b.id}`);
      assert.deepEqual(
        page.body.data.map((c: any) => c.id),
        [a.id],
      );
      assert.deepEqual(
        (await t.api.get('/checkouts?upstreamIds=up-a')).body.data.map((c: any) => c.id),
        [a.id],
      );
      assert.equal((await t.api.delete(`/checkouts/${a.id}`)).status, 204);
      assert.equal((await t.api.get(`/checkouts/${a.id}`)).status, 404);
      assert.equal((await t.api.post(`/checkouts/${a.id}`, { email: 'x@example.com' })).status, 404);
      assert.deepEqual(
        (await t.api.get('/checkouts?email=list%40example.com')).body.data.map((c: any) => c.id),
        [b.id],
      );
      assert.equal(
        (await t.api.get('/events?type=checkout.deleted&limit=1')).body.data[0].data.object.id,
        a.id,
      );
      // an amount filter is a number in major units
      assert.deepEqual(errorOf(await t.api.get('/checkouts?totalAmount[gte]=five')), [
        400,
        'invalid_parameter',
        'totalAmount[gte]',
      ]);
      assert.deepEqual(errorOf(await t.api.get('/checkouts?createdTime[gte]=yesterday')), [
        400,
        'invalid_parameter',
        'createdTime[gte]',
      ]);
    });
  });
}
