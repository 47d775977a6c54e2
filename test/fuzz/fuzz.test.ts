import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { storeKinds } from '../helpers/stores.js';
import { fuzz } from './fuzzer.js';

// The short, seeded form CI runs (`npm run fuzz` runs longer, with a fresh seed).
const SEED = Number(process.env['FUZZ_SEED'] ?? 20261122);
const REQUESTS = Number(process.env['FUZZ_REQUESTS'] ?? 20_000);

describe('fuzzed requests from /openapi.json', () => {
  it(`${REQUESTS} requests (seed ${SEED}, SQLite): no 5xx, every 4xx DR's envelope, every 2xx DR's shape`, async () => {
    const kind = storeKinds().includes('sqlite') ? 'sqlite' : 'postgres';
    const report = await fuzz(kind, SEED, REQUESTS);
    process.stdout.write(
      `# fuzz: ${report.requests} requests over ${report.operations} operations, seed ${report.seed}; statuses ${JSON.stringify(report.statuses)}\n`,
    );
    assert.equal(report.requests, REQUESTS);
    assert.ok(report.operations >= 55, `only ${report.operations} operations in /openapi.json`);
    assert.deepEqual(report.failures, []);
  });

  // PostgreSQL refuses what SQLite keeps (NUL, invalid UTF-8): a shorter run there too
  const PG_REQUESTS = Math.ceil(REQUESTS / 5);
  if (storeKinds().includes('postgres'))
    it(`${PG_REQUESTS} requests (seed ${SEED + 1}, PostgreSQL): no 5xx, every 4xx DR's envelope`, async () => {
      const report = await fuzz('postgres', SEED + 1, PG_REQUESTS);
      process.stdout.write(
        `# fuzz (PostgreSQL): ${report.requests} requests, seed ${report.seed}; statuses ${JSON.stringify(report.statuses)}\n`,
      );
      assert.deepEqual(report.failures, []);
    });
});
