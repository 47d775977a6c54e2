import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cardBrand, cardExpired, luhnValid } from '../../src/domain/card/card.js';
import { SCENARIOS, scenarioForNumber } from '../../src/processor/simulator/scenarios.js';
import { Simulator } from '../../src/processor/simulator/simulator.js';

describe('cards', () => {
  it('checks Luhn and tells brands', () => {
    assert.ok(luhnValid('4444222233331111'));
    assert.ok(!luhnValid('4444222233331112'));
    assert.equal(cardBrand('4444222233331111'), 'Visa');
    assert.equal(cardBrand('5466160000000008'), 'MasterCard');
    assert.equal(cardBrand('343456789012341'), 'American Express');
    assert.equal(cardBrand('6011987698769876'), 'Discover');
    assert.equal(cardBrand('3528987698769879'), 'JCB');
    assert.equal(cardBrand('30345678901235'), 'Diners Club');
    assert.equal(cardBrand('6226220000000009'), 'China UnionPay');
  });
  it('treats a card as valid through the end of its expiry month', () => {
    const now = Date.UTC(2026, 10, 30);
    assert.ok(!cardExpired(11, 2026, now));
    assert.ok(cardExpired(10, 2026, now));
    assert.ok(cardExpired(12, 2025, now));
  });
});

describe('the scenario table', () => {
  it('has every number once, and every DR card and SPEC card', () => {
    const numbers = SCENARIOS.flatMap((s) => s.numbers);
    assert.equal(new Set(numbers).size, numbers.length);
    for (const n of [
      '4000000000003295',
      '4000000000003600',
      '4000000000004103',
      '4000000000004111',
      '4000000000004442',
      '4485951788521565',
      '4556602564240839',
      '4024007120579635',
      '4000000000000028',
      '4000007200000104',
      '4000007200000203',
      '4000007200000302',
      '4000007200000401',
      '4000007200000500',
      '4000007200000609',
    ]) {
      assert.ok(scenarioForNumber(n), `card ${n} is in the table`);
    }
  });
  it('decides source creation and authorization from the table', async () => {
    const simulator = new Simulator();
    const token = simulator.tokenizeCard({
      number: '4000 0000 0000 3295',
      expirationMonth: 1,
      expirationYear: 2031,
    });
    assert.ok(token.ok && token.state === 'failed');
    const visa = simulator.tokenizeCard({
      number: '4242424242424242',
      expirationMonth: 1,
      expirationYear: 2031,
    });
    assert.ok(
      visa.ok &&
        visa.state === 'chargeable' &&
        visa.scenarioId === 'success' &&
        visa.lastFourDigits === '4242',
    );
    assert.deepEqual(
      simulator.tokenizeCard({ number: '4242424242424241', expirationMonth: 1, expirationYear: 2031 }),
      {
        ok: false,
        reason: 'invalid_number',
      },
    );
    const signal = AbortSignal.timeout(10_000);
    const declined = await simulator.authorize(
      {
        reference: 'c',
        scenarioId: 'decline_insufficient_funds',
        amountMinor: 100,
        currency: 'USD',
        nowMs: 0,
      },
      signal,
    );
    assert.ok(!declined.approved && declined.declineCode === 'insufficient_funds');
    const hour = await simulator.authorize(
      {
        reference: 'c',
        scenarioId: 'auth_expires_1h_reauth_granted',
        amountMinor: 100,
        currency: 'USD',
        nowMs: 0,
      },
      signal,
    );
    assert.ok(hour.approved && hour.expiresAtMs === 3_600_000);
  });
});
