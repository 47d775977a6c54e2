import {
  type AppError,
  invalidParameter,
  missingParameter,
  notFound,
  processorTimeout,
} from '../domain/errors.js';
import { type AuthorizationIntent, attemptsOf, nextStep } from '../domain/order/authorization.js';
import { type AuthorizationAnswer, chargesToAuthorize, decideOrderCreation } from '../domain/order/create.js';
import { assert } from '../lib/assert.js';
import { newOrderId, newUuid } from '../lib/ids.js';
import { INTENT_DEADLINE_MS, PROCESSOR_TIMEOUT_MS } from '../limits.js';
import type { AuthorizationRequest } from '../processor/processor.js';
import type { ChargeRecord, SourceRecord } from '../store/records.js';
import type { Tx } from '../store/store.js';
import type { OrderView } from '../wire/order.js';
import { type CheckoutView, loadCheckoutView } from './checkouts.js';
import { type Caller, type Deps, now } from './context.js';
import { checkOrderable, checkTaxIdentifiers, readyToOrder } from './order-checks.js';
import { persistPlan } from './order-plan.js';
import { loadOrderView } from './order-view.js';

/**
 * POST /orders {checkoutId}, with the processor called outside every transaction:
 * 1. one transaction checks the checkout, records an authorization intent per charge (its
 *    reference is the charge id) and moves the checkout open → ordering; it commits;
 * 2. the processor is asked for each authorization in turn (a decline stops the rest), each call
 *    bounded by the processor timeout;
 * 3. a second transaction applies the answers: the order is made (ordering → ordered), or the
 *    checkout spent on a decline (ordering → spent), as DR answers them.
 * A request that finds the checkout `ordering` (a retry after a timeout, another client) finishes
 * that attempt rather than starting one; a retry with the Idempotency-Key that started it gets its
 * order even after the order was made. An attempt nobody finishes is finished by the reconciler
 * past its deadline: it asks the processor what became of each authorization, by reference, and
 * makes the order, or gives the checkout back (ordering → open) when none was made.
 */

interface PlacementOptions {
  /** the request's Idempotency-Key: a retry with it gets the order the first request made */
  idempotencyKey?: string | undefined;
}

/** An order attempt in progress: the checkout it is for and its intents. */
interface Attempt {
  accountId: string;
  checkoutId: string;
  orderId: string;
  intents: AuthorizationIntent[];
}

type Placed = { view: OrderView } | { refused: AppError };
/** `joined`: the attempt was begun by an earlier request, whose calls may have been made */
type Begun = Placed | { attempt: Attempt; joined: boolean };

export async function createOrder(
  deps: Deps,
  caller: Caller,
  body: { checkoutId?: unknown } | undefined,
  options: PlacementOptions = {},
): Promise<OrderView> {
  const checkoutId = body?.checkoutId;
  if (checkoutId === undefined || checkoutId === null) throw missingParameter('checkoutId');
  if (typeof checkoutId !== 'string' || checkoutId.length === 0 || checkoutId.length > 100) {
    throw invalidParameter('checkoutId', "'checkoutId' must be a checkout identifier.");
  }
  const begun = await deps.store.transaction((tx) => begin(tx, deps, caller, checkoutId, options));
  if ('view' in begun) return begun.view;
  if ('refused' in begun) throw begun.refused;
  const intents = await ask(deps, begun.attempt.intents, begun.joined);
  const applied = await deps.store.transaction((tx) =>
    apply(tx, deps, { ...begun.attempt, intents }, options),
  );
  if ('view' in applied) return applied.view;
  throw applied.refused;
}

/** Step 1: the checkout's checks, and the intents recorded (or the attempt under way found). */
async function begin(
  tx: Tx,
  deps: Deps,
  caller: Caller,
  checkoutId: string,
  options: PlacementOptions,
): Promise<Begun> {
  const accountId = caller.account.id;
  const found = await tx.checkouts.load(accountId, checkoutId, { lock: true });
  if (!found) throw notFound('checkoutId', `Checkout '${checkoutId}' not found.`);
  const checkout = found.checkout;
  if (checkout.orderId !== null && (checkout.state === 'ordering' || checkout.state === 'ordered')) {
    const intents = await tx.intents.ofOrder(accountId, checkoutId, checkout.orderId);
    if (checkout.state === 'ordering')
      return { attempt: { accountId, checkoutId, orderId: checkout.orderId, intents }, joined: true };
    if (sameRequest(intents, options)) return { view: await loadOrderView(tx, accountId, checkout.orderId) };
  }
  checkOrderable(checkout);
  const view = await loadCheckoutView(tx, accountId, found);
  const primaryAmountMinor = readyToOrder(view);
  await checkTaxIdentifiers(tx, view);
  const at = now(deps, caller);
  const planned = chargesToAuthorize(
    checkout.customerId,
    view.attached.map((a) => ({ ...a.source, role: a.attachment.role })),
    primaryAmountMinor,
  );
  // a refusal from here on spends the checkout: the client must start a new one
  if (!planned.ok) {
    await tx.checkouts.markSpent(accountId, checkoutId, planned.error.message, at);
    return { refused: planned.error };
  }
  const [orderId = ''] = await freshIds(tx, accountId, 1);
  if (planned.charges.length === 0) return makeOrder(tx, deps, view, orderId, [], at, 'open');
  const intents: AuthorizationIntent[] = planned.charges.map((source, position) => ({
    accountId,
    id: newUuid(),
    checkoutId,
    orderId,
    position,
    source,
    currency: checkout.currency,
    requestedAt: at,
    state: 'pending',
    answer: null,
    idempotencyKey: options.idempotencyKey ?? null,
    deadlineAt: Date.now() + (deps.settings?.intentDeadlineMs ?? INTENT_DEADLINE_MS),
    createdAt: at,
    updatedAt: at,
  }));
  await tx.intents.insert(intents);
  await tx.checkouts.markOrdering(accountId, checkoutId, orderId, at);
  return { attempt: { accountId, checkoutId, orderId, intents }, joined: false };
}

const sameRequest = (intents: readonly AuthorizationIntent[], options: PlacementOptions) =>
  options.idempotencyKey !== undefined && intents.some((i) => i.idempotencyKey === options.idempotencyKey);

const requestOf = (intent: AuthorizationIntent): AuthorizationRequest => ({
  reference: intent.id,
  scenarioId: intent.source.scenarioId,
  amountMinor: intent.source.amountMinor,
  currency: intent.currency,
  nowMs: intent.requestedAt,
});

/**
 * Step 2, no transaction open: each authorization not answered yet is asked for, in order, until
 * a decline. One the processor does not answer in time stops the request: 503 processor_timeout
 * (the attempt stays `ordering`, for a retry or the reconciler to finish). An attempt an earlier
 * request began (`joined`) first asks what became of each authorization, which that request may
 * have made: it is asked for again only if it never was.
 */
async function ask(
  deps: Deps,
  intents: readonly AuthorizationIntent[],
  joined: boolean,
): Promise<AuthorizationIntent[]> {
  let known = [...intents];
  for (let step = nextStep(known); step.kind === 'ask'; step = nextStep(known)) {
    const asked = step.intent;
    const request = requestOf(asked);
    let answer: AuthorizationAnswer | undefined = joined
      ? await deps.processor.authorizationStatus(request)
      : undefined;
    if (answer === undefined) {
      const signal = AbortSignal.timeout(deps.settings?.processorTimeoutMs ?? PROCESSOR_TIMEOUT_MS);
      try {
        answer = await deps.processor.authorize(request, signal);
      } catch (error) {
        if (signal.aborted) throw processorTimeout();
        throw error;
      }
    }
    const answered = answer;
    known = known.map((i) => (i.id === asked.id ? { ...i, answer: answered } : i));
  }
  return known;
}

/**
 * Step 3: the answers recorded, and the order made or refused, if the attempt is still this one
 * and still under way; otherwise what became of it (another request or the reconciler finished it).
 */
async function apply(tx: Tx, deps: Deps, attempt: Attempt, options: PlacementOptions): Promise<Placed> {
  const { accountId, checkoutId, orderId } = attempt;
  const found = await tx.checkouts.load(accountId, checkoutId, { lock: true });
  if (!found) throw notFound('checkoutId', `Checkout '${checkoutId}' not found.`);
  const checkout = found.checkout;
  if (checkout.state !== 'ordering' || checkout.orderId !== orderId) {
    // finished meanwhile: the order it made is this request's if it started it, DR's 404 if not
    if (checkout.state === 'ordered' && checkout.orderId === orderId && sameRequest(attempt.intents, options))
      return { view: await loadOrderView(tx, accountId, orderId) };
    if (checkout.state === 'open') throw processorTimeout();
    checkOrderable(checkout);
    throw processorTimeout();
  }
  const stored = await tx.intents.ofOrder(accountId, checkoutId, orderId);
  assert(stored.length > 0, `the intents of order ${orderId}`);
  // the order happens when it was asked for: its time, and its authorizations' expiry, are that
  const at = stored[0]?.requestedAt ?? 0;
  const answerOf = (id: string) => attempt.intents.find((i) => i.id === id)?.answer ?? null;
  for (const intent of stored) {
    const answer = answerOf(intent.id);
    if (intent.answer === null && answer) await tx.intents.answer(intent, answer, at);
  }
  const answered = stored.map((i) => ({ ...i, answer: i.answer ?? answerOf(i.id) }));
  if (nextStep(answered).kind === 'ask') throw processorTimeout();
  await tx.intents.abandon(accountId, checkoutId, orderId, at);
  const view = await loadCheckoutView(tx, accountId, found);
  return makeOrder(tx, deps, view, orderId, answered, at, 'ordering');
}

/** The order from the answers (or the checkout spent on a decline). */
async function makeOrder(
  tx: Tx,
  deps: Deps,
  view: CheckoutView,
  orderId: string,
  intents: readonly AuthorizationIntent[],
  at: number,
  from: 'open' | 'ordering',
): Promise<Placed> {
  const { checkout } = view;
  const itemIds = await freshIds(tx, checkout.accountId, view.items.length);
  const decision = decideOrderCreation(
    { checkout, lines: view.items, orderId, itemIds, attempts: attemptsOf(intents) },
    { now: at, uuid: newUuid },
  );
  if (!decision.ok) {
    await tx.checkouts.markSpent(checkout.accountId, checkout.id, decision.error.message, at, from);
    return { refused: decision.error };
  }
  await tx.checkouts.markOrdered(checkout.accountId, checkout.id, orderId, at, from);
  const used = await consumeSources(tx, view, decision.plan.next.charges, at);
  return { view: await persistPlan(tx, deps, undefined, decision.plan, used) };
}

/**
 * The reconciler: order attempts with an intent pending past its deadline (their request gave up,
 * or its process died). Each pending authorization's fate is asked of the processor, outside any
 * transaction; then the order is made (or refused) from the answers, or, when an authorization
 * was never made, the attempt is abandoned and the checkout open again. Returns how many it
 * finished.
 */
export async function reconcileOrders(deps: Deps, limit = 50): Promise<number> {
  const overdue = await deps.store.read((tx) => tx.intents.overdue(Date.now(), limit));
  let finished = 0;
  for (const { accountId, checkoutId, orderId } of overdue) {
    const intents = await deps.store.read((tx) => tx.intents.ofOrder(accountId, checkoutId, orderId));
    let known = intents;
    let unmade = false;
    for (let step = nextStep(known); step.kind === 'ask'; step = nextStep(known)) {
      const asked = step.intent;
      const answer = await deps.processor.authorizationStatus(requestOf(asked));
      if (answer === undefined) {
        unmade = true;
        break;
      }
      known = known.map((i) => (i.id === asked.id ? { ...i, answer } : i));
    }
    const attempt = { accountId, checkoutId, orderId, intents: known };
    const done = await deps.store.transaction(async (tx) => {
      const found = await tx.checkouts.load(accountId, checkoutId, { lock: true });
      if (found?.checkout.state !== 'ordering' || found.checkout.orderId !== orderId) return false;
      if (unmade) {
        const at = intents[0]?.requestedAt ?? 0;
        await tx.intents.abandon(accountId, checkoutId, orderId, at);
        await tx.checkouts.reopen(accountId, checkoutId, at);
        return true;
      }
      await apply(tx, deps, attempt, {});
      return true;
    });
    if (done) finished += 1;
  }
  return finished;
}

/** Numeric ids for an order and its items, checked free within the transaction. */
async function freshIds(tx: Tx, accountId: string, count: number): Promise<string[]> {
  const ids = new Set<string>();
  while (ids.size < count) {
    const candidates = Array.from({ length: count - ids.size }, newOrderId);
    const taken = await tx.orders.idsTaken(accountId, candidates);
    for (const id of candidates) if (!taken.has(id)) ids.add(id);
  }
  return [...ids];
}

/** A single-use source is consumed by the charge made from it; the sources the order shows. */
async function consumeSources(
  tx: Tx,
  view: CheckoutView,
  charges: readonly ChargeRecord[],
  at: number,
): Promise<Map<string, SourceRecord>> {
  const used = new Map<string, SourceRecord>();
  for (const charge of charges) {
    const source = view.attached.find((a) => a.source.id === charge.sourceId)?.source;
    if (!source) continue;
    const next = source.reusable ? source : { ...source, state: 'consumed' as const, updatedAt: at };
    if (next !== source) await tx.sources.update(next);
    used.set(next.id, next);
  }
  return used;
}
