import { assert } from '../../lib/assert.js';
import { currencyExponent } from './currency.js';

/**
 * Money inside Tributary is an integer count of minor units, always beside its currency.
 * Wire amounts (decimal numbers in major units) are converted by their decimal digits, never by
 * multiplying floats; formatting divides by 10^exponent at the edge only.
 */

/** The largest amount accepted anywhere, in minor units: keeps every sum a safe integer. */
export const AMOUNT_MINOR_MAX = 1_000_000_000_000_000; // 1e15

export type ParseAmountError = 'not_a_number' | 'negative' | 'too_many_decimals' | 'too_large';

interface DecimalParts {
  negative: boolean;
  digits: string; // integer digits followed by fraction digits, no sign
  scale: number; // number of fraction digits in `digits`
}

/**
 * The decimal digits of a JS number as its shortest round-trip representation prints them.
 * JSON.parse yields the double nearest to what the client wrote; printing it back gives the
 * client's digits for every amount of up to 15 significant digits.
 */
export function decimalParts(value: number): DecimalParts | undefined {
  if (!Number.isFinite(value)) return undefined;
  const text = String(value);
  const match = /^(-?)(\d+)(?:\.(\d+))?(?:e([+-]?\d+))?$/.exec(text);
  if (!match) return undefined;
  const negative = match[1] === '-';
  const intPart = match[2] ?? '0';
  const fracPart = match[3] ?? '';
  const exp = Number(match[4] ?? '0');
  let digits = intPart + fracPart;
  let scale = fracPart.length - exp;
  if (scale < 0) {
    digits += '0'.repeat(-scale);
    scale = 0;
  }
  digits = digits.replace(/^0+(?=\d)/, '');
  // strip trailing zeros of the fraction: 27.10 and 27.1 are the same amount
  while (scale > 0 && digits.endsWith('0')) {
    digits = digits.slice(0, -1);
    scale -= 1;
  }
  return { negative, digits, scale };
}

/** Converts a wire amount in major units to minor units of `currency`. */
export function toMinor(
  value: number,
  currency: string,
): { ok: true; minor: number } | { ok: false; error: ParseAmountError } {
  const parts = decimalParts(value);
  if (!parts) return { ok: false, error: 'not_a_number' };
  const exponent = currencyExponent(currency);
  if (parts.scale > exponent) return { ok: false, error: 'too_many_decimals' };
  const minorDigits = parts.digits + '0'.repeat(exponent - parts.scale);
  const minor = BigInt(minorDigits);
  if (parts.negative && minor !== 0n) return { ok: false, error: 'negative' };
  if (minor > BigInt(AMOUNT_MINOR_MAX)) return { ok: false, error: 'too_large' };
  return { ok: true, minor: Number(minor) };
}

/** Minor units to the wire's decimal number in major units. */
export function toMajor(minor: number, currency: string): number {
  assert(Number.isSafeInteger(minor), `amount ${minor} is not a safe integer`);
  const exponent = currencyExponent(currency);
  return exponent === 0 ? minor : minor / 10 ** exponent;
}

/** A sum of minor amounts, asserted to stay a safe integer. */
export function sum(amounts: readonly number[]): number {
  let total = 0;
  for (const amount of amounts) total += amount;
  assert(Number.isSafeInteger(total), 'sum overflowed the safe integer range');
  return total;
}

/**
 * Splits `total` into parts proportional to `weights` with the largest-remainder method, so that
 * the parts always sum exactly to the total. Ties go to the earlier weight. All-zero weights
 * split evenly.
 */
export function allocate(total: number, weights: readonly number[]): number[] {
  assert(Number.isSafeInteger(total) && total >= 0, `allocate: bad total ${total}`);
  assert(weights.length > 0, 'allocate: no weights');
  for (const w of weights) assert(Number.isSafeInteger(w) && w >= 0, `allocate: bad weight ${w}`);
  const effective = weights.every((w) => w === 0) ? weights.map(() => 1) : weights;
  const weightSum = effective.reduce((a, b) => a + BigInt(b), 0n);
  const bigTotal = BigInt(total);
  const parts = effective.map((w) => (bigTotal * BigInt(w)) / weightSum);
  const remainders = effective.map((w, i) => ({ i, r: (bigTotal * BigInt(w)) % weightSum }));
  let left = bigTotal - parts.reduce((a, b) => a + b, 0n);
  remainders.sort((a, b) => (a.r === b.r ? a.i - b.i : a.r > b.r ? -1 : 1));
  for (let k = 0; left > 0n; k++, left--) {
    const target = remainders[k % remainders.length];
    assert(target !== undefined, 'allocate: no remainder slot');
    parts[target.i] = (parts[target.i] ?? 0n) + 1n;
  }
  const result = parts.map(Number);
  assert(sum(result) === total, 'allocate: parts do not sum to the total');
  return result;
}
