import assert from 'node:assert/strict';
import type { Api } from './app.js';

/** Request bodies and little flows the HTTP suites share. */

export const CARDS = {
  visa: '4444222233331111',
  expiresIn1hReauthGranted: '4000007200000104',
  reauthRefusedForcedCompletes: '4000007200000203',
  reauthRefusedForcedFails: '4000007200000302',
  reauthRefusedChargeback: '4000007200000401',
  reviewBlocked: '4000007200000609',
  captureFails: '4000000000004103',
  capturePendingThenFails: '4485951788521565',
  captureStaysPending: '4024007120579635',
  cancelFails: '4000000000004442',
  refundFails: '4000000000004111',
  refundPendingThenFails: '4556602564240839',
  mastercard: '5466160000000008',
  amex: '343456789012341',
  sourceFails: '4000000000003295',
  chargeFails: '4000000000003600',
  insufficientFunds: '4000000000009995',
  doNotHonor: '4000000000000002',
  review: '4000007200000500',
  authorizationSlow: '4000007200000708',
  authorizationTimeout: '4000007200000807',
  authorizationLostAnswer: '4000007200000906',
} as const;

export const ADDRESS_MN = {
  line1: '10380 Bren Road West',
  city: 'Minnetonka',
  postalCode: '55343',
  state: 'MN',
  country: 'US',
};

export const OWNER = {
  firstName: 'William',
  lastName: 'Brown',
  email: 'william.brown@example.com',
  address: ADDRESS_MN,
};

export const SHIP_TO = { name: 'William Brown', phone: '952-253-1234', address: ADDRESS_MN };
export const SHIP_FROM = { address: { country: 'US' } };

export function cardBody(number: string = CARDS.visa, extra: Record<string, unknown> = {}) {
  return {
    type: 'creditCard',
    creditCard: { number, expirationMonth: 7, expirationYear: 2031, cvv: '123' },
    owner: OWNER,
    ...extra,
  };
}

/** A digital checkout that needs no shipping. */
export function digitalCheckoutBody(extra: Record<string, unknown> = {}) {
  return {
    currency: 'USD',
    email: 'william.brown@example.com',
    billTo: { name: 'William Brown', address: ADDRESS_MN },
    items: [{ productDetails: { name: 'E-book', id: 'ebook-1' }, price: 20, quantity: 1 }],
    ...extra,
  };
}

/** A physical checkout: a SKU with weight, shipping, shipTo and shipFrom. */
export function physicalCheckoutBody(skuId: string, extra: Record<string, unknown> = {}) {
  return {
    currency: 'USD',
    email: 'william.brown@example.com',
    shipFrom: SHIP_FROM,
    shipTo: SHIP_TO,
    billTo: { name: 'William Brown', address: ADDRESS_MN },
    shippingChoice: { amount: 5, description: 'USPS: Priority', serviceLevel: 'SG' },
    items: [{ skuId, price: 10, quantity: 2 }],
    ...extra,
  };
}

export const SKU = {
  name: 'Athena Womens Running Shoes',
  eccn: 'EAR99',
  taxCode: '4323.310_A',
  countryOfOrigin: 'US',
  weight: 0.8,
  weightUnit: 'kg',
};

export async function createSku(api: Api, id: string, body: Record<string, unknown> = SKU): Promise<any> {
  const response = await api.put(`/skus/${id}`, body);
  assert.ok(response.status === 201 || response.status === 200, response.raw);
  return response.body;
}

export async function createCardSource(
  publicApi: Api,
  number: string = CARDS.visa,
  extra: Record<string, unknown> = {},
) {
  const response = await publicApi.post('/payments/sources', cardBody(number, extra));
  assert.equal(response.status, 201, response.raw);
  return response.body;
}

/** checkout → card source → attach: a checkout ready to become an order. */
export async function readyCheckout(
  api: Api,
  publicApi: Api,
  options: { card?: string; body?: Record<string, unknown> } = {},
): Promise<{ checkout: any; source: any }> {
  const created = await api.post('/checkouts', options.body ?? digitalCheckoutBody());
  assert.equal(created.status, 201, created.raw);
  const source = await createCardSource(publicApi, options.card ?? CARDS.visa);
  const attached = await api.post(`/checkouts/${created.body.id}/sources/${source.id}`);
  assert.equal(attached.status, 200, attached.raw);
  const checkout = await api.get(`/checkouts/${created.body.id}`);
  assert.equal(checkout.body.payment.session.state, 'requires_confirmation');
  return { checkout: checkout.body, source: attached.body };
}

/** Moves the account's clock forward (running what becomes due). */
export async function advance(api: Api, seconds: number): Promise<any> {
  const response = await api.post('/test-helpers/clock/advance', { seconds });
  assert.equal(response.status, 200, response.raw);
  return response.body;
}

/** A ready checkout turned into an order. */
export async function placeOrder(
  api: Api,
  publicApi: Api,
  options: { card?: string; body?: Record<string, unknown> } = {},
): Promise<any> {
  const { checkout } = await readyCheckout(api, publicApi, options);
  const order = await api.post('/orders', { checkoutId: checkout.id });
  assert.equal(order.status, 201, order.raw);
  return order.body;
}

/** The events of an account of some types, oldest first. */
export async function eventsOf(api: Api, types: string[] | string): Promise<any[]> {
  const query = Array.isArray(types) ? `types=${types.join(',')}` : `type=${types}`;
  const response = await api.get(`/events?${query}&limit=100`);
  assert.equal(response.status, 200, response.raw);
  return [...response.body.data].reverse();
}
