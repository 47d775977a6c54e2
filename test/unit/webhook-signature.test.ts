import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { Webhook } from 'standardwebhooks';
import {
  digitalRiverSignature,
  newWebhookSecret,
  signatureHeaders,
  standardWebhookSignature,
} from '../../src/lib/webhook-signature.js';
import { prng } from '../helpers/prng.js';

/**
 * Standard Webhooks signatures are made with node:crypto; the reference package (`standardwebhooks`,
 * a dev dependency only) must agree on every one and verify every header set, rotations included.
 */

describe('Standard Webhooks signatures (node:crypto) against the reference package', () => {
  it('sign the same bytes and verify, over 500 random messages and rotations', () => {
    const random = prng(1202);
    const texts = ['', '{}', 'é日本🙂', '\u2028', 'x'.repeat(5_000)];
    for (let i = 0; i < 500; i++) {
      const secrets = [newWebhookSecret(), ...(random() < 0.3 ? [newWebhookSecret()] : [])];
      const messageId = `evt_${randomBytes(8).toString('hex')}`;
      const timestampSeconds = 1_700_000_000 + Math.floor(random() * 1e8);
      // the reference verify parses the body: JSON, as every event is
      const body = JSON.stringify({ text: texts[i % texts.length], n: random() });
      for (const secret of secrets)
        assert.equal(
          standardWebhookSignature(secret, messageId, timestampSeconds, body),
          new Webhook(secret).sign(messageId, new Date(timestampSeconds * 1000), body),
        );
      const headers = signatureHeaders({
        messageId,
        body,
        timestampSeconds: Math.floor(Date.now() / 1000),
        secrets,
      });
      for (const secret of secrets) new Webhook(secret).verify(body, headers);
      assert.throws(() => new Webhook(newWebhookSecret()).verify(body, headers));
    }
  });
});

/**
 * Known answers, computed apart from the code (openssl dgst -sha256 -hmac), so that a change to
 * what is signed (the timestamp dropped from DR's HMAC, the key decoded, another separator) fails
 * here in milliseconds, not as a delivery that a receiver refuses.
 *
 *   printf '%s' "t=1700000000.$BODY" | openssl dgst -sha256 -hmac "$SECRET" -binary | base64
 *   printf '%s' "msg_1.1700000000.$BODY" | openssl dgst -sha256 -mac HMAC \
 *     -macopt hexkey:$(printf '%s' "${SECRET#whsec_}" | base64 -d | xxd -p | tr -d '\n') -binary | base64
 */
describe('signatures against known answers', () => {
  const SECRET = 'whsec_dGVzdC1zZWNyZXQtZm9yLWtub3duLWFuc3dlcnM=';
  const BODY = '{"id":"evt_1","type":"order.accepted","data":{"object":{"id":"1000000000336"}}}';
  const DR = '+KsMRi29XgVHVxM5/fZLgForXtlnhUVA90ToKzhh7lY=';
  const STANDARD = 'v1,3MZNl1zgN7t0md145/BdNW4khYT3YM1ONb3jplpkbl8=';

  it("DR's family: an HMAC-SHA256 of 't=<seconds>.<body>' keyed with the whole secret's text", () => {
    assert.equal(digitalRiverSignature(SECRET, 't=1700000000', BODY), DR);
  });

  it("Standard Webhooks: an HMAC-SHA256 of '<id>.<seconds>.<body>' keyed with the secret's decoded bytes", () => {
    assert.equal(standardWebhookSignature(SECRET, 'msg_1', 1_700_000_000, BODY), STANDARD);
  });

  it("the headers of a delivery carry both, the timestamp first in DR's", () => {
    const headers = signatureHeaders({
      messageId: 'msg_1',
      body: BODY,
      timestampSeconds: 1_700_000_000,
      secrets: [SECRET],
    });
    assert.deepEqual(headers, {
      'DigitalRiver-Signature': `t=1700000000, ${DR}`,
      'webhook-id': 'msg_1',
      'webhook-timestamp': '1700000000',
      'webhook-signature': STANDARD,
    });
  });
});
