import { assert } from '../../lib/assert.js';
import { isoSeconds } from '../../lib/time.js';
import { CHARGE_MACHINE } from '../charge/transitions.js';
import { AppError } from '../errors.js';
import type { LineRecord } from '../shared.js';
import { create } from '../state-machine.js';
import { Draft, decided } from './draft.js';
import type { ChargeRecord, Order, OrderItemRecord, OrderRecord } from './model.js';
import type { Context, Decision } from './plan.js';
import { ORDER_MACHINE } from './transitions.js';

/**
 * POST /orders {checkoutId} (seed 000; order-management/creating-and-updating-an-order.md): one
 * charge per source, secondary sources for their amounts and the primary for the rest, each
 * authorized by the processor. Any refusal here is a 409 that spends the checkout: the client
 * must start a new one.
 */

export interface PaymentSourceForOrder {
  id: string;
  customerId: string | null;
  state: string;
  scenarioId: string;
  role: 'primary' | 'secondary';
  /** what the source contributes */
  amountMinor: number;
}

/** A source attached to the checkout, as the order's charges need it. */
export interface AttachedSourceForOrder extends Omit<PaymentSourceForOrder, 'amountMinor'> {
  /** a secondary source's own amount (the primary pays the rest) */
  amountMinor: number | null;
}

/**
 * The charges to authorize: each secondary source for its amount, then the primary one for what
 * is left of the total (the payment session's rule), sources that contribute nothing left out.
 * A source that cannot pay refuses the order.
 */
export function chargesToAuthorize(
  customerId: string | null,
  attached: readonly AttachedSourceForOrder[],
  primaryAmountMinor: number,
): { ok: true; charges: PaymentSourceForOrder[] } | { ok: false; error: AppError } {
  const contributing = (s: AttachedSourceForOrder): PaymentSourceForOrder => ({
    ...s,
    amountMinor: s.role === 'primary' ? primaryAmountMinor : (s.amountMinor ?? 0),
  });
  const charged = [
    ...attached.filter((s) => s.role === 'secondary'),
    ...attached.filter((s) => s.role === 'primary'),
  ]
    .map(contributing)
    .filter((s) => s.amountMinor > 0);
  for (const source of charged) {
    if (source.customerId !== null && source.customerId !== customerId)
      return {
        ok: false,
        error: new AppError(
          'source_in_use',
          'sourceId',
          `Source '${source.id}' is attached to a different customer.`,
        ),
      };
    if (source.state !== 'chargeable')
      return {
        ok: false,
        error: new AppError('source_not_chargeable', 'sourceId', `Source '${source.id}' is not chargeable.`),
      };
  }
  return { ok: true, charges: charged };
}

export type AuthorizationAnswer =
  | {
      approved: true;
      authorizationId: string;
      expiresAtMs: number;
      review?: { outcome: 'accept' | 'block'; afterSeconds: number } | undefined;
    }
  | { approved: false; declineMessage: string };

interface ChargeAttempt {
  chargeId: string;
  source: PaymentSourceForOrder;
  answer: AuthorizationAnswer;
}

/** What an order copies from its checkout (the checkout's id becomes the order's checkoutId). */
export type CheckoutForOrder = { id: string } & Pick<
  OrderRecord,
  | 'accountId'
  | 'currency'
  | 'customerId'
  | 'email'
  | 'locale'
  | 'browserIp'
  | 'applicationId'
  | 'upstreamId'
  | 'taxInclusive'
  | 'chargeType'
  | 'customerType'
  | 'hasShippingChoice'
  | 'sessionId'
  | 'sessionClientSecret'
  | 'totals'
  | 'data'
  | 'metadata'
>;

export interface OrderCreation {
  checkout: CheckoutForOrder;
  lines: readonly LineRecord[];
  /** fresh numeric ids: the order's, then one per line */
  orderId: string;
  itemIds: readonly string[];
  attempts: readonly ChargeAttempt[];
}

/** A declined authorization: DR's 409 (seed 000). */
export const declined = (message: string): AppError =>
  new AppError(
    'failed-request',
    'checkoutId',
    `Failed to charge source. The authorization was declined: ${message}.`,
  );

function newCharge(input: OrderCreation, attempt: ChargeAttempt, now: number): ChargeRecord {
  const { checkout } = input;
  assert(attempt.answer.approved, 'only an approved authorization becomes a charge');
  return {
    accountId: checkout.accountId,
    id: attempt.chargeId,
    orderId: input.orderId,
    sourceId: attempt.source.id,
    sessionId: checkout.sessionId,
    currency: checkout.currency,
    amountMinor: attempt.source.amountMinor,
    state: 'capturable',
    type: checkout.chargeType,
    scenarioId: attempt.source.scenarioId,
    authorizationId: attempt.answer.authorizationId,
    authorizedAt: now,
    authorizationExpiresAt: attempt.answer.expiresAtMs,
    failureCode: null,
    failureMessage: null,
    createdAt: now,
    updatedAt: now,
    role: attempt.source.role,
    reauthorizationOverride: null,
  };
}

function newOrder(input: OrderCreation, inReview: boolean, now: number): OrderRecord {
  const c = input.checkout;
  const stamp = isoSeconds(now);
  return {
    accountId: c.accountId,
    id: input.orderId,
    checkoutId: c.id,
    state: inReview ? 'in_review' : 'accepted',
    fraudState: inReview ? 'review_opened' : 'passed',
    stateTransitions: inReview ? { in_review: stamp } : { accepted: stamp },
    fraudStateTransitions: inReview ? { review_opened: stamp } : { passed: stamp },
    currency: c.currency,
    customerId: c.customerId,
    email: c.email,
    locale: c.locale,
    browserIp: c.browserIp,
    applicationId: c.applicationId,
    upstreamId: c.upstreamId,
    requestToBeForgotten: false,
    taxInclusive: c.taxInclusive,
    chargeType: c.chargeType,
    customerType: c.customerType,
    hasShippingChoice: c.hasShippingChoice,
    sessionId: c.sessionId,
    sessionClientSecret: c.sessionClientSecret,
    sessionState: 'complete',
    totals: c.totals,
    data: c.data,
    metadata: c.metadata,
    createdAt: now,
    updatedAt: now,
  };
}

/** The order, once every authorization answered: accepted, or in review (then decided later). */
export function decideOrderCreation(input: OrderCreation, ctx: Context): Decision {
  const refused = input.attempts.find((a) => !a.answer.approved);
  if (refused && !refused.answer.approved)
    return { ok: false, error: declined(refused.answer.declineMessage) };
  return decided(() => {
    assert(input.itemIds.length === input.lines.length, 'an id for each line');
    const reviews = input.attempts.flatMap((a) =>
      a.answer.approved && a.answer.review ? [a.answer.review] : [],
    );
    const order = newOrder(input, reviews.length > 0, ctx.now);
    const stamp = isoSeconds(ctx.now);
    const items = input.lines.map(
      (line, i): OrderItemRecord => ({
        // the line's own fields only: a checkout's item brings its checkout's fields along
        position: line.position,
        skuId: line.skuId,
        productDetails: line.productDetails,
        physical: line.physical,
        quantity: line.quantity,
        amountMinor: line.amountMinor,
        discountMinor: line.discountMinor,
        taxRate: line.taxRate,
        taxMinor: line.taxMinor,
        shippingMinor: line.shippingMinor,
        shippingTaxMinor: line.shippingTaxMinor,
        data: line.data,
        metadata: line.metadata,
        id: input.itemIds[i] ?? '',
        orderId: input.orderId,
        state: 'created',
        stateTransitions: { created: stamp },
        fulfilledQuantity: 0,
        cancelledQuantity: 0,
      }),
    );
    const charges = input.attempts.map((a) => newCharge(input, a, ctx.now));
    const empty: Order = {
      order,
      items,
      charges,
      operations: [],
      fulfillments: [],
      refunds: [],
      returns: [],
    };
    const draft = new Draft(empty, ctx);
    const [created, ...entered] = create(ORDER_MACHINE, order.state);
    if (created) draft.emit([created], { kind: 'order' });
    for (const charge of charges)
      draft.emit(create(CHARGE_MACHINE, charge.state), { kind: 'charge', id: charge.id });
    draft.emit(entered, { kind: 'order' });
    for (const charge of charges) {
      draft.authorizations.push({
        accountId: charge.accountId,
        id: ctx.uuid(),
        chargeId: charge.id,
        kind: 'authorization',
        result: 'granted',
        attemptId: null,
        expiresAt: charge.authorizationExpiresAt,
        createdAt: ctx.now,
      });
    }
    // a fraud review decides later, on the account's clock (the strictest review wins)
    const review = reviews.find((r) => r.outcome === 'block') ?? reviews[0];
    if (review)
      draft.tasks.push({
        kind: 'review',
        subjectId: order.id,
        payload: { outcome: review.outcome },
        dueAt: ctx.now + review.afterSeconds * 1000,
      });
    return draft.plan();
  });
}
