import { EXPANDABLE_EVENT_TYPES } from '../domain/events.js';
import { documentsDue } from '../domain/order/documents.js';
import type { Order } from '../domain/order/model.js';
import type { About, Plan, PlannedTask } from '../domain/order/plan.js';
import { assert } from '../lib/assert.js';
import { newUuid } from '../lib/ids.js';
import type { EventRecord, Json, SourceRecord } from '../store/records.js';
import type { Tx } from '../store/store.js';
import {
  chargeToWire,
  fulfillmentToWire,
  type OrderView,
  orderToWire,
  refundToWire,
  returnToWire,
} from '../wire/order.js';
import { type Deps, newEvent, updateEvent } from './context.js';

/**
 * Persists a decision's plan: writes the order as the plan leaves it (one row, guarded by the
 * version it was read at, and the index rows of its new parts), records the authorizations,
 * hands new operations to the processor and schedules their settlement, schedules the plan's
 * tasks, and appends its events with the objects as the plan leaves them — all in the caller's
 * transaction. It decides nothing.
 */
export async function persistPlan(
  tx: Tx,
  deps: Deps,
  before: Order | undefined,
  plan: Plan,
  sources: ReadonlyMap<string, SourceRecord>,
): Promise<OrderView> {
  const next = plan.next;
  const at = plan.at;
  if (before) await tx.orders.save(before, next);
  else await tx.orders.insert(next);
  for (const authorization of plan.authorizations) await tx.operations.insertAuthorization(authorization);

  const planned: PlannedTask[] = [...plan.tasks, ...documentsDue(before, plan)];
  for (const id of plan.submit) {
    const op = next.operations.find((o) => o.id === id);
    const charge = next.charges.find((c) => c.id === op?.chargeId);
    assert(op !== undefined && charge !== undefined, `operation ${id} is of a charge of the order`);
    const answer = deps.processor.submit({
      reference: op.id,
      kind: op.kind,
      scenarioId: charge.scenarioId,
      amountMinor: op.amountMinor,
      forced: op.forced,
    });
    if (answer.settleAfterSeconds !== null)
      planned.push({
        kind: 'settle',
        subjectId: op.id,
        payload: {},
        dueAt: at + answer.settleAfterSeconds * 1000,
      });
  }
  const accountId = next.order.accountId;
  const tasks = planned.map((t) => ({ ...t, accountId, id: newUuid(), createdAt: at }));
  await tx.tasks.schedule(tasks);

  const view: OrderView = { ...next, sources };
  await tx.events.append(renderEvents(view, plan, before && { ...before, sources }));
  return view;
}

/**
 * The plan's events, each with its object as the plan leaves it (rendered once per object); an
 * update event (`order.updated`, `return.updated`, …) also carries what the command changed
 * (`previousAttributes`, against the order as it was).
 */
export function renderEvents(view: OrderView, plan: Plan, before?: OrderView): EventRecord[] {
  const rendered = new Map<string, Json>();
  const objectOf = (about: About, from: OrderView = view, expand = false): Json => {
    const key = `${from === view ? 'after' : 'before'}:${expand ? 'expanded:' : ''}${about.kind === 'order' ? 'order' : `${about.kind}:${about.id}`}`;
    const cached = rendered.get(key);
    if (cached) return cached;
    let object: Json;
    switch (about.kind) {
      case 'order':
        object = orderToWire(from, { expand });
        break;
      case 'charge': {
        const charge = from.charges.find((c) => c.id === about.id);
        assert(charge !== undefined, `charge ${about.id} is of the order`);
        object = chargeToWire(charge, from.operations);
        break;
      }
      case 'fulfillment': {
        const fulfillment = from.fulfillments.find((f) => f.id === about.id);
        assert(fulfillment !== undefined, `fulfillment ${about.id} is of the order`);
        object = fulfillmentToWire(fulfillment, from, { expand });
        break;
      }
      case 'refund': {
        const refund = from.refunds.find((r) => r.id === about.id);
        assert(refund !== undefined, `refund ${about.id} is of the order`);
        object = refundToWire(refund, from);
        break;
      }
      case 'return': {
        const ret = from.returns.find((r) => r.id === about.id);
        assert(ret !== undefined, `return ${about.id} is of the order`);
        object = returnToWire(ret);
        break;
      }
    }
    rendered.set(key, object);
    return object;
  };
  return plan.events.map((e) =>
    before && e.type.endsWith('.updated')
      ? updateEvent(view.order.accountId, e.type, objectOf(e.about, before), objectOf(e.about), plan.at)
      : newEvent(
          view.order.accountId,
          e.type,
          objectOf(e.about, view, EXPANDABLE_EVENT_TYPES.has(e.type)),
          plan.at,
        ),
  );
}
