import { createHmac, randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';

/**
 * Webhook signatures, both families on every attempt, each attempt signed afresh:
 * - DR's `DigitalRiver-Signature: t=<unix seconds>, <base64 HMAC-SHA256>` over
 *   "t=<unix seconds>.<raw body>", keyed with the whole secret string as UTF-8 (how DR's own
 *   connector verifies it: split on ", ", HMAC the first part, a dot and the body);
 * - Standard Webhooks (`webhook-id`, `webhook-timestamp`, `webhook-signature: v1,<base64>`), keyed
 *   with the base64-decoded part after `whsec_`, by the `standardwebhooks` package.
 * During a rotation each header carries one signature per valid secret, newest first.
 */

const SECRET_BYTES = 32;

export function newWebhookSecret(): string {
  return `whsec_${randomBytes(SECRET_BYTES).toString('base64')}`;
}

export function digitalRiverSignature(secret: string, timestampPart: string, body: string): string {
  return createHmac('sha256', Buffer.from(secret, 'utf8'))
    .update(`${timestampPart}.${body}`, 'utf8')
    .digest('base64');
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
  const at = new Date(input.timestampSeconds * 1000);
  return {
    'DigitalRiver-Signature': [
      timestampPart,
      ...input.secrets.map((s) => digitalRiverSignature(s, timestampPart, input.body)),
    ].join(', '),
    'webhook-id': input.messageId,
    'webhook-timestamp': String(input.timestampSeconds),
    'webhook-signature': input.secrets
      .map((s) => new Webhook(s).sign(input.messageId, at, input.body))
      .join(' '),
  };
}
