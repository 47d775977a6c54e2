import type { Selectable } from 'kysely';
import { assert } from '../../lib/assert.js';
import { fromJson, metadataFromJson, toJson, toJsonOrNull } from '../json.js';
import { paginate, whereIn, whereTimeRange } from '../paging.js';
import type { Page, PageQuery, RefundItemRecord, RefundRecord, TimeRange } from '../records.js';
import type { RefundsTable } from '../schema.js';
import { type ReadOptions, Repo } from './base.js';

const toRefund = (row: Selectable<RefundsTable>): RefundRecord => ({
  accountId: row.account_id,
  id: row.id,
  orderId: row.order_id,
  currency: row.currency,
  type: row.type,
  reason: row.reason,
  amountMinor: row.amount_minor,
  state: row.state as RefundRecord['state'],
  failureReason: row.failure_reason,
  items: fromJson<RefundItemRecord[]>(row.items),
  metadata: metadataFromJson(row.metadata),
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

export interface RefundFilters {
  ids?: readonly string[] | undefined;
  orderId?: string | undefined;
  state?: string | undefined;
  reason?: string | undefined;
  failureReason?: string | undefined;
  createdTime?: TimeRange | undefined;
}

export class RefundsRepo extends Repo {
  async insert(refund: RefundRecord): Promise<void> {
    await this.db
      .insertInto('refunds')
      .values({
        account_id: refund.accountId,
        id: refund.id,
        order_id: refund.orderId,
        currency: refund.currency,
        type: refund.type,
        reason: refund.reason,
        amount_minor: refund.amountMinor,
        state: refund.state,
        failure_reason: refund.failureReason,
        items: toJson(refund.items),
        metadata: toJsonOrNull(refund.metadata),
        created_at: refund.createdAt,
        updated_at: refund.updatedAt,
      })
      .execute();
  }

  async get(accountId: string, id: string, options: ReadOptions = {}): Promise<RefundRecord | undefined> {
    let q = this.db
      .selectFrom('refunds')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('id', '=', id);
    if (options.lock && this.locks) q = q.forUpdate();
    const row = await q.executeTakeFirst();
    return row ? toRefund(row) : undefined;
  }

  async ofOrders(accountId: string, orderIds: readonly string[]): Promise<Map<string, RefundRecord[]>> {
    const grouped = new Map<string, RefundRecord[]>(orderIds.map((id) => [id, []]));
    if (orderIds.length === 0) return grouped;
    const rows = await this.db
      .selectFrom('refunds')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('order_id', 'in', orderIds)
      .orderBy('seq')
      .execute();
    for (const row of rows) grouped.get(row.order_id)?.push(toRefund(row));
    return grouped;
  }

  /** pending → succeeded | failed */
  async finish(refund: RefundRecord, now: number): Promise<void> {
    const result = await this.db
      .updateTable('refunds')
      .set({ state: refund.state, failure_reason: refund.failureReason, updated_at: now })
      .where('account_id', '=', refund.accountId)
      .where('id', '=', refund.id)
      .where('state', '=', 'pending')
      .executeTakeFirst();
    assert(Number(result.numUpdatedRows) === 1, `refund ${refund.id} was not pending`);
  }

  async updateMetadata(refund: RefundRecord, now: number): Promise<void> {
    await this.db
      .updateTable('refunds')
      .set({ metadata: toJsonOrNull(refund.metadata), updated_at: now })
      .where('account_id', '=', refund.accountId)
      .where('id', '=', refund.id)
      .execute();
  }

  async list(accountId: string, filters: RefundFilters, page: PageQuery): Promise<Page<RefundRecord>> {
    let q = this.db.selectFrom('refunds').selectAll().where('account_id', '=', accountId);
    q = whereIn(q, 'id', filters.ids);
    if (filters.orderId) q = q.where('order_id', '=', filters.orderId);
    if (filters.state) q = q.where('state', '=', filters.state);
    if (filters.reason) q = q.where('reason', '=', filters.reason);
    if (filters.failureReason) q = q.where('failure_reason', '=', filters.failureReason);
    q = whereTimeRange(q, 'created_at', filters.createdTime);
    const result = await paginate<Selectable<RefundsTable>>(q, page, async (id) => {
      const row = await this.db
        .selectFrom('refunds')
        .select('seq')
        .where('account_id', '=', accountId)
        .where('id', '=', id)
        .executeTakeFirst();
      return row?.seq;
    });
    return { data: result.data.map(toRefund), hasMore: result.hasMore };
  }
}
