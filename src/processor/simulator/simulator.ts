import { cardBrand, luhnValid, normalizeCardNumber } from '../../domain/card/card.js';
import { newUuid } from '../../lib/ids.js';
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
  SLOW_FAILURE_DELAY_SECONDS,
  scenarioById,
  scenarioForNumber,
} from './scenarios.js';

/** The built-in processor: every decision comes from the scenario table, none from chance. */
export class Simulator implements PaymentProcessor {
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

  authorize(request: AuthorizationRequest): AuthorizationResult {
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
      authorizationId: newUuid(),
      expiresAtMs: request.nowMs + scenario.authorizationTtlSeconds * 1000,
      review: scenario.review,
    };
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
