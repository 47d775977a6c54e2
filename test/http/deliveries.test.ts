import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { RETRY_DELAYS_SECONDS, RETRY_JITTER } from '../../src/domain/webhook/schedule.js';
import { DeliveryWorker, KEPT_RESPONSE_BODY } from '../../src/jobs/deliveries.js';
import { newEvent } from '../../src/services/context.js';
import { buildTestApp, errorOf, type TestApp } from '../helpers/app.js';
import { advance, SKU } from '../helpers/fixtures.js';
import { Receiver } from '../helpers/receiver.js';
import { storeKinds } from '../helpers/stores.js';

const EVENTS = 1_000;

for (const kind of storeKinds()) {
  describe(`webhook delivery: outages, refusals, commits, private addresses (${kind})`, () => {
    let t: TestApp;
    let worker: DeliveryWorker;
    const receiver = new Receiver();
    let address: string;
    before(async () => {
      t = await buildTestApp(kind);
      address = await receiver.start();
      worker = new DeliveryWorker(t.deps);
    });
    after(async () => {
      await worker.stop();
      await receiver.stop();
      await t.close();
    });

    it(`survives an outage: ${EVENTS} events retried on schedule, then all delivered`, async () => {
      receiver.received.length = 0;
      receiver.behaviour = () => ({ status: 503 });
      const { id } = (await t.api.post('/webhooks', { types: ['sku.created'], address })).body;
      for (let i = 0; i < EVENTS; i++) assert.equal((await t.api.put(`/skus/outage-${i}`, SKU)).status, 201);
      await worker.drain(120_000);
      // three more failing steps of the schedule, then the receiver recovers
      for (const delay of RETRY_DELAYS_SECONDS.slice(0, 3)) {
        await advance(t.api, Math.ceil(delay * (1 + RETRY_JITTER)) + 1);
        await worker.drain(120_000);
      }
      receiver.behaviour = () => ({ status: 200 });
      await advance(t.api, Math.ceil((RETRY_DELAYS_SECONDS[3] ?? 0) * (1 + RETRY_JITTER)) + 1);
      await worker.drain(120_000);

      const delivered = new Set(receiver.events(200).map((e) => e.id));
      const events = (
        await t.store.read((tx) => tx.events.list(accountOf(t), { types: ['sku.created'] }, { limit: 100 }))
      ).data;
      assert.equal(delivered.size, EVENTS, 'every event delivered once the receiver recovered');
      for (const event of events) assert.ok(delivered.has(event.id));
      // the same webhook-id on every attempt of an event
      const ids = new Map<string, Set<string>>();
      for (const r of receiver.received) {
        const eventId = JSON.parse(r.body).id as string;
        ids.set(eventId, (ids.get(eventId) ?? new Set()).add(String(r.headers['webhook-id'])));
      }
      for (const [eventId, seen] of ids) assert.deepEqual([...seen], [eventId]);
      assert.equal(receiver.received.length, EVENTS * 5, 'four failed attempts and one success each');
      // every attempt is recorded, and the times follow the published schedule
      const attempts = await t.store.read((tx) =>
        tx.webhooks.attempts(accountOf(t), { webhookId: id }, { limit: 100 }),
      );
      assert.ok(attempts.hasMore);
      const all: { deliveryId: string; number: number; scheduledAt: number; outcome: string }[] = [];
      let cursor: string | undefined;
      for (;;) {
        const page = await t.store.read((tx) =>
          tx.webhooks.attempts(accountOf(t), { webhookId: id }, { limit: 100, startingAfter: cursor }),
        );
        all.push(...page.data);
        if (!page.hasMore) break;
        cursor = page.data.at(-1)?.id;
      }
      assert.equal(all.length, EVENTS * 5);
      const byDelivery = new Map<string, typeof all>();
      for (const a of all) byDelivery.set(a.deliveryId, [...(byDelivery.get(a.deliveryId) ?? []), a]);
      for (const list of byDelivery.values()) {
        list.sort((a, b) => a.number - b.number);
        // each failed attempt says when the next is due: when the next one was scheduled
        for (let n = 0; n < list.length - 1; n++)
          assert.equal((list[n] as { nextAttemptAt?: number }).nextAttemptAt, list[n + 1]?.scheduledAt);
        assert.equal((list.at(-1) as { nextAttemptAt?: number }).nextAttemptAt, null, 'none after delivery');
        assert.deepEqual(
          list.map((a) => a.outcome),
          ['failed', 'failed', 'failed', 'failed', 'delivered'],
        );
        for (let n = 1; n < list.length; n++) {
          const gap = ((list[n]?.scheduledAt ?? 0) - (list[n - 1]?.scheduledAt ?? 0)) / 1000;
          const delay = RETRY_DELAYS_SECONDS[n - 1] ?? 0;
          assert.ok(
            gap >= delay * (1 - RETRY_JITTER) - 0.001 && gap <= delay * (1 + RETRY_JITTER) + 0.001,
            `gap ${gap} s after attempt ${n}`,
          );
        }
      }
      const api = await t.api.get(`/webhooks/${id}/deliveries?outcome=failed&limit=3`);
      assert.deepEqual(
        api.body.data.map((a: any) => a.outcome),
        ['failed', 'failed', 'failed'],
      );
      // what each attempt sent and got back
      const [failed] = api.body.data;
      assert.equal(failed.requestBody.id, failed.eventId);
      assert.equal(failed.requestHeaders['webhook-id'], failed.eventId);
      assert.match(failed.requestHeaders['webhook-signature'], /^v1,/);
      assert.equal(failed.responseBody, 'ok');
      assert.equal(failed.status, 503);
      assert.match(failed.nextAttemptTime ?? '', /^\d{4}-\d\d-\d\dT/);
      const ok = (await t.api.get(`/webhooks/${id}/deliveries?outcome=delivered&limit=1`)).body.data[0];
      assert.equal(ok.nextAttemptTime, undefined);
      assert.equal(ok.status, 200);
      await t.api.delete(`/webhooks/${id}`);
    });

    it('keeps the first 2 KiB of an answer, as README says, cut on a character', async () => {
      // one byte, then two-byte characters: byte 2,048 falls inside one
      receiver.behaviour = () => ({ status: 500, body: `x${'é'.repeat(3_000)}` });
      const { id } = (await t.api.post('/webhooks', { types: ['customer.created'], address })).body;
      await t.api.post('/customers', {});
      await worker.drain();
      const [attempt] = (await t.api.get(`/webhooks/${id}/deliveries?limit=1`)).body.data;
      assert.equal(attempt.status, 500);
      const kept = attempt.responseBody as string;
      assert.ok(kept.endsWith('…'), 'marked as cut');
      assert.equal(
        kept.slice(0, -1),
        `x${'é'.repeat(KEPT_RESPONSE_BODY / 2 - 1)}`,
        'its first 2,048 bytes, less the character cut in two',
      );
      receiver.behaviour = () => ({ status: 200 });
      await t.api.delete(`/webhooks/${id}`);
    });

    it('disables a webhook at once when the receiver answers 410', async () => {
      receiver.received.length = 0;
      receiver.behaviour = () => ({ status: 410 });
      const { id } = (await t.api.post('/webhooks', { types: ['customer.created'], address })).body;
      await t.api.post('/customers', {});
      await worker.drain();
      const hook = (await t.api.get(`/webhooks/${id}`)).body;
      assert.equal(hook.enabled, false);
      const [disabled] = (await t.api.get('/events?type=webhook.disabled&limit=1')).body.data;
      assert.equal(disabled.data.object.id, id);
      await t.api.post('/customers', {});
      await advance(t.api, 3600);
      await worker.drain();
      assert.equal(receiver.received.length, 1, 'nothing more is sent to a disabled webhook');
      const [newest] = (await t.api.get('/events?type=customer.created&limit=1')).body.data;
      assert.deepEqual(newest.webhookIds, []);
      await t.api.delete(`/webhooks/${id}`);
    });

    it('counts a redirect as a failure and never follows it', async () => {
      receiver.received.length = 0;
      receiver.behaviour = ({ path }) =>
        path === '/hooks'
          ? { status: 302, headers: { location: address.replace('/hooks', '/elsewhere') } }
          : { status: 200 };
      const { id } = (await t.api.post('/webhooks', { types: ['customer.created'], address })).body;
      await t.api.post('/customers', {});
      await worker.drain();
      const [attempt] = (await t.api.get(`/webhooks/${id}/deliveries`)).body.data;
      assert.deepEqual([attempt.outcome, attempt.status], ['failed', 302]);
      assert.match(attempt.error, /not followed/);
      assert.equal(receiver.received.length, 1, 'the redirect target was never called');
      await t.api.delete(`/webhooks/${id}`);
    });

    it('gives a receiver 3 seconds', async () => {
      receiver.received.length = 0;
      // the answer would come at 5 s: an attempt that ends well before it ended at its 3 s bound
      // (the margin is for a loaded machine's scheduling)
      receiver.behaviour = () => ({ status: 200, delayMs: 5_000 });
      const { id } = (await t.api.post('/webhooks', { types: ['customer.created'], address })).body;
      await t.api.post('/customers', {});
      await worker.drain();
      const [attempt] = (await t.api.get(`/webhooks/${id}/deliveries`)).body.data;
      assert.equal(attempt.outcome, 'failed');
      assert.match(attempt.error, /timed out after 3000 ms/);
      assert.ok(attempt.durationMs >= 2_900 && attempt.durationMs < 4_500, String(attempt.durationMs));
      receiver.behaviour = () => ({ status: 200 });
      await t.api.delete(`/webhooks/${id}`);
    });

    it('does not let a receiver that drips its answer hold an attempt open', async () => {
      // headers at once, then a byte a second for ten seconds
      const { createServer } = await import('node:http');
      const dripping = createServer((request, response) => {
        request.resume();
        response.writeHead(200, { 'content-type': 'text/plain' });
        let left = 10;
        const timer = setInterval(() => {
          if (response.destroyed || left-- === 0) {
            clearInterval(timer);
            response.end();
            return;
          }
          response.write('.');
        }, 1_000);
        response.on('close', () => clearInterval(timer));
      });
      await new Promise<void>((resolve) => dripping.listen(0, '127.0.0.1', resolve));
      const port = (dripping.address() as import('node:net').AddressInfo).port;
      try {
        const { id } = (
          await t.api.post('/webhooks', { types: ['customer.created'], address: `http://127.0.0.1:${port}/` })
        ).body;
        await t.api.post('/customers', {});
        const started = Date.now();
        await worker.drain();
        const [attempt] = (await t.api.get(`/webhooks/${id}/deliveries`)).body.data;
        assert.deepEqual([attempt.outcome, attempt.status], ['delivered', 200]);
        assert.ok(Date.now() - started < 6_000, `recorded after ${Date.now() - started} ms`);
        await t.api.delete(`/webhooks/${id}`);
      } finally {
        dripping.closeAllConnections();
        dripping.close();
      }
    });

    it('sends nothing for a change that rolled back', async () => {
      receiver.received.length = 0;
      const { id } = (await t.api.post('/webhooks', { types: ['*'], address })).body;
      await worker.drain(); // (its own webhook.created)
      receiver.received.length = 0;
      await assert.rejects(
        t.store.transaction(async (tx) => {
          await tx.events.append([newEvent(accountOf(t), 'sku.created', { id: 'ghost' }, Date.now())]);
          throw new Error('roll back');
        }),
        /roll back/,
      );
      await worker.drain();
      assert.deepEqual(receiver.received, []);
      assert.equal(await t.store.read((tx) => tx.webhooks.countPending(accountOf(t))), 0);
      await t.api.delete(`/webhooks/${id}`);
    });
  });

  describe(`private webhook addresses denied (${kind})`, () => {
    let t: TestApp;
    const receiver = new Receiver();
    let address: string;
    before(async () => {
      t = await buildTestApp(kind, { settings: { webhookPrivateAddresses: 'deny' } });
      address = await receiver.start();
    });
    after(async () => {
      await receiver.stop();
      await t.close();
    });

    it('refuses loopback, private, link-local, IPv4-mapped IPv6 and names resolving to them', async () => {
      for (const host of [
        '127.0.0.1',
        '10.0.0.7',
        '192.168.0.10',
        '169.254.169.254',
        '[::1]',
        '[::ffff:127.0.0.1]',
        '[fe80::1]',
        'localhost',
        'no-such-host.invalid',
      ]) {
        assert.deepEqual(
          errorOf(await t.api.post('/webhooks', { types: ['*'], address: `http://${host}:8080/hooks` })),
          [400, 'invalid_parameter', 'address'],
          host,
        );
      }
      const allowed = await t.api.post('/webhooks', { types: ['*'], address: 'https://93.184.216.34/hooks' });
      assert.equal(allowed.status, 201);
      assert.equal((await t.api.delete(`/webhooks/${allowed.body.id}`)).status, 204);
    });

    it('refuses them again at delivery time', async () => {
      // a webhook registered before the deny mode, to a loopback address and to a name for it
      const open = await buildTestApp(kind);
      try {
        for (const url of [address, address.replace('127.0.0.1', 'localhost')]) {
          const webhook = {
            accountId: accountOf(t),
            id: crypto.randomUUID(),
            address: url,
            types: ['customer.created'],
            apiVersion: 'default',
            expand: false,
            enabled: true,
            transportType: 'HTTP' as const,
            authentication: null,
            secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
            previousSecret: null,
            previousSecretUntil: null,
            disabledReason: null,
            createdAt: Date.now(),
            updatedAt: Date.now(),
          };
          await t.store.transaction((tx) => tx.webhooks.insert(webhook));
        }
      } finally {
        await open.close();
      }
      const worker = new DeliveryWorker(t.deps);
      try {
        await t.api.post('/customers', {});
        await worker.drain();
      } finally {
        await worker.stop();
      }
      assert.deepEqual(receiver.received, []);
      const attempts = (await t.store.read((tx) => tx.webhooks.attempts(accountOf(t), {}, { limit: 10 })))
        .data;
      assert.equal(
        attempts.length,
        2,
        JSON.stringify(attempts.map((a) => [a.webhookId, a.eventType, a.error])),
      );
      for (const a of attempts) assert.match(a.error ?? '', /private address \(denied\)/);
    });
  });
}

const accountOf = (t: TestApp): string => t.accountId;
