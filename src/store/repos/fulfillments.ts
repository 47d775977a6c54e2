import type { Selectable } from 'kysely';
import { metadataFromJson, toJsonOrNull } from '../json.js';
import { paginate, whereIn, whereTimeRange } from '../paging.js';
import type { FulfillmentItemRecord, FulfillmentRecord, Page, PageQuery, TimeRange } from '../records.js';
import type { FulfillmentItemsTable, FulfillmentsTable } from '../schema.js';
import { Repo } from './base.js';

const toItem = (row: Selectable<FulfillmentItemsTable>): FulfillmentItemRecord => ({
  itemId: row.item_id,
  skuId: row.sku_id,
  shipmentItemId: row.shipment_item_id,
  quantity: row.quantity,
  cancelQuantity: row.cancel_quantity,
  captureMinor: row.capture_minor,
  cancelMinor: row.cancel_minor,
});

const toFulfillment = (
  row: Selectable<FulfillmentsTable>,
  items: FulfillmentItemRecord[],
): FulfillmentRecord => ({
  accountId: row.account_id,
  id: row.id,
  orderId: row.order_id,
  shipmentId: row.shipment_id,
  trackingCompany: row.tracking_company,
  trackingNumber: row.tracking_number,
  trackingUrl: row.tracking_url,
  metadata: metadataFromJson(row.metadata),
  items,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

export interface FulfillmentFilters {
  ids?: readonly string[] | undefined;
  orderId?: string | undefined;
  skuId?: string | undefined;
  trackingCompany?: string | undefined;
  trackingNumber?: string | undefined;
  createdTime?: TimeRange | undefined;
}

export class FulfillmentsRepo extends Repo {
  async insert(fulfillment: FulfillmentRecord): Promise<void> {
    await this.db
      .insertInto('fulfillments')
      .values({
        account_id: fulfillment.accountId,
        id: fulfillment.id,
        order_id: fulfillment.orderId,
        shipment_id: fulfillment.shipmentId,
        tracking_company: fulfillment.trackingCompany,
        tracking_number: fulfillment.trackingNumber,
        tracking_url: fulfillment.trackingUrl,
        metadata: toJsonOrNull(fulfillment.metadata),
        created_at: fulfillment.createdAt,
        updated_at: fulfillment.updatedAt,
      })
      .execute();
    await this.db
      .insertInto('fulfillment_items')
      .values(
        fulfillment.items.map((item, position) => ({
          account_id: fulfillment.accountId,
          fulfillment_id: fulfillment.id,
          position,
          item_id: item.itemId,
          sku_id: item.skuId,
          shipment_item_id: item.shipmentItemId,
          quantity: item.quantity,
          cancel_quantity: item.cancelQuantity,
          capture_minor: item.captureMinor,
          cancel_minor: item.cancelMinor,
        })),
      )
      .execute();
  }

  /** Tracking data (and metadata) may change after the fact (seed 002). */
  async updateTracking(fulfillment: FulfillmentRecord): Promise<void> {
    await this.db
      .updateTable('fulfillments')
      .set({
        tracking_company: fulfillment.trackingCompany,
        tracking_number: fulfillment.trackingNumber,
        tracking_url: fulfillment.trackingUrl,
        metadata: toJsonOrNull(fulfillment.metadata),
        updated_at: fulfillment.updatedAt,
      })
      .where('account_id', '=', fulfillment.accountId)
      .where('id', '=', fulfillment.id)
      .execute();
  }

  async get(accountId: string, id: string): Promise<FulfillmentRecord | undefined> {
    const row = await this.db
      .selectFrom('fulfillments')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row) return undefined;
    return toFulfillment(row, (await this.itemsOf(accountId, [id])).get(id) ?? []);
  }

  async ofOrders(accountId: string, orderIds: readonly string[]): Promise<Map<string, FulfillmentRecord[]>> {
    const grouped = new Map<string, FulfillmentRecord[]>(orderIds.map((id) => [id, []]));
    if (orderIds.length === 0) return grouped;
    const rows = await this.db
      .selectFrom('fulfillments')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('order_id', 'in', orderIds)
      .orderBy('seq')
      .execute();
    const items = await this.itemsOf(
      accountId,
      rows.map((r) => r.id),
    );
    for (const row of rows) grouped.get(row.order_id)?.push(toFulfillment(row, items.get(row.id) ?? []));
    return grouped;
  }

  async list(
    accountId: string,
    filters: FulfillmentFilters,
    page: PageQuery,
  ): Promise<Page<FulfillmentRecord>> {
    let q = this.db.selectFrom('fulfillments').selectAll().where('account_id', '=', accountId);
    q = whereIn(q, 'id', filters.ids);
    if (filters.orderId) q = q.where('order_id', '=', filters.orderId);
    if (filters.trackingCompany) q = q.where('tracking_company', '=', filters.trackingCompany);
    if (filters.trackingNumber) q = q.where('tracking_number', '=', filters.trackingNumber);
    const skuId = filters.skuId;
    if (skuId) {
      q = q.where((eb) =>
        eb.exists(
          eb
            .selectFrom('fulfillment_items')
            .select('fulfillment_items.item_id')
            .whereRef('fulfillment_items.fulfillment_id', '=', 'fulfillments.id')
            .where('fulfillment_items.account_id', '=', accountId)
            .where('fulfillment_items.sku_id', '=', skuId),
        ),
      );
    }
    q = whereTimeRange(q, 'created_at', filters.createdTime);
    const result = await paginate<Selectable<FulfillmentsTable>>(q, page, async (id) => {
      const row = await this.db
        .selectFrom('fulfillments')
        .select('seq')
        .where('account_id', '=', accountId)
        .where('id', '=', id)
        .executeTakeFirst();
      return row?.seq;
    });
    const items = await this.itemsOf(
      accountId,
      result.data.map((r) => r.id),
    );
    return { data: result.data.map((r) => toFulfillment(r, items.get(r.id) ?? [])), hasMore: result.hasMore };
  }

  private async itemsOf(
    accountId: string,
    ids: readonly string[],
  ): Promise<Map<string, FulfillmentItemRecord[]>> {
    const grouped = new Map<string, FulfillmentItemRecord[]>(ids.map((id) => [id, []]));
    if (ids.length === 0) return grouped;
    const rows = await this.db
      .selectFrom('fulfillment_items')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('fulfillment_id', 'in', ids)
      .orderBy('position')
      .execute();
    for (const row of rows) grouped.get(row.fulfillment_id)?.push(toItem(row));
    return grouped;
  }
}
