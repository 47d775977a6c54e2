import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AppError } from '../../src/domain/errors.js';
import type { Order } from '../../src/domain/order/model.js';
import { newUuid } from '../../src/lib/ids.js';
import { createAccount, hashKey } from '../../src/services/accounts.js';
import type {
  ChargeRecord,
  CheckoutItemRecord,
  CheckoutRecord,
  OrderItemRecord,
  OrderRecord,
  SkuRecord,
} from '../../src/store/records.js';
import type { Store } from '../../src/store/store.js';
import { openTestStore, storeKinds, type TestStore } from '../helpers/stores.js';

const T0 = Date.UTC(2026, 0, 1);

function sku(accountId: string, id: string, at: number): SkuRecord {
  return {
    accountId,
    id,
    name: `SKU ${id}`,
    taxCode: '4323.310_A',
    eccn: 'EAR99',
    countryOfOrigin: 'US',
    physical: true,
    data: { weight: 1.5 },
    metadata: { color: 'red', n: 3, flag: true },
    createdAt: at,
    updatedAt: at,
  };
}

const totals = (amount: number) => ({
  subtotalMinor: amount,
  totalTaxMinor: 0,
  totalShippingMinor: 0,
  shippingTaxMinor: 0,
  totalDiscountMinor: 0,
  totalFeesMinor: 0,
  totalDutyMinor: 0,
  totalImporterTaxMinor: 0,
  totalAmountMinor: amount,
});

function checkout(
  accountId: string,
  amount: number,
): { checkout: CheckoutRecord; items: CheckoutItemRecord[] } {
  const id = newUuid();
  return {
    checkout: {
      accountId,
      id,
      state: 'open',
      spentMessage: null,
      orderId: null,
      currency: 'USD',
      customerId: null,
      email: 'a@example.com',
      locale: null,
      browserIp: null,
      applicationId: null,
      upstreamId: null,
      taxInclusive: false,
      chargeType: 'customer_initiated',
      customerType: null,
      hasShippingChoice: false,
      sessionId: newUuid(),
      sessionClientSecret: 's',
      totals: totals(amount),
      data: { billTo: { name: 'A' } },
      metadata: null,
      createdAt: T0,
      updatedAt: T0,
    },
    items: [
      {
        id: newUuid(),
        checkoutId: id,
        position: 0,
        skuId: null,
        productDetails: { name: 'x' },
        physical: false,
        quantity: 1,
        priceMinor: amount,
        aggregatePriceMinor: null,
        amountMinor: amount,
        discountMinor: 0,
        taxRate: '0.08025',
        taxMinor: 0,
        shippingMinor: 0,
        shippingTaxMinor: 0,
        data: {},
        metadata: null,
      },
    ],
  };
}

function order(
  accountId: string,
  checkoutId: string,
  amount: number,
  state: OrderRecord['state'] = 'accepted',
) {
  const id = `${Math.floor(Math.random() * 1e13)}0336`;
  const record: OrderRecord = {
    accountId,
    id,
    checkoutId,
    state,
    fraudState: 'passed',
    stateTransitions: { accepted: '2026-01-01T00:00:00Z' },
    fraudStateTransitions: {},
    currency: 'USD',
    customerId: 'cust-1',
    email: 'a@example.com',
    locale: null,
    browserIp: null,
    applicationId: null,
    upstreamId: `up-${id}`,
    requestToBeForgotten: false,
    taxInclusive: false,
    chargeType: 'customer_initiated',
    customerType: null,
    hasShippingChoice: false,
    sessionId: newUuid(),
    sessionClientSecret: 's',
    sessionState: 'complete',
    totals: totals(amount),
    data: {},
    metadata: null,
    createdAt: T0,
    updatedAt: T0,
  };
  const items: OrderItemRecord[] = [
    {
      id: `${Math.floor(Math.random() * 1e13)}0336`,
      orderId: id,
      position: 0,
      skuId: 'sku-a',
      productDetails: {},
      physical: false,
      quantity: 2,
      amountMinor: amount,
      discountMinor: 0,
      taxRate: '0',
      taxMinor: 0,
      shippingMinor: 0,
      shippingTaxMinor: 0,
      data: {},
      metadata: null,
      state: 'created',
      stateTransitions: { created: '2026-01-01T00:00:00Z' },
      fulfilledQuantity: 0,
      cancelledQuantity: 0,
    },
  ];
  const charges: ChargeRecord[] = [
    {
      accountId,
      id: newUuid(),
      orderId: id,
      sourceId: newUuid(),
      sessionId: record.sessionId,
      currency: 'USD',
      amountMinor: amount,
      state: 'capturable',
      type: 'customer_initiated',
      scenarioId: 'success',
      authorizationId: newUuid(),
      authorizedAt: T0,
      authorizationExpiresAt: T0 + 7 * 86_400_000,
      failureCode: null,
      failureMessage: null,
      createdAt: T0,
      updatedAt: T0,
      role: 'primary',
      reauthorizationOverride: null,
    },
  ];
  return {
    order: record,
    items,
    charges,
    operations: [],
    fulfillments: [],
    refunds: [],
    returns: [],
  } satisfies Order;
}

for (const kind of storeKinds()) {
  describe(`store on ${kind}`, () => {
    let testStore: TestStore;
    let store: Store;
    let accountA: string;
    let accountB: string;

    before(async () => {
      testStore = await openTestStore(kind);
      store = testStore.store;
      accountA = (await createAccount(store, 'A', T0)).account.id;
      accountB = (await createAccount(store, 'B', T0)).account.id;
    });
    after(async () => testStore.destroy());

    it('finds API keys by hash only', async () => {
      const { account, keys } = await createAccount(store, 'C', T0);
      const found = await store.read((tx) => tx.accounts.apiKeyByHash(hashKey(keys.secretKey)));
      assert.equal(found?.accountId, account.id);
      assert.equal(found?.kind, 'secret');
      assert.notEqual(found?.keyHash, keys.secretKey);
      assert.equal(await store.read((tx) => tx.accounts.apiKeyByHash(hashKey('sk_test_nope'))), undefined);
    });

    it('keeps money exact at the largest amounts, and JSON and flags as written', async () => {
      await store.transaction((tx) => tx.skus.insert(sku(accountA, 'exact', T0)));
      const { checkout: c, items } = checkout(accountA, 1_000_000_000_000_000);
      await store.transaction((tx) => tx.checkouts.insert(c, items));
      const read = (await store.read((tx) => tx.checkouts.load(accountA, c.id)))?.checkout;
      assert.equal(read?.totals.totalAmountMinor, 1_000_000_000_000_000);
      assert.equal(typeof read?.createdAt, 'number');
      const readSku = await store.read((tx) => tx.skus.get(accountA, 'exact'));
      assert.deepEqual(readSku?.metadata, { color: 'red', n: 3, flag: true });
      assert.equal(readSku?.physical, true);
    });

    it('pages newest first with startingAfter and endingBefore, within one account', async () => {
      for (let i = 0; i < 7; i++) {
        await store.transaction((tx) => tx.skus.insert(sku(accountB, `p${i}`, T0 + i)));
      }
      await store.transaction((tx) => tx.skus.insert(sku(accountA, 'other-account', T0)));
      const first = await store.read((tx) => tx.skus.list(accountB, {}, { limit: 3 }));
      assert.deepEqual(
        first.data.map((s) => s.id),
        ['p6', 'p5', 'p4'],
      );
      assert.equal(first.hasMore, true);
      const second = await store.read((tx) => tx.skus.list(accountB, {}, { limit: 3, startingAfter: 'p4' }));
      assert.deepEqual(
        second.data.map((s) => s.id),
        ['p3', 'p2', 'p1'],
      );
      const last = await store.read((tx) => tx.skus.list(accountB, {}, { limit: 3, startingAfter: 'p1' }));
      assert.deepEqual(
        last.data.map((s) => s.id),
        ['p0'],
      );
      assert.equal(last.hasMore, false);
      const back = await store.read((tx) => tx.skus.list(accountB, {}, { limit: 2, endingBefore: 'p2' }));
      assert.deepEqual(
        back.data.map((s) => s.id),
        ['p4', 'p3'],
      );
      assert.equal(back.hasMore, true);
      await assert.rejects(
        store.read((tx) => tx.skus.list(accountB, {}, { limit: 3, startingAfter: 'other-account' })),
        (e: AppError) => e.code === 'invalid_parameter' && e.parameter === 'startingAfter',
      );
      const filtered = await store.read((tx) =>
        tx.skus.list(accountB, { ids: ['p1', 'p5', 'other-account'] }, { limit: 10 }),
      );
      assert.deepEqual(
        filtered.data.map((s) => s.id),
        ['p5', 'p1'],
      );
    });

    it('rolls back everything a failed transaction wrote', async () => {
      const { checkout: c, items } = checkout(accountA, 500);
      await assert.rejects(
        store.transaction(async (tx) => {
          await tx.checkouts.insert(c, items);
          await tx.events.append([
            {
              accountId: accountA,
              id: newUuid(),
              type: 'checkout.created',
              object: {},
              previousAttributes: null,
              createdAt: T0,
            },
          ]);
          throw new Error('boom');
        }),
        /boom/,
      );
      assert.equal(await store.read((tx) => tx.checkouts.load(accountA, c.id)), undefined);
    });

    it('appends thousands of events and their deliveries in one transaction', async () => {
      // more rows than one INSERT may bind values for on SQLite (32,766)
      const { account } = await createAccount(store, 'bulk', T0);
      const webhookId = newUuid();
      await store.transaction((tx) =>
        tx.webhooks.insert({
          accountId: account.id,
          id: webhookId,
          address: 'http://127.0.0.1:9/hooks',
          types: ['*'],
          apiVersion: '2021-12-13',
          expand: false,
          enabled: true,
          transportType: 'HTTP',
          authentication: null,
          secret: 'whsec_c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0',
          previousSecret: null,
          previousSecretUntil: null,
          disabledReason: null,
          createdAt: T0,
          updatedAt: T0,
        }),
      );
      const ids = Array.from({ length: 3_000 }, () => newUuid());
      await store.transaction((tx) =>
        tx.events.append(
          ids.map((id, i) => ({
            accountId: account.id,
            id,
            type: 'order.accepted',
            object: { i },
            previousAttributes: null,
            createdAt: T0 + i,
          })),
        ),
      );
      const last = await store.read((tx) => tx.events.get(account.id, ids[2_999] as string));
      assert.deepEqual(last?.webhookIds, [webhookId]);
      // a webhook with 4 deliveries in flight and a cap of 10 gets 6 more
      const capped = await store.transaction((tx) =>
        tx.webhooks.claimDue(T0 + 10_000, 30_000, {
          total: 5_000,
          perWebhook: 10,
          inFlight: new Map([[webhookId, 4]]),
          perAccount: 5_000,
          inFlightByAccount: new Map(),
        }),
      );
      assert.equal(capped.filter((c) => c.delivery.webhookId === webhookId).length, 6);
      // an account with 7 of its 8 in flight gets 1 more, however many its webhook could take
      const perAccount = await store.transaction((tx) =>
        tx.webhooks.claimDue(T0 + 50_000, 30_000, {
          total: 5_000,
          perWebhook: 5_000,
          inFlight: new Map(),
          perAccount: 8,
          inFlightByAccount: new Map([[account.id, 7]]),
        }),
      );
      assert.equal(perAccount.filter((c) => c.delivery.accountId === account.id).length, 1);
      // and one at its cap gets none (left out by the query itself)
      const full = await store.transaction((tx) =>
        tx.webhooks.claimDue(T0 + 50_000, 30_000, {
          total: 5_000,
          perWebhook: 5_000,
          inFlight: new Map(),
          perAccount: 8,
          inFlightByAccount: new Map([[account.id, 8]]),
        }),
      );
      assert.equal(full.filter((c) => c.delivery.accountId === account.id).length, 0);
      // once those leases end, everything is claimable
      const claimed = await store.transaction((tx) =>
        tx.webhooks.claimDue(T0 + 100_000, 30_000, {
          total: 5_000,
          perWebhook: 5_000,
          inFlight: new Map(),
          perAccount: 5_000,
          inFlightByAccount: new Map(),
        }),
      );
      const mine = claimed.filter((c) => c.delivery.webhookId === webhookId);
      assert.equal(mine.length, 3_000);
      assert.deepEqual(new Set(mine.map((c) => c.delivery.eventId)), new Set(ids));
    });

    it('answers a duplicate id with already_exists', async () => {
      await store.transaction((tx) => tx.skus.insert(sku(accountA, 'dup', T0)));
      await assert.rejects(
        store.transaction((tx) => tx.skus.insert(sku(accountA, 'dup', T0))),
        (e: AppError) => e instanceof AppError && e.code === 'already_exists',
      );
      // the same id in another account is another object
      await store.transaction((tx) => tx.skus.insert(sku(accountB, 'dup', T0)));
    });

    it('moves a checkout open → ordered once, and keeps one order per checkout', async () => {
      const { checkout: c, items } = checkout(accountA, 2701);
      await store.transaction((tx) => tx.checkouts.insert(c, items));
      const o = order(accountA, c.id, 2701);
      await store.transaction(async (tx) => {
        await tx.orders.insert(o);
        await tx.checkouts.markOrdered(accountA, c.id, o.order.id, T0);
      });
      await assert.rejects(
        store.transaction((tx) => tx.checkouts.markOrdered(accountA, c.id, 'x', T0)),
        /not open/,
      );
      await assert.rejects(
        store.transaction((tx) => tx.checkouts.markSpent(accountA, c.id, 'declined', T0)),
        /not open/,
      );
      const again = order(accountA, c.id, 2701);
      await assert.rejects(
        store.transaction((tx) => tx.orders.insert(again)),
        (e: AppError) => e.code === 'already_exists',
      );
      // the aggregate reads back as it was written: one row, its document and its columns
      const read = await store.read((tx) => tx.orders.get(accountA, o.order.id));
      assert.deepEqual(read, o);
      assert.equal(await store.read((tx) => tx.orders.get(accountB, o.order.id)), undefined);
    });

    it('filters orders', async () => {
      const made: string[] = [];
      for (const state of ['accepted', 'in_review', 'accepted'] as const) {
        const { checkout: c, items } = checkout(accountB, 100);
        const o = order(accountB, c.id, 100 * (made.length + 1), state);
        await store.transaction(async (tx) => {
          await tx.checkouts.insert(c, items);
          await tx.orders.insert(o);
        });
        made.push(o.order.id);
      }
      const byState = await store.read((tx) =>
        tx.orders.list(accountB, { state: 'accepted' }, { limit: 10 }),
      );
      assert.deepEqual(
        byState.data.map((o) => o.order.id),
        [made[2], made[0]],
      );
      const byUpstream = await store.read((tx) =>
        tx.orders.list(accountB, { upstreamIds: [`up-${made[1]}`] }, { limit: 10 }),
      );
      assert.deepEqual(
        byUpstream.data.map((o) => o.order.id),
        [made[1]],
      );
      const bySku = await store.read((tx) => tx.orders.list(accountB, { skuId: 'sku-a' }, { limit: 10 }));
      assert.equal(bySku.data.length, 3);
      const byAmount = await store.read((tx) =>
        tx.orders.list(accountB, { totalAmount: { gte: 2 } }, { limit: 10 }),
      );
      assert.deepEqual(
        byAmount.data.map((o) => o.order.id),
        [made[2], made[1]],
      );
    });

    it('lists events by exact type, by prefix, newest first', async () => {
      const types = [
        'order.created',
        'order.accepted',
        'order.charge.capturable',
        'ordering.other',
        'checkout.created',
      ];
      await store.transaction((tx) =>
        tx.events.append(
          types.map((type, i) => ({
            accountId: accountB,
            id: newUuid(),
            type,
            object: { i },
            previousAttributes: null,
            createdAt: T0 + i,
          })),
        ),
      );
      const prefix = await store.read((tx) =>
        tx.events.list(accountB, { typePrefix: 'order.' }, { limit: 10 }),
      );
      assert.deepEqual(
        prefix.data.map((e) => e.type),
        ['order.charge.capturable', 'order.accepted', 'order.created'],
      );
      const exact = await store.read((tx) =>
        tx.events.list(accountB, { types: ['checkout.created', 'order.created'] }, { limit: 10 }),
      );
      assert.deepEqual(
        exact.data.map((e) => e.type),
        ['checkout.created', 'order.created'],
      );
      const none = await store.read((tx) =>
        tx.events.list(accountA, { typePrefix: 'ordering' }, { limit: 10 }),
      );
      assert.equal(none.data.length, 0);
    });
  });
}
