/**
 * The payment session of a checkout (DR API 2021-03-23+). Secondary sources contribute their
 * own amounts; a primary source covers whatever remains. The checkout can become an order when
 * the session is `requires_confirmation`: the sources cover the total exactly.
 */

export type SessionState = 'requires_source' | 'requires_confirmation' | 'complete';

export interface SessionInput {
  totalAmountMinor: number;
  hasPrimary: boolean;
  secondaryAmountsMinor: readonly number[];
}

export interface Session {
  state: SessionState;
  amountContributedMinor: number;
  amountRemainingMinor: number;
  /** what the primary source (if any) is charged */
  primaryAmountMinor: number;
}

export function paymentSession(input: SessionInput): Session {
  const secondary = input.secondaryAmountsMinor.reduce((a, b) => a + b, 0);
  const primaryAmountMinor = input.hasPrimary ? Math.max(input.totalAmountMinor - secondary, 0) : 0;
  const contributed = secondary + primaryAmountMinor;
  const covered = contributed === input.totalAmountMinor;
  return {
    state: covered ? 'requires_confirmation' : 'requires_source',
    amountContributedMinor: contributed,
    amountRemainingMinor: Math.max(input.totalAmountMinor - contributed, 0),
    primaryAmountMinor,
  };
}
