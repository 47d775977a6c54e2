import { type Static, Type } from 'typebox';
import {
  Amount,
  Billing,
  ChargeType,
  CustomerType,
  closed,
  Disclosures,
  Discount,
  Email,
  Id,
  ITEMS_MAX,
  Metadata,
  NullableStr,
  Organization,
  optional,
  ProductDetails,
  PurchaseLocation,
  partial,
  Quantity,
  ShipFrom,
  Shipping,
  ShippingRequest,
  SkuDiscount,
  Str,
  SubscriptionInfo,
  TaxIdentifierRequest,
} from './common.js';

/** DR's CheckoutRequest, UpdateCheckoutRequest and OrderRequest. */

export const CheckoutItemCreate = partial({
  skuId: Id,
  productDetails: ProductDetails,
  subscriptionInfo: SubscriptionInfo,
  price: Amount,
  aggregatePrice: Amount,
  quantity: Type.Union([Quantity, Type.Null()]),
  discount: SkuDiscount,
  shipFrom: ShipFrom,
  metadata: Metadata,
});
export type CheckoutItemCreate = Static<typeof CheckoutItemCreate>;

/** On update an item is named by its checkout line id and only these attributes may change. */
export const CheckoutItemUpdate = closed({
  id: Id,
  subscriptionInfo: Type.Optional(SubscriptionInfo),
  shipFrom: Type.Optional(ShipFrom),
  metadata: Type.Optional(Metadata),
});
export type CheckoutItemUpdate = Static<typeof CheckoutItemUpdate>;

const shared = {
  customerId: Id,
  sourceId: Id,
  email: Email,
  locale: Str(20),
  invoiceAttributeId: Str(),
  applicationId: Str(),
  browserIp: Str(64),
  taxIdentifiers: Type.Array(TaxIdentifierRequest, { maxItems: 20 }),
  shipFrom: ShipFrom,
  shipTo: Shipping,
  billTo: Billing,
  organization: Organization,
  shippingChoice: Type.Union([ShippingRequest, Type.Null()]),
  chargeType: ChargeType,
  customerType: CustomerType,
  metadata: Metadata,
  purchaseLocation: PurchaseLocation,
  upstreamId: Str(),
};

export const CheckoutCreate = closed({
  ...optional(shared),
  currency: Type.String({ minLength: 1, maxLength: 3 }),
  items: Type.Array(CheckoutItemCreate, { minItems: 1, maxItems: ITEMS_MAX }),
  ...optional({
    discount: Discount,
    shippingDiscount: Discount,
    taxInclusive: Type.Boolean(),
    disclosures: Disclosures,
  }),
});
export type CheckoutCreate = Static<typeof CheckoutCreate>;

export const CheckoutUpdate = partial({
  ...shared,
  currency: Type.String({ minLength: 1, maxLength: 3 }),
  shippingDiscount: Discount,
  items: Type.Union([Type.Array(CheckoutItemUpdate, { maxItems: ITEMS_MAX }), CheckoutItemUpdate]),
});
export type CheckoutUpdate = Static<typeof CheckoutUpdate>;

/** DR ignores everything but checkoutId on POST /orders (and so accepts anything else). */
export const OrderCreate = Type.Object(
  { checkoutId: Type.Optional(Type.Unknown()) },
  { additionalProperties: true },
);
export type OrderCreate = Static<typeof OrderCreate>;

export const OrderUpdate = partial({
  requestToBeForgotten: Type.Boolean(),
  upstreamId: NullableStr(),
  metadata: Metadata,
});
export type OrderUpdate = Static<typeof OrderUpdate>;
