/**
 * Time. Every decision reads an account's clock: real time plus the account's offset, which
 * test helpers move forward (never backwards). The system clock is the only thing read here;
 * tests may pass a fixed one.
 */
export interface SystemClock {
  nowMs(): number;
}

export const realClock: SystemClock = { nowMs: () => Date.now() };

export function accountNow(clock: SystemClock, clockOffsetMs: number): number {
  return clock.nowMs() + clockOffsetMs;
}
