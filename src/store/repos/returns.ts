import type { Order, ReturnRecord } from '../../domain/order/model.js';
import { whereIn, whereTimeRange } from '../paging.js';
import type { Page, PageQuery, TimeRange } from '../records.js';
import { type ReadOptions, Repo } from './base.js';
import { type OrdersRepo, whereItemSku } from './orders.js';

export interface ReturnFilters {
  ids?: readonly string[] | undefined;
  orderId?: string | undefined;
  state?: string | undefined;
  skuId?: string | undefined;
  createdTime?: TimeRange | undefined;
}

/** Returns live in their order's document; order_parts leads to them and lists them. */
export class ReturnsRepo extends Repo {
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
  ): Promise<{ ret: ReturnRecord; order: Order } | undefined> {
    const order = await this.orders.ofPart(accountId, 'return', id, options);
    const ret = order?.returns.find((r) => r.id === id);
    return order && ret ? { ret, order } : undefined;
  }

  async list(accountId: string, filters: ReturnFilters, page: PageQuery): Promise<Page<ReturnRecord>> {
    const result = await this.orders.partsPage(
      accountId,
      'return',
      (query) => {
        let q = whereIn(query, 'id', filters.ids) as typeof query;
        if (filters.orderId) q = q.where('order_id', '=', filters.orderId);
        if (filters.state) q = q.where('state', '=', filters.state);
        q = whereItemSku(q, accountId, 'return_item', filters.skuId);
        return whereTimeRange(q, 'created_at', filters.createdTime) as typeof query;
      },
      page,
    );
    return {
      data: result.data.flatMap(({ id, order }) => order.returns.filter((r) => r.id === id)),
      hasMore: result.hasMore,
    };
  }
}
