import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { Webhook } from 'standardwebhooks';
import {
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
