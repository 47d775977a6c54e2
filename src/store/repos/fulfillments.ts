import type { Order } from '../../domain/order/model.js';
import { whereIn, whereTimeRange } from '../paging.js';
import type { FulfillmentRecord, Page, PageQuery, TimeRange } from '../records.js';
import { Repo } from './base.js';
import { type OrdersRepo, whereItemSku } from './orders.js';

export interface FulfillmentFilters {
  ids?: readonly string[] | undefined;
  orderId?: string | undefined;
  skuId?: string | undefined;
  trackingCompany?: string | undefined;
  trackingNumber?: string | undefined;
  createdTime?: TimeRange | undefined;
}

/** Fulfillments live in their order's document; order_parts leads to them and lists them. */
export class FulfillmentsRepo extends Repo {
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
    options: { lock?: boolean } = {},
  ): Promise<{ fulfillment: FulfillmentRecord; order: Order } | undefined> {
    const order = await this.orders.ofPart(accountId, 'fulfillment', id, options);
    const fulfillment = order?.fulfillments.find((f) => f.id === id);
    return order && fulfillment ? { fulfillment, order } : undefined;
  }

  async list(
    accountId: string,
    filters: FulfillmentFilters,
    page: PageQuery,
  ): Promise<Page<FulfillmentRecord>> {
    const result = await this.orders.partsPage(
      accountId,
      'fulfillment',
      (query) => {
        let q = whereIn(query, 'id', filters.ids) as typeof query;
        if (filters.orderId) q = q.where('order_id', '=', filters.orderId);
        if (filters.trackingCompany) q = q.where('tracking_company', '=', filters.trackingCompany);
        if (filters.trackingNumber) q = q.where('tracking_number', '=', filters.trackingNumber);
        q = whereItemSku(q, accountId, 'fulfillment_item', filters.skuId);
        return whereTimeRange(q, 'created_at', filters.createdTime) as typeof query;
      },
      page,
    );
    return {
      data: result.data.flatMap(({ id, order }) => order.fulfillments.filter((f) => f.id === id)),
      hasMore: result.hasMore,
    };
  }
}
