import type { SelectQueryBuilder } from 'kysely';
import { flag, fromJson, metadataFromJson, toJson, toJsonOrNull } from '../json.js';
import { type MajorRange, whereIn, whereMajorRange, whereTimeRange } from '../paging.js';
import type { LineRecord, TimeRange, Totals } from '../records.js';
import type { LineColumns, TotalsColumns } from '../schema.js';

/** Mappers and filters for the columns checkouts and orders (and their items) share. */

export const totalsFromRow = (row: TotalsColumns): Totals => ({
  subtotalMinor: row.subtotal_minor,
  totalTaxMinor: row.total_tax_minor,
  totalShippingMinor: row.total_shipping_minor,
  shippingTaxMinor: row.shipping_tax_minor,
  totalDiscountMinor: row.total_discount_minor,
  totalFeesMinor: row.total_fees_minor,
  totalDutyMinor: row.total_duty_minor,
  totalImporterTaxMinor: row.total_importer_tax_minor,
  totalAmountMinor: row.total_amount_minor,
});

export const totalsToRow = (t: Totals): TotalsColumns => ({
  subtotal_minor: t.subtotalMinor,
  total_tax_minor: t.totalTaxMinor,
  total_shipping_minor: t.totalShippingMinor,
  shipping_tax_minor: t.shippingTaxMinor,
  total_discount_minor: t.totalDiscountMinor,
  total_fees_minor: t.totalFeesMinor,
  total_duty_minor: t.totalDutyMinor,
  total_importer_tax_minor: t.totalImporterTaxMinor,
  total_amount_minor: t.totalAmountMinor,
});

export const lineFromRow = (row: LineColumns & { id: string }): LineRecord => ({
  id: row.id,
  position: row.position,
  skuId: row.sku_id,
  productDetails: fromJson(row.product_details),
  physical: row.physical === 1,
  quantity: row.quantity,
  amountMinor: row.amount_minor,
  discountMinor: row.discount_minor,
  taxRate: row.tax_rate,
  taxMinor: row.tax_minor,
  shippingMinor: row.shipping_minor,
  shippingTaxMinor: row.shipping_tax_minor,
  data: fromJson(row.data),
  metadata: metadataFromJson(row.metadata),
});

export const lineToRow = (line: LineRecord): LineColumns & { id: string } => ({
  id: line.id,
  position: line.position,
  sku_id: line.skuId,
  product_details: toJson(line.productDetails),
  physical: flag(line.physical),
  quantity: line.quantity,
  amount_minor: line.amountMinor,
  discount_minor: line.discountMinor,
  tax_rate: line.taxRate,
  tax_minor: line.taxMinor,
  shipping_minor: line.shippingMinor,
  shipping_tax_minor: line.shippingTaxMinor,
  data: toJson(line.data),
  metadata: toJsonOrNull(line.metadata),
});

/** The list filters checkouts and orders share (DR's common filters). */
export interface SharedFilters {
  ids?: readonly string[] | undefined;
  upstreamIds?: readonly string[] | undefined;
  customerId?: string | undefined;
  email?: string | undefined;
  currency?: string | undefined;
  applicationId?: string | undefined;
  locale?: string | undefined;
  chargeType?: string | undefined;
  customerType?: string | undefined;
  browserIp?: string | undefined;
  createdTime?: TimeRange | undefined;
  updatedTime?: TimeRange | undefined;
  /** an item's subscriptionInfo.subscriptionId (applied by each repository: items live in JSON) */
  subscriptionId?: string | undefined;
  /** in major units, each row read at its currency's decimals */
  totalAmount?: MajorRange | undefined;
}

const EXACT_FILTERS = [
  ['customerId', 'customer_id'],
  ['email', 'email'],
  ['currency', 'currency'],
  ['applicationId', 'application_id'],
  ['locale', 'locale'],
  ['chargeType', 'charge_type'],
  ['customerType', 'customer_type'],
  ['browserIp', 'browser_ip'],
] as const;

// biome-ignore lint/suspicious/noExplicitAny: applied to the checkouts and the orders query alike
export function whereShared<Q extends SelectQueryBuilder<any, any, any>>(
  query: Q,
  filters: SharedFilters,
): Q {
  let q = query;
  q = whereIn(q, 'id', filters.ids) as Q;
  q = whereIn(q, 'upstream_id', filters.upstreamIds) as Q;
  for (const [name, column] of EXACT_FILTERS) {
    const value = filters[name];
    if (value !== undefined) q = q.where(column, '=', value) as Q;
  }
  q = whereTimeRange(q, 'created_at', filters.createdTime) as Q;
  q = whereMajorRange(q, 'total_amount_minor', 'currency', filters.totalAmount) as Q;
  return whereTimeRange(q, 'updated_at', filters.updatedTime) as Q;
}
