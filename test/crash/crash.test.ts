import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { crashTest } from './crasher.js';

// The short form CI runs; `npm run test:crash` runs it longer.
const RUNS = Number(process.env['CRASH_RUNS'] ?? 10);

describe('crash safety (SQLite, a real server process killed with SIGKILL)', () => {
  it(`${RUNS} kills mid-load: acknowledged writes survive, nothing half-applied, retries exactly once`, async () => {
    const report = await crashTest({ runs: RUNS, workers: 8, killAfterMs: [300, 1_200], seed: 20261122 });
    process.stdout.write(`# crash: ${JSON.stringify(report)}\n`);
    assert.equal(report.runs, RUNS);
    assert.ok(report.answered2xx > 0 && report.requests > report.answered2xx);
  });
});
