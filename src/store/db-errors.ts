import { AppError } from '../domain/errors.js';

/** Database errors are translated here and nowhere else. */

/** The driver's error code (`40P01`, `SQLITE_BUSY`, …), if the error has one. */
function errorCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : undefined;
}

export function isUniqueViolation(error: unknown): boolean {
  const c = errorCode(error);
  return c === '23505' || c === 'SQLITE_CONSTRAINT_UNIQUE' || c === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

/**
 * PostgreSQL's serialization failure or deadlock, SQLite's busy database (another process held
 * the write lock past the busy timeout): the whole transaction may simply be run again.
 */
export function isRetryable(error: unknown): boolean {
  const c = errorCode(error);
  return c === '40001' || c === '40P01' || c === 'SQLITE_BUSY' || c === 'SQLITE_BUSY_SNAPSHOT';
}

export function translateDbError(error: unknown): unknown {
  if (isUniqueViolation(error)) {
    return new AppError('already_exists', 'id', 'An object with this identifier already exists.');
  }
  return error;
}
