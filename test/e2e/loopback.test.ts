import assert from 'node:assert/strict';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { removeDir, tempDir } from '../helpers/harness.js';
import { type Server, serve, stop } from '../helpers/server.js';

/**
 * Issue 15, item 6: `--host localhost` (the default) answers on both loopbacks, whichever of them
 * the hosts file maps `localhost` to, so a browser or a client that tries ::1 first reaches it.
 */
const hasIpv6Loopback = Object.values(networkInterfaces())
  .flat()
  .some((a) => a?.family === 'IPv6' && a.address === '::1');

describe('a server on localhost', () => {
  let dir: string;
  let server: Server;
  before(async () => {
    dir = tempDir('loopback');
    server = await serve(['--host', 'localhost', '--db', join(dir, 't.db')]);
  });
  after(async () => {
    await stop(server);
    removeDir(dir);
  });

  it('answers on 127.0.0.1 and on ::1', {
    skip: hasIpv6Loopback ? false : 'no IPv6 loopback here',
  }, async () => {
    const port = new URL(server.url).port;
    assert.match(server.url, /^http:\/\/localhost:\d+$/);
    for (const host of ['127.0.0.1', '[::1]']) {
      const response = await fetch(`http://${host}:${port}/openapi.json`);
      assert.equal(response.status, 200, host);
      await response.arrayBuffer();
    }
  });

  it('says at start that webhooks may point at private addresses (loopback only)', () => {
    assert.match(
      server.stdout,
      /Webhooks may point at private and loopback addresses \(listening on loopback only; TRIBUTARY_WEBHOOK_PRIVATE_ADDRESSES=deny refuses them\)/,
    );
  });
});
