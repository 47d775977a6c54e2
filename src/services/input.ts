import { AppError, invalidParameter, missingParameter } from '../domain/errors.js';
import { isActivatedCurrency, isCurrency } from '../domain/money/currency.js';
import { toMinor } from '../domain/money/money.js';
import {
  LINE_QUANTITY_MAX,
  METADATA_KEY_LENGTH_MAX,
  METADATA_KEYS_MAX,
  METADATA_VALUE_LENGTH_MAX,
} from '../limits.js';
import type { Metadata } from '../store/records.js';

/**
 * Checks of request values that a JSON schema cannot express: amounts in the currency's minor
 * units, currencies, numeric-string quantities, DR's metadata limits. Each failure names the
 * offending parameter.
 */

export function requireCurrency(code: string, parameter = 'currency'): string {
  if (!isCurrency(code)) throw invalidParameter(parameter, `'${code}' is not a valid currency.`);
  if (!isActivatedCurrency(code)) {
    throw new AppError('currency_unactivated', parameter, `Currency '${code}' is not activated.`);
  }
  return code;
}

/** A wire amount (major units) as minor units; `positive` rejects zero. */
export function parseAmount(value: number, currency: string, parameter: string, positive = false): number {
  const result = toMinor(value, currency);
  if (!result.ok) {
    switch (result.error) {
      case 'too_many_decimals':
        throw invalidParameter(
          parameter,
          `The amount ${value} has more decimal places than ${currency} allows.`,
        );
      case 'negative':
        throw invalidParameter(parameter, 'The amount must not be negative.');
      case 'too_large':
        throw new AppError('amount_too_large', parameter, 'The amount is too large.');
      default:
        throw invalidParameter(parameter, 'The amount is not a number.');
    }
  }
  if (positive && result.minor === 0)
    throw invalidParameter(parameter, 'The amount must be greater than zero.');
  return result.minor;
}

/** A quantity: an integer, or a numeric string as DR's own examples send ("2"). */
export function parseQuantity(
  value: number | string | undefined | null,
  parameter: string,
  min = 1,
): number | undefined {
  if (value === undefined || value === null) return undefined;
  const n = typeof value === 'string' ? (/^\s*\d+\s*$/.test(value) ? Number(value) : Number.NaN) : value;
  if (!Number.isSafeInteger(n)) throw invalidParameter(parameter, `'${parameter}' must be a whole number.`);
  if (n < min || n > LINE_QUANTITY_MAX) {
    throw invalidParameter(parameter, `'${parameter}' must be between ${min} and ${LINE_QUANTITY_MAX}.`);
  }
  return n;
}

/** DR: up to 20 keys, keys up to 40 characters, values up to 500; values string, boolean or integer. */
export function validateMetadata(
  metadata: Record<string, unknown> | undefined,
  parameter = 'metadata',
): Metadata | undefined {
  if (metadata === undefined) return undefined;
  const entries = Object.entries(metadata);
  if (entries.length > METADATA_KEYS_MAX) {
    throw new AppError(
      'too_many_metadata_pairs',
      parameter,
      `Metadata may have at most ${METADATA_KEYS_MAX} keys.`,
    );
  }
  for (const [key, value] of entries) {
    if (key.length === 0 || key.length > METADATA_KEY_LENGTH_MAX) {
      throw new AppError(
        'invalid_metadata_key',
        `${parameter}.${key}`,
        `Metadata keys must be 1 to ${METADATA_KEY_LENGTH_MAX} characters long.`,
      );
    }
    const ok =
      (typeof value === 'string' && value.length <= METADATA_VALUE_LENGTH_MAX) ||
      typeof value === 'boolean' ||
      (typeof value === 'number' && Number.isSafeInteger(value));
    if (!ok) {
      throw new AppError(
        'invalid_metadata_value',
        `${parameter}.${key}`,
        `Metadata values must be strings of at most ${METADATA_VALUE_LENGTH_MAX} characters, booleans or integers.`,
      );
    }
  }
  return metadata as Metadata;
}

export function requireValue<T>(value: T | undefined | null, parameter: string): T {
  if (value === undefined || value === null) throw missingParameter(parameter);
  return value;
}
