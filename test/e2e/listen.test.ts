import assert from 'node:assert/strict';
import { type ChildProcess, execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { constructEvent, generateTestHeaders } from '@tributary/sdk';
import { Webhook } from 'standardwebhooks';
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

/** `tributary listen` and `tributary trigger` against a served Tributary, over real HTTP. */

const root = new URL('../..', import.meta.url).pathname;
const BIN = join(root, 'bin/tributary.js');
const run = promisify(execFile);
const KEY = 'sk_test_listen_e2e_key';
const PUBLIC_KEY = 'pk_test_listen_e2e_key';

/** Starts the command (its process group killed when this file ends) and waits for `ready`. */
async function startAndWait(
  args: string[],
  env: Record<string, string>,
  ready: RegExp,
): Promise<{ child: ChildProcess; output: () => string }> {
  const child = spawnTracked(process.execPath, [BIN, ...args], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = collectOutput(child);
  await waitForOutput(child, output, ready, `tributary ${args[0]}`);
  return { child, output };
}

const stop = (child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM') => stopTracked(child, signal);

describe('tributary listen and trigger', () => {
  const receiver = new Receiver();
  let dir: string;
  let server: ChildProcess;
  let apiUrl: string;
  let forwardTo: string;
  before(async () => {
    dir = tempDir('listen');
    forwardTo = await receiver.start();
    const started = await startAndWait(
      ['serve', '--host', '127.0.0.1', '--port', '0', '--db', join(dir, 'listen.db')],
      { TRIBUTARY_SECRET_KEY: KEY, TRIBUTARY_PUBLIC_KEY: PUBLIC_KEY, LOG_LEVEL: 'warn' },
      /serving the API on http:\/\/\S+[\s\S]*secret key/,
    );
    server = started.child;
    apiUrl = /serving the API on (http:\/\/\S+)/.exec(started.output())?.[1] ?? '';
  });
  after(async () => {
    await stop(server);
    await receiver.stop();
    removeDir(dir);
  });

  it('forwards the events a trigger produces, signed, and removes its webhook on exit', async () => {
    const listener = await startAndWait(
      ['listen', '--forward-to', forwardTo, '--api-url', apiUrl, '--key', KEY],
      {},
      /signing secret is whsec_\S+/,
    );
    const secret = /signing secret is (whsec_\S+)/.exec(listener.output())?.[1] ?? '';
    const triggered = await run(
      process.execPath,
      [BIN, 'trigger', 'capture.complete', '--api-url', apiUrl, '--key', KEY],
      { cwd: root },
    );
    assert.match(triggered.stdout, /Scenario capture.complete/);
    assert.match(triggered.stdout, /order\.accepted/);
    assert.match(triggered.stdout, /order\.charge\.capture\.complete/);
    await eventually(
      () => receiver.events(200).some((e) => e.type === 'order.charge.capture.complete'),
      'order.charge.capture.complete forwarded',
    );
    const types = receiver.events(200).map((e) => e.type);
    for (const type of [
      'checkout.created',
      'order.accepted',
      'fulfillment.created',
      'order.charge.capture.complete',
    ])
      assert.ok(types.includes(type), type);
    for (const r of receiver.received)
      new Webhook(secret).verify(r.body, r.headers as Record<string, string>);
    assert.match(listener.output(), /order\.accepted\s+\S+\s+→ 200/);
    // the relay checks signatures with the SDK: a forged delivery is refused, not forwarded
    const hooked = await fetch(`${apiUrl}/webhooks`, { headers: { authorization: `Bearer ${KEY}` } });
    const relay = ((await hooked.json()) as { data: { address: string }[] }).data[0]?.address ?? '';
    const forged = JSON.stringify({ id: 'forged', type: 'order.accepted', data: { object: {} } });
    const before = receiver.received.length;
    const answer = await fetch(relay, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...generateTestHeaders({ payload: forged, secret: 'whsec_bm90IHRoZSBzZWNyZXQ=' }),
      },
      body: forged,
    });
    assert.equal(answer.status, 400);
    assert.equal(receiver.received.length, before, 'nothing forwarded');
    await eventually(() => /refused:/.test(listener.output()), 'the relay to print its refusal');
    assert.match(listener.output(), /refused: no webhook-signature matches/);
    assert.equal(await stop(listener.child, 'SIGINT'), 0);
    const hooks = await fetch(`${apiUrl}/webhooks`, { headers: { authorization: `Bearer ${KEY}` } });
    assert.deepEqual(((await hooks.json()) as { data: unknown[] }).data, []);
  });

  it('logs tail prints the requests that match, as they are answered, until stopped', async () => {
    const tail = await startAndWait(
      ['logs', 'tail', '--status', '4xx', '--path', '/orders', '--api-url', apiUrl, '--key', KEY],
      {},
      /following the request log/,
    );
    const call = (path: string, init: RequestInit = {}) =>
      fetch(`${apiUrl}${path}`, {
        ...init,
        headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
      }).then(async (r) => ({
        status: r.status,
        id: r.headers.get('x-dr-requestid') ?? '',
        text: await r.text(),
      }));
    const missing = await call('/orders/404404404');
    const listed = await call('/orders');
    const refused = await call('/checkouts', { method: 'POST', body: '{}' });
    const second = await call('/orders/505505505');
    assert.deepEqual([missing.status, listed.status, refused.status, second.status], [404, 200, 400, 404]);
    await eventually(() => tail.output().includes(second.id), 'logs tail to print the last request');
    const lines = tail
      .output()
      .split('\n')
      .filter((l) => / (GET|POST) /.test(l));
    assert.equal(lines.length, 2, tail.output());
    assert.match(lines[0] ?? '', new RegExp(`404 GET +/orders/404404404 \\d+ms ${missing.id} not_found`));
    assert.ok(lines[1]?.includes(second.id), tail.output());
    assert.ok(!tail.output().includes(listed.id) && !tail.output().includes(refused.id));
    assert.equal(await stop(tail.child, 'SIGINT'), 0);
  });

  const cli = (...args: string[]) =>
    run(process.execPath, [BIN, ...args, '--api-url', apiUrl, '--key', KEY], {
      cwd: root,
      env: { ...process.env, TRIBUTARY_PUBLIC_KEY: PUBLIC_KEY },
    });
  const get = async (path: string) =>
    (await fetch(`${apiUrl}${path}`, { headers: { authorization: `Bearer ${KEY}` } })).json() as Promise<any>;

  it('trigger takes overrides, and runs on an existing order', async () => {
    const { stdout } = await cli(
      'trigger',
      'order.accepted',
      '--override',
      'items[0].price=50',
      '--override',
      'email=override@example.com',
    );
    const orderId = /order (\d+) \(accepted\)/.exec(stdout)?.[1] ?? '';
    assert.ok(orderId, stdout);
    const order = await get(`/orders/${orderId}`);
    assert.equal(order.items[0].amount, 50);
    assert.equal(order.email, 'override@example.com');
    const refunded = await cli(
      'trigger',
      'refund.complete',
      '--order',
      orderId,
      '--override',
      'refund.amount=7',
    );
    assert.match(refunded.stdout, new RegExp(`order ${orderId} \\(accepted, existing\\)`));
    assert.match(refunded.stdout, /refund re_/);
    assert.equal((await get(`/orders/${orderId}`)).refundedAmount, 7);
    await assert.rejects(cli('trigger', 'order.accepted', '--order', orderId), /makes its own order/);
    await assert.rejects(cli('trigger', 'order.accepted', '--override', 'nonsense'), /needs path=value/);
  });

  it('fixtures run a chain of requests with references to earlier answers (both shipped examples)', async () => {
    const first = await cli('fixtures', join(root, 'fixtures/order-fulfilled-refunded.json'));
    const orderId = /order +POST \/orders → 201 (\d+)/.exec(first.stdout)?.[1] ?? '';
    assert.ok(orderId, first.stdout);
    assert.match(first.stdout, /fulfillment +POST \/fulfillments → 201 ful_/);
    assert.match(first.stdout, new RegExp(`final +GET /orders/${orderId} → 200`));
    const order = await get(`/orders/${orderId}`);
    assert.deepEqual([order.state, order.refundedAmount], ['complete', 5]);
    const second = await cli('fixtures', join(root, 'fixtures/reauthorization-refused.json'));
    assert.match(second.stdout, /fulfillment +POST \/fulfillments → 409 payment_authorization_failed/);
    assert.equal((await get('/account')).chargebackRiskPolicy, 'tolerant');
    const broken = join(dir, 'broken.json');
    writeFileSync(
      broken,
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the fixtures' reference syntax, not a template
      JSON.stringify({ fixtures: [{ name: 'a', method: 'GET', path: '/orders/${nope:id}' }] }),
    );
    await assert.rejects(cli('fixtures', broken), /names no earlier step/);
  });

  it('events resend sends an event again to a webhook', async () => {
    const hook = await fetch(`${apiUrl}/webhooks`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ types: ['sku.created'], address: forwardTo }),
    }).then((r) => r.json() as Promise<{ id: string }>);
    await fetch(`${apiUrl}/skus/resend-me`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'x', eccn: 'EAR99', taxCode: '4323.310_A', countryOfOrigin: 'US' }),
    });
    const event = (await get('/events?type=sku.created&limit=1')).data[0];
    const seen = () => receiver.events().filter((e) => e.id === event.id).length;
    await eventually(() => seen() >= 1, 'the sku.created delivery');
    assert.equal(seen(), 1);
    const { stdout } = await cli('events', 'resend', event.id, '--webhook', hook.id);
    assert.match(stdout, new RegExp(`event ${event.id} queued again for ${hook.id}`));
    await eventually(() => seen() >= 2, 'the event delivered again');
    assert.equal(seen(), 2, 'delivered again');
    await fetch(`${apiUrl}/webhooks/${hook.id}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${KEY}` },
    });
  });

  it('listen --stream takes the events over one long-lived connection (as from a remote server), signed for the session', async () => {
    const listener = await startAndWait(
      [
        'listen',
        '--stream',
        '--events',
        'order.*',
        '--forward-to',
        `${forwardTo}/streamed`,
        '--api-url',
        apiUrl,
        '--key',
        KEY,
      ],
      {},
      /signing secret is whsec_\S+/,
    );
    assert.match(listener.output(), /streamed from/);
    const secret = /signing secret is (whsec_\S+)/.exec(listener.output())?.[1] ?? '';
    const { stdout } = await cli('trigger', 'order.accepted');
    const orderId = /order (\d+) \(accepted\)/.exec(stdout)?.[1] ?? '';
    const streamed = () => receiver.received.filter((r) => r.path === '/hooks/streamed');
    await eventually(
      () => streamed().some((r) => JSON.parse(r.body).type === 'order.accepted'),
      'order.accepted streamed and forwarded',
    );
    const got = streamed().map((r) =>
      constructEvent<{ type: string; data: { object: { id: string } } }>(
        r.body,
        r.headers as Record<string, string>,
        secret,
      ),
    );
    assert.deepEqual(
      got.map((e) => e.type),
      ['order.created', 'order.charge.capturable', 'order.accepted'],
      'only order.* events, in order, each verified with the session secret',
    );
    assert.equal(got.at(-1)?.data.object.id, orderId);
    // no webhook was registered for it
    assert.deepEqual((await get('/webhooks')).data, []);
    assert.equal(await stop(listener.child, 'SIGINT'), 0);
    // a wrong key fails at once, in one line
    await assert.rejects(
      run(
        process.execPath,
        [
          BIN,
          'listen',
          '--stream',
          '--forward-to',
          forwardTo,
          '--api-url',
          apiUrl,
          '--key',
          'sk_test_wrong_key_1',
        ],
        { cwd: root },
      ),
      /answered 401/,
    );
  });

  it('triggers the risk-averse reauthorization failure and restores the policy', async () => {
    const { stdout } = await run(
      process.execPath,
      [BIN, 'trigger', 'reauth.failed.averse', '--api-url', apiUrl, '--key', KEY],
      { cwd: root },
    );
    assert.match(stdout, /409 payment_authorization_failed/);
    assert.match(stdout, /order\.charge\.reauth\.failed/);
    const response = await fetch(`${apiUrl}/account`, { headers: { authorization: `Bearer ${KEY}` } });
    const account = (await response.json()) as { chargebackRiskPolicy: string };
    assert.equal(account.chargebackRiskPolicy, 'tolerant');
    await assert.rejects(
      run(process.execPath, [BIN, 'trigger', 'nope', '--api-url', apiUrl, '--key', KEY], { cwd: root }),
      /unknown scenario/,
    );
  });
});
