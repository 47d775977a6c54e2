import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { collectOutput, spawnTracked, waitForOutput } from '../helpers/harness.js';
import { ROOT } from '../helpers/server.js';
import { storeKinds } from '../helpers/stores.js';

/**
 * Issue 23, item 1: a server stopped during a webhook retry backlog never ended. The delivery
 * worker's stop missed a claim under way; its sends then wrote after the store had closed, and
 * the store tried again forever, without yielding to timers (100 % CPU, memory growing, the grace
 * timer never firing). Now a store refuses everything once closed, lets what was queued before
 * finish, and the worker stops its claims and sends before the store closes.
 *
 * The scenario runs in a process of its own: on code that spins, that process never answers, and
 * this test kills it after a bounded wait and says so, instead of hanging the suite.
 */
const FIXTURE = join(ROOT, 'test/store/fixtures/closing.ts');
const ANSWER_WITHIN_MS = 60_000;

for (const kind of storeKinds()) {
  describe(`a store that closes (${kind})`, () => {
    it('finishes what was queued, then refuses at once and never spins; a stopped delivery worker sends and writes nothing more', async () => {
      const child = spawnTracked(process.execPath, ['--import', 'tsx', FIXTURE, kind], {
        cwd: ROOT,
        env: { ...process.env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const output = collectOutput(child);
      const line = await waitForOutput(
        child,
        output,
        /^\{.*\}$/m,
        'the closing scenario (a store that spins after close never answers)',
        ANSWER_WITHIN_MS,
      );
      const report = JSON.parse(line[0]);
      assert.deepEqual(report, {
        queuedBeforeClose: 'committed',
        transactionAfterClose: 'closed',
        readAfterClose: 'closed',
        leadsAfterClose: false,
        closedTwice: true,
        claimedDuringStop: report.claimedDuringStop,
        tickAfterStop: 0,
        storeUsedAfterClose: [],
        timersRan: true,
      });
      assert.equal(typeof report.claimedDuringStop, 'number', 'the claim under way ended');
    });
  });
}
