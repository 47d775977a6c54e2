import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { DeliveryWorker } from '../../src/jobs/deliveries.js';
import {
  DELIVERY_CONCURRENCY_MAX,
  DELIVERY_CONCURRENCY_PER_ACCOUNT_MAX,
  DELIVERY_CONCURRENCY_PER_WEBHOOK_MAX,
} from '../../src/limits.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { eventually } from '../helpers/harness.js';
import { Receiver } from '../helpers/receiver.js';
import { storeKinds } from '../helpers/stores.js';

/**
 * Issue 23, item 3: four webhooks of one account whose receivers never answer filled the shared
 * 256 slots of the delivery worker (64 per webhook), and another account's delivery waited behind
 * their 3 s timeouts (13–65 s instead of ~30 ms). Now one webhook takes at most
 * DELIVERY_CONCURRENCY_PER_WEBHOOK_MAX slots and one account DELIVERY_CONCURRENCY_PER_ACCOUNT_MAX:
 * the silent account's requests in flight never pass its cap, and the other account's delivery
 * arrives while they still hang.
 */

/** A receiver that accepts connections and reads requests but never answers one. */
class Silent {
  private readonly server: Server = createServer((socket) => this.accept(socket));
  private readonly sockets = new Set<Socket>();
  /** requests begun (a connection carries one at a time: every attempt is a new request) */
  requests = 0;
  /** connections the worker gave up on (its timeout) */
  abandoned = 0;
  /** the most connections open at once */
  mostOpen = 0;

  private accept(socket: Socket): void {
    this.sockets.add(socket);
    this.mostOpen = Math.max(this.mostOpen, this.sockets.size);
    socket.once('data', () => {
      this.requests += 1;
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      if (this.sockets.delete(socket) && !this.stopping) this.abandoned += 1;
    });
  }

  private stopping = false;

  get open(): number {
    return this.sockets.size;
  }

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    const address = this.server.address();
    return `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/silent`;
  }

  async stop(): Promise<void> {
    this.stopping = true;
    for (const socket of this.sockets) socket.destroy();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

const SILENT_WEBHOOKS = 4;

for (const kind of storeKinds()) {
  describe(`one account's silent receivers and another account's deliveries (${kind})`, () => {
    let t: TestApp;
    let worker: DeliveryWorker;
    const silent = Array.from({ length: SILENT_WEBHOOKS }, () => new Silent());
    const receiver = new Receiver();
    before(async () => {
      t = await buildTestApp(kind, { settings: { webhookPrivateAddresses: 'allow' } });
      worker = new DeliveryWorker(t.deps);
    });
    after(async () => {
      await worker.stop(0);
      for (const s of silent) await s.stop();
      await receiver.stop();
      await t.close();
    });

    it('caps the silent account at its share; the other account is delivered to while they hang', async () => {
      assert.ok(
        SILENT_WEBHOOKS * DELIVERY_CONCURRENCY_PER_WEBHOOK_MAX > DELIVERY_CONCURRENCY_PER_ACCOUNT_MAX &&
          DELIVERY_CONCURRENCY_PER_ACCOUNT_MAX < DELIVERY_CONCURRENCY_MAX,
        'the account cap is what binds here',
      );
      for (const s of silent) {
        const hook = await t.api.post('/webhooks', { types: ['customer.created'], address: await s.start() });
        assert.equal(hook.status, 201, hook.raw);
      }
      // enough events to fill every slot the worker has, several times
      const events = Math.ceil(DELIVERY_CONCURRENCY_MAX / SILENT_WEBHOOKS) + 10;
      for (let i = 0; i < events; i += 10)
        await Promise.all(
          Array.from({ length: 10 }, (_, j) =>
            t.api.post('/customers', { email: `silent-${i + j}@example.com` }),
          ),
        );
      worker.start();
      const inFlight = () => silent.reduce((n, s) => n + s.requests - s.abandoned, 0);
      await eventually(
        () => inFlight() >= DELIVERY_CONCURRENCY_PER_ACCOUNT_MAX,
        'the silent account to fill its share',
      );

      const address = await receiver.start();
      const hook = await t.otherApi.post('/webhooks', { types: ['customer.created'], address });
      assert.equal(hook.status, 201, hook.raw);
      const customer = await t.otherApi.post('/customers', { email: 'other@example.com' });
      assert.equal(customer.status, 201, customer.raw);
      await eventually(
        () => receiver.events().some((e) => JSON.stringify(e).includes(customer.body.id)),
        "the other account's delivery",
      );
      const abandoned = silent.reduce((n, s) => n + s.abandoned, 0);
      assert.equal(abandoned, 0, "the other account's delivery came before any silent attempt timed out");
      for (const s of silent)
        assert.ok(
          s.mostOpen <= DELIVERY_CONCURRENCY_PER_WEBHOOK_MAX,
          `one webhook had ${s.mostOpen} requests in flight (cap ${DELIVERY_CONCURRENCY_PER_WEBHOOK_MAX})`,
        );
      const open = silent.reduce((n, s) => n + s.open, 0);
      assert.ok(
        open <= DELIVERY_CONCURRENCY_PER_ACCOUNT_MAX,
        `the silent account had ${open} requests in flight (cap ${DELIVERY_CONCURRENCY_PER_ACCOUNT_MAX})`,
      );
    });
  });
}
