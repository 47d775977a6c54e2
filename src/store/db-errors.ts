import { AppError } from '../domain/errors.js';

/** Database errors are translated here and nowhere else. */

function code(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : undefined;
}

export function isUniqueViolation(error: unknown): boolean {
  const c = code(error);
  return c === '23505' || c === 'SQLITE_CONSTRAINT_UNIQUE' || c === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

/** PostgreSQL serialization failure or deadlock: the transaction may simply be run again. */
export function isRetryable(error: unknown): boolean {
  const c = code(error);
  return c === '40001' || c === '40P01';
}

export function translateDbError(error: unknown): unknown {
  if (isUniqueViolation(error)) {
    return new AppError('already_exists', 'id', 'An object with this identifier already exists.');
  }
  return error;
}
