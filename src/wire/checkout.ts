import { paymentSession } from '../domain/checkout/session.js';
import type {
  CheckoutData,
  CheckoutItemRecord,
  CheckoutRecord,
  CheckoutSourceRecord,
  LineRecord,
  SourceRecord,
  Totals,
} from '../store/records.js';
import { sourceToWire } from './catalog.js';
import { compact, money, rateNumber, SELLING_ENTITY, time, type WireObject } from './common.js';

/** Money attributes shared by checkouts and orders. */
export function totalsToWire(totals: Totals, currency: string): WireObject {
  const m = (minor: number) => money(minor, currency);
  return {
    subtotal: m(totals.subtotalMinor),
    totalTax: m(totals.totalTaxMinor),
    totalImporterTax: m(totals.totalImporterTaxMinor),
    totalFees: m(totals.totalFeesMinor),
    totalDuty: m(totals.totalDutyMinor),
    totalDiscount: m(totals.totalDiscountMinor),
    totalShipping: m(totals.totalShippingMinor),
    totalAmount: m(totals.totalAmountMinor),
  };
}

/** Descriptive attributes shared by checkouts and orders. */
export function descriptiveToWire(
  data: CheckoutData,
  totals: Totals,
  currency: string,
  hasShipping: boolean,
): WireObject {
  const { amountMinor: _gross, ...choice } = (data.shippingChoice ?? {}) as Record<string, unknown>;
  const discount = data.discount as { amountOffMinor?: number; percentOff?: number } | undefined;
  return {
    shipFrom: data.shipFrom,
    shipTo: data.shipTo,
    billTo: data.billTo,
    organization: data.organization,
    taxIdentifiers: data.taxIdentifiers ?? [],
    purchaseLocation: data.purchaseLocation,
    discount: discount
      ? compact({
          amountOff:
            discount.amountOffMinor !== undefined ? money(discount.amountOffMinor, currency) : undefined,
          percentOff: discount.percentOff,
        })
      : undefined,
    shippingChoice: hasShipping
      ? compact({
          amount: money(totals.totalShippingMinor, currency),
          taxAmount: money(totals.shippingTaxMinor, currency),
          ...choice,
        })
      : undefined,
    sellingEntity: data.sellingEntity ?? SELLING_ENTITY,
    disclosures: data.disclosures,
  };
}

/** The line attributes shared by checkout items and order items. */
export function lineToWire(line: LineRecord, currency: string): WireObject {
  const m = (minor: number) => money(minor, currency);
  const discount = line.data['discount'] as
    | { amountOffMinor?: number; percentOff?: number; quantity?: number }
    | undefined;
  return compact({
    id: line.id,
    skuId: line.skuId,
    productDetails: line.productDetails,
    subscriptionInfo: line.data['subscriptionInfo'],
    fees: { amount: 0, taxAmount: 0 },
    quantity: line.quantity,
    amount: m(line.amountMinor),
    tax: { rate: rateNumber(line.taxRate), amount: m(line.taxMinor) },
    importerTax: { amount: 0 },
    duties: { amount: 0 },
    discount: discount
      ? compact({
          amountOff: discount.amountOffMinor !== undefined ? m(discount.amountOffMinor) : undefined,
          percentOff: discount.percentOff,
          quantity: discount.quantity,
        })
      : undefined,
    shipFrom: line.data['shipFrom'],
    shipping: { amount: m(line.shippingMinor), taxAmount: m(line.shippingTaxMinor) },
    metadata: line.metadata,
  });
}

export interface AttachedSource {
  attachment: CheckoutSourceRecord;
  source: SourceRecord;
}

/** The payment session and the sources as they stand on a checkout. */
export function checkoutPaymentToWire(
  checkout: CheckoutRecord,
  attached: readonly AttachedSource[],
): WireObject {
  const secondaries = attached.filter((a) => a.attachment.role === 'secondary');
  const session = paymentSession({
    totalAmountMinor: checkout.totals.totalAmountMinor,
    hasPrimary: attached.some((a) => a.attachment.role === 'primary'),
    secondaryAmountsMinor: secondaries.map((a) => a.source.amountMinor ?? 0),
  });
  const m = (minor: number) => money(minor, checkout.currency);
  return {
    sources: attached.map((a) =>
      sourceToWire(a.source, a.attachment.role === 'primary' ? session.primaryAmountMinor : undefined),
    ),
    session: {
      id: checkout.sessionId,
      clientSecret: checkout.sessionClientSecret,
      amountContributed: m(session.amountContributedMinor),
      amountRemainingToBeContributed: m(session.amountRemainingMinor),
      state: session.state,
    },
  };
}

export function checkoutToWire(
  checkout: CheckoutRecord,
  items: readonly CheckoutItemRecord[],
  attached: readonly AttachedSource[],
): WireObject {
  return compact({
    id: checkout.id,
    createdTime: time(checkout.createdAt),
    updatedTime: time(checkout.updatedAt),
    customerId: checkout.customerId,
    currency: checkout.currency,
    email: checkout.email,
    locale: checkout.locale,
    browserIp: checkout.browserIp,
    applicationId: checkout.applicationId,
    ...totalsToWire(checkout.totals, checkout.currency),
    ...descriptiveToWire(checkout.data, checkout.totals, checkout.currency, checkout.hasShippingChoice),
    customerType: checkout.customerType,
    items: items.map((item) => lineToWire(item, checkout.currency)),
    payment: checkoutPaymentToWire(checkout, attached),
    liveMode: false,
    metadata: checkout.metadata,
    upstreamId: checkout.upstreamId,
  });
}
