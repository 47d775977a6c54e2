/**
 * Tributary's built-in tax table: simulated rates by country, and by state or province in the US
 * and Canada. They are realistic headline rates (US: state base rates without local taxes;
 * elsewhere: the standard VAT/GST rate), good for exercising tax arithmetic, not for filing tax.
 * An account may override any entry (POST /account {"taxRates": {"US-MN": 0.08025}}).
 */

export const COUNTRY_RATES: Readonly<Record<string, number>> = {
  // European Union (standard VAT)
  AT: 0.2,
  BE: 0.21,
  BG: 0.2,
  HR: 0.25,
  CY: 0.19,
  CZ: 0.21,
  DK: 0.25,
  EE: 0.24,
  FI: 0.255,
  FR: 0.2,
  DE: 0.19,
  GR: 0.24,
  HU: 0.27,
  IE: 0.23,
  IT: 0.22,
  LV: 0.21,
  LT: 0.21,
  LU: 0.17,
  MT: 0.18,
  NL: 0.21,
  PL: 0.23,
  PT: 0.23,
  RO: 0.21,
  SK: 0.23,
  SI: 0.22,
  ES: 0.21,
  SE: 0.25,
  // rest of Europe
  GB: 0.2,
  NO: 0.25,
  CH: 0.081,
  IS: 0.24,
  TR: 0.2,
  // Asia-Pacific
  JP: 0.1,
  KR: 0.1,
  CN: 0.13,
  TW: 0.05,
  SG: 0.09,
  IN: 0.18,
  AU: 0.1,
  NZ: 0.15,
  MY: 0.08,
  TH: 0.07,
  // Americas (US and CA by state/province below)
  MX: 0.16,
  BR: 0.17,
  AR: 0.21,
  CL: 0.19,
  CO: 0.19,
  PE: 0.18,
  // Middle East and Africa
  AE: 0.05,
  SA: 0.15,
  IL: 0.18,
  ZA: 0.15,
  EG: 0.14,
};

/** US state base sales-tax rates (no local add-ons). */
export const US_STATE_RATES: Readonly<Record<string, number>> = {
  AL: 0.04,
  AK: 0,
  AZ: 0.056,
  AR: 0.065,
  CA: 0.0725,
  CO: 0.029,
  CT: 0.0635,
  DE: 0,
  DC: 0.06,
  FL: 0.06,
  GA: 0.04,
  HI: 0.04,
  ID: 0.06,
  IL: 0.0625,
  IN: 0.07,
  IA: 0.06,
  KS: 0.065,
  KY: 0.06,
  LA: 0.05,
  ME: 0.055,
  MD: 0.06,
  MA: 0.0625,
  MI: 0.06,
  MN: 0.06875,
  MS: 0.07,
  MO: 0.04225,
  MT: 0,
  NE: 0.055,
  NV: 0.0685,
  NH: 0,
  NJ: 0.06625,
  NM: 0.04875,
  NY: 0.04,
  NC: 0.0475,
  ND: 0.05,
  OH: 0.0575,
  OK: 0.045,
  OR: 0,
  PA: 0.06,
  RI: 0.07,
  SC: 0.06,
  SD: 0.042,
  TN: 0.07,
  TX: 0.0625,
  UT: 0.061,
  VT: 0.06,
  VA: 0.053,
  WA: 0.065,
  WV: 0.06,
  WI: 0.05,
  WY: 0.04,
  PR: 0.105,
  GU: 0,
  VI: 0,
  AS: 0,
  MP: 0,
  AA: 0,
  AE: 0,
  AP: 0,
};

/** Canadian combined GST/HST/PST rates by province. */
export const CA_PROVINCE_RATES: Readonly<Record<string, number>> = {
  AB: 0.05,
  BC: 0.12,
  MB: 0.12,
  NB: 0.15,
  NL: 0.15,
  NS: 0.14,
  NT: 0.05,
  NU: 0.05,
  ON: 0.13,
  PE: 0.15,
  QC: 0.14975,
  SK: 0.11,
  YT: 0.05,
};

/** Where the US or Canada is given without a (known) state: the federal level. */
const COUNTRY_FALLBACK: Readonly<Record<string, number>> = { US: 0, CA: 0.05 };

/**
 * The rate for an address: an account override for "CC-ST" or "CC" first, then the built-in
 * table. Unknown places are untaxed.
 */
export function lookupRate(
  country: string,
  state: string | undefined,
  overrides: Readonly<Record<string, number>> | undefined,
): number {
  const regional = state ? `${country}-${state}` : undefined;
  if (overrides) {
    if (regional && overrides[regional] !== undefined) return overrides[regional];
    if (overrides[country] !== undefined) return overrides[country];
  }
  if (country === 'US' && state && US_STATE_RATES[state] !== undefined) return US_STATE_RATES[state];
  if (country === 'CA' && state && CA_PROVINCE_RATES[state] !== undefined) return CA_PROVINCE_RATES[state];
  return COUNTRY_FALLBACK[country] ?? COUNTRY_RATES[country] ?? 0;
}
