import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { luhnValid } from '../../src/domain/card/card.js';
import { newAccountId, newClientSecret, newOrderId, newUuid } from '../../src/lib/ids.js';

describe('ids never read as card numbers', () => {
  it('UUIDs: no 4-4-4-4 run of digit groups (1 in ~280 random UUIDs has one)', () => {
    for (let i = 0; i < 100_000; i++) {
      const uuid = newUuid();
      assert.match(uuid, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      assert.doesNotMatch(uuid, /\d{4}-\d{4}-\d{4}-\d{4}/);
      assert.doesNotMatch(newClientSecret('x'), /-\d{4}-\d{4}-\d{4}-/);
    }
  });
  it('numeric ids fail the Luhn check; account ids hold no 13 digits in a row', () => {
    for (let i = 0; i < 100_000; i++) {
      assert.ok(!luhnValid(newOrderId()));
      assert.doesNotMatch(newAccountId(), /\d{13}/);
    }
  });
});
