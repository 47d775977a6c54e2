import { createHash } from 'node:crypto';
import { cardBrand, luhnValid, normalizeCardNumber } from '../../domain/card/card.js';
import { assert } from '../../lib/assert.js';
import { newUuid } from '../../lib/ids.js';
import { insideTransaction } from '../../store/ambient.js';
import type {
  AuthorizationRequest,
  AuthorizationResult,
  CardInput,
  CardTokenResult,
  OperationRequest,
  PaymentProcessor,
  ReauthorizationResult,
  Settlement,
} from '../processor.js';
import {
  CAPTURE_FAILURE,
  DEFAULT_SCENARIO_ID,
  SETTLEMENT_DELAY_SECONDS,
  SLOW_ANSWER_SECONDS,
  SLOW_FAILURE_DELAY_SECONDS,
  scenarioById,
  scenarioForNumber,
} from './scenarios.js';

/** An authorization's id, the same for the same reference: asked twice, the processor answers once. */
function authorizationIdFor(reference: string): string {
  const hex = createHash('sha256').update(`authorization:${reference}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** Resolves after `ms`, or rejects with the signal's reason when it aborts first. */
function waitFor(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = ms === Number.POSITIVE_INFINITY ? undefined : setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(signal.reason);
      },
      { once: true },
    );
  });
}

/**
 * The built-in processor: every decision comes from the scenario table, none from chance, and an
 * authorization's answer is a function of its request (by reference), so that the processor
 * "remembers" what it did across a crash of the server, as a real one would. It refuses to be
 * called inside a store transaction (the processor is never called with one open).
 */
export class Simulator implements PaymentProcessor {
  /** authorizations asked for, by reference (tests count them: a retry must not ask again) */
  readonly authorizeCalls = new Map<string, number>();

  constructor(private readonly options: { insideTransaction?: () => boolean } = {}) {}

  private outsideTransactions(call: string): void {
    assert(
      !(this.options.insideTransaction ?? insideTransaction)(),
      `the processor was called (${call}) inside a store transaction`,
    );
  }

  tokenizeCard(card: CardInput): CardTokenResult {
    const digits = normalizeCardNumber(card.number);
    const scenario = scenarioForNumber(digits);
    if (!scenario && !luhnValid(digits)) return { ok: false, reason: 'invalid_number' };
    const brand = cardBrand(digits);
    if (!brand) return { ok: false, reason: 'invalid_number' };
    const chosen = scenario ?? scenarioById(DEFAULT_SCENARIO_ID);
    return {
      ok: true,
      scenarioId: chosen.id,
      brand: digits.startsWith('4035') ? 'Cartes Bancaires' : brand,
      lastFourDigits: digits.slice(-4),
      state: chosen.source,
    };
  }

  /** The answer to an authorization: the scenario's, the same every time it is asked. */
  private answerTo(request: AuthorizationRequest): AuthorizationResult {
    const scenario = scenarioById(request.scenarioId);
    if (scenario.decline) {
      return {
        approved: false,
        declineCode: scenario.decline.code,
        declineMessage: scenario.decline.message,
      };
    }
    return {
      approved: true,
      authorizationId: authorizationIdFor(request.reference),
      expiresAtMs: request.nowMs + scenario.authorizationTtlSeconds * 1000,
      review: scenario.review,
    };
  }

  async authorize(request: AuthorizationRequest, signal: AbortSignal): Promise<AuthorizationResult> {
    this.outsideTransactions('authorize');
    this.authorizeCalls.set(request.reference, (this.authorizeCalls.get(request.reference) ?? 0) + 1);
    const answer = this.answerTo(request);
    switch (scenarioById(request.scenarioId).authorizationFault) {
      case 'slow':
        await waitFor(SLOW_ANSWER_SECONDS * 1000, signal);
        return answer;
      case 'timeout':
      case 'lost_answer':
        // no answer ever comes: the caller's timeout ends the wait
        await waitFor(Number.POSITIVE_INFINITY, signal);
        return answer;
      default:
        return answer;
    }
  }

  async authorizationStatus(request: AuthorizationRequest): Promise<AuthorizationResult | undefined> {
    this.outsideTransactions('authorizationStatus');
    // a timed-out authorization was never made; a lost answer's authorization was
    if (scenarioById(request.scenarioId).authorizationFault === 'timeout') return undefined;
    return this.answerTo(request);
  }

  reauthorize(request: AuthorizationRequest): ReauthorizationResult {
    const scenario = scenarioById(request.scenarioId);
    if (scenario.reauthorization === 'refused') {
      return {
        granted: false,
        declineCode: 'declined',
        declineMessage: 'the issuer refused a new authorization',
      };
    }
    return {
      granted: true,
      authorizationId: newUuid(),
      expiresAtMs: request.nowMs + scenario.authorizationTtlSeconds * 1000,
    };
  }

  submit(request: OperationRequest): { settleAfterSeconds: number | null } {
    const scenario = scenarioById(request.scenarioId);
    if (request.kind === 'capture' && !request.forced) {
      if (scenario.capture === 'stays_pending') return { settleAfterSeconds: null };
      if (scenario.capture === 'pending_then_failed')
        return { settleAfterSeconds: SLOW_FAILURE_DELAY_SECONDS };
    }
    if (request.kind === 'refund' && scenario.refund === 'pending_then_failed') {
      return { settleAfterSeconds: SLOW_FAILURE_DELAY_SECONDS };
    }
    return { settleAfterSeconds: SETTLEMENT_DELAY_SECONDS };
  }

  settle(request: OperationRequest): Settlement {
    const scenario = scenarioById(request.scenarioId);
    const outcome =
      request.kind === 'capture'
        ? request.forced
          ? scenario.forcedCapture
          : scenario.capture
        : request.kind === 'cancel'
          ? scenario.cancel
          : scenario.refund;
    if (outcome === 'complete') return { state: 'complete' };
    if (request.kind === 'capture')
      return { state: 'failed', failureCode: CAPTURE_FAILURE.code, failureMessage: CAPTURE_FAILURE.message };
    return {
      state: 'failed',
      failureCode: 'failed-request',
      failureMessage:
        request.kind === 'cancel' ? 'Failed to cancel the charge' : 'Failed to refund the charge',
    };
  }

  chargebackAfterDays(scenarioId: string): number | null {
    return scenarioById(scenarioId).chargebackAfterDays ?? null;
  }
}
