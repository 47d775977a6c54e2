import { chargeAmounts, chargeState } from '../domain/charge/amounts.js';
import { CHARGE_MACHINE, type ChargeCommand, operationEvent } from '../domain/charge/transitions.js';
import { ORDER_MACHINE, type OrderCommand, type OrderState } from '../domain/order/transitions.js';
import { move } from '../domain/state-machine.js';
import { assert } from '../lib/assert.js';
import { newUuid } from '../lib/ids.js';
import { isoSeconds } from '../lib/time.js';
import type { PaymentProcessor } from '../processor/processor.js';
import type { ChargeRecord, EventRecord, OperationRecord, OrderRecord } from '../store/records.js';
import type { Tx } from '../store/store.js';
import { chargeToWire, type OrderView, orderMoney, orderToWire } from '../wire/order.js';
import { newEvent } from './context.js';

/**
 * What fulfillments, settlements, refunds and test helpers share: moving a charge and an order
 * through their state tables as operations are created and settled, with the events each move
 * emits, all inside the caller's transaction.
 */

/** A working copy of an order view that the steps of one transaction update in place. */
export interface Working {
  view: OrderView & { charges: ChargeRecord[]; operations: OperationRecord[] };
  events: EventRecord[];
  at: number;
}

export function working(view: OrderView, at: number): Working {
  return { view: { ...view, charges: [...view.charges], operations: [...view.operations] }, events: [], at };
}

const opsOf = (w: Working, chargeId: string) => w.view.operations.filter((o) => o.chargeId === chargeId);

export function amountsOf(w: Working, charge: ChargeRecord) {
  return chargeAmounts(charge.amountMinor, opsOf(w, charge.id));
}

/**
 * Moves a charge to the state its operations now imply, as `command` allows. Emits `first` (the
 * event of the operation, showing the charge as it now is), then the charge's own state event.
 */
export async function moveCharge(
  tx: Tx,
  w: Working,
  chargeId: string,
  command: ChargeCommand,
  first?: string,
): Promise<void> {
  const index = w.view.charges.findIndex((c) => c.id === chargeId);
  const charge = w.view.charges[index];
  assert(charge !== undefined, `charge ${chargeId} belongs to the order`);
  const next = chargeState(amountsOf(w, charge));
  const { emits } = move(CHARGE_MACHINE, charge.state, command, next);
  const moved = next === charge.state ? charge : { ...charge, state: next, updatedAt: w.at };
  if (moved !== charge) {
    await tx.orders.moveCharge(moved, charge.state, w.at);
    w.view.charges[index] = moved;
  }
  if (first) chargeEvent(w, chargeId, first);
  if (emits) w.events.push(newEvent(charge.accountId, emits, chargeToWire(moved, w.view.operations), w.at));
}

/** An event about a charge, with the charge as it stands now. */
export function chargeEvent(w: Working, chargeId: string, type: string): void {
  const charge = w.view.charges.find((c) => c.id === chargeId);
  assert(charge !== undefined, `charge ${chargeId} belongs to the order`);
  w.events.push(newEvent(charge.accountId, type, chargeToWire(charge, w.view.operations), w.at));
}

/** Creates pending operations and asks the processor when each will settle. */
export async function startOperations(
  tx: Tx,
  w: Working,
  processor: PaymentProcessor,
  operations: readonly OperationRecord[],
): Promise<void> {
  await tx.operations.insert(operations);
  w.view.operations.push(...operations);
  for (const op of operations) {
    const charge = w.view.charges.find((c) => c.id === op.chargeId);
    assert(charge !== undefined, 'the operation is of a charge of the order');
    const plan = processor.submit({
      reference: op.id,
      kind: op.kind,
      scenarioId: charge.scenarioId,
      amountMinor: op.amountMinor,
      forced: op.forced,
    });
    if (plan.settleAfterSeconds !== null) {
      await tx.tasks.schedule([
        {
          accountId: op.accountId,
          id: newUuid(),
          kind: 'settle',
          subjectId: op.id,
          payload: {},
          dueAt: w.at + plan.settleAfterSeconds * 1000,
          createdAt: w.at,
        },
      ]);
    }
  }
}

export function newOperation(
  w: Working,
  charge: ChargeRecord,
  kind: OperationRecord['kind'],
  amountMinor: number,
  links: { fulfillmentId?: string; refundId?: string; forced?: boolean },
): OperationRecord {
  assert(Number.isSafeInteger(amountMinor) && amountMinor > 0, 'an operation moves a positive amount');
  return {
    accountId: charge.accountId,
    id: newUuid(),
    chargeId: charge.id,
    orderId: charge.orderId,
    kind,
    amountMinor,
    state: 'pending',
    fulfillmentId: links.fulfillmentId ?? null,
    refundId: links.refundId ?? null,
    forced: links.forced ?? false,
    failureCode: null,
    failureMessage: null,
    createdAt: w.at,
    updatedAt: w.at,
  };
}

/** pending → complete | failed, with the events DR sends (operation event, then charge state). */
export async function settleOperation(
  tx: Tx,
  w: Working,
  operation: OperationRecord,
  outcome: {
    state: 'complete' | 'failed';
    failureCode?: string | undefined;
    failureMessage?: string | undefined;
  },
): Promise<OperationRecord> {
  const settled: OperationRecord = {
    ...operation,
    state: outcome.state,
    failureCode: outcome.state === 'failed' ? (outcome.failureCode ?? 'failed-request') : null,
    failureMessage: outcome.state === 'failed' ? (outcome.failureMessage ?? 'The operation failed.') : null,
    updatedAt: w.at,
  };
  await tx.operations.settle(settled, w.at);
  w.view.operations = w.view.operations.map((o) => (o.id === settled.id ? settled : o));
  await moveCharge(
    tx,
    w,
    settled.chargeId,
    `${settled.kind}.${settled.state}` as ChargeCommand,
    operationEvent(settled.kind, settled.state),
  );
  return settled;
}

/** Moves the order by `command` to `to`, stamping stateTransitions; emits the state's event. */
export async function moveOrder(
  tx: Tx,
  w: Working,
  command: OrderCommand,
  to: OrderState,
  fraud?: { state: NonNullable<OrderRecord['fraudState']> },
): Promise<void> {
  const order = w.view.order;
  const { emits } = move(ORDER_MACHINE, order.state, command, to, 'orderId');
  const stamp = isoSeconds(w.at);
  const moved: OrderRecord = {
    ...order,
    state: to,
    stateTransitions:
      to === order.state ? order.stateTransitions : { ...order.stateTransitions, [to]: stamp },
    fraudState: fraud ? fraud.state : order.fraudState,
    fraudStateTransitions: fraud
      ? { ...order.fraudStateTransitions, [fraud.state]: stamp }
      : order.fraudStateTransitions,
    updatedAt: w.at,
  };
  if (to !== order.state || fraud) await tx.orders.moveOrder(moved, order.state, moved);
  w.view.order = moved;
  if (emits) w.events.push(newEvent(order.accountId, emits, orderToWire(w.view), w.at));
}

/**
 * After operations settle: an accepted order whose items and charges are all cancelled is
 * cancelled; a fulfilled order whose captures all completed is complete; a complete order whose
 * captured money was all refunded is returned.
 */
export async function reconcileOrder(tx: Tx, w: Working): Promise<void> {
  const { order, items, charges, operations } = w.view;
  const pending = operations.some((o) => o.state === 'pending' && o.kind !== 'refund');
  if (
    order.state === 'accepted' &&
    items.every((i) => i.state === 'cancelled') &&
    charges.every((c) => c.state === 'cancelled')
  ) {
    await moveOrder(tx, w, 'charges.cancelled', 'cancelled');
    return;
  }
  if (order.state === 'fulfilled' && !pending) {
    const captures = operations.filter((o) => o.kind === 'capture');
    if (captures.some((o) => o.state === 'complete') && captures.every((o) => o.state === 'complete')) {
      await moveOrder(tx, w, 'charges.settled', 'complete');
    }
  }
  if (w.view.order.state === 'complete') {
    const money = orderMoney(w.view);
    const refundsPending = operations.some((o) => o.kind === 'refund' && o.state === 'pending');
    if (
      !refundsPending &&
      money.capturedCompleteMinor > 0 &&
      money.refundedMinor === money.capturedCompleteMinor
    ) {
      await moveOrder(tx, w, 'refund.full', 'returned');
    }
  }
}

/** The charges in the order an operation takes them: captures the secondaries first (DR). */
export function chargesFor(w: Working, kind: OperationRecord['kind']): ChargeRecord[] {
  const primaryFirst = kind !== 'capture';
  return [...w.view.charges].sort((a, b) => {
    if (a.role === b.role) return a.createdAt - b.createdAt;
    return (a.role === 'primary') === primaryFirst ? -1 : 1;
  });
}
