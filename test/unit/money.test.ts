import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  ACTIVATED_CURRENCIES,
  currencyExponent,
  isActivatedCurrency,
  isCurrency,
} from '../../src/domain/money/currency.js';
import { AMOUNT_MINOR_MAX, allocate, decimalParts, toMajor, toMinor } from '../../src/domain/money/money.js';
import { applyPercent, applyRate, includedTax, parseRate } from '../../src/domain/money/rate.js';

describe('currencies', () => {
  it('knows the exponent of every kind of currency', () => {
    assert.equal(currencyExponent('JPY'), 0);
    assert.equal(currencyExponent('USD'), 2);
    assert.equal(currencyExponent('KWD'), 3);
    assert.equal(currencyExponent('CLF'), 4);
    assert.ok(isCurrency('PAB') && !isActivatedCurrency('PAB'));
    assert.ok(!isCurrency('XYZ'));
  });

  /**
   * ISO 4217's minor units for every currency an account may sell in, written here apart from
   * the code's table: a currency dropped from (or misfiled in) the exponent table would turn its
   * every amount into a 500, or into amounts off by a factor of 10.
   */
  const ISO_4217_MINOR_UNITS: Record<string, number> = {
    AED: 2,
    AUD: 2,
    BGN: 2,
    BHD: 3,
    BRL: 2,
    CAD: 2,
    CHF: 2,
    CLP: 0,
    CNY: 2,
    COP: 2,
    CZK: 2,
    DKK: 2,
    EGP: 2,
    EUR: 2,
    GBP: 2,
    HKD: 2,
    HUF: 2,
    IDR: 2,
    ILS: 2,
    INR: 2,
    ISK: 0,
    JOD: 3,
    JPY: 0,
    KRW: 0,
    KWD: 3,
    MXN: 2,
    MYR: 2,
    NOK: 2,
    NZD: 2,
    OMR: 3,
    PEN: 2,
    PHP: 2,
    PLN: 2,
    QAR: 2,
    RON: 2,
    SAR: 2,
    SEK: 2,
    SGD: 2,
    THB: 2,
    TRY: 2,
    TWD: 2,
    UAH: 2,
    USD: 2,
    VND: 0,
    ZAR: 2,
  };

  it('has the ISO 4217 exponent of every currency an account may sell in, and no other', () => {
    assert.deepEqual([...ACTIVATED_CURRENCIES].sort(), Object.keys(ISO_4217_MINOR_UNITS).sort());
    for (const [code, exponent] of Object.entries(ISO_4217_MINOR_UNITS)) {
      assert.ok(isCurrency(code), `${code} is in the exponent table`);
      assert.equal(currencyExponent(code), exponent, code);
    }
  });
});

describe('wire amounts → minor units, by digits', () => {
  const cases: [number, string, number][] = [
    [27.01, 'USD', 2701],
    [0.1, 'USD', 10],
    [510.0, 'USD', 51000],
    [1234, 'JPY', 1234],
    [1.234, 'KWD', 1234],
    [0.001, 'KWD', 1],
    [19.99, 'EUR', 1999],
    [1e3, 'USD', 100000],
    [1.1, 'USD', 110],
  ];
  for (const [value, currency, minor] of cases) {
    it(`${value} ${currency} is ${minor}`, () =>
      assert.deepEqual(toMinor(value, currency), { ok: true, minor }));
  }
  it('refuses more decimals than the currency has', () => {
    assert.deepEqual(toMinor(1.5, 'JPY'), { ok: false, error: 'too_many_decimals' });
    assert.deepEqual(toMinor(27.011, 'USD'), { ok: false, error: 'too_many_decimals' });
    assert.deepEqual(toMinor(1.2345, 'KWD'), { ok: false, error: 'too_many_decimals' });
    assert.deepEqual(toMinor(0.1 + 0.2, 'USD'), { ok: false, error: 'too_many_decimals' });
    assert.deepEqual(toMinor(1e-7, 'USD'), { ok: false, error: 'too_many_decimals' });
  });
  it('refuses negatives, non-numbers and amounts past the maximum', () => {
    assert.deepEqual(toMinor(-1, 'USD'), { ok: false, error: 'negative' });
    assert.deepEqual(toMinor(Number.NaN, 'USD'), { ok: false, error: 'not_a_number' });
    assert.deepEqual(toMinor(1e300, 'USD'), { ok: false, error: 'too_large' });
    assert.deepEqual(toMinor(AMOUNT_MINOR_MAX / 100 + 1, 'USD'), { ok: false, error: 'too_large' });
  });
  it('formats minor units back to the same decimal', () => {
    assert.equal(toMajor(2701, 'USD'), 27.01);
    assert.equal(toMajor(1234, 'KWD'), 1.234);
    assert.equal(toMajor(1234, 'JPY'), 1234);
    assert.equal(String(toMajor(10, 'USD')), '0.1');
  });
  it('reads exponent notation', () => {
    assert.deepEqual(decimalParts(1e21), { negative: false, digits: '1000000000000000000000', scale: 0 });
    assert.deepEqual(decimalParts(2.5e-3), { negative: false, digits: '25', scale: 4 });
  });
});

describe('allocate', () => {
  it('splits with the largest remainder and always sums to the total', () => {
    assert.deepEqual(allocate(100, [1, 1, 1]), [34, 33, 33]);
    assert.deepEqual(allocate(500, [2000, 0]), [500, 0]);
    assert.deepEqual(allocate(7, [0, 0]), [4, 3]);
    assert.deepEqual(allocate(0, [5, 5]), [0, 0]);
  });
  it('keeps the invariant over many random splits', () => {
    let seed = 42;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed;
    };
    for (let i = 0; i < 2000; i++) {
      const total = random() % 1_000_000;
      const weights = Array.from({ length: 1 + (random() % 6) }, () => random() % 10_000);
      const parts = allocate(total, weights);
      assert.equal(
        parts.reduce((a, b) => a + b, 0),
        total,
      );
      assert.ok(parts.every((p) => p >= 0));
    }
  });
});

describe('tax rates', () => {
  it('rounds half up, exactly', () => {
    const rate = parseRate(0.08025);
    assert.ok(rate);
    assert.equal(applyRate(2000, rate), 161); // 20.00 × 8.025% = 1.605 → 1.61 (DR's example)
    assert.equal(applyRate(500, rate), 40); // 5.00 × 8.025% = 0.40125 → 0.40
    assert.equal(applyRate(2000, parseRate(0.06875)!), 138); // 1.375 → 1.38
  });
  it('takes the tax out of a tax-inclusive amount', () => {
    assert.equal(includedTax(12000, parseRate(0.2)!), 2000);
    assert.equal(includedTax(1000, parseRate(0.19)!), 160); // 10 − 10/1.19 = 1.5966 → 1.60
  });
  it('applies percentages exactly', () => {
    assert.equal(applyPercent(1999, 10), 200);
    assert.equal(applyPercent(1000, 12.5), 125);
  });
  it('refuses rates above 100% or with more than 6 decimals', () => {
    assert.equal(parseRate(1.5), undefined);
    assert.equal(parseRate(0.1234567), undefined);
    assert.deepEqual(parseRate(1), { units: 1n, scale: 0 });
  });
});
