import { validateAddress } from '../domain/address.js';
import { cardExpired } from '../domain/card/card.js';
import { AppError, missingParameter, notFound, unknownReference } from '../domain/errors.js';
import type { CardSourceCreate, CreditSourceCreate } from '../http/schemas/catalog.js';
import { newClientSecret, newUuid } from '../lib/ids.js';
import { CUSTOMER_CREDIT_SCENARIO_ID } from '../processor/simulator/scenarios.js';
import type { SourceRecord } from '../store/records.js';
import { sourceToWire } from '../wire/catalog.js';
import { type Caller, type Deps, newEvent, now } from './context.js';
import { parseAmount, requireCurrency, validateMetadata } from './input.js';

const CARD_YEAR_MAX_AHEAD = 50;

/**
 * POST /payments/sources: what DigitalRiver.js does with raw card data. The simulator reads the
 * number once to decide the scenario; only the brand, last four digits and expiry are kept.
 */
export async function createCardSource(
  deps: Deps,
  caller: Caller,
  input: CardSourceCreate,
): Promise<SourceRecord> {
  const at = now(deps, caller);
  const card = input.creditCard;
  if (card.expirationMonth < 1 || card.expirationMonth > 12) {
    throw new AppError(
      'invalid_expiration_date',
      'creditCard.expirationMonth',
      'The expiration month is invalid.',
    );
  }
  const thisYear = new Date(at).getUTCFullYear();
  if (card.expirationYear < 1000 || card.expirationYear > thisYear + CARD_YEAR_MAX_AHEAD) {
    throw new AppError(
      'invalid_expiration_date',
      'creditCard.expirationYear',
      'The expiration year is invalid.',
    );
  }
  if (cardExpired(card.expirationMonth, card.expirationYear, at)) {
    throw new AppError('invalid_expiration_date', 'creditCard.expirationYear', 'The card has expired.');
  }
  if (card.cvv !== undefined && !/^\d{3,4}$/.test(card.cvv)) {
    throw new AppError('invalid_security_code', 'creditCard.cvv', 'The security code must be 3 or 4 digits.');
  }
  const currency = input.currency === undefined ? null : requireCurrency(input.currency);
  if (input.amount !== undefined && currency === null) throw missingParameter('currency');
  const amountMinor =
    input.amount !== undefined && currency ? parseAmount(input.amount, currency, 'amount') : null;
  if (input.owner) validateAddress(input.owner.address, 'owner.address');
  const metadata = validateMetadata(input.metadata) ?? null;

  const token = deps.processor.tokenizeCard(card);
  if (!token.ok)
    throw new AppError('invalid_card_number', 'creditCard.number', 'The card number is invalid.');

  const id = newUuid();
  const source: SourceRecord = {
    accountId: caller.account.id,
    id,
    clientSecret: newClientSecret(id),
    type: 'creditCard',
    flow: 'standard',
    state: token.state,
    reusable: input.reusable ?? false,
    currency,
    amountMinor,
    owner: input.owner ?? null,
    card: {
      brand: token.brand,
      lastFourDigits: token.lastFourDigits,
      expirationMonth: card.expirationMonth,
      expirationYear: card.expirationYear,
    },
    scenarioId: token.scenarioId,
    customerId: null,
    paymentSessionId: input.paymentSessionId ?? input.sessionId ?? null,
    upstreamId: input.upstreamId ?? null,
    metadata,
    createdAt: at,
    updatedAt: at,
  };
  await deps.store.transaction(async (tx) => {
    await tx.sources.insert(source);
    await tx.events.append([newEvent(source.accountId, 'source.created', sourceToWire(source), at)]);
  });
  return source;
}

/**
 * POST /sources: a secondary `customerCredit` source for a checkout's payment session. Its
 * currency (and, unless given, owner) come from the checkout.
 */
export async function createCreditSource(
  deps: Deps,
  caller: Caller,
  input: CreditSourceCreate,
): Promise<SourceRecord> {
  const at = now(deps, caller);
  if (input.paymentSessionId === undefined) throw missingParameter('paymentSessionId');
  if (input.amount === undefined) throw missingParameter('amount');
  if (input.owner) validateAddress(input.owner.address, 'owner.address');
  const sessionId = input.paymentSessionId;
  const amount = input.amount;
  return deps.store.transaction(async (tx) => {
    const checkout = await tx.checkouts.getBySession(caller.account.id, sessionId);
    if (!checkout || checkout.state === 'ordered') {
      throw unknownReference('paymentSessionId', `Payment session '${sessionId}' not found.`);
    }
    const amountMinor = parseAmount(amount, checkout.currency, 'amount', true);
    const billTo = checkout.data.billTo;
    const owner =
      input.owner ??
      (billTo
        ? {
            address: billTo['address'],
            ...(typeof billTo['name'] === 'string' ? { lastName: billTo['name'] } : {}),
          }
        : null);
    const id = newUuid();
    const source: SourceRecord = {
      accountId: caller.account.id,
      id,
      clientSecret: newClientSecret(id),
      type: 'customerCredit',
      flow: 'standard',
      state: 'chargeable',
      reusable: false,
      currency: checkout.currency,
      amountMinor,
      owner,
      card: null,
      scenarioId: CUSTOMER_CREDIT_SCENARIO_ID,
      customerId: null,
      paymentSessionId: sessionId,
      upstreamId: input.upstreamId ?? null,
      metadata: null,
      createdAt: at,
      updatedAt: at,
    };
    await tx.sources.insert(source);
    await tx.events.append([newEvent(source.accountId, 'source.created', sourceToWire(source), at)]);
    return source;
  });
}

export async function getSource(deps: Deps, caller: Caller, id: string): Promise<SourceRecord> {
  const source = await deps.store.read((tx) => tx.sources.get(caller.account.id, id));
  if (!source) throw notFound('id', `Source '${id}' not found.`);
  return source;
}
