import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { priceCheckout } from '../../src/domain/checkout/pricing.js';
import { orderBlocker } from '../../src/domain/checkout/readiness.js';
import { paymentSession } from '../../src/domain/checkout/session.js';
import { parseRate, type Rate, ZERO_RATE } from '../../src/domain/money/rate.js';

const rate = (n: number): Rate => parseRate(n) ?? ZERO_RATE;

describe('checkout pricing', () => {
  it("reproduces DR's worked example: 20.00 + 5.00 shipping at 8.025% = 27.01", () => {
    const result = priceCheckout({
      lines: [{ quantity: 2, priceMinor: 1000, aggregatePriceMinor: null, physical: true }],
      shippingMinor: 500,
      taxInclusive: false,
      rateFor: () => rate(0.08025),
    });
    assert.ok(result.ok);
    assert.equal(result.totals.subtotalMinor, 2500);
    assert.equal(result.totals.totalTaxMinor, 201); // 1.61 + 0.40
    assert.equal(result.totals.totalAmountMinor, 2701);
    assert.equal(result.lines[0]?.taxMinor, 161);
    assert.equal(result.lines[0]?.shippingMinor, 500);
    assert.equal(result.lines[0]?.shippingTaxMinor, 40);
  });

  it('uses aggregatePrice regardless of quantity, and splits shipping over lines by amount', () => {
    const result = priceCheckout({
      lines: [
        { quantity: 3, priceMinor: null, aggregatePriceMinor: 1000, physical: true },
        { quantity: 1, priceMinor: 3000, aggregatePriceMinor: null, physical: true },
      ],
      shippingMinor: 101,
      taxInclusive: false,
      rateFor: () => ZERO_RATE,
    });
    assert.ok(result.ok);
    assert.deepEqual(
      result.lines.map((l) => [l.amountMinor, l.shippingMinor]),
      [
        [1000, 25],
        [3000, 76],
      ],
    );
    assert.equal(result.totals.totalAmountMinor, 4101);
  });

  it('taxes digital lines where the shopper is billed and physical ones where they are shipped', () => {
    const result = priceCheckout({
      lines: [
        { quantity: 1, priceMinor: 1000, aggregatePriceMinor: null, physical: false },
        { quantity: 1, priceMinor: 1000, aggregatePriceMinor: null, physical: true },
      ],
      shippingMinor: null,
      taxInclusive: false,
      rateFor: (physical) => rate(physical ? 0.1 : 0.2),
    });
    assert.ok(result.ok);
    assert.deepEqual(
      result.lines.map((l) => l.taxMinor),
      [200, 100],
    );
  });

  it('applies line, checkout and shipping discounts and reports them in totalDiscount', () => {
    const result = priceCheckout({
      lines: [
        {
          quantity: 4,
          priceMinor: 1000,
          aggregatePriceMinor: null,
          physical: true,
          discount: { amountOffMinor: 100, quantity: 2 },
        },
        {
          quantity: 1,
          priceMinor: 2000,
          aggregatePriceMinor: null,
          physical: true,
          discount: { percentOff: 10 },
        },
      ],
      discount: { amountOffMinor: 300 },
      shippingMinor: 1000,
      shippingDiscount: { percentOff: 50 },
      taxInclusive: false,
      rateFor: () => ZERO_RATE,
    });
    assert.ok(result.ok);
    // lines after their own discounts: 3800 and 1800; 300 off spread 3800:1800
    assert.deepEqual(
      result.lines.map((l) => l.amountMinor),
      [3800 - 204, 1800 - 96],
    );
    assert.equal(result.totals.totalShippingMinor, 500);
    assert.equal(result.totals.totalDiscountMinor, 200 + 200 + 300 + 500);
    assert.equal(result.totals.totalAmountMinor, 5300 + 500);
  });

  it('keeps tax inside a tax-inclusive price', () => {
    const result = priceCheckout({
      lines: [{ quantity: 1, priceMinor: 12000, aggregatePriceMinor: null, physical: false }],
      shippingMinor: null,
      taxInclusive: true,
      rateFor: () => rate(0.2),
    });
    assert.ok(result.ok);
    assert.equal(result.totals.totalTaxMinor, 2000);
    assert.equal(result.totals.totalAmountMinor, 12000);
  });
});

describe('payment session', () => {
  it('needs a source, then is ready when the sources cover the total', () => {
    assert.equal(
      paymentSession({ totalAmountMinor: 1000, hasPrimary: false, secondaryAmountsMinor: [] }).state,
      'requires_source',
    );
    assert.deepEqual(
      paymentSession({ totalAmountMinor: 1000, hasPrimary: true, secondaryAmountsMinor: [300] }),
      {
        state: 'requires_confirmation',
        amountContributedMinor: 1000,
        amountRemainingMinor: 0,
        primaryAmountMinor: 700,
      },
    );
    assert.equal(
      paymentSession({ totalAmountMinor: 1000, hasPrimary: false, secondaryAmountsMinor: [400] }).state,
      'requires_source',
    );
    assert.equal(
      paymentSession({ totalAmountMinor: 1000, hasPrimary: false, secondaryAmountsMinor: [400, 600] }).state,
      'requires_confirmation',
    );
    // a total that fell below the secondary sources leaves the session unready
    assert.equal(
      paymentSession({ totalAmountMinor: 900, hasPrimary: false, secondaryAmountsMinor: [1000] }).state,
      'requires_source',
    );
  });
});

describe('order readiness (seed 000: the fixable 4xx)', () => {
  const ready: Record<string, any> = {
    sessionState: 'requires_confirmation',
    email: 'a@example.com',
    billTo: {
      name: 'A B',
      address: { line1: 'x', city: 'y', postalCode: '55343', state: 'MN', country: 'US' },
    },
    sourceOwner: undefined,
    anyPhysical: false,
    shipTo: undefined,
    shipFrom: undefined,
    hasShippingChoice: false,
    physicalLineShipFroms: [],
  };
  const blocker = (patch: Record<string, unknown>) => {
    const error = orderBlocker({ ...ready, ...patch } as Parameters<typeof orderBlocker>[0]);
    return error ? [error.status, error.code, error.parameter] : undefined;
  };
  it('passes a complete digital checkout', () => assert.equal(blocker({}), undefined));
  it('names each missing requirement', () => {
    assert.deepEqual(blocker({ sessionState: 'requires_source' }), [
      400,
      'order_submit_failed',
      'payment.session.state',
    ]);
    assert.deepEqual(blocker({ email: null }), [400, 'order_create_failed', 'email']);
    assert.deepEqual(blocker({ billTo: undefined }), [400, 'missing_parameter', 'billTo.address.country']);
    assert.deepEqual(blocker({ billTo: { name: 'A', address: { country: 'US', city: 'x' } } }), [
      400,
      'missing_parameter',
      'billTo.address.line1',
    ]);
    assert.deepEqual(blocker({ anyPhysical: true, physicalLineShipFroms: [undefined] }), [
      400,
      'missing_parameter',
      'shipTo.address',
    ]);
    assert.deepEqual(
      blocker({ anyPhysical: true, shipTo: ready.billTo, physicalLineShipFroms: [undefined] }),
      [400, 'missing_parameter', 'shipFrom.address'],
    );
    // shipping-choice.md
    assert.deepEqual(
      blocker({
        anyPhysical: true,
        shipTo: ready.billTo,
        physicalLineShipFroms: [{ address: { country: 'US' } }],
      }),
      [400, 'invalid_shipping_choice', 'shippingChoice'],
    );
  });
  it('answers 409 create-order-failed where no checkout parameter is at fault (providing-address-information.md)', () => {
    assert.deepEqual(blocker({ billTo: { ...ready.billTo, name: ' ' } }), [
      409,
      'create-order-failed',
      'billTo.name',
    ]);
    assert.deepEqual(
      blocker({ billTo: undefined, sourceOwner: { firstName: 'A', address: { country: 'US' } } }),
      [409, 'create-order-failed', 'billTo'],
    );
    assert.deepEqual(blocker({ billTo: undefined, sourceOwner: { address: ready.billTo.address } }), [
      409,
      'create-order-failed',
      'billTo',
    ]);
  });
  it("accepts the source owner as billTo, and an item's own shipFrom", () => {
    assert.equal(
      blocker({ billTo: undefined, sourceOwner: { firstName: 'A', address: ready.billTo.address } }),
      undefined,
    );
    assert.equal(
      blocker({
        anyPhysical: true,
        shipTo: ready.billTo,
        hasShippingChoice: true,
        physicalLineShipFroms: [{ address: { country: 'US' } }],
      }),
      undefined,
    );
  });
});
