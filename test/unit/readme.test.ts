import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { SCENARIOS } from '../../src/processor/simulator/scenarios.js';

describe('README', () => {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8').replace(
    /(\d) (?=\d)/g,
    '$1',
  );
  it('lists every test card of the simulator', () => {
    const missing = SCENARIOS.flatMap((s) => s.numbers).filter((n) => !readme.includes(n));
    assert.deepEqual(missing, []);
  });
  it('shows the quick start and the test command', () => {
    assert.ok(readme.includes('npm ci && npm start'));
    assert.ok(readme.includes('npm ci && npm test'));
  });
});
