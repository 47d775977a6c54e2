import { notFound, unknownReference } from '../domain/errors.js';
import type { ReturnRecord } from '../domain/order/model.js';
import { decideReturn, decideReturnUpdate, type ReturnItemRequest } from '../domain/order/return.js';
import type { Json } from '../domain/shared.js';
import type { ReturnCreate, ReturnUpdate } from '../http/schemas/return.js';
import { newUuid } from '../lib/ids.js';
import type { Page, PageQuery } from '../store/records.js';
import type { ReturnFilters } from '../store/repos/returns.js';
import { type Caller, type Deps, now } from './context.js';
import { parseQuantity, validateMetadata } from './input.js';
import { persistPlan } from './order-plan.js';
import { loadOrderViews } from './order-view.js';

type ItemInput = {
  itemId?: string | number | undefined;
  skuId?: string | undefined;
  quantity: string | number;
};

function itemsOf(items: readonly ItemInput[]): ReturnItemRequest[] {
  return items.map((entry, i) => ({
    itemId: entry.itemId === undefined ? null : String(entry.itemId),
    skuId: entry.skuId ?? null,
    // DR's examples send quantities as strings ("2"); zero accepts nothing and is refused
    quantity: parseQuantity(entry.quantity, `items[${i}].quantity`) as number,
  }));
}

/**
 * POST /returns: load the order, decide (domain/order/return.ts), persist. The order is named in
 * the body, so another account's order (or none) is a 400 naming `orderId`.
 */
export async function createReturn(deps: Deps, caller: Caller, input: ReturnCreate): Promise<ReturnRecord> {
  const at = now(deps, caller);
  const accountId = caller.account.id;
  const metadata = validateMetadata(input.metadata) ?? null;
  const items = itemsOf(input.items);
  return deps.store.transaction(async (tx) => {
    // decided on the view, as refunds are: an order from before the ledger has its parts rebuilt
    const order = await tx.orders.get(accountId, input.orderId, { lock: true });
    const [view] = order ? await loadOrderViews(tx, accountId, [order]) : [];
    if (!view) throw unknownReference('orderId', `Order '${input.orderId}' not found.`);
    const id = `ret_${newUuid()}`;
    const decision = decideReturn(
      view,
      {
        id,
        items,
        reason: input.reason ?? null,
        location: (input.location ?? null) as Json | null,
        metadata,
      },
      { now: at, uuid: newUuid },
    );
    if (!decision.ok) throw decision.error;
    const next = await persistPlan(tx, deps, view, decision.plan, view.sources);
    const ret = next.returns.find((r) => r.id === id);
    if (!ret) throw new Error('the return was planned');
    return ret;
  });
}

export async function getReturn(deps: Deps, caller: Caller, id: string): Promise<ReturnRecord> {
  return deps.store.read(async (tx) => {
    const found = await tx.returns.get(caller.account.id, id);
    if (!found) throw notFound('id', `Return '${id}' not found.`);
    return found.ret;
  });
}

/** POST /returns/{id}: accept it whole (`state`) or some units (`items`), and/or metadata, location. */
export async function updateReturn(
  deps: Deps,
  caller: Caller,
  id: string,
  input: ReturnUpdate,
): Promise<ReturnRecord> {
  const at = now(deps, caller);
  const accountId = caller.account.id;
  const metadata = validateMetadata(input.metadata);
  const items = input.items ? itemsOf(input.items) : null;
  return deps.store.transaction(async (tx) => {
    const found = await tx.returns.get(accountId, id, { lock: true });
    if (!found) throw notFound('id', `Return '${id}' not found.`);
    const [view] = await loadOrderViews(tx, accountId, [found.order]);
    if (!view) throw notFound('id', `Return '${id}' not found.`);
    const decision = decideReturnUpdate(
      view,
      id,
      {
        accept: input.state === 'accepted',
        items,
        location: input.location as Json | undefined,
        metadata,
        refundId: () => `re_${newUuid()}`,
      },
      { now: at, uuid: newUuid },
    );
    if (!decision.ok) throw decision.error;
    const next = await persistPlan(tx, deps, view, decision.plan, view.sources);
    const ret = next.returns.find((r) => r.id === id);
    if (!ret) throw new Error('the return is of the order');
    return ret;
  });
}

export async function listReturns(
  deps: Deps,
  caller: Caller,
  filters: ReturnFilters,
  page: PageQuery,
): Promise<Page<ReturnRecord>> {
  return deps.store.read((tx) => tx.returns.list(caller.account.id, filters, page));
}
