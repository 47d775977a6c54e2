import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { sdkTypes } from '../../scripts/sdk-types.js';

describe("the SDK's types", () => {
  it('are what scripts/sdk-types.ts makes from the OpenAPI document (regenerate after changing a route)', async () => {
    const committed = readFileSync(new URL('../../sdk/src/api.ts', import.meta.url), 'utf8');
    assert.ok(
      committed === (await sdkTypes()),
      'sdk/src/api.ts is stale: run node --import tsx scripts/sdk-types.ts',
    );
  });
});
