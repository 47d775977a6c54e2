import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { removeDir, tempDir } from '../helpers/harness.js';
import { ROOT, type Server, serve, stop } from '../helpers/server.js';

/**
 * Issue 15, item 6: README's walk-through works pasted as it is on a fresh start with the pinned
 * keys it tells you to start with. The blocks marked `<!-- walkthrough -->` run in order in one
 * bash (so ORDER and ITEM flow from one block to the next, as in a terminal), against a fresh
 * server; only the address is changed, from localhost:8080 to the test server's port.
 */
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
const BLOCKS = [...README.matchAll(/<!-- walkthrough -->\n```sh\n([\s\S]*?)```/g)].map((m) => m[1] ?? '');
const tools = ['curl', 'jq'].filter((tool) => spawnSync('which', [tool]).status !== 0);

describe("README's walk-through", { skip: tools.length ? `needs ${tools.join(' and ')}` : false }, () => {
  let dir: string;
  let server: Server;
  before(async () => {
    dir = tempDir('readme');
    server = await serve(['--db', join(dir, 't.db')], {
      TRIBUTARY_SECRET_KEY: 'sk_test_local123',
      TRIBUTARY_PUBLIC_KEY: 'pk_test_local123',
    });
  });
  after(async () => {
    await stop(server);
    removeDir(dir);
  });

  it('has its blocks: the order, the fulfilment and refund, seed 002', () => {
    assert.equal(BLOCKS.length, 3);
    assert.ok(BLOCKS[0]?.includes('API=http://localhost:8080'));
  });

  it('runs pasted as it is, each step answering what its comment says', () => {
    const script = BLOCKS.join('\n').replace('API=http://localhost:8080', `API=${server.url}`);
    const output = execFileSync('bash', ['-euo', 'pipefail', '-c', script], { encoding: 'utf8' });
    const lines = output.trim().split('\n');
    assert.match(lines[0] ?? '', /^\{"id":"[0-9a-f-]{36}","state":"chargeable"\}$/, output);
    const order = JSON.parse(lines[1] ?? '{}');
    assert.match(order.id, /^\d+$/, output);
    assert.deepEqual([order.state, order.charge], ['accepted', 'capturable'], output);
    assert.deepEqual(
      lines.slice(2, 5),
      ['order.accepted', 'order.charge.capturable', 'order.created'],
      output,
    );
    assert.ok(output.includes('"complete"'), output);
    assert.match(output, /\{"id":"re_[^"]+","state":"pending","amount":5\}/, output);
    assert.ok(output.includes('"averse"'), output);
    assert.equal(
      lines.at(-1),
      '{"code":"payment_authorization_failed","parameter":"orderId","description":"Fulfillment cannot be processed because the payment authorization has expired"}',
      output,
    );
  });
});
