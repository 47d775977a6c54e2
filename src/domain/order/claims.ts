import { assert } from '../../lib/assert.js';
import type { OperationKind } from '../charge/transitions.js';
import { allocateOver, type LineParts, linePartsTotal, subtractLineParts } from './components.js';
import type { ChargeRecord } from './model.js';

/** What one operation on one charge takes: its amount, by line and component. */
export interface Claim {
  chargeId: string;
  amountMinor: number;
  parts: LineParts;
}

/**
 * The charges in the order an operation takes them: captures take the secondary charges (store
 * credit, gift cards) first, cancels and refunds the primary first; then oldest first.
 */
export function chargesInTurn(charges: readonly ChargeRecord[], kind: OperationKind): ChargeRecord[] {
  const primaryFirst = kind !== 'capture';
  return [...charges].sort((a, b) => {
    if (a.role === b.role) return a.createdAt - b.createdAt;
    return (a.role === 'primary') === primaryFirst ? -1 : 1;
  });
}

/**
 * Splits `value` (what some units are worth, by line and component) over charges in turn, each
 * taking at most what it has available; every charge's share is given its parts in proportion,
 * and the last one takes exactly what is left, so the shares sum to `value` cell by cell.
 */
export function splitOverCharges(
  value: LineParts,
  slots: readonly { chargeId: string; availableMinor: number }[],
): Claim[] {
  let left = linePartsTotal(value);
  let rest = value;
  const claims: Claim[] = [];
  for (const slot of slots) {
    if (left === 0) break;
    const take = Math.min(left, slot.availableMinor);
    if (take <= 0) continue;
    const parts = take === left ? rest : allocateOver(take, rest);
    rest = subtractLineParts(rest, parts);
    left -= take;
    claims.push({ chargeId: slot.chargeId, amountMinor: take, parts });
  }
  assert(left === 0, `${left} minor units have no charge to go to`);
  return claims;
}
