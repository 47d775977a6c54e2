import { AsyncLocalStorage } from 'node:async_hooks';
import { translateDbError } from './db-errors.js';
import type { Tx } from './store.js';

/**
 * An ambient transaction: `Store.scoped(work)` opens one transaction and every `transaction` or
 * `read` the same store is asked for inside `work` (however deep in the services) joins it, a
 * nested `transaction` as a savepoint. This is how an idempotent request commits its effects and
 * its stored response together: one commit, or nothing.
 */
interface Scope {
  owner: object;
  tx: Tx;
  open: boolean;
  /** nested transactions of one scope run one after another (one connection) */
  chain: Promise<unknown>;
}

const scopes = new AsyncLocalStorage<Scope>();

/** Set for the work of every store transaction: nothing outside the store may run in one. */
const inTransaction = new AsyncLocalStorage<true>();

/** Whether this async context is inside a store transaction (the processor asserts it is not). */
export function insideTransaction(): boolean {
  return inTransaction.getStore() === true || scopes.getStore()?.open === true;
}

/** Runs a transaction's work marked as such (store/sqlite.ts, store/postgres.ts). */
export function asTransaction<T>(work: () => Promise<T>): Promise<T> {
  return inTransaction.run(true, work);
}

/** The open ambient transaction of `owner` (a store) in this async context, if any. */
export function ambientTx(owner: object): Scope | undefined {
  const scope = scopes.getStore();
  return scope?.open && scope.owner === owner ? scope : undefined;
}

export async function runScoped<T>(owner: object, tx: Tx, work: (tx: Tx) => Promise<T>): Promise<T> {
  const scope: Scope = { owner, tx, open: true, chain: Promise.resolve() };
  try {
    return await scopes.run(scope, () => work(tx));
  } finally {
    scope.open = false;
  }
}

/** A transaction inside the ambient one: a savepoint, rolled back alone if `work` throws. */
export function nestedTransaction<T>(scope: Scope, work: (tx: Tx) => Promise<T>): Promise<T> {
  const run = async (): Promise<T> => {
    try {
      return await scope.tx.savepoint(() => work(scope.tx));
    } catch (error) {
      throw translateDbError(error);
    }
  };
  const next = scope.chain.then(run, run);
  scope.chain = next.catch(() => undefined);
  return next;
}

/**
 * Runs `fn` outside any ambient transaction: background work (timers a request schedules)
 * must never join, or see, a request's uncommitted transaction.
 */
export function detached<T>(fn: () => T): T {
  return scopes.exit(fn);
}
