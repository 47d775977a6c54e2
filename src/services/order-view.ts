import { notFound } from '../domain/errors.js';
import { withLegacyParts } from '../domain/order/legacy.js';
import type { OrderRecord } from '../store/records.js';
import type { Tx } from '../store/store.js';
import type { OrderView } from '../wire/order.js';

/**
 * The order aggregate with the sources its wire form shows. Several orders load with one query
 * per table, never one per order.
 */
export async function loadOrderViews(
  tx: Tx,
  accountId: string,
  orders: readonly OrderRecord[],
): Promise<OrderView[]> {
  const ids = orders.map((o) => o.id);
  const [items, charges, operations, fulfillments, refunds] = await Promise.all([
    tx.orders.itemsOf(accountId, ids),
    tx.orders.chargesOf(accountId, ids),
    tx.operations.ofOrders(accountId, ids),
    tx.fulfillments.ofOrders(accountId, ids),
    tx.refunds.ofOrders(accountId, ids),
  ]);
  const sources = await tx.sources.getMany(
    accountId,
    [...charges.values()].flat().map((c) => c.sourceId),
  );
  return orders.map((order) => ({
    ...withLegacyParts({
      order,
      items: items.get(order.id) ?? [],
      charges: charges.get(order.id) ?? [],
      operations: operations.get(order.id) ?? [],
      fulfillments: fulfillments.get(order.id) ?? [],
      refunds: refunds.get(order.id) ?? [],
    }),
    sources,
  }));
}

export const orderNotFound = (id: string, parameter = 'id') =>
  notFound(parameter, `Order '${id}' not found.`);

export async function loadOrderView(
  tx: Tx,
  accountId: string,
  id: string,
  options: { lock?: boolean; parameter?: string } = {},
): Promise<OrderView> {
  const order = await tx.orders.get(accountId, id, { lock: options.lock ?? false });
  if (!order) throw orderNotFound(id, options.parameter);
  const [view] = await loadOrderViews(tx, accountId, [order]);
  if (!view) throw orderNotFound(id, options.parameter);
  return view;
}
