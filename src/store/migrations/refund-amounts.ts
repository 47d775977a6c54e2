import { type Kysely, sql } from 'kysely';
import { fromJson } from '../json.js';
import type { OrderDocument } from '../repos/order-document.js';
import { refundedMinorOf, refundedMinorOfRefund } from '../repos/order-document.js';
import type { Dialect } from './index.js';

/**
 * Migration 11's data step: every order's refunded amount (its `refundedAmount` filter), every
 * refund's amount, refunded amount and currency on its row of order_parts (the refund list's
 * `amount` and `refundedAmount` filters), and a `refund_item` row per refund entry that names a
 * SKU (`skuId`), all read from the order documents. Orders move in batches in seq order.
 */

const BATCH = 500;

// biome-ignore lint/suspicious/noExplicitAny: rows read by raw SQL
type Row = Record<string, any>;

export async function indexRefundAmounts(db: Kysely<unknown>, _dialect: Dialect): Promise<void> {
  let after = 0;
  for (;;) {
    const { rows } = await sql<Row>`
      SELECT seq, account_id, id, currency, document FROM orders
      WHERE seq > ${after} AND document IS NOT NULL ORDER BY seq LIMIT ${BATCH}
    `.execute(db);
    if (rows.length === 0) return;
    after = Number(rows[rows.length - 1]?.['seq']);
    for (const row of rows) {
      const accountId = String(row['account_id']);
      const orderId = String(row['id']);
      const document = fromJson<OrderDocument>(String(row['document']));
      const refunded = refundedMinorOf(document.operations);
      await sql`UPDATE orders SET refunded_minor = ${refunded}
        WHERE account_id = ${accountId} AND id = ${orderId}`.execute(db);
      for (const refund of document.refunds) {
        await sql`UPDATE order_parts SET amount_minor = ${refund.amountMinor},
            refunded_minor = ${refundedMinorOfRefund(document.operations, refund.id)},
            currency = ${String(row['currency'])}
          WHERE account_id = ${accountId} AND kind = 'refund' AND id = ${refund.id}`.execute(db);
        for (const [position, entry] of refund.items.entries()) {
          if (!entry.skuId) continue;
          await sql`INSERT INTO order_parts (account_id, kind, id, order_id, parent_id, sku_id, created_at)
            VALUES (${accountId}, 'refund_item', ${`${refund.id}/${position}`}, ${orderId}, ${refund.id},
              ${entry.skuId}, ${refund.createdAt})`.execute(db);
        }
      }
    }
  }
}
