/**
 * Running a transaction again after a deadlock, a serialization failure or a busy database:
 * a bounded number of attempts, each after a pause drawn at random up to a ceiling that doubles
 * ("full jitter"), so that the transactions that collided do not collide again in step.
 */

/** Attempts of one transaction in all (the first run included). */
export const TRANSACTION_ATTEMPTS_MAX = 6;
const RETRY_PAUSE_BASE_MS = 4;
const RETRY_PAUSE_CEILING_MS = 250;

/** The pause before attempt `attempt + 1` (attempt counts from 1). */
export function retryPauseMs(attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(RETRY_PAUSE_CEILING_MS, RETRY_PAUSE_BASE_MS * 2 ** attempt);
  return Math.floor(random() * ceiling);
}

export const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
