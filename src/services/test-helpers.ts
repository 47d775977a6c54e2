import { AppError, invalidParameter, notFound } from '../domain/errors.js';
import { accountNow } from '../lib/clock.js';
import type { AccountRecord, ChargeRecord, OperationRecord } from '../store/records.js';
import type { Caller, Deps } from './context.js';
import { advanceClock, settle } from './tasks.js';

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

/** The charge's authorization expires now (its next capture needs a reauthorization). */
export async function expireAuthorization(deps: Deps, caller: Caller, id: string): Promise<ChargeRecord> {
  const at = accountNow(deps.clock, caller.account.clockOffsetMs);
  return deps.store.transaction(async (tx) => {
    const charge = await tx.orders.charge(caller.account.id, id, { lock: true });
    if (!charge) throw notFound('id', `Charge '${id}' not found.`);
    const changed = { ...charge, authorizationExpiresAt: at, updatedAt: at };
    await tx.orders.overrideAuthorization(changed, changed, at);
    return changed;
  });
}

/** From now on the issuer refuses this charge's reauthorizations. */
export async function refuseReauthorization(deps: Deps, caller: Caller, id: string): Promise<ChargeRecord> {
  const at = accountNow(deps.clock, caller.account.clockOffsetMs);
  return deps.store.transaction(async (tx) => {
    const charge = await tx.orders.charge(caller.account.id, id, { lock: true });
    if (!charge) throw notFound('id', `Charge '${id}' not found.`);
    const changed = { ...charge, reauthorizationOverride: 'refused' as const, updatedAt: at };
    await tx.orders.overrideAuthorization(changed, changed, at);
    return changed;
  });
}

/** A pending capture fails now. */
export async function failCapture(
  deps: Deps,
  caller: Caller,
  id: string,
): Promise<{ charge: ChargeRecord; operations: OperationRecord[] }> {
  const at = accountNow(deps.clock, caller.account.clockOffsetMs);
  return deps.store.transaction(async (tx) => {
    const operation = await tx.operations.get(caller.account.id, id);
    if (operation?.kind !== 'capture') throw notFound('id', `Capture '${id}' not found.`);
    if (operation.state !== 'pending') {
      throw new AppError(
        'restricted_update',
        'id',
        `Capture '${id}' is ${operation.state}: only a pending capture can be failed.`,
      );
    }
    await settle(tx, deps, operation, at, 'failed');
    const charge = await tx.orders.charge(caller.account.id, operation.chargeId);
    if (!charge) throw notFound('id', `Charge '${operation.chargeId}' not found.`);
    const operations =
      (await tx.operations.ofOrders(caller.account.id, [charge.orderId])).get(charge.orderId) ?? [];
    return { charge, operations };
  });
}

/** Wipes the account's objects and resets its clock; its keys and settings stay. */
export async function resetAccount(deps: Deps, caller: Caller): Promise<void> {
  await deps.store.transaction(async (tx) => {
    await tx.accounts.wipe(caller.account.id);
  });
}
