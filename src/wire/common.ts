import { toMajor } from '../domain/money/money.js';
import type { Rate } from '../domain/money/rate.js';
import { isoSeconds } from '../lib/time.js';

/** The DR API version whose shapes Tributary speaks. */
export const DR_API_VERSION = '2021-12-13';

/** Tributary's fixed test selling entity (DR's test entity). */
export const SELLING_ENTITY = { id: 'C5_INC-ENTITY', name: 'DR globalTech Inc.' } as const;

export type WireObject = Record<string, unknown>;

/** Drops null and undefined members: DR omits attributes it has no value for. */
export function compact<T extends WireObject>(object: T): T {
  for (const key of Object.keys(object)) {
    if (object[key] === undefined || object[key] === null) delete object[key];
  }
  return object;
}

export const money = (minor: number, currency: string): number => toMajor(minor, currency);
export const time = (ms: number): string => isoSeconds(ms);

export function rateFromString(value: string): Rate {
  const [whole = '0', fraction = ''] = value.split('.');
  return { units: BigInt(whole + fraction), scale: fraction.length };
}

export function rateToString(rate: Rate): string {
  if (rate.scale === 0) return rate.units.toString();
  const digits = rate.units.toString().padStart(rate.scale + 1, '0');
  return `${digits.slice(0, -rate.scale)}.${digits.slice(-rate.scale)}`;
}

export const rateNumber = (value: string): number => Number(value);
