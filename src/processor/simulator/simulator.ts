import { cardBrand, luhnValid, normalizeCardNumber } from '../../domain/card/card.js';
import { newUuid } from '../../lib/ids.js';
import type {
  AuthorizationRequest,
  AuthorizationResult,
  CardInput,
  CardTokenResult,
  PaymentProcessor,
} from '../processor.js';
import { DEFAULT_SCENARIO_ID, scenarioById, scenarioForNumber } from './scenarios.js';

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
}
