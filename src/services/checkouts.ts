import { type Address, missingAddressPart, validateAddress } from '../domain/address.js';
import {
  type LineInput,
  type Discount as PricingDiscount,
  priceCheckout,
} from '../domain/checkout/pricing.js';
import { paymentSession } from '../domain/checkout/session.js';
import {
  AppError,
  invalidParameter,
  missingParameter,
  notFound,
  unknownReference,
} from '../domain/errors.js';
import { parseRate, type Rate, ZERO_RATE } from '../domain/money/rate.js';
import { checkCountryOfOrigin } from '../domain/sku.js';
import {
  checkAttachedTaxIdentifiers,
  customerTaxIdentifiersFor,
  isReverseCharge,
  type Purchase,
  sellingEntityFor,
  type TaxIdentifierFacts,
} from '../domain/tax/identifiers.js';
import { lookupRate } from '../domain/tax/rates.js';
import { inheritsCustomerData } from '../domain/versions.js';
import type {
  CheckoutCreate,
  CheckoutItemCreate,
  CheckoutItemUpdate,
  CheckoutUpdate,
} from '../http/schemas/checkout.js';
import { assert } from '../lib/assert.js';
import { newClientSecret, newUuid } from '../lib/ids.js';
import { CHECKOUT_SECONDARY_SOURCES_MAX } from '../limits.js';
import type {
  AccountRecord,
  CheckoutData,
  CheckoutItemRecord,
  CheckoutRecord,
  CheckoutSourceRecord,
  Json,
  Page,
  PageQuery,
  SkuRecord,
  SourceRecord,
  TaxIdentifierRecord,
} from '../store/records.js';
import type { CheckoutAggregate, CheckoutFilters } from '../store/repos/checkouts.js';
import type { Tx } from '../store/store.js';
import { taxIdentifierBriefToWire } from '../wire/catalog.js';
import { type AttachedSource, checkoutToWire } from '../wire/checkout.js';
import { rateToString } from '../wire/common.js';
import { type Caller, type Deps, newEvent, now, updateEvent, versionOf } from './context.js';
import { parseAmount, parseQuantity, requireCurrency, validateMetadata } from './input.js';

export interface CheckoutView {
  checkout: CheckoutRecord;
  items: CheckoutItemRecord[];
  attached: AttachedSource[];
}

export const checkoutNotFound = (id: string, parameter = 'id') =>
  notFound(parameter, `Checkout '${id}' not found.`);

/** Every change of a spent checkout is refused: DR's 409 means "create a new checkout". */
function spentConflict(checkout: CheckoutRecord): AppError {
  return new AppError(
    'restricted_update',
    'id',
    `Checkout '${checkout.id}' can no longer be changed: an order attempt with it was declined (${checkout.spentMessage}). Create a new checkout.`,
  );
}

/** Checkouts (each one row with its items and attachments) with their attached sources. */
export async function loadCheckoutViews(
  tx: Tx,
  accountId: string,
  checkouts: readonly CheckoutAggregate[],
): Promise<CheckoutView[]> {
  const sources = await tx.sources.getMany(
    accountId,
    checkouts.flatMap((c) => c.attachments.map((a) => a.sourceId)),
  );
  return checkouts.map(({ checkout, items, attachments }) => ({
    checkout,
    items,
    attached: attachments.flatMap((attachment) => {
      const source = sources.get(attachment.sourceId);
      return source ? [{ attachment, source }] : [];
    }),
  }));
}

export async function loadCheckoutView(
  tx: Tx,
  accountId: string,
  checkout: CheckoutAggregate,
): Promise<CheckoutView> {
  const [view] = await loadCheckoutViews(tx, accountId, [checkout]);
  assert(view !== undefined, 'a view of the checkout');
  return view;
}

/** A checkout that is still a checkout (one converted to an order is gone: 404). */
async function openCheckout(
  tx: Tx,
  accountId: string,
  id: string,
  forChange: boolean,
): Promise<CheckoutView> {
  const found = await tx.checkouts.load(accountId, id, { lock: forChange });
  if (!found || found.checkout.state === 'ordered') throw checkoutNotFound(id);
  if (forChange && found.checkout.state === 'spent') throw spentConflict(found.checkout);
  if (forChange && found.checkout.state === 'ordering')
    throw new AppError(
      'restricted_update',
      'id',
      `Checkout '${id}' cannot be changed: an order is being placed with it (order ${found.checkout.orderId}).`,
    );
  return loadCheckoutView(tx, accountId, found);
}

export function checkoutViewToWire(view: CheckoutView) {
  return checkoutToWire(view.checkout, view.items, view.attached);
}

// ---------------------------------------------------------------------------------------------
// pricing

interface StoredDiscount {
  amountOffMinor?: number;
  percentOff?: number;
  quantity?: number;
}

function parseDiscount(
  discount: { amountOff?: number; percentOff?: number; quantity?: number | string } | undefined,
  currency: string,
  parameter: string,
): StoredDiscount | undefined {
  if (!discount) return undefined;
  if (discount.amountOff !== undefined && discount.percentOff !== undefined) {
    throw invalidParameter(parameter, 'Send either amountOff or percentOff, not both.');
  }
  const stored: StoredDiscount = {};
  // DR's answers for a zero or negative discount name the discount itself (applying-a-discount.md)
  if (discount.amountOff !== undefined) {
    if (!(discount.amountOff > 0))
      throw new AppError(
        'invalid_discount_amount',
        parameter,
        `The value ${discount.amountOff.toFixed(1)} is not permitted.`,
      );
    stored.amountOffMinor = parseAmount(discount.amountOff, currency, `${parameter}.amountOff`);
    if (stored.amountOffMinor === 0)
      throw new AppError('invalid_discount_amount', parameter, 'The value 0.0 is not permitted.');
  }
  if (discount.percentOff !== undefined) {
    if (!(discount.percentOff >= 0.01 && discount.percentOff <= 100))
      throw new AppError(
        'invalid_discount_percent',
        parameter,
        'The value must be an integer between 0.01 and 100.00 inclusive.',
      );
    stored.percentOff = discount.percentOff;
  }
  const quantity = parseQuantity(discount.quantity, `${parameter}.quantity`);
  if (quantity !== undefined) stored.quantity = quantity;
  return Object.keys(stored).length > 0 ? stored : undefined;
}

const pricingDiscount = (d: StoredDiscount | undefined): PricingDiscount | undefined =>
  d ? { amountOffMinor: d.amountOffMinor, percentOff: d.percentOff } : undefined;

const addressOf = (value: Json | undefined): Address | undefined =>
  (value?.['address'] as Address | undefined) ?? undefined;

/** Physical goods are taxed where they are shipped, digital ones where the shopper is billed. */
function rateResolver(
  account: AccountRecord,
  data: CheckoutData,
  reverseCharge: boolean,
): (physical: boolean) => Rate {
  if (reverseCharge) return () => ZERO_RATE;
  const shipTo = addressOf(data.shipTo);
  const billTo = addressOf(data.billTo);
  const location = data.purchaseLocation as Address | undefined;
  return (physical) => {
    const address = physical ? (shipTo ?? billTo ?? location) : (billTo ?? shipTo ?? location);
    if (!address?.country) return ZERO_RATE;
    const rate = lookupRate(address.country, address.state ?? undefined, account.taxRates ?? undefined);
    const parsed = parseRate(rate);
    assert(parsed !== undefined, `tax rate ${rate} is not a valid rate`);
    return parsed;
  };
}

/** Recomputes every amount of a checkout from its lines, shipping, discounts and addresses. */
function reprice(
  account: AccountRecord,
  checkout: CheckoutRecord,
  items: readonly CheckoutItemRecord[],
): { checkout: CheckoutRecord; items: CheckoutItemRecord[] } {
  const shippingChoice = checkout.data.shippingChoice as { amountMinor?: number } | undefined;
  const lines: LineInput[] = items.map((item) => {
    const discount = item.data['discount'] as StoredDiscount | undefined;
    return {
      quantity: item.quantity,
      priceMinor: item.priceMinor,
      aggregatePriceMinor: item.aggregatePriceMinor,
      discount: discount ? { ...pricingDiscount(discount), quantity: discount.quantity } : undefined,
      physical: item.physical,
    };
  });
  const result = priceCheckout({
    lines,
    shippingMinor: checkout.hasShippingChoice ? (shippingChoice?.amountMinor ?? 0) : null,
    shippingDiscount: pricingDiscount(checkout.data.shippingDiscount as StoredDiscount | undefined),
    discount: pricingDiscount(checkout.data.discount as StoredDiscount | undefined),
    taxInclusive: checkout.taxInclusive,
    rateFor: rateResolver(
      account,
      checkout.data,
      isReverseCharge(appliedTaxIdentifiers(checkout.data), purchaseOf(checkout, items)),
    ),
  });
  if (!result.ok) {
    throw new AppError(
      'amount_too_large',
      result.line === undefined ? 'items' : `items[${result.line}].price`,
      'The amount is too large.',
    );
  }
  return {
    checkout: { ...checkout, totals: result.totals },
    items: items.map((item, i) => {
      const priced = result.lines[i];
      assert(priced !== undefined, 'a priced line per item');
      return {
        ...item,
        amountMinor: priced.amountMinor,
        discountMinor: priced.discountMinor,
        taxRate: rateToString(priced.taxRate),
        taxMinor: priced.taxMinor,
        shippingMinor: priced.shippingMinor,
        shippingTaxMinor: priced.shippingTaxMinor,
      };
    }),
  };
}

// ---------------------------------------------------------------------------------------------
// tax identifiers and the selling entity (tax-identifiers.md, selling-entities.md)

/** What the purchase is, for its tax identifiers: where it is taxed, who buys, who sells. */
export function purchaseOf(
  checkout: Pick<CheckoutRecord, 'data' | 'customerType'>,
  items: readonly { physical: boolean }[],
): Purchase {
  const { data } = checkout;
  const shipTo = addressOf(data.shipTo);
  const billTo = addressOf(data.billTo);
  const location = data.purchaseLocation as Address | undefined;
  const address = items.some((i) => i.physical)
    ? (shipTo ?? billTo ?? location)
    : (billTo ?? shipTo ?? location);
  const country = address?.country || undefined;
  return {
    country,
    customerType: checkout.customerType === 'business' ? 'business' : 'individual',
    entity: sellingEntityFor(country),
  };
}

/** The tax identifiers a checkout's data carries, as the decisions see them. */
export function appliedTaxIdentifiers(data: CheckoutData): TaxIdentifierFacts[] {
  return (data.taxIdentifiers ?? []).map((json) => {
    const t = json as Record<string, unknown>;
    return {
      id: String(t['id']),
      type: String(t['type']),
      state: t['state'] === 'verified' || t['state'] === 'not_valid' ? t['state'] : 'pending',
      customerId: typeof t['customerId'] === 'string' ? t['customerId'] : null,
    };
  });
}

const taxIdentifierSnapshot = (t: TaxIdentifierRecord): Json => taxIdentifierBriefToWire(t) as Json;

/**
 * Settles a checkout's tax identifiers and selling entity before it is priced: those the request
 * names (checked: they exist, are the customer's or no one's, and apply), else those it chose
 * before (refreshed; a deleted one is kept as it was, and POST /orders refuses it), else, where
 * the version passes customer data to checkouts (2021-03-23), the registered customer's
 * applicable ones.
 */
async function settleTaxIdentifiers(
  tx: Tx,
  checkout: CheckoutRecord,
  items: readonly CheckoutItemRecord[],
  requested: readonly { id?: string | undefined }[] | undefined,
  inherit: boolean,
): Promise<CheckoutRecord> {
  const data: CheckoutData = { ...checkout.data };
  const purchase = purchaseOf({ ...checkout, data }, items);
  data.sellingEntity = { id: purchase.entity.id, name: purchase.entity.name };
  const accountId = checkout.accountId;
  if (requested !== undefined) {
    const ids = requested.map((r, i) => {
      if (r.id === undefined) throw missingParameter(`taxIdentifiers[${i}].id`);
      return r.id;
    });
    const found = await tx.taxIdentifiers.getMany(accountId, ids);
    const problem = checkAttachedTaxIdentifiers(ids, found, checkout.customerId, purchase);
    if (problem) throw problem;
    data.taxIdentifiers = [...new Set(ids)].map((id) => {
      const t = found.get(id);
      assert(t !== undefined, 'checked: every requested tax identifier exists');
      return taxIdentifierSnapshot(t);
    });
    data.taxIdentifiersChosen = true;
  } else if (data.taxIdentifiersChosen) {
    const before = data.taxIdentifiers ?? [];
    const found = await tx.taxIdentifiers.getMany(
      accountId,
      before.map((t) => String((t as Record<string, unknown>)['id'])),
    );
    data.taxIdentifiers = before.map((t) => {
      const current = found.get(String((t as Record<string, unknown>)['id']));
      return current ? taxIdentifierSnapshot(current) : t;
    });
  } else if (checkout.customerId !== null && inherit) {
    const saved = await tx.taxIdentifiers.listByCustomer(accountId, checkout.customerId);
    const applicable = new Set(customerTaxIdentifiersFor(saved, purchase).map((t) => t.id));
    data.taxIdentifiers = saved.filter((t) => applicable.has(t.id)).map(taxIdentifierSnapshot);
  } else {
    delete data.taxIdentifiers;
  }
  return { ...checkout, data };
}

// ---------------------------------------------------------------------------------------------
// input → records

function validateAddresses(data: CheckoutData): void {
  for (const name of ['shipTo', 'billTo', 'shipFrom'] as const) {
    const address = addressOf(data[name]);
    if (address) validateAddress(address, `${name}.address`);
  }
  if (data.purchaseLocation) validateAddress(data.purchaseLocation as unknown as Address, 'purchaseLocation');
}

/**
 * DR checks a physical checkout's shipTo address when it is given (on create and update); its
 * `name` only when the checkout becomes an order (providing-address-information.md).
 */
function checkShipTo(data: CheckoutData, items: readonly CheckoutItemRecord[]): void {
  if (!data.shipTo || !items.some((i) => i.physical)) return;
  const address = addressOf(data.shipTo);
  const missing = missingAddressPart(address, 'shipTo.address');
  if (missing) throw missingParameter(missing);
  // creating-and-updating-skus.md ("Weight and weight unit"): where customs charge duty by
  // weight, a physical SKU without one cannot be landed
  const weightless = items.some(
    (i) => i.physical && i.skuId !== null && i.productDetails['weight'] === undefined,
  );
  if (address && WEIGHED_AT_CUSTOMS.has(address.country) && weightless) {
    throw new AppError('missing_parameter', 'weight', 'The weight is missing.');
  }
}

/** The countries DR's page names ("such as Switzerland") and the one sharing its customs area. */
const WEIGHED_AT_CUSTOMS: ReadonlySet<string> = new Set(['CH', 'LI']);

async function buildItems(
  tx: Tx,
  accountId: string,
  checkoutId: string,
  currency: string,
  inputs: readonly CheckoutItemCreate[],
): Promise<CheckoutItemRecord[]> {
  const skuIds = inputs.flatMap((i) => (i.skuId === undefined ? [] : [i.skuId]));
  const skus = await tx.skus.getMany(accountId, skuIds);
  return inputs.map((input, i) => {
    const at = `items[${i}]`;
    let sku: SkuRecord | undefined;
    let productDetails: Json;
    if (input.skuId !== undefined) {
      if (input.productDetails !== undefined) {
        throw invalidParameter(`${at}.productDetails`, 'Send either skuId or productDetails, not both.');
      }
      sku = skus.get(input.skuId);
      if (!sku) throw unknownReference(`${at}.skuId`, `SKU '${input.skuId}' not found.`);
      const { weight, weightUnit, description, url, image, partNumber, skuGroupId } = sku.data;
      productDetails = {
        id: sku.id,
        name: sku.name,
        countryOfOrigin: sku.countryOfOrigin,
        ...{ skuGroupId, description, url, image, weight, weightUnit, partNumber },
      };
      for (const key of Object.keys(productDetails))
        if (productDetails[key] === undefined) delete productDetails[key];
    } else if (input.productDetails !== undefined) {
      productDetails = input.productDetails;
      // using-product-details.md: DR names it `countryOfOrigin`, wherever it is
      const origin = productDetails['countryOfOrigin'];
      if (origin === null) throw new AppError('missing_parameter', 'countryOfOrigin', 'must not be null');
      if (typeof origin === 'string') checkCountryOfOrigin(origin);
    } else {
      throw missingParameter(`${at}.skuId`);
    }
    if (input.price !== undefined && input.aggregatePrice !== undefined) {
      throw invalidParameter(`${at}.price`, 'Send either price or aggregatePrice, not both.');
    }
    if (input.price === undefined && input.aggregatePrice === undefined)
      throw missingParameter(`${at}.price`);
    const quantity = parseQuantity(input.quantity ?? undefined, `${at}.quantity`) ?? 1;
    const data: Json = {};
    const discount = parseDiscount(input.discount, currency, `${at}.discount`);
    if (discount) data['discount'] = discount;
    if (input.subscriptionInfo) data['subscriptionInfo'] = input.subscriptionInfo;
    // the SKU's metadata, which an expanded order shows in productDetails (expanding-events.md)
    if (sku?.metadata) data['productMetadata'] = sku.metadata;
    if (input.shipFrom) {
      const address = input.shipFrom.address;
      if (address) validateAddress(address, `${at}.shipFrom.address`);
      data['shipFrom'] = input.shipFrom;
    }
    return {
      id: newUuid(),
      checkoutId,
      position: i,
      skuId: input.skuId ?? null,
      productDetails,
      physical: sku ? sku.physical : productDetails['weight'] !== undefined,
      quantity,
      priceMinor: input.price === undefined ? null : parseAmount(input.price, currency, `${at}.price`),
      aggregatePriceMinor:
        input.aggregatePrice === undefined
          ? null
          : parseAmount(input.aggregatePrice, currency, `${at}.aggregatePrice`),
      amountMinor: 0,
      discountMinor: 0,
      taxRate: '0',
      taxMinor: 0,
      shippingMinor: 0,
      shippingTaxMinor: 0,
      data,
      metadata: validateMetadata(input.metadata, `${at}.metadata`) ?? null,
    };
  });
}

function shippingChoiceData(
  choice: CheckoutCreate['shippingChoice'],
  currency: string,
): { has: boolean; data: Json | undefined } {
  if (choice === undefined || choice === null) return { has: false, data: undefined };
  const { amount, ...rest } = choice;
  if (amount === undefined) {
    // shipping-choice.md ("Shipping amount"): DR's own code and words, as a 400
    throw new AppError('internal_error', 'shippingChoice.amount', 'Client must provide shipping Cost', {
      type: 'bad_request',
    });
  }
  return {
    has: true,
    data: { ...rest, amountMinor: parseAmount(amount, currency, 'shippingChoice.amount') },
  };
}

async function requireCustomer(tx: Tx, accountId: string, customerId: string): Promise<void> {
  if (!(await tx.customers.get(accountId, customerId))) {
    throw unknownReference('customerId', `Customer '${customerId}' not found.`);
  }
}

// ---------------------------------------------------------------------------------------------
// sources

/** Attaches a source inside the caller's transaction; a repeat of the same attachment is a no-op. */
async function attachSourceTx(
  tx: Tx,
  view: CheckoutView,
  sourceId: string,
  at: number,
  named: 'path' | 'body',
): Promise<CheckoutView> {
  const { checkout } = view;
  const accountId = checkout.accountId;
  if (view.attached.some((a) => a.source.id === sourceId)) return view;
  const source = await tx.sources.get(accountId, sourceId, { lock: true });
  if (!source) {
    const message = `Source '${sourceId}' not found.`;
    throw named === 'path' ? notFound('sourceId', message) : unknownReference('sourceId', message);
  }
  if (source.state === 'failed') {
    throw new AppError('source_not_chargeable', 'sourceId', `Source '${sourceId}' is not chargeable.`);
  }
  if (source.state !== 'chargeable') {
    throw new AppError(
      'source_status_invalid_for_session',
      'sourceId',
      `The source status is invalid for this session: source '${sourceId}' is ${source.state}.`,
    );
  }
  if (!source.reusable) {
    const elsewhere = (await tx.checkouts.checkoutsWithSource(accountId, sourceId)).filter(
      (id) => id !== checkout.id,
    );
    if (elsewhere.length > 0) {
      throw new AppError(
        'source_status_invalid_for_session',
        'sourceId',
        `The source status is invalid for this session: single-use source '${sourceId}' is attached to another checkout.`,
      );
    }
  }
  const role = source.type === 'customerCredit' ? 'secondary' : 'primary';
  const primary = view.attached.find((a) => a.attachment.role === 'primary');
  const secondaries = view.attached.filter((a) => a.attachment.role === 'secondary');
  if (role === 'secondary') {
    if (source.currency !== checkout.currency) {
      throw new AppError(
        'source_status_invalid_for_session',
        'sourceId',
        `The source's currency (${source.currency}) is not the checkout's (${checkout.currency}).`,
      );
    }
    if (primary && !primary.source.reusable) {
      throw new AppError(
        'session_update_not_allowed',
        'sourceId',
        'Updating source is not allowed for the current session state.',
      );
    }
    if (secondaries.length >= CHECKOUT_SECONDARY_SOURCES_MAX) {
      throw invalidParameter(
        'sourceId',
        `A checkout takes at most ${CHECKOUT_SECONDARY_SOURCES_MAX} secondary sources.`,
      );
    }
    const contributed =
      secondaries.reduce((a, s) => a + (s.source.amountMinor ?? 0), 0) + (source.amountMinor ?? 0);
    if (contributed > checkout.totals.totalAmountMinor) {
      throw new AppError(
        'session_source_amount_too_large',
        'sourceId',
        'Source amount(s) exceed session amount.',
      );
    }
  }
  let attached = view.attached;
  if (role === 'primary' && primary) {
    attached = attached.filter((a) => a !== primary);
    await detachTx(
      tx,
      checkout,
      primary.source,
      attached.map((a) => a.attachment),
      at,
    );
  }
  const attachment = { checkoutId: checkout.id, sourceId, role, createdAt: at } as const;
  await tx.checkouts.attach(accountId, attachment, [...attached.map((a) => a.attachment), attachment]);
  let updated: SourceRecord = { ...source, paymentSessionId: checkout.sessionId, updatedAt: at };
  if (role === 'primary') {
    const session = paymentSession({
      totalAmountMinor: checkout.totals.totalAmountMinor,
      hasPrimary: true,
      secondaryAmountsMinor: secondaries.map((s) => s.source.amountMinor ?? 0),
    });
    updated = { ...updated, currency: checkout.currency, amountMinor: session.primaryAmountMinor };
  }
  await tx.sources.update(updated);
  return { ...view, attached: [...attached, { attachment, source: updated }] };
}

/**
 * Detaching a single-use source cancels it (DR: re-attaching it is then refused). `remaining`:
 * the checkout's attachments without it.
 */
async function detachTx(
  tx: Tx,
  checkout: CheckoutRecord,
  source: SourceRecord,
  remaining: readonly CheckoutSourceRecord[],
  at: number,
): Promise<SourceRecord> {
  await tx.checkouts.detach(checkout.accountId, checkout.id, source.id, remaining);
  return cancelIfSingleUse(tx, source, at);
}

async function cancelIfSingleUse(tx: Tx, source: SourceRecord, at: number): Promise<SourceRecord> {
  if (source.reusable) return source;
  const cancelled: SourceRecord = { ...source, state: 'cancelled', updatedAt: at };
  await tx.sources.update(cancelled);
  return cancelled;
}

// ---------------------------------------------------------------------------------------------
// operations

/**
 * Version 2021-03-23 and earlier: a registered checkout takes what it does not define from its
 * customer (using-the-checkout-identifier.md, "Passing customer data to checkouts"): email,
 * shipping as shipTo, locale, type as customerType, and the default source (its owner as billTo,
 * the source attached). 2021-12-13 takes nothing.
 */
async function inheritFromCustomer(
  tx: Tx,
  accountId: string,
  input: CheckoutCreate,
): Promise<CheckoutCreate> {
  if (input.customerId === undefined) return input;
  const customer = await tx.customers.get(accountId, input.customerId);
  if (!customer) return input;
  const inherited: CheckoutCreate = { ...input };
  if (inherited.email === undefined && customer.email) inherited.email = customer.email;
  if (inherited.locale === undefined && customer.locale) inherited.locale = customer.locale;
  if (
    inherited.customerType === undefined &&
    (customer.type === 'business' || customer.type === 'individual')
  )
    inherited.customerType = customer.type;
  const shipping = customer.data['shipping'];
  if (inherited.shipTo === undefined && shipping)
    inherited.shipTo = shipping as NonNullable<CheckoutCreate['shipTo']>;
  const source = customer.defaultSourceId
    ? await tx.sources.get(accountId, customer.defaultSourceId)
    : undefined;
  if (source && source.state === 'chargeable' && source.customerId === customer.id) {
    const owner = (source.owner ?? {}) as Record<string, unknown>;
    if (inherited.billTo === undefined && owner['address']) {
      const name = [owner['firstName'], owner['lastName']].filter((n) => typeof n === 'string').join(' ');
      inherited.billTo = {
        address: owner['address'],
        ...(name ? { name } : {}),
        ...(typeof owner['email'] === 'string' ? { email: owner['email'] } : {}),
      } as NonNullable<CheckoutCreate['billTo']>;
    }
    if (inherited.sourceId === undefined) inherited.sourceId = source.id;
  }
  return inherited;
}

export async function createCheckout(
  deps: Deps,
  caller: Caller,
  given: CheckoutCreate,
): Promise<CheckoutView> {
  const inherit = inheritsCustomerData(versionOf(caller));
  const input =
    inherit && given.customerId !== undefined
      ? await deps.store.read((tx) => inheritFromCustomer(tx, caller.account.id, given))
      : given;
  const at = now(deps, caller);
  const account = caller.account;
  const currency = requireCurrency(input.currency);
  const id = newUuid();
  const sessionId = newUuid();
  const shipping = shippingChoiceData(input.shippingChoice, currency);
  const data: CheckoutData = {};
  if (input.shipFrom) data.shipFrom = input.shipFrom;
  if (input.shipTo) data.shipTo = input.shipTo;
  if (input.billTo) data.billTo = input.billTo;
  if (input.organization) data.organization = input.organization;
  if (input.purchaseLocation) data.purchaseLocation = input.purchaseLocation;
  if (input.invoiceAttributeId) data.invoiceAttributeId = input.invoiceAttributeId;
  if (input.disclosures) data.disclosures = input.disclosures;
  if (shipping.data) data.shippingChoice = shipping.data;
  const discount = parseDiscount(input.discount, currency, 'discount');
  if (discount) data.discount = discount as Json;
  const shippingDiscount = parseDiscount(input.shippingDiscount, currency, 'shippingDiscount');
  if (shippingDiscount) data.shippingDiscount = shippingDiscount as Json;
  validateAddresses(data);
  const metadata = validateMetadata(input.metadata) ?? null;

  return deps.store.transaction(async (tx) => {
    if (input.customerId !== undefined) await requireCustomer(tx, account.id, input.customerId);
    const items = await buildItems(tx, account.id, id, currency, input.items);
    checkShipTo(data, items);
    const blank: CheckoutRecord = {
      accountId: account.id,
      id,
      state: 'open',
      spentMessage: null,
      orderId: null,
      currency,
      customerId: input.customerId ?? null,
      email: input.email ?? null,
      locale: input.locale ?? null,
      browserIp: input.browserIp ?? null,
      applicationId: input.applicationId ?? null,
      upstreamId: input.upstreamId ?? null,
      taxInclusive: input.taxInclusive ?? false,
      chargeType: input.chargeType ?? 'customer_initiated',
      customerType: input.customerType ?? null,
      hasShippingChoice: shipping.has,
      sessionId,
      sessionClientSecret: newClientSecret(sessionId),
      totals: {
        subtotalMinor: 0,
        totalTaxMinor: 0,
        totalShippingMinor: 0,
        shippingTaxMinor: 0,
        totalDiscountMinor: 0,
        totalFeesMinor: 0,
        totalDutyMinor: 0,
        totalImporterTaxMinor: 0,
        totalAmountMinor: 0,
      },
      data,
      metadata,
      createdAt: at,
      updatedAt: at,
    };
    const settled = await settleTaxIdentifiers(tx, blank, items, input.taxIdentifiers, inherit);
    const priced = reprice(account, settled, items);
    await tx.checkouts.insert(priced.checkout, priced.items);
    let view: CheckoutView = { checkout: priced.checkout, items: priced.items, attached: [] };
    if (input.sourceId !== undefined) view = await attachSourceTx(tx, view, input.sourceId, at, 'body');
    await tx.events.append([newEvent(account.id, 'checkout.created', checkoutViewToWire(view), at)]);
    return view;
  });
}

function applyItemUpdates(
  items: readonly CheckoutItemRecord[],
  updates: readonly CheckoutItemUpdate[],
): CheckoutItemRecord[] {
  const next = items.map((item) => ({ ...item, data: { ...item.data } }));
  updates.forEach((update, i) => {
    const item = next.find((candidate) => candidate.id === update.id);
    if (!item) throw invalidParameter(`items[${i}].id`, `The checkout has no item '${update.id}'.`);
    if (update.subscriptionInfo !== undefined) item.data['subscriptionInfo'] = update.subscriptionInfo;
    if (update.shipFrom !== undefined) {
      if (update.shipFrom.address) validateAddress(update.shipFrom.address, `items[${i}].shipFrom.address`);
      item.data['shipFrom'] = update.shipFrom;
    }
    if (update.metadata !== undefined)
      item.metadata = validateMetadata(update.metadata, `items[${i}].metadata`) ?? null;
  });
  return next;
}

export async function updateCheckout(
  deps: Deps,
  caller: Caller,
  id: string,
  input: CheckoutUpdate,
): Promise<CheckoutView> {
  const at = now(deps, caller);
  const account = caller.account;
  return deps.store.transaction(async (tx) => {
    const view = await openCheckout(tx, account.id, id, true);
    const current = view.checkout;
    if (input.currency !== undefined && input.currency !== current.currency) {
      requireCurrency(input.currency);
      throw invalidParameter(
        'currency',
        "A checkout's currency cannot be changed; create a new checkout instead.",
      );
    }
    if (input.customerId !== undefined) await requireCustomer(tx, account.id, input.customerId);
    const data: CheckoutData = { ...current.data };
    for (const name of ['shipFrom', 'shipTo', 'billTo', 'organization', 'purchaseLocation'] as const) {
      const value = input[name];
      if (value !== undefined) (data as Record<string, unknown>)[name] = value;
    }
    if (input.invoiceAttributeId !== undefined) data.invoiceAttributeId = input.invoiceAttributeId;
    let hasShippingChoice = current.hasShippingChoice;
    if (input.shippingChoice !== undefined) {
      const shipping = shippingChoiceData(input.shippingChoice, current.currency);
      hasShippingChoice = shipping.has;
      if (shipping.data) data.shippingChoice = shipping.data;
      else delete data.shippingChoice;
    }
    if (input.shippingDiscount !== undefined) {
      const shippingDiscount = parseDiscount(input.shippingDiscount, current.currency, 'shippingDiscount');
      if (shippingDiscount) data.shippingDiscount = shippingDiscount as Json;
      else delete data.shippingDiscount;
    }
    validateAddresses(data);
    const updates = input.items === undefined ? [] : Array.isArray(input.items) ? input.items : [input.items];
    const items = applyItemUpdates(view.items, updates);
    checkShipTo(data, items);
    const changed: CheckoutRecord = {
      ...current,
      customerId: input.customerId ?? current.customerId,
      email: input.email ?? current.email,
      locale: input.locale ?? current.locale,
      browserIp: input.browserIp ?? current.browserIp,
      applicationId: input.applicationId ?? current.applicationId,
      upstreamId: input.upstreamId ?? current.upstreamId,
      chargeType: input.chargeType ?? current.chargeType,
      customerType: input.customerType ?? current.customerType,
      hasShippingChoice,
      data,
      metadata: input.metadata === undefined ? current.metadata : (validateMetadata(input.metadata) ?? null),
      updatedAt: at,
    };
    const settled = await settleTaxIdentifiers(
      tx,
      changed,
      items,
      input.taxIdentifiers,
      inheritsCustomerData(versionOf(caller)),
    );
    const priced = reprice(account, settled, items);
    // a total below the secondary sources' amounts leaves the session `requires_source` (DR:
    // POST /orders then answers order_submit_failed until the sources are fixed)
    await tx.checkouts.updateContent(priced.checkout, priced.items);
    let next: CheckoutView = { checkout: priced.checkout, items: priced.items, attached: view.attached };
    if (input.sourceId !== undefined) next = await attachSourceTx(tx, next, input.sourceId, at, 'body');
    await tx.events.append([
      updateEvent(account.id, 'checkout.updated', checkoutViewToWire(view), checkoutViewToWire(next), at),
    ]);
    return next;
  });
}

export async function getCheckout(deps: Deps, caller: Caller, id: string): Promise<CheckoutView> {
  return deps.store.read((tx) => openCheckout(tx, caller.account.id, id, false));
}

export async function deleteCheckout(deps: Deps, caller: Caller, id: string): Promise<void> {
  const at = now(deps, caller);
  await deps.store.transaction(async (tx) => {
    const view = await openCheckout(tx, caller.account.id, id, false);
    // the checkout goes with its attachments
    for (const { source } of view.attached) await cancelIfSingleUse(tx, source, at);
    await tx.checkouts.delete(caller.account.id, id);
    await tx.events.append([
      newEvent(caller.account.id, 'checkout.deleted', checkoutViewToWire({ ...view, attached: [] }), at),
    ]);
  });
}

export async function listCheckouts(
  deps: Deps,
  caller: Caller,
  filters: CheckoutFilters,
  page: PageQuery,
): Promise<Page<CheckoutView>> {
  const accountId = caller.account.id;
  return deps.store.read(async (tx) => {
    const result = await tx.checkouts.list(accountId, filters, page);
    return { data: await loadCheckoutViews(tx, accountId, result.data), hasMore: result.hasMore };
  });
}

export async function attachSource(
  deps: Deps,
  caller: Caller,
  checkoutId: string,
  sourceId: string,
): Promise<{ view: CheckoutView; source: AttachedSource }> {
  const at = now(deps, caller);
  return deps.store.transaction(async (tx) => {
    const before = await openCheckout(tx, caller.account.id, checkoutId, true);
    const view = await attachSourceTx(tx, before, sourceId, at, 'path');
    const attached = view.attached.find((a) => a.source.id === sourceId);
    assert(attached !== undefined, 'the source is attached');
    if (view !== before) {
      await tx.events.append([
        updateEvent(
          caller.account.id,
          'checkout.updated',
          checkoutViewToWire(before),
          checkoutViewToWire(view),
          at,
        ),
      ]);
    }
    return { view, source: attached };
  });
}

export async function detachSource(
  deps: Deps,
  caller: Caller,
  checkoutId: string,
  sourceId: string,
): Promise<void> {
  const at = now(deps, caller);
  await deps.store.transaction(async (tx) => {
    const view = await openCheckout(tx, caller.account.id, checkoutId, true);
    const attached = view.attached.find((a) => a.source.id === sourceId);
    if (!attached)
      throw notFound('sourceId', `Source '${sourceId}' is not attached to checkout '${checkoutId}'.`);
    const next = { ...view, attached: view.attached.filter((a) => a !== attached) };
    await detachTx(
      tx,
      view.checkout,
      attached.source,
      next.attached.map((a) => a.attachment),
      at,
    );
    await tx.events.append([
      updateEvent(
        caller.account.id,
        'checkout.updated',
        checkoutViewToWire(view),
        checkoutViewToWire(next),
        at,
      ),
    ]);
  });
}
