import type { Json, Metadata } from './records.js';

/** JSON text columns, parsed and written in one place. */
export const toJson = (value: unknown): string => JSON.stringify(value);
export const toJsonOrNull = (value: unknown): string | null =>
  value === undefined || value === null ? null : JSON.stringify(value);
export const fromJson = <T = Json>(text: string): T => JSON.parse(text) as T;
export const fromJsonOrNull = <T = Json>(text: string | null): T | null =>
  text === null ? null : (JSON.parse(text) as T);
export const metadataFromJson = (text: string | null): Metadata | null => fromJsonOrNull<Metadata>(text);
export const flag = (value: boolean): 0 | 1 => (value ? 1 : 0);
