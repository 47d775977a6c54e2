import { notFound } from '../domain/errors.js';
import { decideOrderUpdate } from '../domain/order/commands.js';
import type { OrderUpdate } from '../http/schemas/checkout.js';
import { newUuid } from '../lib/ids.js';
import type { ChargeRecord, OperationRecord, Page, PageQuery } from '../store/records.js';
import type { OrderFilters } from '../store/repos/orders.js';
import type { OrderView } from '../wire/order.js';
import { type Caller, type Deps, now } from './context.js';
import { validateMetadata } from './input.js';
import { persistPlan } from './order-plan.js';
import { loadOrderView, loadOrderViews } from './order-view.js';

export async function getOrder(deps: Deps, caller: Caller, id: string): Promise<OrderView> {
  return deps.store.read((tx) => loadOrderView(tx, caller.account.id, id));
}

export async function updateOrder(
  deps: Deps,
  caller: Caller,
  id: string,
  input: OrderUpdate,
): Promise<OrderView> {
  const at = now(deps, caller);
  const metadata = validateMetadata(input.metadata);
  return deps.store.transaction(async (tx) => {
    const view = await loadOrderView(tx, caller.account.id, id, { lock: true });
    const decision = decideOrderUpdate(
      view,
      { upstreamId: input.upstreamId, metadata, requestToBeForgotten: input.requestToBeForgotten },
      { now: at, uuid: newUuid },
    );
    if (!decision.ok) throw decision.error;
    return persistPlan(tx, deps, view, decision.plan, view.sources);
  });
}

export async function listOrders(
  deps: Deps,
  caller: Caller,
  filters: OrderFilters,
  page: PageQuery,
): Promise<Page<OrderView>> {
  const accountId = caller.account.id;
  return deps.store.read(async (tx) => {
    const result = await tx.orders.list(accountId, filters, page);
    return { data: await loadOrderViews(tx, accountId, result.data), hasMore: result.hasMore };
  });
}

/** A charge with the operations of its order (the wire shows its own captures, cancels, refunds). */
export async function getCharge(
  deps: Deps,
  caller: Caller,
  id: string,
): Promise<{ charge: ChargeRecord; operations: readonly OperationRecord[] }> {
  return deps.store.read(async (tx) => {
    const order = await tx.orders.ofPart(caller.account.id, 'charge', id);
    const charge = order?.charges.find((c) => c.id === id);
    if (!order || !charge) throw notFound('id', `Charge '${id}' not found.`);
    return { charge, operations: order.operations };
  });
}
