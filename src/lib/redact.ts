/**
 * What the request log keeps of a body: JSON with card data, secrets and API keys replaced by
 * `[redacted]`, bounded in size. Card numbers and CVVs are never stored (AGENTS: brand, last four
 * and expiry only), and neither is any key or signing secret, wherever it appears.
 */

export const REDACTED = '[redacted]';

/** Properties whose value is never kept, whatever object they are in. */
const SECRET_PROPERTIES = new Set([
  'number',
  'cvv',
  'securitycode',
  'cardnumber',
  'password',
  'secret',
  'previoussecret',
  'clientsecret',
  'secretkey',
  'publickey',
  'authorization',
  'iban',
  'accountnumber',
]);

/** API keys and signing secrets inside any string. */
const KEY_PATTERN = /\b(?:sk|pk)_(?:test|live)_[A-Za-z0-9_-]+|\bwhsec_[A-Za-z0-9+/=_-]+/g;

export const BODY_LIMIT = 16 * 1024;

/** The secret properties' values and any key, in JSON text that may be cut anywhere. */
const SECRET_VALUE = new RegExp(
  `"(${[...SECRET_PROPERTIES].join('|')})"\\s*:\\s*("(?:[^"\\\\]|\\\\.)*"?|[0-9]+)`,
  'gi',
);

/** Runs of 13 to 19 digits (spaced or dashed as card numbers are written). */
const DIGIT_RUN = /(?<!\d)\d(?:[ -]?\d){12,18}(?!\d)/g;

function luhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/**
 * A card number wherever it was put (an email field, a note): any Luhn-valid run of 13–19 digits.
 * Tributary's own ids are never Luhn-valid (lib/ids.ts), so they are kept.
 */
const withoutCardNumbers = (text: string): string =>
  text.replace(DIGIT_RUN, (run) => (luhn(run.replace(/[ -]/g, '')) ? REDACTED : run));

export function redactText(text: string): string {
  return withoutCardNumbers(
    text.replace(SECRET_VALUE, (_, name: string) => `"${name}":"${REDACTED}"`).replace(KEY_PATTERN, REDACTED),
  );
}

export function redactValue(value: unknown, depth = 0): unknown {
  if (depth > 32) return REDACTED;
  if (typeof value === 'string') return withoutCardNumbers(value.replace(KEY_PATTERN, REDACTED));
  if (Array.isArray(value)) return value.map((v) => redactValue(v, depth + 1));
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) {
      out[key] =
        SECRET_PROPERTIES.has(key.toLowerCase()) && v !== null ? REDACTED : redactValue(v, depth + 1);
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
