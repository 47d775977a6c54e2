import { refundableMinor } from '../domain/charge/amounts.js';
import {
  AppError,
  invalidParameter,
  missingParameter,
  notFound,
  unknownReference,
} from '../domain/errors.js';
import { splitOverCharges, unitsValue } from '../domain/fulfillment/shares.js';
import { applyPercent } from '../domain/money/rate.js';
import { ORDER_MACHINE } from '../domain/order/transitions.js';
import { cellFor } from '../domain/state-machine.js';
import type { RefundCreate, RefundUpdate } from '../http/schemas/refund.js';
import { newUuid } from '../lib/ids.js';
import { REFUNDS_PER_ORDER_MAX } from '../limits.js';
import type { Page, PageQuery, RefundItemRecord, RefundRecord } from '../store/records.js';
import type { RefundFilters } from '../store/repos/refunds.js';
import { itemRefundable, type OrderView, orderMoney, refundToWire } from '../wire/order.js';
import { type Caller, type Deps, newEvent, now } from './context.js';
import { parseAmount, parseQuantity, validateMetadata } from './input.js';
import { amountsOf, chargesFor, moveCharge, newOperation, startOperations, working } from './operations.js';
import { loadOrderView, loadOrderViews } from './order-view.js';

/** DR's answer when a refund asks for more than is left. */
const tooMuch = () =>
  invalidParameter('amountRequested', 'The requested refund amount is greater than the available amount.');

/** How much a refund request asks for, and which items it names. */
function requested(view: OrderView, input: RefundCreate): { amountMinor: number; items: RefundItemRecord[] } {
  const { order } = view;
  const currency = order.currency;
  const money = orderMoney(view);
  const ways = [input.amount, input.percent, input.items].filter((v) => v !== undefined && v !== null).length;
  if (ways > 1) throw invalidParameter('amount', 'Send one of amount, percent or items.');
  if (input.type === 'tax') {
    if (input.percent !== undefined && input.percent !== null && input.percent !== 100) {
      throw invalidParameter('percentRequested', 'Only full tax refunds are supported.');
    }
    return { amountMinor: order.totals.totalTaxMinor, items: [] };
  }
  if (input.type === 'duty' || input.type === 'importer_tax') {
    throw invalidParameter(
      'type',
      `The order has no ${input.type === 'duty' ? 'duties' : 'importer tax'} to refund.`,
    );
  }
  const typeCap =
    input.type === 'shipping'
      ? order.totals.totalShippingMinor + (order.taxInclusive ? 0 : order.totals.shippingTaxMinor)
      : undefined;
  if (input.amount !== undefined && input.amount !== null) {
    const amountMinor = parseAmount(input.amount, currency, 'amount', true);
    if (typeCap !== undefined && amountMinor > typeCap) throw tooMuch();
    return { amountMinor, items: [] };
  }
  if (input.percent !== undefined && input.percent !== null) {
    return { amountMinor: applyPercent(typeCap ?? money.capturedCompleteMinor, input.percent), items: [] };
  }
  if (typeCap !== undefined) return { amountMinor: typeCap, items: [] };
  if (!input.items) throw missingParameter('amount');
  const refundable = itemRefundable(view);
  const items = input.items.map((entry, i) => {
    const at = `items[${i}]`;
    if (entry.itemId === null) throw missingParameter(`${at}.itemId`);
    const item = view.items.find((x) => x.id === String(entry.itemId));
    if (!item) throw unknownReference(`${at}.itemId`, `Order '${order.id}' has no item '${entry.itemId}'.`);
    const left = refundable.get(item.id) ?? 0;
    let amountMinor: number;
    let quantity: number | null = null;
    if (entry.amount !== undefined) amountMinor = parseAmount(entry.amount, currency, `${at}.amount`, true);
    else if (entry.percent !== undefined) amountMinor = applyPercent(left, entry.percent);
    else {
      quantity = parseQuantity(entry.quantity ?? undefined, `${at}.quantity`) ?? item.quantity;
      const refundedUnits = view.refunds
        .filter((r) => r.state !== 'failed')
        .flatMap((r) => r.items)
        .filter((ri) => ri.itemId === item.id)
        .reduce((s, ri) => s + (ri.quantity ?? 0), 0);
      if (quantity > item.fulfilledQuantity - refundedUnits) {
        throw invalidParameter(
          `${at}.quantity`,
          `Item '${item.id}' has ${item.fulfilledQuantity - refundedUnits} fulfilled units left to refund.`,
        );
      }
      // an item refund covers the product and its tax, not shipping (DR)
      amountMinor = unitsValue(
        { ...item, shippingMinor: 0, shippingTaxMinor: 0, taxInclusive: order.taxInclusive },
        refundedUnits,
        quantity,
      );
    }
    if (amountMinor > left) throw tooMuch();
    return { itemId: item.id, skuId: item.skuId, quantity, amountMinor };
  });
  return { amountMinor: items.reduce((s, i) => s + i.amountMinor, 0), items };
}

/**
 * POST /refunds: only captured money is refunded; the refund takes the primary charge first,
 * then the secondary ones, and settles later through the processor (pending → succeeded | failed).
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
    if (input.currency !== order.currency)
      throw invalidParameter('currency', `Currency ${input.currency} is not supported.`);
    if (order.state === 'dispute')
      throw invalidParameter('order', 'A refund cannot be performed while there is a dispute on the order.');
    cellFor(ORDER_MACHINE, order.state, 'refund', 'orderId');
    if (view.refunds.length >= REFUNDS_PER_ORDER_MAX)
      throw new AppError(
        'limit_exceeded',
        'orderId',
        `Order '${orderId}' has ${REFUNDS_PER_ORDER_MAX} refunds, the most one order may have.`,
      );
    const { amountMinor, items } = requested(view, input);
    if (amountMinor <= 0) throw invalidParameter('amountRequested', 'There is nothing to refund.');
    if (amountMinor > orderMoney(view).availableToRefundMinor) throw tooMuch();

    const w = working(view, at);
    const refund: RefundRecord = {
      accountId,
      id: `re_${newUuid()}`,
      orderId,
      currency: order.currency,
      type: input.type ?? null,
      reason: input.reason ?? null,
      amountMinor,
      state: 'pending',
      failureReason: null,
      items,
      metadata,
      createdAt: at,
      updatedAt: at,
    };
    await tx.refunds.insert(refund);
    w.view.refunds = [...w.view.refunds, refund];
    const parts = splitOverCharges(
      amountMinor,
      chargesFor(w, 'refund').map((charge) => ({
        charge,
        availableMinor: refundableMinor(amountsOf(w, charge)),
      })),
    );
    const operations = parts.map((p) =>
      newOperation(w, p.charge.charge, 'refund', p.amountMinor, { refundId: refund.id }),
    );
    await startOperations(tx, w, deps.processor, operations);
    w.events.push(newEvent(accountId, 'refund.pending', refundToWire(refund, w.view), at));
    for (const op of operations)
      await moveCharge(tx, w, op.chargeId, 'refund', 'order.charge.refund.pending');
    await tx.events.append(w.events);
    return { refund, view: w.view };
  });
}

export async function getRefund(
  deps: Deps,
  caller: Caller,
  id: string,
): Promise<{ refund: RefundRecord; view: OrderView }> {
  return deps.store.read(async (tx) => {
    const refund = await tx.refunds.get(caller.account.id, id);
    if (!refund) throw notFound('id', `Refund '${id}' not found.`);
    return { refund, view: await loadOrderView(tx, caller.account.id, refund.orderId) };
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
    const current = await tx.refunds.get(caller.account.id, id, { lock: true });
    if (!current) throw notFound('id', `Refund '${id}' not found.`);
    const refund = {
      ...current,
      metadata: metadata === undefined ? current.metadata : metadata,
      updatedAt: at,
    };
    await tx.refunds.updateMetadata(refund, at);
    const view = await loadOrderView(tx, caller.account.id, refund.orderId);
    await tx.events.append([newEvent(caller.account.id, 'refund.updated', refundToWire(refund, view), at)]);
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
    const orderIds = [...new Set(result.data.map((r) => r.orderId))];
    const orders = (await tx.orders.list(accountId, { ids: orderIds }, { limit: orderIds.length || 1 })).data;
    const views = new Map((await loadOrderViews(tx, accountId, orders)).map((v) => [v.order.id, v]));
    return {
      data: result.data.flatMap((refund) => {
        const view = views.get(refund.orderId);
        return view ? [{ refund, view }] : [];
      }),
      hasMore: result.hasMore,
    };
  });
}
