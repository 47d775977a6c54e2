import { AppError, invalidParameter } from '../errors.js';

const CONFLICT = { type: 'conflict' } as const;

/**
 * Tax identifiers, as DR describes them
 * (integration-options/checkouts/creating-checkouts/tax-identifiers.md): which types exist, where
 * each applies (country × customer type × selling entity), which are required, which test values
 * verify at once, and what an applied one does to the tax of a purchase. Pure: the services load
 * the identifiers and the checkout, these functions decide.
 */

export type TaxIdentifierState = 'pending' | 'verified' | 'not_valid';
export type CustomerType = 'business' | 'individual';

export interface SellingEntity {
  id: string;
  name: string;
  /** where the entity is established: a sale into another country is cross-border */
  country: string;
}

export const SELLING_ENTITIES = {
  'C5_INC-ENTITY': { id: 'C5_INC-ENTITY', name: 'DR globalTech Inc.', country: 'US' },
  'DR_IRELAND-ENTITY': { id: 'DR_IRELAND-ENTITY', name: 'Digital River Ireland Ltd.', country: 'IE' },
  'DR_UK-ENTITY': { id: 'DR_UK-ENTITY', name: 'Digital River UK', country: 'GB' },
  'DR_JAPAN-ENTITY': { id: 'DR_JAPAN-ENTITY', name: 'DR Japan', country: 'JP' },
  'DR_TAIWAN-ENTITY': { id: 'DR_TAIWAN-ENTITY', name: 'Digital River Taiwan', country: 'TW' },
  'DR_BRAZIL-ENTITY': { id: 'DR_BRAZIL-ENTITY', name: 'Digital River Brasil', country: 'BR' },
} as const satisfies Record<string, SellingEntity>;

export type SellingEntityId = keyof typeof SELLING_ENTITIES;

/** The entity Tributary's simulated contract assigns (DR: selling-entities.md, by country). */
const ENTITY_BY_COUNTRY: Readonly<Record<string, SellingEntityId>> = {
  US: 'C5_INC-ENTITY',
  CA: 'C5_INC-ENTITY',
  PR: 'C5_INC-ENTITY',
  GB: 'DR_UK-ENTITY',
  IM: 'DR_UK-ENTITY',
  JP: 'DR_JAPAN-ENTITY',
  TW: 'DR_TAIWAN-ENTITY',
  BR: 'DR_BRAZIL-ENTITY',
};

/**
 * The selling entity of a purchase taxed in `country` (the ship-to country of physical goods,
 * the bill-to country of digital ones): the US entity until a country is known, the local
 * entity where DR has one, Digital River Ireland elsewhere.
 */
export function sellingEntityFor(country: string | undefined): SellingEntity {
  if (!country) return SELLING_ENTITIES['C5_INC-ENTITY'];
  return SELLING_ENTITIES[ENTITY_BY_COUNTRY[country] ?? 'DR_IRELAND-ENTITY'];
}

export interface TaxIdRule {
  country: string;
  type: string;
  customerType: CustomerType;
  entity: SellingEntityId;
  required: boolean;
}

const rule = (
  country: string,
  type: string,
  customerType: CustomerType,
  entity: SellingEntityId = 'DR_IRELAND-ENTITY',
  required = false,
): TaxIdRule => ({ country, type, customerType, entity, required });

/** DR's table of supported tax identifiers ("Supported tax identifiers"), row by row. */
export const TAX_ID_RULES: readonly TaxIdRule[] = [
  rule('AU', 'au', 'business'),
  rule('AT', 'at', 'business'),
  rule('BH', 'bh', 'business'),
  rule('BY', 'by', 'business'),
  rule('BE', 'be', 'business'),
  rule('BR', 'br', 'business', 'DR_BRAZIL-ENTITY', true),
  rule('BR', 'br_ie', 'business', 'DR_BRAZIL-ENTITY', true),
  rule('BR', 'br_natural', 'individual', 'DR_BRAZIL-ENTITY', true),
  rule('BG', 'bg', 'business'),
  rule('CA', 'ca', 'business'),
  rule('CA', 'ca', 'business', 'C5_INC-ENTITY'),
  rule('CL', 'cl', 'individual'),
  rule('CL', 'cl', 'business'),
  rule('CO', 'co', 'business'),
  rule('HR', 'hr', 'business'),
  rule('CY', 'cy', 'business'),
  rule('CZ', 'cz', 'business'),
  rule('DK', 'dk', 'business'),
  rule('EE', 'ee', 'business'),
  rule('FI', 'fi', 'business'),
  rule('FR', 'fr', 'business'),
  rule('DE', 'de', 'business'),
  rule('GR', 'gr', 'business'),
  rule('HU', 'hu', 'business'),
  rule('IS', 'is', 'business'),
  rule('IN', 'in', 'business'),
  rule('ID', 'id', 'business'),
  rule('IE', 'ie', 'business'),
  rule('IM', 'uk', 'business'),
  rule('IM', 'uk', 'business', 'DR_UK-ENTITY'),
  rule('IT', 'it', 'business'),
  rule('IT', 'it_cf', 'individual'),
  rule('IT', 'it_natural', 'individual'),
  rule('JP', 'jp', 'business', 'DR_JAPAN-ENTITY'),
  rule('JP', 'jp_offshore', 'business'),
  rule('KE', 'ke', 'business', 'DR_IRELAND-ENTITY', true),
  rule('KR', 'kr_offshore', 'business'),
  rule('LV', 'lv', 'business'),
  rule('LT', 'lt', 'business'),
  rule('LU', 'lu', 'business'),
  rule('MY', 'my', 'business'),
  rule('MT', 'mt', 'business'),
  rule('MX', 'mx_natural', 'individual'),
  rule('MX', 'mx', 'business'),
  rule('MC', 'fr', 'business'),
  rule('NL', 'nl', 'business'),
  rule('NZ', 'nz', 'business'),
  rule('NO', 'no', 'business'),
  rule('PH', 'ph', 'business'),
  rule('PL', 'pl', 'business'),
  rule('PT', 'pt', 'business'),
  rule('PT', 'pt_nif', 'individual'),
  rule('RO', 'ro', 'business'),
  rule('RU', 'ru', 'business'),
  rule('RU', 'ru_natural', 'business'),
  rule('SA', 'sa', 'business'),
  rule('SG', 'sg', 'business'),
  rule('SK', 'sk', 'business'),
  rule('SI', 'si', 'business'),
  rule('ZA', 'za', 'business'),
  rule('ES', 'es', 'business'),
  rule('SE', 'se', 'business'),
  rule('CH', 'ch', 'business'),
  rule('TW', 'tw', 'business', 'DR_TAIWAN-ENTITY', true),
  rule('TW', 'tw_offshore', 'business', 'DR_IRELAND-ENTITY', true),
  rule('TH', 'th', 'business'),
  rule('TR', 'tr', 'business'),
  rule('UA', 'ua', 'business'),
  rule('AE', 'ae', 'business'),
  rule('GB', 'uk', 'business'),
  rule('GB', 'uk', 'business', 'DR_UK-ENTITY'),
];

export const TAX_ID_TYPES: ReadonlySet<string> = new Set(TAX_ID_RULES.map((r) => r.type));

/**
 * Format checks, as the issuing authorities write the numbers (EU VAT numbers carry their country
 * prefix). A type without an entry here takes 4–20 letters, digits, dots, dashes or slashes.
 */
const FORMATS: Readonly<Record<string, RegExp>> = {
  at: /^ATU\d{8}$/,
  be: /^BE[01]\d{9}$/,
  bg: /^BG\d{9,10}$/,
  hr: /^HR\d{11}$/,
  cy: /^CY\d{8}[A-Z]$/,
  cz: /^CZ\d{8,10}$/,
  dk: /^DK\d{8}$/,
  ee: /^EE\d{9}$/,
  fi: /^FI\d{8}$/,
  fr: /^FR[0-9A-Z]{2}\d{9}$/,
  de: /^DE\d{9}$/,
  gr: /^(EL|GR)\d{9}$/,
  hu: /^HU\d{8}$/,
  ie: /^IE\d[0-9A-Z+*]\d{5}[A-Z]{1,2}$/,
  it: /^IT\d{11}$/,
  it_natural: /^IT\d{11}$/,
  it_cf: /^[A-Z]{6}\d{2}[A-Z]\d{2}[A-Z]\d{3}[A-Z]$/,
  lv: /^LV\d{11}$/,
  lt: /^LT(\d{9}|\d{12})$/,
  lu: /^LU\d{8}$/,
  mt: /^MT\d{8}$/,
  nl: /^NL\d{9}B\d{2}$/,
  pl: /^PL\d{10}$/,
  pt: /^PT\d{9}$/,
  ro: /^RO\d{2,10}$/,
  sk: /^SK\d{10}$/,
  si: /^SI\d{8}$/,
  es: /^ES[0-9A-Z]\d{7}[0-9A-Z]$/,
  se: /^SE\d{12}$/,
  uk: /^(GB)?(\d{9}|\d{12}|GD\d{3}|HA\d{3})$/,
  br: /^\d{14}$/,
  br_natural: /^\d{11}$/,
  au: /^\d{11}$/,
  ch: /^CHE\d{9}(MWST|TVA|IVA)?$/,
  no: /^\d{9}(MVA)?$/,
};
const GENERIC_FORMAT = /^[0-9A-Z./-]{4,20}$/;

/** DR's test identifiers: created `verified` at once ("Test tax identifiers"). */
const VERIFIED_TEST_VALUES: Readonly<Record<string, readonly string[]>> = {
  be: ['BE0000000000', 'BE1234567890'],
  de: ['DE000000000', 'DE123456789'],
  it: ['IT00000000000', 'IT12345678901'],
  it_natural: ['IT00000000000', 'IT12345678901'],
};

const normalized = (value: string) => value.replace(/\s+/g, '').toUpperCase();

/**
 * POST /tax-identifiers: the type must be one DR supports and the value well formed for it (DR:
 * `invalid_parameter` on `value`, "Tax identifier '…' invalid."). The state it starts in: DR's
 * test values are verified at once; any other well-formed value is pending, as while DR waits for
 * VIES (a test helper then verifies it or finds it not valid).
 */
export function decideTaxIdentifierCreation(
  type: string,
  value: string,
): { ok: true; state: TaxIdentifierState } | { ok: false; error: AppError } {
  if (!TAX_ID_TYPES.has(type)) {
    return {
      ok: false,
      error: invalidParameter('type', `Tax identifier type '${type}' is not supported.`),
    };
  }
  const format = FORMATS[type] ?? GENERIC_FORMAT;
  if (!format.test(normalized(value))) {
    return { ok: false, error: invalidParameter('value', `Tax identifier '${value}' invalid.`) };
  }
  const verified = VERIFIED_TEST_VALUES[type]?.includes(normalized(value)) ?? false;
  return { ok: true, state: verified ? 'verified' : 'pending' };
}

export interface Applicability {
  country: string;
  entity: SellingEntityId;
  customerType: CustomerType;
}

/** Where a tax identifier of this type may be applied (DR's `applicability` block). */
export function applicabilityOf(type: string): Applicability[] {
  return TAX_ID_RULES.filter((r) => r.type === type).map((r) => ({
    country: r.country,
    entity: r.entity,
    customerType: r.customerType,
  }));
}

/** What a purchase is, for the tax identifiers: who buys, where it is taxed, who sells. */
export interface Purchase {
  /** the ship-to country (physical goods) or bill-to country (digital goods), once known */
  country: string | undefined;
  /** DR: a checkout without a customer type is an individual's */
  customerType: CustomerType;
  entity: SellingEntity;
}

export interface TaxIdentifierFacts {
  id: string;
  type: string;
  state: TaxIdentifierState;
  customerId: string | null;
}

export function isApplicable(type: string, purchase: Purchase): boolean {
  return TAX_ID_RULES.some(
    (r) =>
      r.type === type &&
      r.country === purchase.country &&
      r.entity === purchase.entity.id &&
      r.customerType === purchase.customerType,
  );
}

/**
 * Tax identifiers a client attaches to a checkout (POST /checkouts, POST /checkouts/{id}): each
 * must exist (409 not_found on `id`, as DR shows for a deleted one), belong to the checkout's
 * customer if it has one, and no other (409 tax_identifier_in_use), and, once the checkout's
 * country is known, apply to it (409 invalid_parameter on `taxIdentifiers`).
 */
export function checkAttachedTaxIdentifiers(
  requested: readonly string[],
  found: ReadonlyMap<string, TaxIdentifierFacts>,
  customerId: string | null,
  purchase: Purchase,
): AppError | undefined {
  for (const id of requested) {
    const taxId = found.get(id);
    if (!taxId) return new AppError('not_found', 'id', `Tax identifier '${id}' not found.`, CONFLICT);
    if (taxId.customerId !== null && taxId.customerId !== customerId) {
      return new AppError(
        'tax_identifier_in_use',
        'taxIdentifiers',
        `Tax identifier '${id}' is attached to a different customer.`,
        CONFLICT,
      );
    }
    if (purchase.country !== undefined && !isApplicable(taxId.type, purchase)) {
      return new AppError(
        'invalid_parameter',
        'taxIdentifiers',
        `Tax identifier '${id}' is not applicable.`,
        CONFLICT,
      );
    }
  }
  return undefined;
}

/**
 * POST /orders: the tax identifiers the checkout carries must still apply (DR: 409
 * "Tax identifiers of type 'uk' are not applicable to this order."), and where DR's table says a
 * country requires one, one must be there (409 additional_information_required).
 */
export function orderTaxIdentifierBlocker(
  attached: readonly TaxIdentifierFacts[],
  purchase: Purchase,
): AppError | undefined {
  for (const taxId of attached) {
    if (!isApplicable(taxId.type, purchase)) {
      return new AppError(
        'invalid_parameter',
        'taxIdentifiers',
        `Tax identifiers of type '${taxId.type}' are not applicable to this order.`,
        CONFLICT,
      );
    }
  }
  const required = TAX_ID_RULES.filter(
    (r) =>
      r.required &&
      r.country === purchase.country &&
      r.customerType === purchase.customerType &&
      r.entity === purchase.entity.id,
  );
  if (required.length > 0 && !attached.some((t) => required.some((r) => r.type === t.type))) {
    const types = [...new Set(required.map((r) => `'${r.type}'`))].join(' or ');
    return new AppError(
      'additional_information_required',
      'taxIdentifiers',
      `Tax identifiers of type ${types} are required with this selling entity.`,
      CONFLICT,
    );
  }
  return undefined;
}

/**
 * A registered checkout that did not choose its tax identifiers gets the customer's applicable
 * ones (DR: "Using tax identifiers in registered checkouts"); an explicit list, even empty, is
 * the checkout's own.
 */
export function customerTaxIdentifiersFor(
  saved: readonly TaxIdentifierFacts[],
  purchase: Purchase,
): TaxIdentifierFacts[] {
  if (purchase.country === undefined) return [];
  return saved.filter((t) => isApplicable(t.type, purchase));
}

/**
 * Reverse charge: a business buying across a border with an applicable tax identifier that is
 * pending or verified (DR treats pending as verified until told otherwise) is not charged tax; a
 * domestic sale is taxed, and a not_valid identifier is ignored ("Background", "How we validate").
 */
export function isReverseCharge(applied: readonly TaxIdentifierFacts[], purchase: Purchase): boolean {
  if (purchase.customerType !== 'business' || purchase.country === undefined) return false;
  if (purchase.country === purchase.entity.country) return false;
  return applied.some((t) => t.state !== 'not_valid' && isApplicable(t.type, purchase));
}
