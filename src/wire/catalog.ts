import { applicabilityOf } from '../domain/tax/identifiers.js';
import { type ApiVersion, LATEST_API_VERSION, objectForVersion } from '../domain/versions.js';
import type { CustomerRecord, SkuRecord, SourceRecord, TaxIdentifierRecord } from '../store/records.js';
import { compact, money, time, type WireObject } from './common.js';

/** A SKU; `allowOversell` only in the versions that have it (domain/versions.ts). */
export function skuToWire(sku: SkuRecord, version: ApiVersion = LATEST_API_VERSION): WireObject {
  return objectForVersion('sku', skuWire(sku), version) as WireObject;
}

/** A SKU in every version's attributes: what events keep (each reader's version trims it). */
export function skuWire(sku: SkuRecord): WireObject {
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

/** A tax identifier (DR's CustomerTaxIdentifier: with where it applies). */
export function taxIdentifierToWire(taxId: TaxIdentifierRecord): WireObject {
  const stateTransitions: Record<string, string> = {};
  for (const [state, at] of Object.entries(taxId.stateTimes)) stateTransitions[state] = time(at);
  return compact({
    id: taxId.id,
    createdTime: time(taxId.createdAt),
    updatedTime: time(taxId.updatedAt),
    customerId: taxId.customerId,
    type: taxId.type,
    value: taxId.value,
    state: taxId.state,
    stateTransitions,
    verifiedName: taxId.verifiedName,
    verifiedAddress: taxId.verifiedAddress,
    applicability: applicabilityOf(taxId.type),
  });
}

/** A tax identifier as DR's TaxIdentifier shows it (checkouts, orders, attaching): no applicability. */
export function taxIdentifierBriefToWire(taxId: TaxIdentifierRecord): WireObject {
  const { applicability: _where, ...shown } = taxIdentifierToWire(taxId);
  return shown;
}

export function customerToWire(
  customer: CustomerRecord,
  sources: readonly SourceRecord[],
  taxIdentifiers: readonly TaxIdentifierRecord[] = [],
): WireObject {
  return compact({
    id: customer.id,
    createdTime: time(customer.createdAt),
    updatedTime: time(customer.updatedAt),
    email: customer.email,
    ...customer.data,
    defaultSourceId: customer.defaultSourceId,
    sources: sources.map((s) => sourceToWire(s)),
    taxIdentifiers: taxIdentifiers.map(taxIdentifierToWire),
    requestToBeForgotten: customer.requestToBeForgotten,
    type: customer.type,
    metadata: customer.metadata,
    locale: customer.locale,
    enabled: customer.enabled,
    liveMode: false,
  });
}
