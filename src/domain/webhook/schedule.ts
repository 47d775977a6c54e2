/**
 * When a failed delivery is tried again: exponential backoff, each delay jittered by ±10%, counted
 * from when the previous attempt was due (so a jump of the account clock runs each overdue attempt
 * in turn), for 72 hours after the first attempt was due. Then the delivery is given up and the
 * webhook disabled. This table is published in the README.
 */
export const RETRY_DELAYS_SECONDS = [
  30, 120, 600, 1_800, 3_600, 7_200, 14_400, 28_800, 43_200, 43_200, 43_200, 43_200, 43_200,
] as const;
export const RETRY_WINDOW_SECONDS = 72 * 3_600;
export const RETRY_JITTER = 0.1;
/** A receiver must answer within this (DR: 3,000 ms). */
export const DELIVERY_TIMEOUT_MS = 3_000;

/**
 * The next attempt after attempt `number` (1-based) that was due at `scheduledAt`, or null when
 * the window is over. `random` in [0, 1) picks the jitter.
 */
export function nextAttemptAt(
  firstDueAt: number,
  scheduledAt: number,
  number: number,
  random: number,
): number | null {
  const base = RETRY_DELAYS_SECONDS[Math.min(number - 1, RETRY_DELAYS_SECONDS.length - 1)] ?? 0;
  const jittered = base * (1 - RETRY_JITTER + 2 * RETRY_JITTER * random);
  const next = scheduledAt + Math.round(jittered * 1000);
  return next - firstDueAt > RETRY_WINDOW_SECONDS * 1000 ? null : next;
}
