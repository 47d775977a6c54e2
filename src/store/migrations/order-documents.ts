import { type Kysely, sql } from 'kysely';
import { dense } from '../../domain/order/components.js';
import type {
  ChargeRecord,
  FulfillmentItemRecord,
  FulfillmentRecord,
  OperationRecord,
  Order,
  OrderItemRecord,
  OrderRecord,
  RefundItemRecord,
  RefundRecord,
} from '../../domain/order/model.js';
import { fromJson, fromJsonOrNull, metadataFromJson } from '../json.js';
import { documentOf, newPartRows } from '../repos/order-document.js';
import type { Dialect } from './index.js';

/**
 * Migration 8's data step: every order's items, charges, operations, fulfillments and refunds,
 * read from the tables that held them before (order_items, charges, charge_operations,
 * fulfillments, fulfillment_items, refunds), become its document and its rows of order_parts.
 * Orders move in batches in seq order; migration 9 drops the old tables.
 */

const BATCH = 500;

// biome-ignore lint/suspicious/noExplicitAny: the rows of tables the typed schema no longer has
type Row = Record<string, any>;

export async function moveOrdersIntoDocuments(db: Kysely<unknown>, _dialect: Dialect): Promise<void> {
  let after = 0;
  for (;;) {
    const { rows: orders } = await sql<Row>`
      SELECT seq, account_id, id, created_at FROM orders WHERE seq > ${after} ORDER BY seq LIMIT ${BATCH}
    `.execute(db);
    if (orders.length === 0) return;
    after = Number(orders[orders.length - 1]?.['seq']);
    for (const order of orders) await moveOne(db, String(order['account_id']), String(order['id']));
  }
}

async function moveOne(db: Kysely<unknown>, accountId: string, orderId: string): Promise<void> {
  const rowsOf = async (table: string, orderBy: string) =>
    (
      await sql<Row>`SELECT * FROM ${sql.table(table)} WHERE account_id = ${accountId} AND order_id = ${orderId} ORDER BY ${sql.ref(orderBy)}`.execute(
        db,
      )
    ).rows;
  const [items, charges, operations, fulfillments, refunds] = [
    (await rowsOf('order_items', 'position')).map(toItem),
    (await rowsOf('charges', 'seq')).map(toCharge),
    (await rowsOf('charge_operations', 'seq')).map(toOperation),
    await rowsOf('fulfillments', 'seq'),
    (await rowsOf('refunds', 'seq')).map(toRefund),
  ];
  const withItems: FulfillmentRecord[] = [];
  for (const f of fulfillments) {
    const { rows } =
      await sql<Row>`SELECT * FROM fulfillment_items WHERE account_id = ${accountId} AND fulfillment_id = ${f['id']} ORDER BY position`.execute(
        db,
      );
    withItems.push(toFulfillment(f, rows.map(toFulfillmentItem)));
  }
  // the order's own record is not needed for the document, only its ids and creation time
  const { rows } =
    await sql<Row>`SELECT created_at FROM orders WHERE account_id = ${accountId} AND id = ${orderId}`.execute(
      db,
    );
  const record = { accountId, id: orderId, createdAt: Number(rows[0]?.['created_at']) } as OrderRecord;
  const aggregate: Order = {
    order: record,
    items,
    charges,
    operations,
    fulfillments: withItems,
    refunds,
    returns: [],
  };
  const partless = new Set(operations.filter((o) => Object.keys(o.parts).length === 0).map((o) => o.id));
  await sql`UPDATE orders SET document = ${documentOf(aggregate, partless)}, version = 1
    WHERE account_id = ${accountId} AND id = ${orderId}`.execute(db);
  for (const part of newPartRows(aggregate, undefined)) {
    await sql`INSERT INTO order_parts (account_id, kind, id, order_id, parent_id, sku_id, state, reason,
      failure_reason, tracking_company, tracking_number, created_at)
      VALUES (${part.account_id}, ${part.kind}, ${part.id}, ${part.order_id}, ${part.parent_id}, ${part.sku_id},
      ${part.state}, ${part.reason}, ${part.failure_reason}, ${part.tracking_company}, ${part.tracking_number},
      ${part.created_at})`.execute(db);
  }
}

const num = (value: unknown): number => Number(value);
const numOrNull = (value: unknown): number | null => (value === null ? null : Number(value));

const toItem = (row: Row): OrderItemRecord => ({
  id: row['id'],
  position: num(row['position']),
  skuId: row['sku_id'],
  productDetails: fromJson(row['product_details']),
  physical: num(row['physical']) === 1,
  quantity: num(row['quantity']),
  amountMinor: num(row['amount_minor']),
  discountMinor: num(row['discount_minor']),
  taxRate: row['tax_rate'],
  taxMinor: num(row['tax_minor']),
  shippingMinor: num(row['shipping_minor']),
  shippingTaxMinor: num(row['shipping_tax_minor']),
  data: fromJson(row['data']),
  metadata: metadataFromJson(row['metadata']),
  orderId: row['order_id'],
  state: row['state'],
  stateTransitions: fromJson(row['state_transitions']),
  fulfilledQuantity: num(row['fulfilled_quantity']),
  cancelledQuantity: num(row['cancelled_quantity']),
});

const toCharge = (row: Row): ChargeRecord => ({
  accountId: row['account_id'],
  id: row['id'],
  orderId: row['order_id'],
  sourceId: row['source_id'],
  sessionId: row['session_id'],
  currency: row['currency'],
  amountMinor: num(row['amount_minor']),
  state: row['state'],
  type: row['type'],
  scenarioId: row['scenario_id'],
  authorizationId: row['authorization_id'],
  authorizedAt: numOrNull(row['authorized_at']),
  authorizationExpiresAt: numOrNull(row['authorization_expires_at']),
  failureCode: row['failure_code'],
  failureMessage: row['failure_message'],
  createdAt: num(row['created_at']),
  updatedAt: num(row['updated_at']),
  role: row['role'],
  reauthorizationOverride: row['reauthorization_override'],
});

const toOperation = (row: Row): OperationRecord => ({
  accountId: row['account_id'],
  id: row['id'],
  chargeId: row['charge_id'],
  orderId: row['order_id'],
  kind: row['kind'],
  amountMinor: num(row['amount_minor']),
  // null: written before migration 6 (the order's reader rebuilds them)
  parts: dense(fromJsonOrNull<Record<string, Record<string, number>>>(row['parts']) ?? {}),
  state: row['state'],
  fulfillmentId: row['fulfillment_id'],
  refundId: row['refund_id'],
  forced: num(row['forced']) === 1,
  failureCode: row['failure_code'],
  failureMessage: row['failure_message'],
  createdAt: num(row['created_at']),
  updatedAt: num(row['updated_at']),
});

const toFulfillmentItem = (row: Row): FulfillmentItemRecord => ({
  itemId: row['item_id'],
  skuId: row['sku_id'],
  shipmentItemId: row['shipment_item_id'],
  quantity: num(row['quantity']),
  cancelQuantity: num(row['cancel_quantity']),
  captureMinor: num(row['capture_minor']),
  cancelMinor: num(row['cancel_minor']),
});

const toFulfillment = (row: Row, items: FulfillmentItemRecord[]): FulfillmentRecord => ({
  accountId: row['account_id'],
  id: row['id'],
  orderId: row['order_id'],
  shipmentId: row['shipment_id'],
  trackingCompany: row['tracking_company'],
  trackingNumber: row['tracking_number'],
  trackingUrl: row['tracking_url'],
  metadata: metadataFromJson(row['metadata']),
  items,
  createdAt: num(row['created_at']),
  updatedAt: num(row['updated_at']),
});

const toRefund = (row: Row): RefundRecord => ({
  accountId: row['account_id'],
  id: row['id'],
  orderId: row['order_id'],
  currency: row['currency'],
  type: row['type'],
  reason: row['reason'],
  amountMinor: num(row['amount_minor']),
  state: row['state'],
  failureReason: row['failure_reason'],
  items: fromJson<RefundItemRecord[]>(row['items']),
  metadata: metadataFromJson(row['metadata']),
  createdAt: num(row['created_at']),
  updatedAt: num(row['updated_at']),
});
