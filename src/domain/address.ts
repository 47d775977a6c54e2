import { AppError, invalidParameter, missingParameter } from './errors.js';
import { CA_PROVINCE_RATES, US_STATE_RATES } from './tax/rates.js';

/** ISO 3166-1 alpha-2 country codes. */
const COUNTRIES = new Set(
  (
    'AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS ' +
    'BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE ' +
    'EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM ' +
    'HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC ' +
    'LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA ' +
    'NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW ' +
    'SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO ' +
    'TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS XK YE YT ZA ZM ZW'
  ).split(' '),
);

/** Countries Tributary, like DR, does not sell to (DR answers 409 `country_unsupported`). */
const EMBARGOED = new Set(['CU', 'IR', 'KP', 'SY']);

/** An ISO 3166-1 alpha-2 code of a country DR deals with (a SKU's countryOfOrigin, an address). */
export const isValidCountry = (code: string): boolean => COUNTRIES.has(code) && !EMBARGOED.has(code);

const POSTAL_CODE_PATTERNS: Readonly<Record<string, RegExp>> = {
  US: /^\d{5}(-?\d{4})?$/,
  CA: /^[A-Za-z]\d[A-Za-z] ?\d[A-Za-z]\d$/,
  GB: /^[A-Za-z]{1,2}\d[A-Za-z\d]? ?\d[A-Za-z]{2}$/,
  DE: /^\d{5}$/,
  FR: /^\d{5}$/,
  JP: /^\d{3}-?\d{4}$/,
  AU: /^\d{4}$/,
};

export interface Address {
  line1?: string | null;
  line2?: string;
  city?: string | null;
  postalCode?: string | null;
  state?: string | null;
  country: string;
}

const present = (value: string | null | undefined): value is string =>
  typeof value === 'string' && value.trim().length > 0;

/** Checks the parts of an address that are given: country, US/CA state, postal code. */
export function validateAddress(address: Address, path: string): void {
  if (!COUNTRIES.has(address.country)) {
    throw invalidParameter(`${path}.country`, `'${address.country}' is not a valid country.`);
  }
  if (EMBARGOED.has(address.country)) {
    throw new AppError(
      'country_unsupported',
      `${path}.country`,
      `Country '${address.country}' is not supported.`,
    );
  }
  if (present(address.state)) {
    const states =
      address.country === 'US' ? US_STATE_RATES : address.country === 'CA' ? CA_PROVINCE_RATES : null;
    if (states && states[address.state] === undefined) {
      throw invalidParameter(`${path}.state`, 'A required address parameter, state/province, is invalid.');
    }
  }
  const pattern = POSTAL_CODE_PATTERNS[address.country];
  if (present(address.postalCode) && pattern && !pattern.test(address.postalCode)) {
    // DR names it `address.postalCode` whichever address it is in (providing-address-information.md)
    throw invalidParameter('address.postalCode', 'A required address parameter, postal code, is invalid.');
  }
}

/**
 * Where goods are delivered or a shopper is billed, DR needs a complete address:
 * line1, city, postal code, country, and the state in the US and Canada.
 * Returns the path of the first missing part, or undefined.
 */
export function missingAddressPart(address: Address | undefined, path: string): string | undefined {
  if (!address) return path;
  if (!present(address.country)) return `${path}.country`;
  if (!present(address.line1)) return `${path}.line1`;
  if (!present(address.city)) return `${path}.city`;
  if (!present(address.postalCode) && address.country !== 'HK') return `${path}.postalCode`;
  if ((address.country === 'US' || address.country === 'CA') && !present(address.state))
    return `${path}.state`;
  return undefined;
}

export function requireCompleteAddress(address: Address | undefined, path: string): void {
  const missing = missingAddressPart(address, path);
  if (missing) throw missingParameter(missing);
}
