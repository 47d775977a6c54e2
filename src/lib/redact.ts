import { luhnValid } from './luhn.js';

/**
 * What the request log keeps of a body: JSON with card data, secrets and API keys replaced by
 * `[redacted]`, bounded in size. Card numbers and CVVs are never stored (AGENTS: brand, last four
 * and expiry only), and neither is any key or signing secret, wherever it appears.
 */

export const REDACTED = '[redacted]';

/**
 * Properties whose value is never kept, whatever object they are in, named as they are compared:
 * lower case without separators (`card_number`, `Card-Number` and `cardNumber` are one name).
 * Card numbers and every spelling of a card's security code that clients send (CVV, CVC, CVV2,
 * CVC2, CSC, CVN, CVD, CID, security code), secrets and keys.
 */
const SECRET_PROPERTIES = new Set([
  // card numbers
  'number',
  'cardnumber',
  'ccnumber',
  'creditcardnumber',
  'pan',
  'primaryaccountnumber',
  'accountnumber',
  'iban',
  // security codes
  'cvv',
  'cvc',
  'cvv2',
  'cvc2',
  'csc',
  'cvn',
  'cvd',
  'cid',
  'securitycode',
  'cardsecuritycode',
  'cardcode',
  'cardverificationcode',
  'cardverificationvalue',
  'verificationcode',
  // secrets and keys
  'password',
  'secret',
  'previoussecret',
  'clientsecret',
  'secretkey',
  'publickey',
  'apikey',
  'authorization',
]);

/** The name a property is compared by: lower case, without `_`, `-`, `.` or spaces. */
const normalized = (name: string): string => name.toLowerCase().replace(/[\s_.-]/g, '');

/** Names already looked at (the same few hundred property names come in every body). */
const seen = new Map<string, boolean>();
const SEEN_NAMES_MAX = 4_096;

/** Whether a property (or a query parameter) of this name holds something never kept. */
export function isSecretName(name: string): boolean {
  let secret = seen.get(name);
  if (secret === undefined) {
    secret = SECRET_PROPERTIES.has(normalized(name));
    if (seen.size >= SEEN_NAMES_MAX) seen.clear();
    seen.set(name, secret);
  }
  return secret;
}

/** API keys and signing secrets inside any string. */
const KEY_PATTERN = /\b(?:sk|pk)_(?:test|live)_[A-Za-z0-9_-]+|\bwhsec_[A-Za-z0-9+/=_-]+/g;

export const BODY_LIMIT = 16 * 1024;

/**
 * A property and its value in JSON text that may be cut anywhere (the value's closing quote may
 * be missing); the callback keeps it or redacts it by the property's name.
 */
const PROPERTY_VALUE = /"((?:[^"\\]|\\.){1,64})"\s*:\s*("(?:[^"\\]|\\.)*"?|-?[0-9][0-9.eE+-]*)/g;

/** Runs of 13 to 19 digits (spaced or dashed as card numbers are written). */
const DIGIT_RUN = /(?<!\d)\d(?:[ -]?\d){12,18}(?!\d)/g;

/**
 * A card number wherever it was put (an email field, a note): any Luhn-valid run of 13–19 digits.
 * Tributary's own ids are never Luhn-valid (lib/ids.ts), so they are kept.
 */
const withoutCardNumbers = (text: string): string =>
  text.replace(DIGIT_RUN, (run) => (luhnValid(run.replace(/[ -]/g, '')) ? REDACTED : run));

export function redactText(text: string): string {
  return withoutCardNumbers(
    text
      .replace(PROPERTY_VALUE, (whole, name: string) =>
        isSecretName(name) ? `"${name}":"${REDACTED}"` : whole,
      )
      .replace(KEY_PATTERN, REDACTED),
  );
}

export function redactValue(value: unknown, depth = 0): unknown {
  if (depth > 32) return REDACTED;
  if (typeof value === 'string') return withoutCardNumbers(value.replace(KEY_PATTERN, REDACTED));
  if (Array.isArray(value)) return value.map((v) => redactValue(v, depth + 1));
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) {
      out[key] = isSecretName(key) && v !== null ? REDACTED : redactValue(v, depth + 1);
    }
    return out;
  }
  return value;
}

/** A body as text for the log: JSON redacted; anything else named by its size; cut at the limit. */
export function redactBody(body: unknown, contentType?: string): string | null {
  if (body === undefined || body === null || body === '') return null;
  let text: string;
  if (typeof body === 'string') {
    if (contentType !== undefined && !contentType.includes('json'))
      return `[${contentType}, ${Buffer.byteLength(body)} bytes]`;
    // a long answer (a page of orders) is cut before anything else, not parsed whole on every
    // request: its kept start is redacted as text
    if (body.length > BODY_LIMIT)
      return `${redactText(body.slice(0, BODY_LIMIT))}…[${body.length - BODY_LIMIT} more characters]`;
    try {
      text = JSON.stringify(redactValue(JSON.parse(body)));
    } catch {
      text = String(redactValue(body));
    }
  } else if (Buffer.isBuffer(body)) {
    return `[${contentType ?? 'binary'}, ${body.length} bytes]`;
  } else if (typeof body === 'object') {
    text = JSON.stringify(redactValue(body));
  } else {
    return `[${typeof body}]`;
  }
  return text.length > BODY_LIMIT
    ? `${text.slice(0, BODY_LIMIT)}…[${text.length - BODY_LIMIT} more characters]`
    : text;
}

/**
 * A query string for the log: a parameter named as a secret is redacted (`?cvc=123` is refused,
 * and must not be kept either), and keys and card numbers anywhere in it.
 */
export function redactQuery(query: string): string {
  const redacted = query
    .split('&')
    .map((pair) => {
      const at = pair.indexOf('=');
      if (at < 0) return pair;
      let name = pair.slice(0, at);
      try {
        name = decodeURIComponent(name.replace(/\+/g, ' '));
      } catch {
        // not decodable: compared as sent
      }
      return isSecretName(name.replace(/\[.*$/, '')) ? `${pair.slice(0, at)}=${REDACTED}` : pair;
    })
    .join('&');
  return redactText(redacted);
}
