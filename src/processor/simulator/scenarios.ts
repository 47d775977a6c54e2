/**
 * The simulator's test cards, as data. Digital River's documented cards behave as DR documents
 * them (https://docs.digitalriver.com/digital-river-api/developer-resources/testing-scenarios);
 * Tributary adds its own for what DR's test environment cannot produce (declines with a named
 * reason, authorization expiry, reauthorization refusals, fraud reviews, chargebacks).
 * `GET /test-helpers/scenarios` lists this table.
 */

export const SECONDS_PER_HOUR = 3600;
export const SECONDS_PER_DAY = 86_400;
/** How long the simulator takes to settle a capture, cancel or refund: quick, so that a server
 * left running settles by itself, and so that tests advance the clock a little. */
export const SETTLEMENT_DELAY_SECONDS = 2;
/** How long a `slow` authorization takes to answer. */
export const SLOW_ANSWER_SECONDS = 2;
/** "Created pending, later failed": the later is an hour. */
export const SLOW_FAILURE_DELAY_SECONDS = SECONDS_PER_HOUR;
/** DR's typical capture failure (https://docs.digitalriver.com/digital-river-api/order-management/orders/payment-charges). */
export const CAPTURE_FAILURE = { code: 'failed-request', message: 'Failed to operate on charge' } as const;

/** DR: "a credit-card charge typically remains capturable for seven days". */
export const CARD_AUTHORIZATION_TTL_SECONDS = 7 * SECONDS_PER_DAY;

export type SourceOutcome = 'chargeable' | 'failed';
export type CaptureOutcome = 'complete' | 'failed' | 'pending_then_failed' | 'stays_pending';
export type RefundOutcome = 'complete' | 'failed' | 'pending_then_failed';

export interface Decline {
  code: string;
  message: string;
}

export interface Scenario {
  id: string;
  /** card numbers (digits only) that select this scenario; empty for the default */
  numbers: readonly string[];
  origin: 'digital_river' | 'tributary';
  description: string;
  /** what DR's docs ask of the CVV/expiry, for the listing */
  notes?: string;
  source: SourceOutcome;
  decline?: Decline;
  authorizationTtlSeconds: number;
  review?: { outcome: 'accept' | 'block'; afterSeconds: number };
  threeDSecure?: boolean;
  reauthorization: 'granted' | 'refused';
  capture: CaptureOutcome;
  /** the outcome of a capture force-settled on an expired authorization */
  forcedCapture: 'complete' | 'failed';
  chargebackAfterDays?: number;
  refund: RefundOutcome;
  cancel: 'complete' | 'failed';
  /**
   * what no DR environment offers: an authorization that answers slowly (after
   * SLOW_ANSWER_SECONDS), never answers and is never made (`timeout`), or is made and its answer
   * lost on the way back (`lost_answer`)
   */
  authorizationFault?: 'slow' | 'timeout' | 'lost_answer';
}

const base = {
  source: 'chargeable',
  authorizationTtlSeconds: CARD_AUTHORIZATION_TTL_SECONDS,
  reauthorization: 'granted',
  capture: 'complete',
  forcedCapture: 'complete',
  refund: 'complete',
  cancel: 'complete',
} as const;

export const DEFAULT_SCENARIO_ID = 'success';
export const CUSTOMER_CREDIT_SCENARIO_ID = 'customer_credit';

export const SCENARIOS: readonly Scenario[] = [
  {
    ...base,
    id: DEFAULT_SCENARIO_ID,
    numbers: [],
    origin: 'tributary',
    description: 'Any other valid card number: authorizes, captures, refunds; reauthorization granted.',
  },
  {
    ...base,
    id: CUSTOMER_CREDIT_SCENARIO_ID,
    numbers: [],
    origin: 'tributary',
    authorizationTtlSeconds: 10 * 365 * SECONDS_PER_DAY,
    description: 'Secondary customerCredit sources (POST /sources): always authorized, never expire.',
  },
  {
    ...base,
    id: 'dr_success',
    numbers: [
      '343456789012341',
      '30345678901235',
      '6011987698769876',
      '3528987698769879',
      '5466160000000008',
      '6226220000000009',
      '4444222233331111',
    ],
    origin: 'digital_river',
    description: "DR's success cards (Amex, Diners, Discover, JCB, Mastercard, UnionPay, Visa).",
    notes: 'Any future expiry; Visa CVV 123, Amex any 4 digits.',
  },
  {
    ...base,
    id: 'dr_3ds_challenge',
    numbers: [
      '5454545454545454',
      '4917610000000000',
      '371449635398431',
      '4035501428146300',
      '30569309025904',
      '6011111111111117',
      '3566111111111113',
      '6212345678901232',
      '4212345678901237',
    ],
    origin: 'digital_river',
    threeDSecure: true,
    description:
      'DR 3-D Secure cards. DigitalRiver.js runs the challenge in the browser; here the challenge counts as passed and the source is chargeable.',
    notes: 'Expiry 03/2030, CVC 737.',
  },
  {
    ...base,
    id: 'dr_source_fails',
    numbers: ['4000000000003295'],
    origin: 'digital_river',
    source: 'failed',
    description: 'The source is not created: its state is failed.',
  },
  {
    ...base,
    id: 'dr_charge_fails',
    numbers: ['4000000000003600'],
    origin: 'digital_river',
    decline: { code: 'declined', message: 'the issuer declined the authorization' },
    description:
      'Source chargeable; the charge authorization fails: POST /orders answers 409 failed-request.',
  },
  {
    ...base,
    id: 'dr_capture_fails',
    numbers: ['4000000000004103'],
    origin: 'digital_river',
    capture: 'failed',
    forcedCapture: 'failed',
    description: 'Source and charge succeed; captures fail.',
  },
  {
    ...base,
    id: 'dr_refund_fails',
    numbers: ['4000000000004111', '4000000000004663'],
    origin: 'digital_river',
    refund: 'failed',
    description: 'Source, charge and capture succeed; refunds fail.',
  },
  {
    ...base,
    id: 'dr_cancel_fails',
    numbers: ['4000000000004442'],
    origin: 'digital_river',
    cancel: 'failed',
    description: 'Source and charge succeed; cancels fail.',
  },
  {
    ...base,
    id: 'dr_capture_pending_then_failed',
    numbers: ['4485951788521565'],
    origin: 'digital_river',
    capture: 'pending_then_failed',
    description: 'Captures are created pending and later become failed.',
  },
  {
    ...base,
    id: 'dr_refund_pending_then_failed',
    numbers: ['4556602564240839'],
    origin: 'digital_river',
    refund: 'pending_then_failed',
    description: 'Refunds are created pending and later become failed.',
  },
  {
    ...base,
    id: 'dr_capture_stays_pending',
    numbers: ['4024007120579635', '4000000000000028'],
    origin: 'digital_river',
    capture: 'stays_pending',
    description: 'Captures are created pending and stay pending.',
  },
  {
    ...base,
    id: 'decline_insufficient_funds',
    numbers: ['4000000000009995'],
    origin: 'tributary',
    decline: { code: 'insufficient_funds', message: 'insufficient funds' },
    description: 'Authorization declined for insufficient funds: POST /orders answers 409 failed-request.',
  },
  {
    ...base,
    id: 'decline_do_not_honor',
    numbers: ['4000000000000002'],
    origin: 'tributary',
    decline: { code: 'do_not_honor', message: 'do not honor' },
    description: 'Authorization declined, do not honor: POST /orders answers 409 failed-request.',
  },
  {
    ...base,
    id: 'decline_card_limit_exceeded',
    numbers: ['4000000000009979'],
    origin: 'tributary',
    decline: { code: 'card_limit_exceeded', message: 'lack of credit (card limit exceeded)' },
    description: 'Authorization declined for lack of credit: POST /orders answers 409 failed-request.',
  },
  {
    ...base,
    id: 'decline_lost_stolen_card',
    numbers: ['4000000000009987'],
    origin: 'tributary',
    decline: { code: 'lost_stolen_card', message: 'the card is reported lost or stolen' },
    description: 'Authorization declined, lost or stolen card: POST /orders answers 409 failed-request.',
  },
  {
    ...base,
    id: 'decline_fraud',
    numbers: ['4100000000000019'],
    origin: 'tributary',
    decline: { code: 'fraud', message: 'suspected fraud' },
    description: 'Authorization refused as suspected fraud: POST /orders answers 409 failed-request.',
  },
  {
    ...base,
    id: 'auth_expires_1h_reauth_granted',
    numbers: ['4000007200000104'],
    origin: 'tributary',
    authorizationTtlSeconds: SECONDS_PER_HOUR,
    description: 'The authorization expires 1 hour after it is granted; reauthorization is granted.',
  },
  {
    ...base,
    id: 'reauth_refused_forced_capture_completes',
    numbers: ['4000007200000203'],
    origin: 'tributary',
    reauthorization: 'refused',
    description:
      'The authorization expires after 7 days; reauthorization is refused; a force-settled capture completes.',
  },
  {
    ...base,
    id: 'reauth_refused_forced_capture_fails',
    numbers: ['4000007200000302'],
    origin: 'tributary',
    reauthorization: 'refused',
    forcedCapture: 'failed',
    description: 'Reauthorization is refused; a force-settled capture fails.',
  },
  {
    ...base,
    id: 'reauth_refused_late_chargeback',
    numbers: ['4000007200000401'],
    origin: 'tributary',
    reauthorization: 'refused',
    chargebackAfterDays: 30,
    description:
      'Reauthorization is refused; a force-settled capture completes, then 30 days later a late-presentment chargeback (order.chargeback).',
  },
  {
    ...base,
    id: 'review_then_accepted',
    numbers: ['4000007200000500'],
    origin: 'tributary',
    review: { outcome: 'accept', afterSeconds: SECONDS_PER_HOUR },
    description: 'Fraud review: the order is in_review, and accepted 1 hour later.',
  },
  {
    ...base,
    id: 'review_then_blocked',
    numbers: ['4000007200000609'],
    origin: 'tributary',
    review: { outcome: 'block', afterSeconds: SECONDS_PER_HOUR },
    description: 'Fraud review: the order is in_review, and blocked 1 hour later (charge cancelled).',
  },
  {
    ...base,
    id: 'authorization_slow',
    numbers: ['4000007200000708'],
    origin: 'tributary',
    authorizationFault: 'slow',
    description: `The processor answers the authorization after ${SLOW_ANSWER_SECONDS} s (it is made at once).`,
  },
  {
    ...base,
    id: 'authorization_timeout',
    numbers: ['4000007200000807'],
    origin: 'tributary',
    authorizationFault: 'timeout',
    description:
      'The processor never answers the authorization and never makes it: POST /orders answers 503 processor_timeout after the processor timeout, and the reconciler gives the checkout back (open) past the intent deadline.',
  },
  {
    ...base,
    id: 'authorization_lost_answer',
    numbers: ['4000007200000906'],
    origin: 'tributary',
    authorizationFault: 'lost_answer',
    description:
      'The processor makes the authorization but its answer never comes back: POST /orders answers 503 processor_timeout; a retry, or the reconciler past the intent deadline, finds the authorization and places the order once.',
  },
];

const BY_NUMBER: ReadonlyMap<string, Scenario> = new Map(
  SCENARIOS.flatMap((s) => s.numbers.map((n): [string, Scenario] => [n, s])),
);
const BY_ID: ReadonlyMap<string, Scenario> = new Map(SCENARIOS.map((s) => [s.id, s]));

export function scenarioForNumber(digits: string): Scenario | undefined {
  return BY_NUMBER.get(digits);
}

export function scenarioById(id: string): Scenario {
  const scenario = BY_ID.get(id);
  if (!scenario) throw new RangeError(`unknown scenario ${id}`);
  return scenario;
}
