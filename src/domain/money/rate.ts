import { assert } from '../../lib/assert.js';
import { decimalParts } from './money.js';

/**
 * A tax rate as an exact decimal fraction (0.08025 = 8025 / 100000), so that tax is computed in
 * integer arithmetic: round-half-up(amount × rate) in minor units.
 */
export interface Rate {
  readonly units: bigint;
  readonly scale: number;
}

export const ZERO_RATE: Rate = { units: 0n, scale: 0 };
export const RATE_SCALE_MAX = 6;

export function parseRate(value: number): Rate | undefined {
  const parts = decimalParts(value);
  if (!parts || parts.negative || parts.scale > RATE_SCALE_MAX) return undefined;
  const rate = { units: BigInt(parts.digits), scale: parts.scale };
  return rate.units <= 10n ** BigInt(rate.scale) ? rate : undefined; // at most 100%
}

export function rateToNumber(rate: Rate): number {
  return Number(rate.units) / 10 ** rate.scale;
}

/** round-half-up(amount × rate) */
export function applyRate(amountMinor: number, rate: Rate): number {
  assert(Number.isSafeInteger(amountMinor) && amountMinor >= 0, 'applyRate: bad amount');
  const denominator = 10n ** BigInt(rate.scale);
  const product = BigInt(amountMinor) * rate.units;
  return Number((product * 2n + denominator) / (denominator * 2n));
}

/** The tax inside a tax-inclusive amount: round-half-up(amount × rate / (1 + rate)). */
export function includedTax(amountMinor: number, rate: Rate): number {
  const denominator = 10n ** BigInt(rate.scale);
  const numerator = BigInt(amountMinor) * rate.units;
  const divisor = denominator + rate.units;
  return Number((numerator * 2n + divisor) / (divisor * 2n));
}

/** round-half-up(amount × percent / 100) with the percent as a decimal number (e.g. 12.5). */
export function applyPercent(amountMinor: number, percent: number): number {
  const parts = decimalParts(percent);
  assert(parts !== undefined && !parts.negative, 'applyPercent: bad percent');
  return applyRate(amountMinor, { units: BigInt(parts.digits), scale: parts.scale + 2 });
}
