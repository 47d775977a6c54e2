import type { Order } from '../domain/order/model.js';
import type { About, Plan, PlannedTask } from '../domain/order/plan.js';
import { assert } from '../lib/assert.js';
import { newUuid } from '../lib/ids.js';
import type { EventRecord, Json, SourceRecord } from '../store/records.js';
import type { Tx } from '../store/store.js';
import { chargeToWire, fulfillmentToWire, type OrderView, orderToWire, refundToWire } from '../wire/order.js';
import { type Deps, newEvent } from './context.js';

/**
 * Persists a decision's plan: writes what changed between the order as it was read and as the
 * plan leaves it (each row update checks the state it was read in), records the authorizations,
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
  if (before) await writeChanges(tx, before, next);
  else await tx.orders.insert(next.order, next.items, next.charges);
  for (const authorization of plan.authorizations) await tx.operations.insertAuthorization(authorization);

  const planned: PlannedTask[] = [...plan.tasks];
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
  await tx.events.append(renderEvents(view, plan));
  return view;
}

/** The plan's events, each with its object as the plan leaves it (rendered once per object). */
export function renderEvents(view: OrderView, plan: Plan): EventRecord[] {
  const rendered = new Map<string, Json>();
  const objectOf = (about: About): Json => {
    const key = about.kind === 'order' ? 'order' : `${about.kind}:${about.id}`;
    const cached = rendered.get(key);
    if (cached) return cached;
    let object: Json;
    switch (about.kind) {
      case 'order':
        object = orderToWire(view);
        break;
      case 'charge': {
        const charge = view.charges.find((c) => c.id === about.id);
        assert(charge !== undefined, `charge ${about.id} is of the order`);
        object = chargeToWire(charge, view.operations);
        break;
      }
      case 'fulfillment': {
        const fulfillment = view.fulfillments.find((f) => f.id === about.id);
        assert(fulfillment !== undefined, `fulfillment ${about.id} is of the order`);
        object = fulfillmentToWire(fulfillment, view);
        break;
      }
      case 'refund': {
        const refund = view.refunds.find((r) => r.id === about.id);
        assert(refund !== undefined, `refund ${about.id} is of the order`);
        object = refundToWire(refund, view);
        break;
      }
    }
    rendered.set(key, object);
    return object;
  };
  return plan.events.map((e) => newEvent(view.order.accountId, e.type, objectOf(e.about), plan.at));
}

/** Writes the rows that differ (a decision replaces exactly the records it changes). */
async function writeChanges(tx: Tx, before: Order, next: Order): Promise<void> {
  const b = before.order;
  const n = next.order;
  if (n !== b) {
    if (n.state !== b.state || n.fraudState !== b.fraudState || n.stateTransitions !== b.stateTransitions)
      await tx.orders.moveOrder(n, b.state, n);
    if (
      n.upstreamId !== b.upstreamId ||
      n.metadata !== b.metadata ||
      n.requestToBeForgotten !== b.requestToBeForgotten
    )
      await tx.orders.updateAttributes(n);
  }
  const items = new Map(before.items.map((i) => [i.id, i]));
  for (const item of next.items) {
    const was = items.get(item.id);
    assert(was !== undefined, 'a decision never adds items to an order');
    if (item !== was) await tx.orders.updateItemProgress(n.accountId, item, was.state);
  }
  const charges = new Map(before.charges.map((c) => [c.id, c]));
  for (const charge of next.charges) {
    const was = charges.get(charge.id);
    assert(was !== undefined, 'a decision never adds charges to an order');
    if (charge === was) continue;
    if (charge.state !== was.state) await tx.orders.moveCharge(charge, was.state, charge.updatedAt);
    if (
      charge.authorizationId !== was.authorizationId ||
      charge.authorizationExpiresAt !== was.authorizationExpiresAt ||
      charge.reauthorizationOverride !== was.reauthorizationOverride
    )
      await tx.orders.updateAuthorization(charge);
  }
  const operations = new Map(before.operations.map((o) => [o.id, o]));
  const added = next.operations.filter((o) => !operations.has(o.id));
  await tx.operations.insert(added);
  for (const op of next.operations) {
    const was = operations.get(op.id);
    if (was && op !== was && op.state !== was.state) await tx.operations.settle(op, op.updatedAt);
  }
  const fulfillments = new Set(before.fulfillments.map((f) => f.id));
  for (const f of next.fulfillments) if (!fulfillments.has(f.id)) await tx.fulfillments.insert(f);
  const refunds = new Map(before.refunds.map((r) => [r.id, r]));
  for (const refund of next.refunds) {
    const was = refunds.get(refund.id);
    if (!was) await tx.refunds.insert(refund);
    else if (refund.state !== was.state) await tx.refunds.finish(refund, refund.updatedAt);
  }
}
