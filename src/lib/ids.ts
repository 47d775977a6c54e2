import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import { luhnValid } from './luhn.js';

/**
 * Every id is made here, shaped like Digital River's: numeric strings for orders, order items
 * and customers (DR's test ids end in 0336), `ful_<uuid>` / `re_<uuid>` for fulfillments and
 * refunds, UUIDs elsewhere.
 */

const NUMERIC_RANDOM_DIGITS = 11;

/**
 * 11 random digits (no leading zero) + "0336": 15 digits, below 2^53, so that a client may send
 * an id back as a JSON number (seed 002 sends `"itemId": 225220780336`). Callers check the id is
 * free in their transaction (9·10^10 values: rare collisions, never ignored).
 */
export function numericId(): string {
  let digits = String(randomInt(1, 10));
  while (digits.length < NUMERIC_RANDOM_DIGITS) {
    digits += String(randomInt(0, 1_000_000)).padStart(6, '0');
  }
  const id = `${digits.slice(0, NUMERIC_RANDOM_DIGITS)}0336`;
  if (!luhnValid(id)) return id;
  // never shaped like a card number (so a scan for card numbers finds none): one digit changed
  // breaks the Luhn check
  const last = Number(id[NUMERIC_RANDOM_DIGITS - 1]);
  return `${id.slice(0, NUMERIC_RANDOM_DIGITS - 1)}${(last + 1) % 10}0336`;
}

/**
 * A v4 UUID whose three middle groups are not all digits: written 8-4-4-4-12, those groups and
 * their neighbours' digits could read as a card number written 4-4-4-4 (…7916-3474-4761-8693-1…),
 * and a scan for card numbers must find none. About 1 UUID in 280 is drawn again.
 */
const CARD_SHAPED_GROUPS = /-\d{4}-\d{4}-\d{4}-/;
export function newUuid(): string {
  for (;;) {
    const uuid = randomUUID();
    if (!CARD_SHAPED_GROUPS.test(uuid)) return uuid;
  }
}

export const newOrderId = numericId;
export const newOrderItemId = numericId;
export const newCustomerId = numericId;
/** 32 hex digits that hold no run of 13 decimal digits (nothing in storage looks like a card number). */
function hex32(): string {
  for (;;) {
    const hex = newUuid().replaceAll('-', '');
    if (!/\d{13}/.test(hex)) return hex;
  }
}

export const newAccountId = (): string => `acct_${hex32()}`;
export const newApiKeyId = (): string => `key_${hex32()}`;

/** A client secret in DR's shape: `<ownerId>_<uuid>`. */
export const newClientSecret = (ownerId: string): string => `${ownerId}_${newUuid()}`;

const KEY_SECRET_BYTES = 24;

/** API keys: `sk_test_` / `pk_test_` followed by 32 url-safe base64 characters (24 random bytes). */
export function newApiKey(kind: 'secret' | 'public'): string {
  const prefix = kind === 'secret' ? 'sk_test_' : 'pk_test_';
  return prefix + randomBytes(KEY_SECRET_BYTES).toString('base64url');
}
