import type { Order } from '../../domain/order/model.js';
import { type MajorRange, whereIn, whereMajorRange, whereTimeRange } from '../paging.js';
import type { Page, PageQuery, RefundRecord, TimeRange } from '../records.js';
import { type ReadOptions, Repo } from './base.js';
import { type OrdersRepo, whereItemSku } from './orders.js';

export interface RefundFilters {
  ids?: readonly string[] | undefined;
  orderId?: string | undefined;
  state?: string | undefined;
  reason?: string | undefined;
  failureReason?: string | undefined;
  createdTime?: TimeRange | undefined;
  skuId?: string | undefined;
  amount?: MajorRange | undefined;
  refundedAmount?: MajorRange | undefined;
}

/** Refunds live in their order's document; order_parts leads to them and lists them. */
export class RefundsRepo extends Repo {
  constructor(
    db: ConstructorParameters<typeof Repo>[0],
    dialect: ConstructorParameters<typeof Repo>[1],
    private readonly orders: OrdersRepo,
  ) {
    super(db, dialect);
  }

  async get(
    accountId: string,
    id: string,
    options: ReadOptions = {},
  ): Promise<{ refund: RefundRecord; order: Order } | undefined> {
    const order = await this.orders.ofPart(accountId, 'refund', id, options);
    const refund = order?.refunds.find((r) => r.id === id);
    return order && refund ? { refund, order } : undefined;
  }

  async list(
    accountId: string,
    filters: RefundFilters,
    page: PageQuery,
  ): Promise<Page<{ refund: RefundRecord; order: Order }>> {
    const result = await this.orders.partsPage(
      accountId,
      'refund',
      (query) => {
        let q = whereIn(query, 'id', filters.ids) as typeof query;
        if (filters.orderId) q = q.where('order_id', '=', filters.orderId);
        if (filters.state) q = q.where('state', '=', filters.state);
        if (filters.reason) q = q.where('reason', '=', filters.reason);
        if (filters.failureReason) q = q.where('failure_reason', '=', filters.failureReason);
        q = whereMajorRange(q, 'amount_minor', 'currency', filters.amount) as typeof query;
        q = whereMajorRange(q, 'refunded_minor', 'currency', filters.refundedAmount) as typeof query;
        q = whereItemSku(q, accountId, 'refund_item', filters.skuId);
        return whereTimeRange(q, 'created_at', filters.createdTime) as typeof query;
      },
      page,
    );
    return {
      data: result.data.flatMap(({ id, order }) =>
        order.refunds.filter((r) => r.id === id).map((refund) => ({ refund, order })),
      ),
      hasMore: result.hasMore,
    };
  }
}
