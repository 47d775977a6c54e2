import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { constructEvent } from '@tributary/sdk';
import {
  collectOutput,
  eventually,
  removeDir,
  spawnTracked,
  stopTracked,
  tempDir,
  waitForOutput,
} from '../helpers/harness.js';
import { Receiver } from '../helpers/receiver.js';
import { BIN, call, ROOT, type Server, serve, stop } from '../helpers/server.js';

/**
 * Issue 23, item 4: served beyond loopback, any account could read the network's internal HTTP
 * services through a webhook (private addresses were allowed by default, and the start of each
 * answer shows in the delivery log), with no word of it at start. Now they are denied by default
 * whenever the server listens beyond loopback (allowed on loopback), the start says which, and
 * TRIBUTARY_WEBHOOK_PRIVATE_ADDRESSES=allow there comes with a warning. `tributary listen`, whose
 * relay is on this machine's loopback, then takes the events over its stream instead (item 8).
 */

const SK = 'sk_test_beyond_loopback';
const PK = 'pk_test_beyond_loopback';
const env = { TRIBUTARY_SECRET_KEY: SK, TRIBUTARY_PUBLIC_KEY: PK };

/** The server listens on every address; it is reached here on 127.0.0.1. */
const reach = (server: Server) => server.url.replace('//localhost:', '//127.0.0.1:');

describe('a server listening beyond loopback', () => {
  let dir: string;
  let server: Server;
  const receiver = new Receiver();
  before(async () => {
    dir = tempDir('beyond');
    server = await serve(['--host', '0.0.0.0', '--db', join(dir, 'beyond.db')], env);
  });
  after(async () => {
    await stop(server);
    await receiver.stop();
    removeDir(dir);
  });

  it('denies private webhook addresses by default, and says so at start', async () => {
    assert.match(
      server.stdout,
      /Webhooks may not point at private or loopback addresses \(listening on 0\.0\.0\.0, beyond loopback; TRIBUTARY_WEBHOOK_PRIVATE_ADDRESSES=allow permits them\)/,
    );
    for (const address of [
      'http://127.0.0.1:8080/internal',
      'http://localhost:5432/',
      'http://10.1.2.3/admin',
      'http://169.254.169.254/latest/meta-data/',
      'http://[::1]:9/',
    ]) {
      const refused = await call(reach(server), SK, 'POST', '/webhooks', { types: ['*'], address });
      assert.deepEqual(
        [refused.status, refused.body.errors[0].code, refused.body.errors[0].parameter],
        [400, 'invalid_parameter', 'address'],
        address,
      );
    }
  });

  it('tributary listen, refused a webhook to its relay, streams the events instead', async () => {
    const forwardTo = await receiver.start();
    const listener = spawnTracked(
      process.execPath,
      [
        BIN,
        'listen',
        '--events',
        'sku.*',
        '--forward-to',
        forwardTo,
        '--api-url',
        reach(server),
        '--key',
        SK,
      ],
      { cwd: ROOT, env: { ...process.env }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const output = collectOutput(listener);
    try {
      await waitForOutput(listener, output, /signing secret is whsec_\S+/, 'tributary listen');
      assert.match(output(), /refuses a webhook to this machine .*; streaming the events instead/);
      assert.match(output(), /streamed from/);
      const secret = /signing secret is (whsec_\S+)/.exec(output())?.[1] ?? '';
      const sku = await call(reach(server), SK, 'PUT', '/skus/beyond-1', {
        name: 'Beyond',
        eccn: 'EAR99',
        taxCode: '4323.310_A',
        countryOfOrigin: 'US',
      });
      assert.equal(sku.status, 201);
      const got = await eventually(
        () => receiver.received.find((r) => JSON.parse(r.body).type === 'sku.created'),
        'sku.created forwarded by listen',
      );
      const event = constructEvent<{ data: { object: { id: string } } }>(
        got.body,
        got.headers as Record<string, string>,
        secret,
      );
      assert.equal(event.data.object.id, 'beyond-1');
      const hooks = await call(reach(server), SK, 'GET', '/webhooks');
      assert.deepEqual(hooks.body.data, [], 'no webhook was left behind');
    } finally {
      assert.equal(await stopTracked(listener, 'SIGINT'), 0);
    }
  });

  it('with TRIBUTARY_WEBHOOK_PRIVATE_ADDRESSES=allow, allows them and warns at start', async () => {
    const open = await serve(['--host', '0.0.0.0', '--db', join(dir, 'open.db')], {
      ...env,
      TRIBUTARY_WEBHOOK_PRIVATE_ADDRESSES: 'allow',
    });
    try {
      assert.match(
        open.stdout,
        /TRIBUTARY_WEBHOOK_PRIVATE_ADDRESSES=allow, listening on 0\.0\.0\.0, beyond loopback/,
      );
      assert.match(
        open.stdout,
        /warning: any account of this server can make it send requests to this network’s internal services/,
      );
      const hook = await call(reach(open), SK, 'POST', '/webhooks', {
        types: ['*'],
        address: 'http://127.0.0.1:9/',
      });
      assert.equal(hook.status, 201);
    } finally {
      await stop(open);
    }
  });
});
