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

export interface PaymentProcessor {
  tokenizeCard(card: CardInput): CardTokenResult;
  authorize(request: AuthorizationRequest): AuthorizationResult;
}
