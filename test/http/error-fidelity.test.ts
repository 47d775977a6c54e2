import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type Api, buildTestApp, type TestApp } from '../helpers/app.js';
import {
  ADDRESS_MN,
  createSku,
  digitalCheckoutBody,
  physicalCheckoutBody,
  SKU,
} from '../helpers/fixtures.js';
import { storeKinds } from '../helpers/stores.js';

/**
 * DR's documented error examples, page by page (../shared/reference/dr-docs): each row sends the
 * request the page describes and expects the status, code, parameter and message the page shows.
 * Pages whose examples other suites already pin (addresses and orders in orders.test.ts, refunds in
 * refunds.test.ts, disputes, returns, tax identifiers, discounts in checkouts.test.ts) are not
 * repeated here.
 */
type Case = {
  page: string;
  send: (api: Api) => Promise<{ status: number; body: any }>;
  expect: [number, string, string | undefined, string];
};

const SHOES = { ...SKU, taxCode: '4323.310_A' };
const { weight: _w, weightUnit: _u, ...WEIGHTLESS } = SKU as Record<string, unknown>;
const ZURICH = {
  name: 'H M',
  address: { line1: 'Bahnhofstrasse 1', city: 'Zurich', postalCode: '8001', country: 'CH' },
};

const CASES: Case[] = [
  {
    page: 'product-management/creating-and-updating-skus.md (SKU identifier)',
    send: (api) => api.put('/skus/89%2656', SKU),
    expect: [400, 'invalid_parameter', 'id', "'89&56' is not a valid SKU ID."],
  },
  {
    page: 'product-management/creating-and-updating-skus.md (SKU identifier, POST /skus)',
    send: (api) => api.post('/skus', { ...SKU, id: 'a b' }),
    expect: [400, 'invalid_parameter', 'id', "'a b' is not a valid SKU ID."],
  },
  {
    page: 'product-management/creating-and-updating-skus.md (country of origin)',
    send: (api) => api.put('/skus/made-in-kp', { ...SKU, countryOfOrigin: 'KP' }),
    expect: [400, 'invalid_parameter', 'countryOfOrigin', "'KP' is not a valid Country of Origin."],
  },
  {
    page: 'product-management/managing-inventory.md (HS code)',
    send: (api) => api.put('/skus/bad-hs', { ...SKU, hsCode: '1234.56.YW' }),
    expect: [400, 'invalid_parameter', 'hsCode', "'1234.56.YW' is not a valid HS code."],
  },
  {
    page: 'product-management/creating-and-updating-skus.md (managed fulfillment requirements)',
    send: (api) =>
      api.put('/skus/mf', { ...SHOES, partNumber: 'P1', managedFulfillment: 'DRGlobalFulfillment^&%^' }),
    expect: [
      400,
      'invalid_parameter',
      'managedFulfillment',
      "'DRGlobalFulfillment^&%^' is not a valid item type.",
    ],
  },
  {
    page: 'product-management/creating-and-updating-skus.md (managed fulfillment: a physical tax code)',
    send: (api) =>
      api.put('/skus/mf', {
        ...SKU,
        taxCode: '4512.100',
        partNumber: 'P1',
        managedFulfillment: 'DRGlobalFulfillment',
      }),
    expect: [400, 'invalid_parameter', 'taxCode', "'4512.100' is not a valid parameter."],
  },
  {
    page: 'product-management/creating-and-updating-skus.md (managed fulfillment: a part number)',
    send: (api) => api.put('/skus/mf', { ...SHOES, managedFulfillment: 'DRGlobalFulfillment' }),
    expect: [400, 'invalid_parameter', 'partNumber', "'null' is not a valid parameter."],
  },
  {
    page: 'product-management/creating-and-updating-skus.md (weight and weight unit)',
    send: async (api) => {
      await createSku(api, 'weightless', WEIGHTLESS);
      return api.post('/checkouts', physicalCheckoutBody('weightless', { shipTo: ZURICH }));
    },
    expect: [400, 'missing_parameter', 'weight', 'The weight is missing.'],
  },
  {
    page: 'product-management/using-product-details.md (countryOfOrigin null)',
    send: (api) =>
      api.post(
        '/checkouts',
        digitalCheckoutBody({
          items: [{ productDetails: { name: 'x', countryOfOrigin: null }, price: 1, quantity: 1 }],
        }),
      ),
    expect: [400, 'missing_parameter', 'countryOfOrigin', 'must not be null'],
  },
  {
    page: 'product-management/using-product-details.md (invalid countryOfOrigin)',
    send: (api) =>
      api.post(
        '/checkouts',
        digitalCheckoutBody({
          items: [{ productDetails: { name: 'x', countryOfOrigin: 'KP' }, price: 1, quantity: 1 }],
        }),
      ),
    expect: [400, 'invalid_parameter', 'countryOfOrigin', "'KP' is not a valid Country of Origin."],
  },
  {
    page: 'integration-options/checkouts/creating-checkouts/shipping-choice.md (shipping amount)',
    send: async (api) => {
      await createSku(api, 'boot', SHOES);
      return api.post(
        '/checkouts',
        physicalCheckoutBody('boot', { shippingChoice: { description: 'standard' } }),
      );
    },
    expect: [400, 'internal_error', 'shippingChoice.amount', 'Client must provide shipping Cost'],
  },
  {
    page: 'integration-options/checkouts/creating-checkouts/selecting-a-currency.md (not activated)',
    send: (api) => api.post('/checkouts', digitalCheckoutBody({ currency: 'PAB' })),
    expect: [409, 'currency_unactivated', 'currency', "Currency 'PAB' is not activated."],
  },
  {
    page: 'integration-options/checkouts/creating-checkouts/selecting-a-currency.md (not valid)',
    send: (api) => api.post('/checkouts', digitalCheckoutBody({ currency: 'YEM' })),
    expect: [400, 'invalid_parameter', 'currency', "'YEM' is not a valid currency."],
  },
  {
    page: 'integration-options/checkouts/creating-checkouts/landed-costs.md (country not supported)',
    send: (api) =>
      api.post(
        '/checkouts',
        digitalCheckoutBody({
          billTo: { name: 'x', address: { line1: 'a', city: 'b', postalCode: '1', country: 'KP' } },
        }),
      ),
    expect: [409, 'country_unsupported', 'billTo.address.country', "Country 'KP' is not supported."],
  },
  {
    page: 'integration-options/checkouts/creating-checkouts/providing-address-information.md (state)',
    send: (api) =>
      api.post(
        '/checkouts',
        digitalCheckoutBody({ billTo: { name: 'x', address: { ...ADDRESS_MN, state: 'XX' } } }),
      ),
    expect: [
      400,
      'invalid_parameter',
      'billTo.address.state',
      'A required address parameter, state/province, is invalid.',
    ],
  },
];

for (const kind of storeKinds()) {
  describe(`DR's documented errors (${kind})`, () => {
    let t: TestApp;
    before(async () => {
      t = await buildTestApp(kind);
    });
    after(async () => t.close());

    for (const c of CASES) {
      it(c.page, async () => {
        const response = await c.send(t.api);
        const [error] = response.body?.errors ?? [];
        assert.deepEqual(
          [response.status, error?.code, error?.parameter, error?.message],
          c.expect,
          JSON.stringify(response.body),
        );
      });
    }

    it('a SKU that meets the managed fulfillment requirements is taken, and nothing was written by the refusals', async () => {
      const ok = await t.api.put('/skus/mf', {
        ...SHOES,
        partNumber: 'P1',
        managedFulfillment: 'DRGlobalFulfillment',
      });
      assert.equal(ok.status, 201, ok.raw);
      assert.equal((await t.api.get('/skus/made-in-kp')).status, 404);
      assert.equal((await t.api.get('/skus/bad-hs')).status, 404);
      // six to ten digits, periods optional
      for (const hsCode of ['6403.99', '640399', '1006.20.4025', '1006.20.40']) {
        assert.equal((await t.api.put('/skus/hs-ok', { ...SKU, hsCode })).status < 300, true, hsCode);
      }
      // the weight rule is Switzerland's: elsewhere a weightless SKU ships
      const elsewhere = await t.api.post('/checkouts', physicalCheckoutBody('weightless'));
      assert.equal(elsewhere.status, 201, elsewhere.raw);
    });
  });
}
