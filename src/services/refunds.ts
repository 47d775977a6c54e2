import { invalidParameter, missingParameter, notFound, unknownReference } from '../domain/errors.js';
import type { RefundType } from '../domain/order/model.js';
import { decideRefund, type RefundCommand } from '../domain/order/refund.js';
import { REFUND_MACHINE } from '../domain/refund/transitions.js';
import { move } from '../domain/state-machine.js';
import type { RefundCreate, RefundUpdate } from '../http/schemas/refund.js';
import { newUuid } from '../lib/ids.js';
import type { Page, PageQuery, RefundRecord } from '../store/records.js';
import type { RefundFilters } from '../store/repos/refunds.js';
import { type OrderView, refundToWire } from '../wire/order.js';
import { type Caller, type Deps, now, updateEvent } from './context.js';
import { parseAmount, parseQuantity, validateMetadata } from './input.js';
import { persistPlan } from './order-plan.js';
import { loadOrderViews } from './order-view.js';

const given = <T>(value: T | null | undefined): T | null => (value === undefined ? null : value);

/** The request as the domain takes it: amounts in the order's minor units, ids as strings. */
function commandOf(input: RefundCreate, currency: string, metadata: RefundRecord['metadata']): RefundCommand {
  return {
    id: `re_${newUuid()}`,
    currency: input.currency,
    type: (input.type ?? null) as RefundType | null,
    amountMinor:
      given(input.amount) === null ? null : parseAmount(input.amount as number, currency, 'amount', true),
    percent: given(input.percent),
    items:
      input.items?.map((entry, i) => {
        if (entry.itemId === null) throw missingParameter(`items[${i}].itemId`);
        return {
          itemId: String(entry.itemId),
          skuId: entry.skuId ?? null,
          type: entry.type ?? null,
          quantity: parseQuantity(entry.quantity ?? undefined, `items[${i}].quantity`) ?? null,
          amountMinor:
            entry.amount === undefined
              ? null
              : parseAmount(entry.amount, currency, `items[${i}].amount`, true),
          percent: entry.percent ?? null,
        };
      }) ?? null,
    reason: input.reason ?? null,
    metadata,
  };
}

/**
 * POST /refunds: load the order, decide (domain/order/refund.ts), persist; the refund settles
 * later through the processor (pending → succeeded | failed).
 */
export async function createRefund(
  deps: Deps,
  caller: Caller,
  input: RefundCreate,
): Promise<{ refund: RefundRecord; view: OrderView }> {
  const at = now(deps, caller);
  const accountId = caller.account.id;
  if (input.orderId === undefined) {
    throw input.invoiceId === undefined
      ? missingParameter('orderId')
      : invalidParameter('invoiceId', 'Tributary refunds orders; invoices are not supported.');
  }
  const orderId = input.orderId;
  const metadata = validateMetadata(input.metadata) ?? null;
  return deps.store.transaction(async (tx) => {
    const order = await tx.orders.get(accountId, orderId, { lock: true });
    if (!order) throw unknownReference('orderId', `Order '${orderId}' not found.`);
    const [view] = await loadOrderViews(tx, accountId, [order]);
    if (!view) throw unknownReference('orderId', `Order '${orderId}' not found.`);
    // amounts are read in the order's currency: a request in another one is refused before that
    if (input.currency !== order.order.currency)
      throw invalidParameter('currency', `Currency ${input.currency} is not supported.`);
    const command = commandOf(input, order.order.currency, metadata);
    const decision = decideRefund(view, command, { now: at, uuid: newUuid });
    if (!decision.ok) throw decision.error;
    const next = await persistPlan(tx, deps, view, decision.plan, view.sources);
    const refund = next.refunds.find((r) => r.id === command.id);
    if (!refund) throw new Error('the refund was planned');
    return { refund, view: next };
  });
}

export async function getRefund(
  deps: Deps,
  caller: Caller,
  id: string,
): Promise<{ refund: RefundRecord; view: OrderView }> {
  return deps.store.read(async (tx) => {
    const found = await tx.refunds.get(caller.account.id, id);
    if (!found) throw notFound('id', `Refund '${id}' not found.`);
    const [view] = await loadOrderViews(tx, caller.account.id, [found.order]);
    if (!view) throw notFound('id', `Refund '${id}' not found.`);
    return { refund: found.refund, view };
  });
}

export async function updateRefund(
  deps: Deps,
  caller: Caller,
  id: string,
  input: RefundUpdate,
): Promise<{ refund: RefundRecord; view: OrderView }> {
  const at = now(deps, caller);
  const metadata = validateMetadata(input.metadata);
  return deps.store.transaction(async (tx) => {
    const found = await tx.refunds.get(caller.account.id, id, { lock: true });
    if (!found) throw notFound('id', `Refund '${id}' not found.`);
    const current = found.refund;
    const refund = {
      ...current,
      metadata: metadata === undefined ? current.metadata : metadata,
      updatedAt: at,
    };
    const next = { ...found.order, refunds: found.order.refunds.map((r) => (r.id === id ? refund : r)) };
    await tx.orders.save(found.order, next);
    const [view] = await loadOrderViews(tx, caller.account.id, [next]);
    if (!view) throw notFound('id', `Refund '${id}' not found.`);
    const { events } = move(REFUND_MACHINE, current.state, 'update', current.state);
    await tx.events.append(
      events.map((type) =>
        updateEvent(caller.account.id, type, refundToWire(current, view), refundToWire(refund, view), at),
      ),
    );
    return { refund, view };
  });
}

export async function listRefunds(
  deps: Deps,
  caller: Caller,
  filters: RefundFilters,
  page: PageQuery,
): Promise<Page<{ refund: RefundRecord; view: OrderView }>> {
  const accountId = caller.account.id;
  return deps.store.read(async (tx) => {
    const result = await tx.refunds.list(accountId, filters, page);
    const orders = new Map(result.data.map(({ order }) => [order.order.id, order]));
    const views = new Map(
      (await loadOrderViews(tx, accountId, [...orders.values()])).map((v) => [v.order.id, v]),
    );
    return {
      data: result.data.flatMap(({ refund }) => {
        const view = views.get(refund.orderId);
        return view ? [{ refund, view }] : [];
      }),
      hasMore: result.hasMore,
    };
  });
}
