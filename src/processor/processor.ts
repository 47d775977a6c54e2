/**
 * The payment processor behind Tributary. The simulator (processor/simulator) is the first
 * adapter; a real gateway would implement the same interface.
 */

export interface CardInput {
  number: string;
  expirationMonth: number;
  expirationYear: number;
  cvv?: string | undefined;
}

export type CardTokenResult =
  | {
      ok: true;
      /** the processor's reference for the card: what later decisions are keyed on */
      scenarioId: string;
      brand: string;
      lastFourDigits: string;
      state: 'chargeable' | 'failed';
    }
  | { ok: false; reason: 'invalid_number' };

export interface AuthorizationRequest {
  /** our reference (the charge id), so that a lost answer can be looked up again */
  reference: string;
  scenarioId: string;
  amountMinor: number;
  currency: string;
  nowMs: number;
}

export type AuthorizationResult =
  | {
      approved: true;
      authorizationId: string;
      expiresAtMs: number;
      /** a fraud review that will accept or block the order later */
      review?: { outcome: 'accept' | 'block'; afterSeconds: number } | undefined;
    }
  | { approved: false; declineCode: string; declineMessage: string };

export type ReauthorizationResult =
  | { granted: true; authorizationId: string; expiresAtMs: number }
  | { granted: false; declineCode: string; declineMessage: string };

/** A capture, cancel or refund handed to the processor. */
export interface OperationRequest {
  /** our reference (the operation id) */
  reference: string;
  kind: 'capture' | 'cancel' | 'refund';
  scenarioId: string;
  amountMinor: number;
  /** a capture force-settled on an expired authorization */
  forced: boolean;
}

export interface Settlement {
  state: 'complete' | 'failed';
  failureCode?: string | undefined;
  failureMessage?: string | undefined;
}

/**
 * The processor is called with no transaction open: what a call is for is recorded first (an
 * intent), the call is made, and its answer applied in a transaction of its own. `authorize` is
 * idempotent by `reference` (asked twice, it authorizes once and gives the same answer), and
 * `authorizationStatus` tells what became of a request whose answer never came back.
 */
export interface PaymentProcessor {
  tokenizeCard(card: CardInput): CardTokenResult;
  /** rejects with the signal's reason when `signal` aborts (a timeout): the answer is then unknown */
  authorize(request: AuthorizationRequest, signal: AbortSignal): Promise<AuthorizationResult>;
  /** what became of `authorize(request)`: its answer, or undefined when it was never made */
  authorizationStatus(request: AuthorizationRequest): Promise<AuthorizationResult | undefined>;
  /** a new authorization for a charge whose authorization expired */
  reauthorize(request: AuthorizationRequest): ReauthorizationResult;
  /** accepts an operation; the answer is when its outcome will be known (null: it stays pending) */
  submit(request: OperationRequest): { settleAfterSeconds: number | null };
  /** the outcome of an operation that is due */
  settle(request: OperationRequest): Settlement;
  /** a late-presentment chargeback that follows a completed force-settled capture, if any */
  chargebackAfterDays(scenarioId: string): number | null;
}
