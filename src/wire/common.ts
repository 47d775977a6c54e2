import { toMajor } from '../domain/money/money.js';
import type { Rate } from '../domain/money/rate.js';
import { isoSeconds } from '../lib/time.js';

/** Tributary's fixed test selling entity (DR's test entity). */
export const SELLING_ENTITY = { id: 'C5_INC-ENTITY', name: 'DR globalTech Inc.' } as const;

export type WireObject = Record<string, unknown>;

/** A kept body as an answer shows it: its JSON when it is JSON, else the text as it is. */
export function jsonOrText(text: string | null | undefined): unknown {
  if (text === null || text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Drops null and undefined members: DR omits attributes it has no value for. */
export function compact<T extends WireObject>(object: T): T {
  for (const key of Object.keys(object)) {
    if (object[key] === undefined || object[key] === null) delete object[key];
  }
  return object;
}

/**
 * DR's `data.previousAttributes` of an update event: the value each top-level attribute had
 * before the update, for the attributes it changed (null for one the object did not have), as
 * DR's event examples show it (events-1/event-types.md). Both objects come from the same mapper,
 * so their members are in the same order and comparing their JSON compares their values.
 */
export function previousAttributes(before: unknown, after: unknown): WireObject {
  const was = (before ?? {}) as WireObject;
  const now = (after ?? {}) as WireObject;
  const changed: WireObject = {};
  for (const key of new Set([...Object.keys(was), ...Object.keys(now)])) {
    if (JSON.stringify(was[key]) !== JSON.stringify(now[key])) changed[key] = was[key] ?? null;
  }
  return changed;
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
