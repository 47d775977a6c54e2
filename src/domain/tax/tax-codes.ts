/**
 * DR classifies a product as physical or digital by its tax code. Tributary's simulated rule:
 * tax codes beginning with one of these prefixes are digital (electronically delivered software
 * and digital goods, software as a service); every other tax code is physical. Items described
 * with `productDetails` instead of a SKU are physical when they carry a `weight`.
 */
export const DIGITAL_TAX_CODE_PREFIXES = ['4512', '8100', '8111'] as const;

export function taxCodeIsPhysical(taxCode: string): boolean {
  return !DIGITAL_TAX_CODE_PREFIXES.some((prefix) => taxCode.startsWith(prefix));
}
