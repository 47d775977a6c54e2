import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
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
    dir = mkdtempSync(join(tmpdir(), 'tributary-loopback-'));
    server = await serve(['--host', 'localhost', '--db', join(dir, 't.db')]);
  });
  after(async () => {
    await stop(server);
    rmSync(dir, { recursive: true, force: true });
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
});
