/**
 * Card numbers are looked at here, once, when a source is created: the brand, the last four
 * digits and the expiry are kept; the number and the CVV are never stored or logged.
 */

export type CardBrand =
  | 'Visa'
  | 'MasterCard'
  | 'American Express'
  | 'Discover'
  | 'Diners Club'
  | 'JCB'
  | 'China UnionPay'
  | 'Cartes Bancaires';

export function normalizeCardNumber(raw: string): string {
  return raw.replace(/[\s-]/g, '');
}

export { luhnValid } from '../../lib/luhn.js';

/** The brand by IIN range. */
export function cardBrand(digits: string): CardBrand | undefined {
  const two = Number(digits.slice(0, 2));
  const three = Number(digits.slice(0, 3));
  const four = Number(digits.slice(0, 4));
  const six = Number(digits.slice(0, 6));
  if (digits.startsWith('4')) return 'Visa';
  if ((two >= 51 && two <= 55) || (six >= 222100 && six <= 272099)) return 'MasterCard';
  if (two === 34 || two === 37) return 'American Express';
  if (four === 6011 || two === 65 || (three >= 644 && three <= 649)) return 'Discover';
  if (two === 36 || two === 38 || two === 39 || (three >= 300 && three <= 305) || three === 309)
    return 'Diners Club';
  if (four >= 3528 && four <= 3589) return 'JCB';
  if (two === 62 || two === 81) return 'China UnionPay';
  return undefined;
}

/** A card is usable through the end of its expiry month. */
export function cardExpired(month: number, year: number, nowMs: number): boolean {
  const now = new Date(nowMs);
  const currentYear = now.getUTCFullYear();
  const currentMonth = now.getUTCMonth() + 1;
  return year < currentYear || (year === currentYear && month < currentMonth);
}
