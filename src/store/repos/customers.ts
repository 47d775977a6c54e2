import type { Selectable } from 'kysely';
import { flag, fromJson, metadataFromJson, toJson, toJsonOrNull } from '../json.js';
import { paginate, whereIn, whereTimeRange } from '../paging.js';
import type { CustomerRecord, Page, PageQuery, TimeRange } from '../records.js';
import type { CustomersTable } from '../schema.js';
import { type ReadOptions, Repo } from './base.js';

const toCustomer = (row: Selectable<CustomersTable>): CustomerRecord => ({
  accountId: row.account_id,
  id: row.id,
  email: row.email,
  defaultSourceId: row.default_source_id,
  type: row.type,
  locale: row.locale,
  enabled: row.enabled === 1,
  requestToBeForgotten: row.request_to_be_forgotten === 1,
  data: fromJson(row.data),
  metadata: metadataFromJson(row.metadata),
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

const toRow = (c: CustomerRecord) => ({
  account_id: c.accountId,
  id: c.id,
  email: c.email,
  default_source_id: c.defaultSourceId,
  type: c.type,
  locale: c.locale,
  enabled: flag(c.enabled),
  request_to_be_forgotten: flag(c.requestToBeForgotten),
  data: toJson(c.data),
  metadata: toJsonOrNull(c.metadata),
  created_at: c.createdAt,
  updated_at: c.updatedAt,
});

export interface CustomerFilters {
  ids?: readonly string[] | undefined;
  email?: string | undefined;
  requestToBeForgotten?: boolean | undefined;
  createdTime?: TimeRange | undefined;
  updatedTime?: TimeRange | undefined;
}

export class CustomersRepo extends Repo {
  async get(accountId: string, id: string, options: ReadOptions = {}): Promise<CustomerRecord | undefined> {
    let q = this.db
      .selectFrom('customers')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('id', '=', id);
    if (options.lock && this.locks) q = q.forUpdate();
    const row = await q.executeTakeFirst();
    return row ? toCustomer(row) : undefined;
  }

  async insert(customer: CustomerRecord): Promise<void> {
    await this.db.insertInto('customers').values(toRow(customer)).execute();
  }

  async update(customer: CustomerRecord): Promise<void> {
    const { account_id, id, created_at, ...changes } = toRow(customer);
    await this.db
      .updateTable('customers')
      .set(changes)
      .where('account_id', '=', account_id)
      .where('id', '=', id)
      .execute();
  }

  async delete(accountId: string, id: string): Promise<void> {
    await this.db.deleteFrom('customers').where('account_id', '=', accountId).where('id', '=', id).execute();
  }

  async list(accountId: string, filters: CustomerFilters, page: PageQuery): Promise<Page<CustomerRecord>> {
    let q = this.db.selectFrom('customers').selectAll().where('account_id', '=', accountId);
    q = whereIn(q, 'id', filters.ids);
    if (filters.email) q = q.where('email', '=', filters.email);
    if (filters.requestToBeForgotten !== undefined) {
      q = q.where('request_to_be_forgotten', '=', flag(filters.requestToBeForgotten));
    }
    q = whereTimeRange(q, 'created_at', filters.createdTime);
    q = whereTimeRange(q, 'updated_at', filters.updatedTime);
    const result = await paginate<Selectable<CustomersTable>>(q, page, (id) =>
      this.seqOf('customers', accountId, id),
    );
    return { data: result.data.map(toCustomer), hasMore: result.hasMore };
  }
}
