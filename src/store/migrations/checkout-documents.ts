import { type Kysely, sql } from 'kysely';
import type { CheckoutItemRecord, CheckoutSourceRecord } from '../records.js';
import { attachmentsToJson, itemsToJson } from '../repos/checkouts.js';
import { lineFromRow } from '../repos/lines.js';
import type { Dialect } from './index.js';

/**
 * Migration 10's data step: every checkout's items (checkout_items) and attachments
 * (checkout_sources, which stays as their index by source) move into its row; then
 * checkout_items goes.
 */

const BATCH = 500;

// biome-ignore lint/suspicious/noExplicitAny: the rows of a table the typed schema no longer has
type Row = Record<string, any>;

export async function moveCheckoutsIntoDocuments(db: Kysely<unknown>, _dialect: Dialect): Promise<void> {
  let after = 0;
  for (;;) {
    const { rows } = await sql<Row>`
      SELECT seq, account_id, id FROM checkouts WHERE seq > ${after} ORDER BY seq LIMIT ${BATCH}
    `.execute(db);
    if (rows.length === 0) break;
    after = Number(rows[rows.length - 1]?.['seq']);
    for (const row of rows) {
      const accountId = String(row['account_id']);
      const id = String(row['id']);
      const { rows: itemRows } = await sql<Row>`SELECT * FROM checkout_items
        WHERE account_id = ${accountId} AND checkout_id = ${id} ORDER BY position`.execute(db);
      const items = itemRows.map(
        (r): CheckoutItemRecord => ({
          ...lineFromRow({
            ...(r as Parameters<typeof lineFromRow>[0]),
            position: Number(r['position']),
            physical: Number(r['physical']) as 0 | 1,
            quantity: Number(r['quantity']),
            amount_minor: Number(r['amount_minor']),
            discount_minor: Number(r['discount_minor']),
            tax_minor: Number(r['tax_minor']),
            shipping_minor: Number(r['shipping_minor']),
            shipping_tax_minor: Number(r['shipping_tax_minor']),
          }),
          checkoutId: id,
          priceMinor: r['price_minor'] === null ? null : Number(r['price_minor']),
          aggregatePriceMinor:
            r['aggregate_price_minor'] === null ? null : Number(r['aggregate_price_minor']),
        }),
      );
      const { rows: sourceRows } = await sql<Row>`SELECT * FROM checkout_sources
        WHERE account_id = ${accountId} AND checkout_id = ${id} ORDER BY seq`.execute(db);
      const attachments = sourceRows.map(
        (r): CheckoutSourceRecord => ({
          checkoutId: id,
          sourceId: r['source_id'],
          role: r['role'],
          createdAt: Number(r['created_at']),
        }),
      );
      await sql`UPDATE checkouts SET items = ${itemsToJson(items)}, attachments = ${attachmentsToJson(attachments)}
        WHERE account_id = ${accountId} AND id = ${id}`.execute(db);
    }
  }
  await sql`DROP TABLE checkout_items`.execute(db);
}
