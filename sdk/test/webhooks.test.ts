import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Webhook } from 'standardwebhooks';
import { constructEvent, generateTestHeaders, WebhookSignatureError } from '../src/index.js';

/** Webhook verification, both signature families, as stripe-node's constructEvent behaves. */
const SECRET = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;
const OLD_SECRET = `whsec_${Buffer.alloc(32, 9).toString('base64')}`;
const PAYLOAD = JSON.stringify({ id: 'evt-1', type: 'order.accepted', data: { object: { id: '1' } } });
const NOW = 1_800_000_000;

const only = (headers: Record<string, string>, family: 'dr' | 'standard') =>
  Object.fromEntries(
    Object.entries(headers).filter(([k]) => (family === 'dr') === (k === 'DigitalRiver-Signature')),
  );

describe('constructEvent', () => {
  for (const family of ['dr', 'standard'] as const) {
    const headers = only(generateTestHeaders({ payload: PAYLOAD, secret: SECRET, timestamp: NOW }), family);

    it(`${family}: verifies and returns the event`, () => {
      const event = constructEvent<{ id: string }>(PAYLOAD, headers, SECRET, { nowSeconds: NOW + 10 });
      assert.equal(event.id, 'evt-1');
      assert.equal(constructEvent(Buffer.from(PAYLOAD), headers, [SECRET], { nowSeconds: NOW }).id, 'evt-1');
    });

    it(`${family}: refuses a changed body, another secret, and a replay outside the tolerance`, () => {
      assert.throws(
        () => constructEvent(`${PAYLOAD} `, headers, SECRET, { nowSeconds: NOW }),
        WebhookSignatureError,
      );
      assert.throws(
        () => constructEvent(PAYLOAD, headers, OLD_SECRET, { nowSeconds: NOW }),
        WebhookSignatureError,
      );
      assert.throws(
        () => constructEvent(PAYLOAD, headers, SECRET, { nowSeconds: NOW + 301 }),
        /outside the tolerance \(300 s\)/,
      );
      assert.doesNotThrow(() =>
        constructEvent(PAYLOAD, headers, SECRET, { nowSeconds: NOW + 3600, toleranceSeconds: 3601 }),
      );
      assert.throws(() => constructEvent(PAYLOAD, headers, SECRET, { nowSeconds: NOW - 301 }), /tolerance/);
    });
  }

  it('during a rotation: a header with two signatures verifies with either secret', () => {
    const newer = generateTestHeaders({ payload: PAYLOAD, secret: SECRET, timestamp: NOW, id: 'evt-1' });
    const older = generateTestHeaders({ payload: PAYLOAD, secret: OLD_SECRET, timestamp: NOW, id: 'evt-1' });
    const both = {
      'DigitalRiver-Signature': `${newer['DigitalRiver-Signature']}, ${older['DigitalRiver-Signature']?.split(', ')[1]}`,
      'webhook-id': 'evt-1',
      'webhook-timestamp': String(NOW),
      'webhook-signature': `${newer['webhook-signature']} ${older['webhook-signature']}`,
    };
    for (const family of ['dr', 'standard'] as const) {
      const headers = only(both, family);
      assert.equal(constructEvent(PAYLOAD, headers, OLD_SECRET, { nowSeconds: NOW }).id, 'evt-1', family);
      assert.equal(constructEvent(PAYLOAD, headers, SECRET, { nowSeconds: NOW }).id, 'evt-1', family);
      assert.equal(
        constructEvent(PAYLOAD, headers, ['whsec_other', OLD_SECRET], { nowSeconds: NOW }).id,
        'evt-1',
      );
    }
  });

  it('refuses requests without signature headers, and headers are matched in any case', () => {
    assert.throws(() => constructEvent(PAYLOAD, {}, SECRET), /no signature headers/);
    const headers = generateTestHeaders({ payload: PAYLOAD, secret: SECRET, timestamp: NOW });
    const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
    assert.equal(constructEvent(PAYLOAD, new Headers(lower), SECRET, { nowSeconds: NOW }).id, 'evt-1');
  });

  it("generateTestHeaders' Standard Webhooks family is what the standardwebhooks package verifies", () => {
    const headers = generateTestHeaders({ payload: PAYLOAD, secret: SECRET });
    const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
    assert.deepEqual(new Webhook(SECRET).verify(PAYLOAD, lower), JSON.parse(PAYLOAD));
  });
});
