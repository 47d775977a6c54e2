import { invalidParameter, notFound } from '../domain/errors.js';
import { decideAuthorizationExpiry, decideReauthorizationRefusal } from '../domain/order/commands.js';
import { type DisputeOutcome, decideDisputeOpen, decideDisputeResolution } from '../domain/order/dispute.js';
import type { Decision } from '../domain/order/plan.js';
import { decideCaptureFailure } from '../domain/order/settle.js';
import { accountNow } from '../lib/clock.js';
import { newUuid } from '../lib/ids.js';
import type { AccountRecord, ChargeRecord, OperationRecord } from '../store/records.js';
import type { OrderView } from '../wire/order.js';
import type { Caller, Deps } from './context.js';
import { parseAmount } from './input.js';
import { advanceClock, onOrder } from './tasks.js';

/**
 * Tributary's test helpers: the account clock, and outcomes forced on existing objects (which
 * test cards cannot express).
 */

/** The longest a clock moves in one call. */
const CLOCK_ADVANCE_MAX_SECONDS = 10 * 365 * 86_400;

export function clockOf(deps: Deps, account: AccountRecord) {
  return { nowMs: accountNow(deps.clock, account.clockOffsetMs), offsetMs: account.clockOffsetMs };
}

export async function advance(
  deps: Deps,
  caller: Caller,
  by: { seconds?: number | undefined; to?: number | undefined },
): Promise<{ account: AccountRecord; ran: number }> {
  const current = clockOf(deps, caller.account).nowMs;
  let target: number;
  if (by.seconds !== undefined && by.to !== undefined)
    throw invalidParameter('to', "Send either 'seconds' or 'to', not both.");
  if (by.seconds !== undefined) {
    if (!Number.isInteger(by.seconds) || by.seconds < 0 || by.seconds > CLOCK_ADVANCE_MAX_SECONDS) {
      throw invalidParameter(
        'seconds',
        `'seconds' must be a whole number from 0 to ${CLOCK_ADVANCE_MAX_SECONDS}.`,
      );
    }
    target = current + by.seconds * 1000;
  } else if (by.to !== undefined) {
    if (by.to < current) throw invalidParameter('to', 'The clock never moves backwards.');
    if (by.to - current > CLOCK_ADVANCE_MAX_SECONDS * 1000)
      throw invalidParameter('to', 'That is too far ahead.');
    target = by.to;
  } else {
    throw invalidParameter('seconds', "Send 'seconds' or 'to'.");
  }
  return advanceClock(deps, caller.account, target);
}

/** A decision on the order of a charge (or of a capture); a refusal is the answer. */
async function onChargeOrder(
  deps: Deps,
  caller: Caller,
  find: { chargeId: string } | { operationId: string },
  decide: (view: OrderView, ctx: { now: number; uuid: () => string }) => Decision,
): Promise<{ charge: ChargeRecord; operations: readonly OperationRecord[] }> {
  const at = accountNow(deps.clock, caller.account.clockOffsetMs);
  const accountId = caller.account.id;
  return deps.store.transaction(async (tx) => {
    let chargeId: string;
    if ('chargeId' in find) chargeId = find.chargeId;
    else {
      const operation = await tx.operations.get(accountId, find.operationId);
      if (operation?.kind !== 'capture') throw notFound('id', `Capture '${find.operationId}' not found.`);
      chargeId = operation.chargeId;
    }
    const order = await tx.orders.ofPart(accountId, 'charge', chargeId);
    if (!order) throw notFound('id', `Charge '${chargeId}' not found.`);
    const decision = await onOrder(tx, deps, accountId, order.order.id, (view) =>
      decide(view, { now: at, uuid: newUuid }),
    );
    if (!decision.ok || !decision.view)
      throw decision.ok ? new Error('the plan was persisted') : decision.error;
    const next = decision.view;
    const after = next.charges.find((c) => c.id === chargeId);
    if (!after) throw notFound('id', `Charge '${chargeId}' not found.`);
    return { charge: after, operations: next.operations };
  });
}

/** The charge's authorization expires now (its next capture needs a reauthorization). */
export const expireAuthorization = (deps: Deps, caller: Caller, id: string) =>
  onChargeOrder(deps, caller, { chargeId: id }, (view, ctx) => decideAuthorizationExpiry(view, id, ctx));

/** From now on the issuer refuses this charge's reauthorizations. */
export const refuseReauthorization = (deps: Deps, caller: Caller, id: string) =>
  onChargeOrder(deps, caller, { chargeId: id }, (view, ctx) => decideReauthorizationRefusal(view, id, ctx));

/** A pending capture fails now. */
export const failCapture = (deps: Deps, caller: Caller, id: string) =>
  onChargeOrder(deps, caller, { operationId: id }, (view, ctx) => decideCaptureFailure(view, id, ctx));

/** Wipes the account's objects and resets its clock; its keys and settings stay. */
export async function resetAccount(deps: Deps, caller: Caller): Promise<void> {
  await deps.store.transaction(async (tx) => {
    await tx.accounts.wipe(caller.account.id);
  });
}

/**
 * A dispute on an order: opened (the order goes to `dispute`), then resolved won or lost (a lost
 * one charges `amount` back, everything refundable by default), as DR's chargeback team would.
 */
export async function disputeOrder(
  deps: Deps,
  caller: Caller,
  orderId: string,
  resolution?: { outcome: DisputeOutcome; amount?: number | undefined },
): Promise<OrderView> {
  const at = accountNow(deps.clock, caller.account.clockOffsetMs);
  const accountId = caller.account.id;
  return deps.store.transaction(async (tx) => {
    // onOrder reads the order once (404 when it is not this account's)
    const decision = await onOrder(tx, deps, accountId, orderId, (view) => {
      const ctx = { now: at, uuid: newUuid };
      if (!resolution) return decideDisputeOpen(view, ctx);
      const amountMinor =
        resolution.amount === undefined
          ? null
          : parseAmount(resolution.amount, view.order.currency, 'amount', true);
      return decideDisputeResolution(view, resolution.outcome, amountMinor, ctx);
    });
    if (!decision.ok || !decision.view)
      throw decision.ok ? new Error('the plan was persisted') : decision.error;
    return decision.view;
  });
}
