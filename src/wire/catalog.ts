import type { CustomerRecord, SkuRecord, SourceRecord } from '../store/records.js';
import { compact, money, time, type WireObject } from './common.js';

export function skuToWire(sku: SkuRecord): WireObject {
  return compact({
    id: sku.id,
    createdTime: time(sku.createdAt),
    updatedTime: time(sku.updatedAt),
    name: sku.name,
    eccn: sku.eccn,
    taxCode: sku.taxCode,
    countryOfOrigin: sku.countryOfOrigin,
    physical: sku.physical,
    ...sku.data,
    metadata: sku.metadata,
    liveMode: false,
  });
}

/**
 * A source. `amountMinorOverride` shows what a checkout's session assigns to it (a primary source
 * covers the checkout's remainder).
 */
export function sourceToWire(source: SourceRecord, amountMinorOverride?: number): WireObject {
  const amountMinor = amountMinorOverride ?? source.amountMinor;
  return compact({
    id: source.id,
    clientSecret: source.clientSecret,
    createdTime: time(source.createdAt),
    type: source.type,
    currency: source.currency,
    amount: amountMinor !== null && source.currency ? money(amountMinor, source.currency) : undefined,
    reusable: source.reusable,
    owner: source.owner,
    creditCard: source.card
      ? {
          brand: source.card.brand,
          expirationMonth: source.card.expirationMonth,
          expirationYear: source.card.expirationYear,
          lastFourDigits: source.card.lastFourDigits,
        }
      : undefined,
    flow: source.flow,
    state: source.state,
    metadata: source.metadata,
    customerId: source.customerId,
    paymentSessionId: source.paymentSessionId,
    upstreamId: source.upstreamId,
    liveMode: false,
  });
}

export function customerToWire(customer: CustomerRecord, sources: readonly SourceRecord[]): WireObject {
  return compact({
    id: customer.id,
    createdTime: time(customer.createdAt),
    updatedTime: time(customer.updatedAt),
    email: customer.email,
    ...customer.data,
    defaultSourceId: customer.defaultSourceId,
    sources: sources.map((s) => sourceToWire(s)),
    taxIdentifiers: [],
    requestToBeForgotten: customer.requestToBeForgotten,
    type: customer.type,
    metadata: customer.metadata,
    locale: customer.locale,
    enabled: customer.enabled,
    liveMode: false,
  });
}
