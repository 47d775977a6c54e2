import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';

/**
 * Webhook verification, as stripe-node's `constructEvent` does it: the signature is checked over
 * the raw body with a constant-time comparison, against every secret given (during a rotation
 * both the new and the old one sign, and a header carries several signatures), and a timestamp
 * older (or newer) than the tolerance is refused, so a captured delivery cannot be replayed later.
 *
 * Tributary signs every delivery in two families; either verifies it:
 * - `DigitalRiver-Signature: t=<unix seconds>, <base64 HMAC-SHA256 of "t=<s>.<body>">`, keyed with
 *   the whole secret string;
 * - Standard Webhooks: `webhook-id`, `webhook-timestamp`, `webhook-signature: v1,<base64 of
 *   HMAC-SHA256("<id>.<timestamp>.<body>")>`, keyed with the base64 after `whsec_`.
 */

export class WebhookSignatureError extends Error {
  override name = 'WebhookSignatureError';
}

export interface VerifyOptions {
  /** how far the signature's time may be from now (default 300 s) */
  toleranceSeconds?: number;
  /** now, in unix seconds (tests) */
  nowSeconds?: number;
}

type Headers = Record<string, string | string[] | undefined> | globalThis.Headers;

function header(headers: Headers, name: string): string | undefined {
  if (typeof (headers as globalThis.Headers).get === 'function')
    return (headers as globalThis.Headers).get(name) ?? undefined;
  const record = headers as Record<string, string | string[] | undefined>;
  const key = Object.keys(record).find((k) => k.toLowerCase() === name);
  const value = key === undefined ? undefined : record[key];
  return Array.isArray(value) ? value.join(', ') : value;
}

const PREFIX = 'whsec_';
const keyOf = (secret: string) =>
  Buffer.from(secret.startsWith(PREFIX) ? secret.slice(PREFIX.length) : secret, 'base64');

function same(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

function checkTime(seconds: number, options: VerifyOptions): void {
  if (!Number.isInteger(seconds)) throw new WebhookSignatureError('the signature has no valid timestamp');
  const now = options.nowSeconds ?? Math.floor(Date.now() / 1000);
  const tolerance = options.toleranceSeconds ?? 300;
  if (Math.abs(now - seconds) > tolerance)
    throw new WebhookSignatureError(`the signature's timestamp is outside the tolerance (${tolerance} s)`);
}

function verifyDigitalRiver(
  value: string,
  body: string,
  secrets: readonly string[],
  options: VerifyOptions,
): void {
  const [timestampPart = '', ...signatures] = value.split(',').map((s) => s.trim());
  const match = /^t=(\d+)$/.exec(timestampPart);
  if (!match) throw new WebhookSignatureError('DigitalRiver-Signature has no t=<timestamp>');
  const valid = secrets.some((secret) => {
    const expected = createHmac('sha256', Buffer.from(secret, 'utf8'))
      .update(`${timestampPart}.${body}`, 'utf8')
      .digest();
    return signatures.some((s) => same(Buffer.from(s, 'base64'), expected));
  });
  if (!valid)
    throw new WebhookSignatureError('no DigitalRiver-Signature matches the body with the given secrets');
  checkTime(Number(match[1]), options);
}

function verifyStandard(
  id: string,
  timestamp: string,
  value: string,
  body: string,
  secrets: readonly string[],
  options: VerifyOptions,
): void {
  const signatures = value
    .split(' ')
    .filter((s) => s.startsWith('v1,'))
    .map((s) => Buffer.from(s.slice(3), 'base64'));
  const valid = secrets.some((secret) => {
    const expected = createHmac('sha256', keyOf(secret))
      .update(`${id}.${timestamp}.${body}`, 'utf8')
      .digest();
    return signatures.some((s) => same(s, expected));
  });
  if (!valid) throw new WebhookSignatureError('no webhook-signature matches the body with the given secrets');
  checkTime(/^\d+$/.test(timestamp) ? Number(timestamp) : Number.NaN, options);
}

/**
 * Verifies a delivery and returns its event. `rawBody` is the body exactly as received (a string
 * or the bytes; not re-serialized JSON). Throws WebhookSignatureError when it does not verify.
 */
export function constructEvent<T = Record<string, unknown>>(
  rawBody: string | Uint8Array,
  headers: Headers,
  secrets: string | readonly string[],
  options: VerifyOptions = {},
): T {
  const body = typeof rawBody === 'string' ? rawBody : Buffer.from(rawBody).toString('utf8');
  const keys = typeof secrets === 'string' ? [secrets] : secrets;
  if (keys.length === 0) throw new WebhookSignatureError('no secret given');
  const standard = header(headers, 'webhook-signature');
  const id = header(headers, 'webhook-id');
  const timestamp = header(headers, 'webhook-timestamp');
  const digitalRiver = header(headers, 'digitalriver-signature');
  if (standard !== undefined && id !== undefined && timestamp !== undefined)
    verifyStandard(id, timestamp, standard, body, keys, options);
  else if (digitalRiver !== undefined) verifyDigitalRiver(digitalRiver, body, keys, options);
  else throw new WebhookSignatureError('the request has no signature headers');
  try {
    return JSON.parse(body) as T;
  } catch {
    throw new WebhookSignatureError('the body is not JSON');
  }
}

/** Headers of both families for a payload, as Tributary would send them (for tests). */
export function generateTestHeaders(input: {
  payload: string;
  secret: string;
  /** unix seconds; default now */
  timestamp?: number;
  /** the event id; default a new uuid */
  id?: string;
}): Record<string, string> {
  const timestamp = input.timestamp ?? Math.floor(Date.now() / 1000);
  const id = input.id ?? randomUUID();
  const part = `t=${timestamp}`;
  const dr = createHmac('sha256', Buffer.from(input.secret, 'utf8'))
    .update(`${part}.${input.payload}`, 'utf8')
    .digest('base64');
  const standard = createHmac('sha256', keyOf(input.secret))
    .update(`${id}.${timestamp}.${input.payload}`, 'utf8')
    .digest('base64');
  return {
    'DigitalRiver-Signature': `${part}, ${dr}`,
    'webhook-id': id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': `v1,${standard}`,
  };
}
