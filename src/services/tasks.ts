import { decideChargeback } from '../domain/order/dispute.js';
import type { Decision } from '../domain/order/plan.js';
import { decideReview } from '../domain/order/review.js';
import { decideSettlement, type SettlementOutcome } from '../domain/order/settle.js';
import { assert } from '../lib/assert.js';
import { accountNow } from '../lib/clock.js';
import { newUuid } from '../lib/ids.js';
import { errorSummary } from '../lib/logger.js';
import { isQuietStoreError, isRetryable } from '../store/db-errors.js';
import type { AccountRecord, TaskRecord } from '../store/records.js';
import { pause } from '../store/retry.js';
import type { Tx } from '../store/store.js';
import type { OrderView } from '../wire/order.js';
import type { Deps } from './context.js';
import { issueDocument } from './documents.js';
import { reconcileOrders } from './order-placement.js';
import { persistPlan } from './order-plan.js';
import { loadOrderView } from './order-view.js';

/**
 * Work due on an account's clock: settling captures, cancels and refunds through the processor,
 * fraud-review outcomes, late-presentment chargebacks. Each task runs in its own savepoint,
 * which also deletes it, so a task is done once; PostgreSQL workers skip tasks another process
 * holds. Advancing a test clock runs everything that became due before it answers.
 */

const TASKS_PER_RUN_MAX = 10_000;
/** Due tasks run in one transaction at most (one commit for many settlements). */
const TASKS_PER_TRANSACTION_MAX = 100;
const ACCOUNTS_PER_SWEEP_MAX = 100;
export const TASK_SWEEP_INTERVAL_MS = 250;
/** How long a clock advance waits for due tasks another runner holds, and how often it looks. */
const ADVANCE_WAIT_MAX_MS = 20_000;
const ADVANCE_WAIT_PAUSE_MS = 5;

/** Loads the order (locked), decides, persists; a refusal is returned for the caller to weigh. */
export async function onOrder(
  tx: Tx,
  deps: Deps,
  accountId: string,
  orderId: string,
  decide: (view: OrderView) => Decision,
): Promise<Decision & { view?: OrderView }> {
  const view = await loadOrderView(tx, accountId, orderId, { lock: true });
  const decision = decide(view);
  if (!decision.ok) return decision;
  return { ...decision, view: await persistPlan(tx, deps, view, decision.plan, view.sources) };
}

/** Settles an operation of an order with the processor's outcome (or the one a caller forces). */
export async function settle(
  tx: Tx,
  deps: Deps,
  accountId: string,
  orderId: string,
  operationId: string,
  at: number,
  forced?: SettlementOutcome,
): Promise<void> {
  await onOrder(tx, deps, accountId, orderId, (view) => {
    const current = view.operations.find((o) => o.id === operationId);
    const charge = view.charges.find((c) => c.id === current?.chargeId);
    assert(current !== undefined && charge !== undefined, 'the operation is of a charge of the order');
    const ctx = { now: at, uuid: newUuid };
    const request = {
      reference: current.id,
      kind: current.kind,
      scenarioId: charge.scenarioId,
      amountMinor: current.amountMinor,
      forced: current.forced,
    };
    const outcome = forced ?? deps.processor.settle(request);
    return decideSettlement(
      view,
      current.id,
      outcome,
      ctx,
      deps.processor.chargebackAfterDays(charge.scenarioId),
    );
  });
}

/** Runs one task; `orderId` is the order it is about (undefined: its subject is gone). */
async function runTask(
  tx: Tx,
  deps: Deps,
  task: TaskRecord,
  at: number,
  orderId: string | undefined,
): Promise<void> {
  const ctx = { now: at, uuid: newUuid };
  if (orderId !== undefined) {
    switch (task.kind) {
      case 'settle':
        await settle(tx, deps, task.accountId, orderId, task.subjectId, at);
        break;
      case 'review':
        await onOrder(tx, deps, task.accountId, orderId, (view) =>
          decideReview(view, task.payload['outcome'] === 'block' ? 'block' : 'accept', ctx),
        );
        break;
      case 'document':
        await issueDocument(tx, deps, task.accountId, orderId, task.payload, at);
        break;
      case 'chargeback': {
        const decision = await onOrder(tx, deps, task.accountId, orderId, (view) =>
          decideChargeback(view, ctx),
        );
        // an order that no longer takes a chargeback (DR would not send one) drops it
        if (!decision.ok) deps.logger.warn({ orderId, code: decision.error.code }, 'chargeback dropped');
        break;
      }
    }
  }
  await tx.tasks.done(task);
}

/**
 * Runs every task of an account that is due by its clock, oldest first, up to
 * TASKS_PER_TRANSACTION_MAX to a transaction: the batch is claimed first, the orders it is about
 * are locked in id order (two runners of overlapping batches wait for each other, never
 * deadlock), then each task runs in its own savepoint (a failing task undoes only itself; the
 * ones before it commit, then its error is thrown). A deadlock or serialization failure is not a
 * task's failure: it ends the transaction, which the store runs again. Tasks that a task
 * schedules and that are already due run in a later run (the sweep's next tick; a clock advance
 * waits for them).
 */
export async function runDueTasks(
  deps: Deps,
  accountId: string,
  /** asked before each batch: a stopping worker leaves the rest due for later */
  stopping: () => boolean = () => false,
): Promise<number> {
  let ran = 0;
  while (ran < TASKS_PER_RUN_MAX && !stopping()) {
    const batch = await deps.store.transaction(async (tx) => {
      const account = await tx.accounts.get(accountId);
      if (!account) return { done: 0, more: false, failure: undefined as unknown };
      const at = accountNow(deps.clock, account.clockOffsetMs);
      const tasks = await tx.tasks.claimDue(accountId, at, TASKS_PER_TRANSACTION_MAX);
      const orders = await tx.tasks.ordersOf(tasks);
      await tx.orders.lockInIdOrder(accountId, [...new Set(orders.values())]);
      let done = 0;
      for (const task of tasks) {
        try {
          // a failing task stays due (as it was before)
          await tx.savepoint(() =>
            // a task happens at the time it was due (never later than the clock), so that what
            // follows from it is scheduled from that moment
            runTask(tx, deps, task, Math.min(at, Math.max(task.dueAt, task.createdAt)), orders.get(task.id)),
          );
        } catch (failure) {
          if (isRetryable(failure)) throw failure;
          return { done, more: false, failure };
        }
        done += 1;
      }
      // a full batch may have more behind it; tasks the batch scheduled that are due already run
      // on the sweep's next tick, or in the clock advance's wait for what is due
      return { done, more: tasks.length === TASKS_PER_TRANSACTION_MAX, failure: undefined };
    });
    ran += batch.done;
    if (batch.failure !== undefined) throw batch.failure;
    if (!batch.more) break;
  }
  return ran;
}

/** Moves an account's clock forward and runs what became due. */
export async function advanceClock(
  deps: Deps,
  account: AccountRecord,
  toMs: number,
): Promise<{ account: AccountRecord; ran: number }> {
  const moved = await deps.store.transaction(async (tx) => {
    const current = await tx.accounts.get(account.id, { lock: true });
    assert(current !== undefined, 'the account exists');
    const offset = Math.max(current.clockOffsetMs, toMs - deps.clock.nowMs());
    await tx.accounts.setClockOffset(account.id, offset);
    return { ...current, clockOffsetMs: offset };
  });
  let ran = await runDueTasks(deps, account.id);
  // tasks another runner (the sweep, another advance, another process) has claimed are not
  // skipped over: the advance answers once they are done too, as it promises
  const at = accountNow(deps.clock, moved.clockOffsetMs);
  // real time (a test's manual clock does not move while it waits)
  const giveUpAt = performance.now() + ADVANCE_WAIT_MAX_MS;
  while ((await deps.store.read((tx) => tx.tasks.anyDue(account.id, at))) && performance.now() < giveUpAt) {
    await pause(ADVANCE_WAIT_PAUSE_MS);
    ran += await runDueTasks(deps, account.id);
  }
  return { account: moved, ran };
}

const IDEMPOTENCY_PURGE_INTERVAL_MS = 60_000;

/** Deletes idempotency keys whose 24 hours (of their account's clock) are over. */
export function purgeIdempotencyKeys(deps: Deps): Promise<number> {
  return deps.store.transaction((tx) => tx.idempotency.purgeExpired(deps.clock.nowMs()));
}

/**
 * The background worker: every sweep runs the due tasks of accounts that have some, so that a
 * server left running settles captures by itself. One sweep at a time per process.
 */
export class TaskWorker {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private purgedAt = 0;
  /** stop() was called: a sweep under way ends after its current batch */
  private stopping = false;

  constructor(
    private readonly deps: Deps,
    private readonly intervalMs = TASK_SWEEP_INTERVAL_MS,
  ) {}

  start(): void {
    this.timer = setInterval(() => {
      if (!this.running) {
        this.running = this.sweep()
          .then(() => undefined)
          .finally(() => {
            this.running = undefined;
          });
      }
    }, this.intervalMs);
    this.timer.unref();
  }

  async sweep(): Promise<number> {
    let ran = 0;
    try {
      // several processes on one database: the one that leads the sweep does it
      if (!(await this.deps.store.leads('tasks'))) return 0;
      if (this.deps.clock.nowMs() - this.purgedAt >= IDEMPOTENCY_PURGE_INTERVAL_MS) {
        this.purgedAt = this.deps.clock.nowMs();
        await purgeIdempotencyKeys(this.deps);
      }
      // order attempts whose processor answer never came back, past their deadline
      await reconcileOrders(this.deps);
      const accounts = await this.deps.store.read((tx) =>
        tx.tasks.accountsWithDueTasks(this.deps.clock.nowMs(), ACCOUNTS_PER_SWEEP_MAX),
      );
      for (const accountId of accounts) {
        if (this.stopping) break;
        ran += await runDueTasks(this.deps, accountId, () => this.stopping);
      }
    } catch (error) {
      // what is left stays due and the next tick tries again: one line, not a stack per tick
      // (none for a full disk, which the store says once)
      if (!isQuietStoreError(error))
        this.deps.logger.error(errorSummary(error), 'task sweep failed; retrying on the next tick');
    }
    return ran;
  }

  /** Sweeps no more; a sweep under way finishes its current batch (a transaction) and ends. */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }
}
