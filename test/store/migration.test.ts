import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, sql } from 'kysely';
import pg from 'pg';
import { sparse } from '../../src/domain/order/components.js';
import type { Order } from '../../src/domain/order/model.js';
import { SecretBox } from '../../src/lib/secret-box.js';
import { migrate } from '../../src/store/migrate.js';
import { PostgresStore } from '../../src/store/postgres.js';
import type { CheckoutAggregate } from '../../src/store/repos/checkouts.js';
import { lineToRow, totalsToRow } from '../../src/store/repos/lines.js';
import type { Database } from '../../src/store/schema.js';
import { SqliteStore } from '../../src/store/sqlite.js';
import type { Store } from '../../src/store/store.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { advance, createSku, physicalCheckoutBody, placeOrder } from '../helpers/fixtures.js';
import { removeDir, tempDir } from '../helpers/harness.js';
import { storeKinds, TEST_DATABASE_URL } from '../helpers/stores.js';

/**
 * Migrations 8 and 9 move every order from the tables that held its parts (order_items,
 * charges, charge_operations, fulfillments, fulfillment_items, refunds) into one row with its
 * document, and index its parts. An order made through the API today is written the way
 * version 7 kept it, into a database built through migration 7; once migrated, it reads back
 * the same, by id, by its parts' ids and in the lists, and takes new work. Migration 10 does the
 * same for a checkout's items and attached sources.
 */
for (const kind of storeKinds()) {
  describe(`migrating orders into documents (${kind})`, () => {
    let t: TestApp;
    let made: Order;
    let checkout: CheckoutAggregate;
    before(async () => {
      t = await buildTestApp(kind);
      await createSku(t.api, 'shoe');
      const order = await placeOrder(t.api, t.publicApi, {
        body: physicalCheckoutBody('shoe', { items: [{ skuId: 'shoe', price: 10, quantity: 3 }] }),
      });
      const shipped = await t.api.post('/fulfillments', {
        orderId: order.id,
        items: [{ itemId: order.items[0].id, quantity: 1 }],
        trackingCompany: 'UPS',
        trackingNumber: '1Z999',
      });
      assert.equal(shipped.status, 201, shipped.raw);
      await advance(t.api, 5);
      const refund = await t.api.post('/refunds', { orderId: order.id, currency: 'USD', amount: 3 });
      assert.equal(refund.status, 201, refund.raw);
      await advance(t.api, 5);
      const read = await t.store.read((tx) => tx.orders.get(t.accountId, order.id));
      assert.ok(read);
      made = read;
      const found = await t.store.read((tx) => tx.checkouts.load(t.accountId, order.checkoutId));
      assert.ok(found && found.items.length === 1 && found.attachments.length === 1);
      checkout = found;
      assert.deepEqual(
        [made.fulfillments.length, made.refunds.length, made.operations.length],
        [1, 1, 2],
        'the order has a capture and a refund',
      );
    });
    after(async () => t.close());

    it('reads back the same and goes on', async () => {
      const target = await openAtVersion7(kind);
      try {
        await writeAsVersion7(target.db, made);
        await writeCheckoutAsVersion7(target.db, checkout);
        await target.db.destroy();
        const store = await target.open();
        try {
          const accountId = made.order.accountId;
          const read = await store.read((tx) => tx.orders.get(accountId, made.order.id));
          assert.deepEqual(read, made);
          // migration 10: the checkout's items and attachments are in its row
          assert.deepEqual(
            await store.read((tx) => tx.checkouts.load(accountId, checkout.checkout.id)),
            checkout,
          );
          assert.deepEqual(
            await store.read((tx) =>
              tx.checkouts.checkoutsWithSource(accountId, checkout.attachments[0]?.sourceId ?? ''),
            ),
            [checkout.checkout.id],
          );
          const fulfillment = made.fulfillments[0];
          const refund = made.refunds[0];
          const charge = made.charges[0];
          assert.ok(fulfillment && refund && charge);
          assert.deepEqual(
            (await store.read((tx) => tx.fulfillments.get(accountId, fulfillment.id)))?.fulfillment,
            fulfillment,
          );
          assert.deepEqual((await store.read((tx) => tx.refunds.get(accountId, refund.id)))?.refund, refund);
          assert.equal(
            (await store.read((tx) => tx.orders.ofPart(accountId, 'charge', charge.id)))?.order.id,
            made.order.id,
          );
          const bySku = await store.read((tx) =>
            tx.fulfillments.list(accountId, { skuId: 'shoe', trackingCompany: 'UPS' }, { limit: 10 }),
          );
          assert.deepEqual(
            bySku.data.map((f) => f.id),
            [fulfillment.id],
          );
          const refunds = await store.read((tx) =>
            tx.refunds.list(accountId, { orderId: made.order.id, state: refund.state }, { limit: 10 }),
          );
          assert.deepEqual(
            refunds.data.map((r) => r.refund.id),
            [refund.id],
          );
          // migration 11 put the refund's amounts on its index row, and the order's refunded total
          const refunded =
            made.operations
              .filter((o) => o.refundId === refund.id && o.state === 'complete')
              .reduce((sum, o) => sum + o.amountMinor, 0) / 100;
          assert.ok(refunded > 0, 'the refund settled before the migration');
          const byAmount = await store.read((tx) =>
            tx.refunds.list(
              accountId,
              { amount: { gte: 3, lte: 3 }, refundedAmount: { gte: refunded, lte: refunded } },
              { limit: 10 },
            ),
          );
          assert.deepEqual(
            byAmount.data.map((r) => r.refund.id),
            [refund.id],
          );
          const byRefunded = await store.read((tx) =>
            tx.orders.list(accountId, { refundedAmount: { gte: refunded, lte: refunded } }, { limit: 10 }),
          );
          assert.deepEqual(
            byRefunded.data.map((o) => o.order.id),
            [made.order.id],
          );
          const orders = await store.read((tx) =>
            tx.orders.list(accountId, { skuId: 'shoe' }, { limit: 10 }),
          );
          assert.deepEqual(
            orders.data.map((o) => o.order.id),
            [made.order.id],
          );
          // a write of the migrated order (the version it was given is the one it is read at)
          await store.transaction(async (tx) => {
            const before = await tx.orders.get(accountId, made.order.id, { lock: true });
            assert.ok(before);
            await tx.orders.save(before, {
              ...before,
              order: {
                ...before.order,
                upstreamId: 'after-migration',
                updatedAt: before.order.updatedAt + 1,
              },
            });
          });
          const written = await store.read((tx) => tx.orders.get(accountId, made.order.id));
          assert.equal(written?.order.upstreamId, 'after-migration');
        } finally {
          await store.close();
        }
      } finally {
        await target.destroy();
      }
    });
  });
}

interface Target {
  db: Kysely<Database>;
  /** the store on the same database: it applies the migrations after 7 */
  open(): Promise<Store>;
  destroy(): Promise<void>;
}

async function openAtVersion7(kind: 'sqlite' | 'postgres'): Promise<Target> {
  const secrets = SecretBox.random();
  if (kind === 'sqlite') {
    const dir = tempDir('migration');
    const path = join(dir, 'v7.db');
    const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: new BetterSqlite3(path) }) });
    await migrate(db, 'sqlite', Date.now, 7);
    return {
      db,
      open: () => SqliteStore.open({ path, secrets }),
      destroy: async () => removeDir(dir),
    };
  }
  const schema = `m_${process.pid}_${randomBytes(6).toString('hex')}`;
  const pool = new pg.Pool({
    connectionString: TEST_DATABASE_URL,
    options: `-c search_path=${schema}`,
    max: 2,
  });
  await pool.query(`CREATE SCHEMA ${schema}`);
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  await migrate(db, 'postgres', Date.now, 7);
  return {
    db,
    open: () => PostgresStore.open({ connectionString: TEST_DATABASE_URL, schema, secrets }),
    destroy: async () => {
      const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await client.connect();
      try {
        await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      } finally {
        await client.end();
      }
    },
  };
}

const json = (value: unknown) => JSON.stringify(value);

async function insertRow(db: Kysely<Database>, table: string, row: Record<string, unknown>): Promise<void> {
  const columns = Object.keys(row);
  await sql`INSERT INTO ${sql.table(table)} (${sql.join(columns.map((c) => sql.ref(c)))})
    VALUES (${sql.join(columns.map((c) => row[c]))})`.execute(db);
}

/** A checkout as version 7 kept it: its row, checkout_items and checkout_sources. */
async function writeCheckoutAsVersion7(db: Kysely<Database>, aggregate: CheckoutAggregate): Promise<void> {
  const c = aggregate.checkout;
  const t = c.totals;
  const insert = (table: string, row: Record<string, unknown>) => insertRow(db, table, row);
  await insert('checkouts', {
    account_id: c.accountId,
    id: c.id,
    state: c.state,
    spent_message: c.spentMessage,
    order_id: c.orderId,
    currency: c.currency,
    customer_id: c.customerId,
    email: c.email,
    locale: c.locale,
    browser_ip: c.browserIp,
    application_id: c.applicationId,
    upstream_id: c.upstreamId,
    tax_inclusive: flag(c.taxInclusive),
    charge_type: c.chargeType,
    customer_type: c.customerType,
    has_shipping_choice: flag(c.hasShippingChoice),
    session_id: c.sessionId,
    session_client_secret: c.sessionClientSecret,
    ...totalsToRow(t),
    data: json(c.data),
    metadata: c.metadata === null ? null : json(c.metadata),
    created_at: c.createdAt,
    updated_at: c.updatedAt,
  });
  for (const i of aggregate.items)
    await insert('checkout_items', {
      account_id: c.accountId,
      checkout_id: c.id,
      ...lineToRow(i),
      price_minor: i.priceMinor,
      aggregate_price_minor: i.aggregatePriceMinor,
    });
  for (const a of aggregate.attachments)
    await insert('checkout_sources', {
      account_id: c.accountId,
      checkout_id: c.id,
      source_id: a.sourceId,
      role: a.role,
      created_at: a.createdAt,
    });
}
const flag = (value: boolean) => (value ? 1 : 0);

/** The order's rows as version 7 kept them (its schema: migrations 1–7). */
async function writeAsVersion7(db: Kysely<Database>, aggregate: Order): Promise<void> {
  const o = aggregate.order;
  const a = o.accountId;
  const insert = (table: string, row: Record<string, unknown>) => insertRow(db, table, row);
  const t = o.totals;
  await insert('orders', {
    account_id: a,
    id: o.id,
    checkout_id: o.checkoutId,
    state: o.state,
    fraud_state: o.fraudState,
    state_transitions: json(o.stateTransitions),
    fraud_state_transitions: json(o.fraudStateTransitions),
    currency: o.currency,
    customer_id: o.customerId,
    email: o.email,
    locale: o.locale,
    browser_ip: o.browserIp,
    application_id: o.applicationId,
    upstream_id: o.upstreamId,
    request_to_be_forgotten: flag(o.requestToBeForgotten),
    tax_inclusive: flag(o.taxInclusive),
    charge_type: o.chargeType,
    customer_type: o.customerType,
    has_shipping_choice: flag(o.hasShippingChoice),
    session_id: o.sessionId,
    session_client_secret: o.sessionClientSecret,
    session_state: o.sessionState,
    ...totalsToRow(t),
    data: json(o.data),
    metadata: o.metadata === null ? null : json(o.metadata),
    created_at: o.createdAt,
    updated_at: o.updatedAt,
  });
  for (const i of aggregate.items)
    await insert('order_items', {
      account_id: a,
      order_id: o.id,
      ...lineToRow(i),
      state: i.state,
      state_transitions: json(i.stateTransitions),
      fulfilled_quantity: i.fulfilledQuantity,
      cancelled_quantity: i.cancelledQuantity,
    });
  for (const c of aggregate.charges)
    await insert('charges', {
      account_id: a,
      id: c.id,
      order_id: o.id,
      source_id: c.sourceId,
      session_id: c.sessionId,
      currency: c.currency,
      amount_minor: c.amountMinor,
      state: c.state,
      type: c.type,
      scenario_id: c.scenarioId,
      authorization_id: c.authorizationId,
      authorized_at: c.authorizedAt,
      authorization_expires_at: c.authorizationExpiresAt,
      failure_code: c.failureCode,
      failure_message: c.failureMessage,
      created_at: c.createdAt,
      updated_at: c.updatedAt,
      role: c.role,
      reauthorization_override: c.reauthorizationOverride,
    });
  for (const op of aggregate.operations)
    await insert('charge_operations', {
      account_id: a,
      id: op.id,
      charge_id: op.chargeId,
      order_id: o.id,
      kind: op.kind,
      amount_minor: op.amountMinor,
      parts: json(sparse(op.parts)),
      state: op.state,
      fulfillment_id: op.fulfillmentId,
      refund_id: op.refundId,
      forced: flag(op.forced),
      failure_code: op.failureCode,
      failure_message: op.failureMessage,
      created_at: op.createdAt,
      updated_at: op.updatedAt,
    });
  for (const f of aggregate.fulfillments) {
    await insert('fulfillments', {
      account_id: a,
      id: f.id,
      order_id: o.id,
      shipment_id: f.shipmentId,
      tracking_company: f.trackingCompany,
      tracking_number: f.trackingNumber,
      tracking_url: f.trackingUrl,
      metadata: f.metadata === null ? null : json(f.metadata),
      created_at: f.createdAt,
      updated_at: f.updatedAt,
    });
    for (const [position, item] of f.items.entries())
      await insert('fulfillment_items', {
        account_id: a,
        fulfillment_id: f.id,
        position,
        item_id: item.itemId,
        sku_id: item.skuId,
        shipment_item_id: item.shipmentItemId,
        quantity: item.quantity,
        cancel_quantity: item.cancelQuantity,
        capture_minor: item.captureMinor,
        cancel_minor: item.cancelMinor,
      });
  }
  for (const r of aggregate.refunds)
    await insert('refunds', {
      account_id: a,
      id: r.id,
      order_id: o.id,
      currency: r.currency,
      type: r.type,
      reason: r.reason,
      amount_minor: r.amountMinor,
      state: r.state,
      failure_reason: r.failureReason,
      items: json(r.items),
      metadata: r.metadata === null ? null : json(r.metadata),
      created_at: r.createdAt,
      updated_at: r.updatedAt,
    });
}
