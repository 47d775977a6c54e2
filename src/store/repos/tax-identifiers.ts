import type { Selectable } from 'kysely';
import { paginate, whereIn, whereTimeRange } from '../paging.js';
import type { Page, PageQuery, TaxIdentifierRecord, TimeRange } from '../records.js';
import type { TaxIdentifiersTable } from '../schema.js';
import { type ReadOptions, Repo } from './base.js';

const STATES = ['pending', 'verified', 'not_valid'] as const;

const toTaxIdentifier = (row: Selectable<TaxIdentifiersTable>): TaxIdentifierRecord => {
  const stateTimes: TaxIdentifierRecord['stateTimes'] = {};
  if (row.pending_at !== null) stateTimes.pending = Number(row.pending_at);
  if (row.verified_at !== null) stateTimes.verified = Number(row.verified_at);
  if (row.not_valid_at !== null) stateTimes.not_valid = Number(row.not_valid_at);
  return {
    accountId: row.account_id,
    id: row.id,
    customerId: row.customer_id,
    type: row.type,
    value: row.value,
    state: STATES.find((s) => s === row.state) ?? 'pending',
    stateTimes,
    verifiedName: row.verified_name,
    verifiedAddress: row.verified_address,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
};

const toRow = (t: TaxIdentifierRecord) => ({
  account_id: t.accountId,
  id: t.id,
  customer_id: t.customerId,
  type: t.type,
  value: t.value,
  state: t.state,
  pending_at: t.stateTimes.pending ?? null,
  verified_at: t.stateTimes.verified ?? null,
  not_valid_at: t.stateTimes.not_valid ?? null,
  verified_name: t.verifiedName,
  verified_address: t.verifiedAddress,
  created_at: t.createdAt,
  updated_at: t.updatedAt,
});

export interface TaxIdentifierFilters {
  ids?: readonly string[] | undefined;
  customerId?: string | undefined;
  type?: string | undefined;
  value?: string | undefined;
  state?: string | undefined;
  createdTime?: TimeRange | undefined;
  updatedTime?: TimeRange | undefined;
  pending?: TimeRange | undefined;
  verified?: TimeRange | undefined;
  notValid?: TimeRange | undefined;
}

export class TaxIdentifiersRepo extends Repo {
  async get(
    accountId: string,
    id: string,
    options: ReadOptions = {},
  ): Promise<TaxIdentifierRecord | undefined> {
    let q = this.db
      .selectFrom('tax_identifiers')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('id', '=', id);
    if (options.lock && this.locks) q = q.forUpdate();
    const row = await q.executeTakeFirst();
    return row ? toTaxIdentifier(row) : undefined;
  }

  async getMany(accountId: string, ids: readonly string[]): Promise<Map<string, TaxIdentifierRecord>> {
    const found = new Map<string, TaxIdentifierRecord>();
    if (ids.length === 0) return found;
    const rows = await this.db
      .selectFrom('tax_identifiers')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('id', 'in', [...new Set(ids)])
      .execute();
    for (const row of rows) found.set(row.id, toTaxIdentifier(row));
    return found;
  }

  async listByCustomer(accountId: string, customerId: string): Promise<TaxIdentifierRecord[]> {
    const rows = await this.db
      .selectFrom('tax_identifiers')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('customer_id', '=', customerId)
      .orderBy('seq')
      .execute();
    return rows.map(toTaxIdentifier);
  }

  async insert(taxId: TaxIdentifierRecord): Promise<void> {
    await this.db.insertInto('tax_identifiers').values(toRow(taxId)).execute();
  }

  async update(taxId: TaxIdentifierRecord): Promise<void> {
    const { account_id, id, created_at, ...changes } = toRow(taxId);
    await this.db
      .updateTable('tax_identifiers')
      .set(changes)
      .where('account_id', '=', account_id)
      .where('id', '=', id)
      .execute();
  }

  async delete(accountId: string, id: string): Promise<void> {
    await this.db
      .deleteFrom('tax_identifiers')
      .where('account_id', '=', accountId)
      .where('id', '=', id)
      .execute();
  }

  /** A deleted customer's tax identifiers stay, held by no one. */
  async releaseCustomer(accountId: string, customerId: string, at: number): Promise<void> {
    await this.db
      .updateTable('tax_identifiers')
      .set({ customer_id: null, updated_at: at })
      .where('account_id', '=', accountId)
      .where('customer_id', '=', customerId)
      .execute();
  }

  async list(
    accountId: string,
    filters: TaxIdentifierFilters,
    page: PageQuery,
  ): Promise<Page<TaxIdentifierRecord>> {
    let q = this.db.selectFrom('tax_identifiers').selectAll().where('account_id', '=', accountId);
    q = whereIn(q, 'id', filters.ids);
    if (filters.customerId !== undefined) q = q.where('customer_id', '=', filters.customerId);
    if (filters.type !== undefined) q = q.where('type', '=', filters.type);
    if (filters.value !== undefined) q = q.where('value', '=', filters.value);
    if (filters.state !== undefined) q = q.where('state', '=', filters.state);
    q = whereTimeRange(q, 'created_at', filters.createdTime);
    q = whereTimeRange(q, 'updated_at', filters.updatedTime);
    q = whereTimeRange(q, 'pending_at', filters.pending);
    q = whereTimeRange(q, 'verified_at', filters.verified);
    q = whereTimeRange(q, 'not_valid_at', filters.notValid);
    const result = await paginate<Selectable<TaxIdentifiersTable>>(q, page, (id) =>
      this.seqOf('tax_identifiers', accountId, id),
    );
    return { data: result.data.map(toTaxIdentifier), hasMore: result.hasMore };
  }
}
