import { type TOptional, type TSchema, Type } from 'typebox';
import { CHECKOUT_ITEMS_MAX, ID_LENGTH_MAX, PAGE_LIMIT_MAX, STRING_LENGTH_MAX } from '../../limits.js';

/**
 * Shared wire primitives, mirroring DR's request schemas (the OpenAPI document of 2021-12-13).
 * Objects reject members DR does not define (`additionalProperties: false` → 400
 * unknown_parameter); bounds keep every value to a sane size.
 */

export const closed = <T extends Record<string, TSchema>>(properties: T) =>
  Type.Object(properties, { additionalProperties: false });

/** An object whose members are all optional, still closed (Type.Partial drops the option). */
export const partial = <T extends Record<string, TSchema>>(properties: T) =>
  Type.Partial(Type.Object(properties), { additionalProperties: false });

/** Every member optional (for objects with a few required members spread beside them). */
export function optional<T extends Record<string, TSchema>>(
  properties: T,
): { [K in keyof T]: TOptional<T[K]> } {
  return Object.fromEntries(Object.entries(properties).map(([k, v]) => [k, Type.Optional(v)])) as {
    [K in keyof T]: TOptional<T[K]>;
  };
}

export const Str = (max = STRING_LENGTH_MAX) => Type.String({ maxLength: max });
export const NullableStr = (max = STRING_LENGTH_MAX) =>
  Type.Union([Type.String({ maxLength: max }), Type.Null()]);
export const Id = Type.String({ minLength: 1, maxLength: ID_LENGTH_MAX });
export const Email = Type.String({ format: 'email', maxLength: 254 });
/** A wire amount in major units; the service checks its decimals against the currency. */
export const Amount = Type.Number();
export const DateTime = Type.String({ format: 'date-time' });
/** DR's examples send quantities as numbers or numeric strings ("2"). */
export const Quantity = Type.Union([
  Type.Integer(),
  Type.String({ pattern: '^\\s*\\d+\\s*$', maxLength: 12 }),
]);

export const Metadata = Type.Record(Type.String(), Type.Unknown());

export const Address = closed({
  line1: Type.Optional(NullableStr()),
  line2: Type.Optional(Str()),
  city: Type.Optional(NullableStr()),
  postalCode: Type.Optional(NullableStr(64)),
  state: Type.Optional(NullableStr(64)),
  country: Type.String({ maxLength: 2, minLength: 2 }),
});

const AdditionalAddressInfoProps = {
  neighborhood: NullableStr(),
  division: NullableStr(),
  phoneticName: NullableStr(),
};
export const AdditionalAddressInfo = partial(AdditionalAddressInfoProps);
export const AdditionalBillingAddressInfo = partial({
  ...AdditionalAddressInfoProps,
  title: Type.Union([Type.Literal('M'), Type.Literal('Mme'), Type.Literal('Mlle'), Type.Null()]),
});

const contactProps = {
  name: NullableStr(),
  phone: NullableStr(64),
  email: Type.Union([Email, Type.Null()]),
  organization: NullableStr(),
};

export const Shipping = partial({
  address: Address,
  ...contactProps,
  additionalAddressInfo: AdditionalAddressInfo,
});

export const Billing = closed({
  address: Address,
  ...partial(contactProps).properties,
  additionalAddressInfo: Type.Optional(AdditionalBillingAddressInfo),
});

export const ShipFrom = partial({ address: Address, additionalAddressInfo: AdditionalAddressInfo });

export const Owner = closed({
  firstName: Type.Optional(Str()),
  lastName: Type.Optional(Str()),
  email: Type.Optional(Str(254)),
  organization: Type.Optional(NullableStr()),
  upstreamId: Type.Optional(Str()),
  address: Address,
  additionalAddressInfo: Type.Optional(AdditionalAddressInfo),
});

export const Organization = partial({ id: Str() });
export const PurchaseLocation = closed({
  country: Type.String({ minLength: 2, maxLength: 2 }),
  state: Type.Optional(Str(64)),
  postalCode: Type.Optional(Str(64)),
});

// a discount's bounds are checked by the service, which answers DR's own codes for them
// (invalid_discount_amount, invalid_discount_percent; applying-a-discount.md)
export const Discount = partial({ amountOff: Amount, percentOff: Type.Number() });
export const SkuDiscount = partial({ amountOff: Amount, percentOff: Type.Number(), quantity: Quantity });

export const WeightUnit = Type.Union([
  Type.Literal('oz'),
  Type.Literal('lb'),
  Type.Literal('g'),
  Type.Literal('kg'),
]);

export const ProductDetails = partial({
  id: Str(),
  skuGroupId: Str(),
  name: Str(),
  description: Str(4000),
  url: Str(2000),
  // null is DR's missing_parameter "must not be null" (using-product-details.md), said by the service
  countryOfOrigin: Type.Union([Str(2), Type.Null()]),
  image: Str(2000),
  weight: Type.Number({ minimum: 0 }),
  weightUnit: WeightUnit,
  partNumber: Str(),
});

export const SubscriptionInfo = partial({
  freeTrial: Type.Boolean(),
  autoRenewal: Type.Boolean(),
  terms: Str(4000),
  planId: Str(),
  subscriptionId: Str(),
  billingAgreementId: Str(),
  startTime: DateTime,
  endTime: DateTime,
});

export const ShippingRequest = partial({
  amount: Amount,
  description: Str(),
  serviceLevel: Str(),
  shippingTerms: Type.Union([Type.Literal('DDP'), Type.Literal('DAP')]),
});

export const TaxIdentifierRequest = partial({ id: Str() });

/** DR's DisclosureDetails.type enum (found by the fuzzer: any string used to be echoed back). */
export const DISCLOSURE_TYPES = [
  'termsOfSale',
  'privacyPolicy',
  'cookiePolicy',
  'legalNotice',
  'autoRenewalPlanTerms',
  'saveCardMandate',
  'idealRecurringAgreement',
  'businessEntity',
  'resellerDisclosure',
  'confirmDisclosure',
  'californiaPrivacyRights',
] as const;

export const Disclosures = partial({
  disclosures: Type.Array(
    closed({
      type: Type.Union(DISCLOSURE_TYPES.map((t) => Type.Literal(t))),
      entityName: Type.Optional(Str()),
      entityId: Type.Optional(Str()),
      localizedText: Type.Optional(Str(4000)),
      url: Type.Optional(Str(2000)),
    }),
    { maxItems: 20 },
  ),
});

export const ChargeType = Type.Union([
  Type.Literal('customer_initiated'),
  Type.Literal('merchant_initiated'),
  Type.Literal('moto'),
]);
export const CustomerType = Type.Union([Type.Literal('business'), Type.Literal('individual')]);

export const IdParams = closed({ id: Id });
export const IdSourceParams = closed({ id: Id, sourceId: Id });

/** Pagination and the filters every list shares. Query values arrive as strings. */
const TimeFilter = Str(40);
/** Paging, for every list. */
export const pageQuery = {
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: PAGE_LIMIT_MAX })),
  startingAfter: Type.Optional(Id),
  endingBefore: Type.Optional(Id),
};
/** Paging and DR's `ids` filter, for the lists that filter by it (a list that would ignore it refuses it). */
export const listQuery = {
  ...pageQuery,
  ids: Type.Optional(Type.Union([Str(), Type.Array(Str(), { maxItems: 100 })])),
};
export const timeQuery = (name: string) => ({
  [name]: Type.Optional(TimeFilter),
  [`${name}[gt]`]: Type.Optional(TimeFilter),
  [`${name}[gte]`]: Type.Optional(TimeFilter),
  [`${name}[lt]`]: Type.Optional(TimeFilter),
  [`${name}[lte]`]: Type.Optional(TimeFilter),
  [`${name}[eq]`]: Type.Optional(TimeFilter),
});

export const ITEMS_MAX = CHECKOUT_ITEMS_MAX;
