/**
 * Invariant checks. A failed assertion is a bug, never an expected outcome: it surfaces as an
 * opaque 500 (logged with the request id), unlike the typed AppErrors of domain/errors.ts.
 */
export class AssertionError extends Error {
  override name = 'AssertionError';
}

export function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new AssertionError(message);
}

export function assertNever(value: never, message = 'unexpected value'): never {
  throw new AssertionError(`${message}: ${JSON.stringify(value)}`);
}
