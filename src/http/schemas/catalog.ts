import { type Static, Type } from 'typebox';
import {
  Amount,
  Billing,
  CustomerType,
  closed,
  DateTime,
  Email,
  Id,
  Metadata,
  Owner,
  optional,
  partial,
  Shipping,
  Str,
  WeightUnit,
} from './common.js';

/** SKUs, customers and sources: DR's SkuRequest, CustomerRequest, CreditSource and the card source. */

const skuProps = {
  eccn: Str(),
  hsCode: Str(),
  skuGroupId: Str(),
  partNumber: Str(),
  manufacturerId: Str(),
  /** DRGlobalFulfillment, checked with DR's words in domain/sku.ts */
  managedFulfillment: Str(),
  taxCode: Str(),
  name: Str(),
  description: Str(4000),
  image: Str(2000),
  url: Str(2000),
  weight: Type.Number({ minimum: 0 }),
  weightUnit: WeightUnit,
  countryOfOrigin: Type.String({ minLength: 2, maxLength: 2 }),
  metadata: Metadata,
  /** version 2021-03-23 only (domain/versions.ts); 2021-12-13 refuses it as unknown */
  allowOversell: Type.Boolean(),
};

export const SkuUpdate = partial(skuProps);
export type SkuUpdate = Static<typeof SkuUpdate>;

const { eccn, name, taxCode, countryOfOrigin, ...optionalSkuProps } = skuProps;
const requiredSkuProps = { eccn, name, taxCode, countryOfOrigin };
export const SkuUpsert = closed({ ...requiredSkuProps, ...optional(optionalSkuProps) });
export type SkuUpsert = Static<typeof SkuUpsert>;
export const SkuCreate = closed({ ...requiredSkuProps, ...optional({ id: Id, ...optionalSkuProps }) });
export type SkuCreate = Static<typeof SkuCreate>;

const TaxCertificate = closed({
  companyName: Str(),
  taxAuthority: Str(),
  startDate: DateTime,
  endDate: DateTime,
  fileId: Str(),
});

const customerProps = {
  email: Email,
  shipping: Shipping,
  defaultSourceId: Id,
  taxCertificate: TaxCertificate,
  metadata: Metadata,
  locale: Str(20),
  type: CustomerType,
  enabled: Type.Boolean(),
};
export const CustomerCreate = partial({ id: Id, ...customerProps });
export type CustomerCreate = Static<typeof CustomerCreate>;
export const CustomerUpdate = partial({ ...customerProps, requestToBeForgotten: Type.Boolean() });
export type CustomerUpdate = Static<typeof CustomerUpdate>;

/** What DigitalRiver.js sends to create a card source: raw test card data (never stored). */
export const CardSourceCreate = closed({
  type: Type.Literal('creditCard'),
  creditCard: closed({
    number: Type.String({ minLength: 1, maxLength: 30 }),
    expirationMonth: Type.Integer(),
    expirationYear: Type.Integer(),
    cvv: Type.Optional(Type.String({ maxLength: 10 })),
  }),
  owner: Type.Optional(Owner),
  amount: Type.Optional(Amount),
  currency: Type.Optional(Type.String({ minLength: 3, maxLength: 3 })),
  reusable: Type.Optional(Type.Boolean()),
  paymentSessionId: Type.Optional(Id),
  sessionId: Type.Optional(Id),
  metadata: Type.Optional(Metadata),
  upstreamId: Type.Optional(Str()),
  billingAddress: Type.Optional(Billing),
});
export type CardSourceCreate = Static<typeof CardSourceCreate>;

export const CreditSourceCreate = closed({
  type: Type.Literal('customerCredit'),
  paymentSessionId: Type.Optional(Id),
  amount: Type.Optional(Amount),
  upstreamId: Type.Optional(Str()),
  customerCredit: Type.Optional(Type.Object({}, { additionalProperties: false })),
  owner: Type.Optional(Owner),
});
export type CreditSourceCreate = Static<typeof CreditSourceCreate>;
