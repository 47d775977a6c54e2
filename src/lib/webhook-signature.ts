import { createHmac, randomBytes } from 'node:crypto';

/**
 * Webhook signatures, both families on every attempt, each attempt signed afresh:
 * - DR's `DigitalRiver-Signature: t=<unix seconds>, <base64 HMAC-SHA256>` over
 *   "t=<unix seconds>.<raw body>", keyed with the whole secret string as UTF-8 (how DR's own
 *   connector verifies it: split on ", ", HMAC the first part, a dot and the body);
 * - Standard Webhooks (`webhook-id`, `webhook-timestamp`, `webhook-signature: v1,<base64>`): an
 *   HMAC-SHA256 of "<id>.<timestamp>.<body>" keyed with the base64-decoded part after `whsec_`
 *   (the specification's scheme, with node:crypto: the `standardwebhooks` package's pure-JS hash
 *   cost a delivery more than its HTTP round trip; the tests verify every delivery with that
 *   package).
 * During a rotation each header carries one signature per valid secret, newest first.
 */

const SECRET_BYTES = 32;
const SECRET_PREFIX = 'whsec_';

export function newWebhookSecret(): string {
  return `${SECRET_PREFIX}${randomBytes(SECRET_BYTES).toString('base64')}`;
}

export function digitalRiverSignature(secret: string, timestampPart: string, body: string): string {
  return createHmac('sha256', Buffer.from(secret, 'utf8'))
    .update(`${timestampPart}.${body}`, 'utf8')
    .digest('base64');
}

/** Standard Webhooks' `v1,<base64>` for one secret (`whsec_<base64 key>`). */
export function standardWebhookSignature(
  secret: string,
  messageId: string,
  timestampSeconds: number,
  body: string,
): string {
  const key = Buffer.from(
    secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret,
    'base64',
  );
  const mac = createHmac('sha256', key)
    .update(`${messageId}.${timestampSeconds}.${body}`, 'utf8')
    .digest('base64');
  return `v1,${mac}`;
}

export interface SignatureInput {
  /** stable across retries: the event id */
  messageId: string;
  body: string;
  timestampSeconds: number;
  /** the current secret first, then a rotated-out one still in its grace period */
  secrets: readonly string[];
}

export function signatureHeaders(input: SignatureInput): Record<string, string> {
  const timestampPart = `t=${input.timestampSeconds}`;
  return {
    'DigitalRiver-Signature': [
      timestampPart,
      ...input.secrets.map((s) => digitalRiverSignature(s, timestampPart, input.body)),
    ].join(', '),
    'webhook-id': input.messageId,
    'webhook-timestamp': String(input.timestampSeconds),
    'webhook-signature': input.secrets
      .map((s) => standardWebhookSignature(s, input.messageId, input.timestampSeconds, input.body))
      .join(' '),
  };
}
