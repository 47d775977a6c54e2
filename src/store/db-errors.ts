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

/**
 * The disk under the database is full: SQLite's SQLITE_FULL (its write() got ENOSPC), PostgreSQL's
 * disk_full (53100), a file operation's ENOSPC or EDQUOT. Nothing was written; the same request
 * succeeds once there is space again.
 */
export function isDiskFull(error: unknown): boolean {
  const c = errorCode(error);
  return c === 'SQLITE_FULL' || c === '53100' || c === 'ENOSPC' || c === 'EDQUOT' || c === 'storage_full';
}

/** How long a client is told to wait before retrying a write refused for a full disk. */
export const STORAGE_FULL_RETRY_AFTER_SECONDS = 30;

export const storageFull = (): AppError =>
  new AppError(
    'storage_full',
    undefined,
    'The server is out of disk space and cannot save anything now; nothing was changed. Retry the request later.',
  );

/** The store was closed (the server is shutting down): nothing more is read or written. */
export class StoreClosedError extends Error {
  readonly code = 'STORE_CLOSED';
  constructor() {
    super('the store is closed');
  }
}

/**
 * An error a background job (the task sweep, the delivery worker, the request log) need not log:
 * a full disk, which the store reports once, or the store closed at shutdown. Anything else is
 * logged as before.
 */
export function isQuietStoreError(error: unknown): boolean {
  return isDiskFull(error) || error instanceof StoreClosedError;
}

export function translateDbError(error: unknown): unknown {
  if (error instanceof AppError) return error;
  if (isUniqueViolation(error)) {
    return new AppError('already_exists', 'id', 'An object with this identifier already exists.');
  }
  if (isDiskFull(error)) return storageFull();
  return error;
}

/**
 * Whether the disk is full, as the store last found it: `failed` when a write was refused for
 * it, `wrote` after a commit. `onChange` hears each change once (one log line when the disk fills
 * up and one when space is back, however many requests are refused between).
 */
export class StorageWatch {
  full = false;
  constructor(private readonly onChange: (full: boolean) => void = () => {}) {}

  failed(error: unknown): void {
    if (this.full || !isDiskFull(error)) return;
    this.full = true;
    this.onChange(true);
  }

  wrote(): void {
    if (!this.full) return;
    this.full = false;
    this.onChange(false);
  }
}
