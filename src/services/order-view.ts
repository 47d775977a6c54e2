import { notFound } from '../domain/errors.js';
import { withLegacyParts } from '../domain/order/legacy.js';
import type { Order } from '../domain/order/model.js';
import type { Tx } from '../store/store.js';
import type { OrderView } from '../wire/order.js';

/**
 * Orders (each one row: store/repos/order-document.ts) with the sources their wire form shows:
 * the sources of several orders load with one query.
 */
export async function loadOrderViews(
  tx: Tx,
  accountId: string,
  orders: readonly Order[],
): Promise<OrderView[]> {
  const sources = await tx.sources.getMany(
    accountId,
    orders.flatMap((o) => o.charges.map((c) => c.sourceId)),
  );
  return orders.map((order) => ({ ...withLegacyParts(order), sources }));
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
