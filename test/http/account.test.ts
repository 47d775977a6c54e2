import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SCENARIOS } from '../../src/processor/simulator/scenarios.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { storeKinds } from '../helpers/stores.js';

for (const kind of storeKinds()) {
  describe(`account and test helpers (${kind})`, () => {
    let t: TestApp;
    before(async () => {
      t = await buildTestApp(kind);
    });
    after(async () => t.close());

    it("reads and sets the account's settings, per account", async () => {
      const account = await t.api.get('/account');
      assert.equal(account.status, 200);
      assert.equal(account.body.chargebackRiskPolicy, 'tolerant');
      assert.deepEqual(account.body.taxRates, {});
      assert.equal(account.body.liveMode, false);
      assert.match(account.body.clock, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      const averse = await t.api.post('/account', { chargebackRiskPolicy: 'averse', taxRates: { DE: 0.16 } });
      assert.deepEqual([averse.body.chargebackRiskPolicy, averse.body.taxRates], ['averse', { DE: 0.16 }]);
      assert.equal((await t.api.get('/account')).body.chargebackRiskPolicy, 'averse');
      assert.equal(
        (await t.otherApi.get('/account')).body.chargebackRiskPolicy,
        'tolerant',
        'another account is untouched',
      );
      const bad = await t.api.post('/account', { chargebackRiskPolicy: 'reckless' });
      assert.deepEqual([bad.status, bad.body.errors[0].parameter], [400, 'chargebackRiskPolicy']);
      const unknown = await t.api.post('/account', { name: 'x' });
      assert.deepEqual([unknown.status, unknown.body.errors[0].code], [400, 'unknown_parameter']);
      assert.equal((await t.publicApi.get('/account')).status, 403);
    });

    it('lists the simulator scenarios with their cards and behaviour', async () => {
      const listed = await t.api.get('/test-helpers/scenarios');
      assert.equal(listed.status, 200);
      assert.equal(listed.body.data.length, SCENARIOS.length);
      const byCard = new Map<string, any>(
        listed.body.data.flatMap((s: any) => s.cards.map((c: string) => [c, s])),
      );
      assert.deepEqual(byCard.get('4000000000003600').behaviour.authorization, {
        declined: true,
        code: 'declined',
      });
      assert.equal(byCard.get('4000007200000104').behaviour.authorizationExpiresAfterSeconds, 3600);
      assert.deepEqual(byCard.get('4000007200000609').behaviour.review, {
        outcome: 'block',
        afterSeconds: 3600,
      });
      assert.equal(byCard.get('4000000000003295').behaviour.source, 'failed');
      assert.equal((await t.api.get('/test-helpers/scenarios', { key: null })).status, 401);
    });
  });
}
