import type { Selectable } from 'kysely';
import { flag, fromJson, metadataFromJson, toJson, toJsonOrNull } from '../json.js';
import { jsonText, paginate, whereIn, whereTimeRange } from '../paging.js';
import type { Page, PageQuery, SkuRecord, TimeRange } from '../records.js';
import type { SkusTable } from '../schema.js';
import { Repo } from './base.js';

const toSku = (row: Selectable<SkusTable>): SkuRecord => ({
  accountId: row.account_id,
  id: row.id,
  name: row.name,
  taxCode: row.tax_code,
  eccn: row.eccn,
  countryOfOrigin: row.country_of_origin,
  physical: row.physical === 1,
  data: fromJson(row.data),
  metadata: metadataFromJson(row.metadata),
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

export interface SkuFilters {
  ids?: readonly string[] | undefined;
  eccn?: string | undefined;
  taxCode?: string | undefined;
  partNumber?: string | undefined;
  hsCode?: string | undefined;
  skuGroupId?: string | undefined;
  createdTime?: TimeRange | undefined;
  updatedTime?: TimeRange | undefined;
}

export class SkusRepo extends Repo {
  async get(accountId: string, id: string): Promise<SkuRecord | undefined> {
    const row = await this.db
      .selectFrom('skus')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('id', '=', id)
      .executeTakeFirst();
    return row ? toSku(row) : undefined;
  }

  async getMany(accountId: string, ids: readonly string[]): Promise<Map<string, SkuRecord>> {
    if (ids.length === 0) return new Map();
    const rows = await this.db
      .selectFrom('skus')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('id', 'in', [...new Set(ids)])
      .execute();
    return new Map(rows.map((r) => [r.id, toSku(r)]));
  }

  async insert(sku: SkuRecord): Promise<void> {
    await this.db
      .insertInto('skus')
      .values({
        account_id: sku.accountId,
        id: sku.id,
        name: sku.name,
        tax_code: sku.taxCode,
        eccn: sku.eccn,
        country_of_origin: sku.countryOfOrigin,
        physical: flag(sku.physical),
        data: toJson(sku.data),
        metadata: toJsonOrNull(sku.metadata),
        created_at: sku.createdAt,
        updated_at: sku.updatedAt,
      })
      .execute();
  }

  async update(sku: SkuRecord): Promise<void> {
    await this.db
      .updateTable('skus')
      .set({
        name: sku.name,
        tax_code: sku.taxCode,
        eccn: sku.eccn,
        country_of_origin: sku.countryOfOrigin,
        physical: flag(sku.physical),
        data: toJson(sku.data),
        metadata: toJsonOrNull(sku.metadata),
        updated_at: sku.updatedAt,
      })
      .where('account_id', '=', sku.accountId)
      .where('id', '=', sku.id)
      .execute();
  }

  async delete(accountId: string, id: string): Promise<boolean> {
    const result = await this.db
      .deleteFrom('skus')
      .where('account_id', '=', accountId)
      .where('id', '=', id)
      .executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  async list(accountId: string, filters: SkuFilters, page: PageQuery): Promise<Page<SkuRecord>> {
    let q = this.db.selectFrom('skus').selectAll().where('account_id', '=', accountId);
    q = whereIn(q, 'id', filters.ids);
    if (filters.eccn) q = q.where('eccn', '=', filters.eccn);
    if (filters.taxCode) q = q.where('tax_code', '=', filters.taxCode);
    // attributes kept in the SKU's JSON data: a scan of the account's SKUs, fine at catalogue sizes
    for (const key of ['partNumber', 'hsCode', 'skuGroupId'] as const) {
      const value = filters[key];
      if (value !== undefined) q = q.where(jsonText(this.dialect, 'data', [key]), '=', value);
    }
    q = whereTimeRange(q, 'created_at', filters.createdTime);
    q = whereTimeRange(q, 'updated_at', filters.updatedTime);
    const result = await paginate<Selectable<SkusTable>>(q, page, (id) => this.seqOf('skus', accountId, id));
    return { data: result.data.map(toSku), hasMore: result.hasMore };
  }
}
