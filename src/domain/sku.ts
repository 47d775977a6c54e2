import { isValidCountry } from './address.js';
import { invalidParameter } from './errors.js';
import { taxCodeIsPhysical } from './tax/tax-codes.js';

/**
 * The rules DR's "creating and updating SKUs" page (product-management/creating-and-updating-skus.md)
 * states for a SKU's attributes, with DR's codes, parameters and words.
 */

/** "id must adhere to the following character set": digits, letters, dots, hyphens, underscores. */
const SKU_ID = /^[0-9A-Za-z._-]+$/;

/** `####.##.####`: six digits required, up to ten; the periods are optional and not counted. */
const HS_CODE = /^\d{4}\.?\d{2}(\.?\d{1,4})?$/;

export function checkSkuId(id: string): void {
  if (!SKU_ID.test(id)) throw invalidParameter('id', `'${id}' is not a valid SKU ID.`);
}

export function checkCountryOfOrigin(value: string, parameter = 'countryOfOrigin'): void {
  if (!isValidCountry(value))
    throw invalidParameter(parameter, `'${value}' is not a valid Country of Origin.`);
}

export interface SkuAttributes {
  taxCode: string;
  countryOfOrigin: string;
  data: Record<string, unknown>;
}

/** A SKU as it will be stored, checked whole (an update may break a rule with another attribute). */
export function checkSku(sku: SkuAttributes): void {
  checkCountryOfOrigin(sku.countryOfOrigin);
  const { hsCode, managedFulfillment, partNumber } = sku.data;
  if (typeof hsCode === 'string' && !HS_CODE.test(hsCode)) {
    throw invalidParameter('hsCode', `'${hsCode}' is not a valid HS code.`);
  }
  if (managedFulfillment === undefined || managedFulfillment === null) return;
  // "Managed fulfillment requirements"
  if (managedFulfillment !== 'DRGlobalFulfillment') {
    throw invalidParameter('managedFulfillment', `'${String(managedFulfillment)}' is not a valid item type.`);
  }
  if (!taxCodeIsPhysical(sku.taxCode)) {
    throw invalidParameter('taxCode', `'${sku.taxCode}' is not a valid parameter.`);
  }
  if (typeof partNumber !== 'string' || partNumber.trim() === '') {
    throw invalidParameter('partNumber', `'${partNumber ?? 'null'}' is not a valid parameter.`);
  }
}
