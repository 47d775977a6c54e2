import { notFound, unknownReference } from '../domain/errors.js';
import { FULFILLMENT_MACHINE } from '../domain/fulfillment/transitions.js';
import {
  decideFulfillment,
  type FulfillmentCommand,
  type ReauthorizationAnswer,
  reauthorizationsNeeded,
} from '../domain/order/fulfill.js';
import { move } from '../domain/state-machine.js';
import type { FulfillmentCreate, FulfillmentUpdate } from '../http/schemas/fulfillment.js';
import { newUuid } from '../lib/ids.js';
import type { FulfillmentRecord, Page, PageQuery } from '../store/records.js';
import type { FulfillmentFilters } from '../store/repos/fulfillments.js';
import { fulfillmentToWire, type OrderView } from '../wire/order.js';
import { type Caller, type Deps, now, updateEvent } from './context.js';
import { parseQuantity, validateMetadata } from './input.js';
import { persistPlan } from './order-plan.js';
import { loadOrderViews } from './order-view.js';

export { REAUTHORIZATION_FAILED } from '../domain/order/fulfill.js';

/** The request as the domain takes it: quantities parsed, ids as strings. */
function commandOf(input: FulfillmentCreate, metadata: FulfillmentRecord['metadata']): FulfillmentCommand {
  return {
    id: `ful_${newUuid()}`,
    lines: input.items.map((entry, index) => ({
      itemId: entry.itemId === undefined ? undefined : String(entry.itemId),
      skuId: entry.skuId,
      quantity: parseQuantity(entry.quantity ?? undefined, `items[${index}].quantity`, 0) ?? 0,
      cancelQuantity:
        parseQuantity(entry.cancelQuantity ?? undefined, `items[${index}].cancelQuantity`, 0) ?? 0,
      shipmentItemId: entry.shipmentItemId ?? null,
    })),
    shipmentId: input.shipmentId ?? null,
    trackingCompany: input.trackingCompany ?? null,
    trackingNumber: input.trackingNumber ?? null,
    trackingUrl: input.trackingUrl ?? null,
    metadata,
  };
}

/**
 * POST /fulfillments: load the order, ask the processor for the reauthorizations the decision
 * needs, decide (domain/order/fulfill.ts), persist. A refusal on a risk-averse account keeps
 * the record of the reauthorization and its event, and answers 409.
 */
export async function createFulfillment(
  deps: Deps,
  caller: Caller,
  input: FulfillmentCreate,
): Promise<{ fulfillment: FulfillmentRecord; view: OrderView }> {
  const at = now(deps, caller);
  const accountId = caller.account.id;
  const command = commandOf(input, validateMetadata(input.metadata) ?? null);
  const outcome = await deps.store.transaction(async (tx) => {
    const order = await tx.orders.get(accountId, input.orderId, { lock: true });
    if (!order) throw unknownReference('orderId', `Order '${input.orderId}' not found.`);
    const [view] = await loadOrderViews(tx, accountId, [order]);
    if (!view) throw unknownReference('orderId', `Order '${input.orderId}' not found.`);
    const answers = new Map<string, ReauthorizationAnswer>();
    for (const { charge, amountMinor } of reauthorizationsNeeded(view, command, at)) {
      answers.set(
        charge.id,
        charge.reauthorizationOverride === 'refused'
          ? { granted: false }
          : deps.processor.reauthorize({
              reference: charge.id,
              scenarioId: charge.scenarioId,
              amountMinor,
              currency: charge.currency,
              nowMs: at,
            }),
      );
    }
    const decision = decideFulfillment(view, command, answers, caller.account.chargebackRiskPolicy, {
      now: at,
      uuid: newUuid,
    });
    if (!decision.ok) {
      if (decision.plan) await persistPlan(tx, deps, view, decision.plan, view.sources);
      return { ok: false as const, error: decision.error };
    }
    return { ok: true as const, view: await persistPlan(tx, deps, view, decision.plan, view.sources) };
  });
  if (!outcome.ok) throw outcome.error;
  const fulfillment = outcome.view.fulfillments.find((f) => f.id === command.id);
  if (!fulfillment) throw new Error('the fulfillment was planned');
  return { fulfillment, view: outcome.view };
}

export async function getFulfillment(
  deps: Deps,
  caller: Caller,
  id: string,
): Promise<{ fulfillment: FulfillmentRecord; view: OrderView }> {
  return deps.store.read(async (tx) => {
    const found = await tx.fulfillments.get(caller.account.id, id);
    if (!found) throw notFound('id', `Fulfillment '${id}' not found.`);
    const [view] = await loadOrderViews(tx, caller.account.id, [found.order]);
    if (!view) throw notFound('id', `Fulfillment '${id}' not found.`);
    return { fulfillment: found.fulfillment, view };
  });
}

export async function listFulfillments(
  deps: Deps,
  caller: Caller,
  filters: FulfillmentFilters,
  page: PageQuery,
): Promise<Page<FulfillmentRecord>> {
  return deps.store.read((tx) => tx.fulfillments.list(caller.account.id, filters, page));
}

/** POST /fulfillments/{id}: add or change tracking data; the items named must be the fulfillment's. */
export async function updateFulfillment(
  deps: Deps,
  caller: Caller,
  id: string,
  input: FulfillmentUpdate,
): Promise<FulfillmentRecord> {
  const at = now(deps, caller);
  const metadata = validateMetadata(input.metadata);
  return deps.store.transaction(async (tx) => {
    const found = await tx.fulfillments.get(caller.account.id, id, { lock: true });
    if (!found) throw notFound('id', `Fulfillment '${id}' not found.`);
    const current = found.fulfillment;
    (input.items ?? []).forEach((entry, i) => {
      if (!current.items.some((item) => item.itemId === String(entry.itemId))) {
        throw unknownReference(`items[${i}].itemId`, `Fulfillment '${id}' has no item '${entry.itemId}'.`);
      }
    });
    const updated: FulfillmentRecord = {
      ...current,
      trackingCompany: input.trackingCompany ?? current.trackingCompany,
      trackingNumber: input.trackingNumber ?? current.trackingNumber,
      trackingUrl: input.trackingUrl ?? current.trackingUrl,
      metadata: metadata === undefined ? current.metadata : metadata,
      updatedAt: at,
    };
    await tx.orders.save(found.order, {
      ...found.order,
      fulfillments: found.order.fulfillments.map((f) => (f.id === id ? updated : f)),
    });
    const { events } = move(FULFILLMENT_MACHINE, 'created', 'update', 'created');
    await tx.events.append(
      events.map((type) =>
        updateEvent(caller.account.id, type, fulfillmentToWire(current), fulfillmentToWire(updated), at),
      ),
    );
    return updated;
  });
}
