/**
 * Plain data shapes the domain and the store share: JSON objects as DR sent them, metadata, the
 * money totals of a checkout or an order, and a priced line. Money is integer minor units.
 */

export type Metadata = Record<string, string | number | boolean>;
export type Json = Record<string, unknown>;

export interface Totals {
  subtotalMinor: number;
  totalTaxMinor: number;
  totalShippingMinor: number;
  shippingTaxMinor: number;
  totalDiscountMinor: number;
  totalFeesMinor: number;
  totalDutyMinor: number;
  totalImporterTaxMinor: number;
  totalAmountMinor: number;
}

/** Descriptive checkout data kept as DR sent it (never money). */
export interface CheckoutData {
  shipFrom?: Json;
  shipTo?: Json;
  billTo?: Json;
  organization?: Json;
  /** the applied tax identifiers, as they were when the checkout was last priced */
  taxIdentifiers?: Json[];
  /** the client chose them (even none): the customer's are not applied on their own */
  taxIdentifiersChosen?: boolean;
  /** {id, name}, assigned by the country of the purchase */
  sellingEntity?: Json;
  purchaseLocation?: Json;
  discount?: Json;
  shippingDiscount?: Json;
  shippingChoice?: Json; // description, serviceLevel, shippingTerms (the amount is in the columns)
  invoiceAttributeId?: string;
  disclosures?: Json;
}

/** A priced line of a checkout or an order. */
export interface LineRecord {
  id: string;
  position: number;
  skuId: string | null;
  productDetails: Json;
  physical: boolean;
  quantity: number;
  amountMinor: number;
  discountMinor: number;
  /** the rate as an exact decimal string, e.g. "0.08025" */
  taxRate: string;
  taxMinor: number;
  shippingMinor: number;
  shippingTaxMinor: number;
  /** discount (as requested), subscriptionInfo, shipFrom */
  data: Json;
  metadata: Metadata | null;
}
