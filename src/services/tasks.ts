import { ITEM_MACHINE } from '../domain/order/transitions.js';
import { move } from '../domain/state-machine.js';
import { assert } from '../lib/assert.js';
import { accountNow } from '../lib/clock.js';
import { newUuid } from '../lib/ids.js';
import { isoSeconds } from '../lib/time.js';
import type { AccountRecord, OperationRecord, TaskRecord } from '../store/records.js';
import type { Tx } from '../store/store.js';
import { orderToWire, refundToWire } from '../wire/order.js';
import { type Deps, newEvent } from './context.js';
import {
  amountsOf,
  moveCharge,
  moveOrder,
  newOperation,
  reconcileOrder,
  settleOperation,
  type Working,
  working,
} from './operations.js';
import { loadOrderView } from './order-view.js';

/**
 * Work due on an account's clock: settling captures, cancels and refunds through the processor,
 * fraud-review outcomes, late-presentment chargebacks. Each task runs in its own transaction,
 * which also deletes it, so a task is done once; PostgreSQL workers skip tasks another process
 * holds. Advancing a test clock runs everything that became due before it answers.
 */

const TASKS_PER_RUN_MAX = 10_000;
/** Due tasks run in one transaction at most (one commit for many settlements). */
const TASKS_PER_TRANSACTION_MAX = 100;
const ACCOUNTS_PER_SWEEP_MAX = 100;
export const TASK_SWEEP_INTERVAL_MS = 250;

async function withOrder(
  tx: Tx,
  task: TaskRecord,
  orderId: string,
  at: number,
  work: (w: Working) => Promise<void>,
) {
  const view = await loadOrderView(tx, task.accountId, orderId, { lock: true });
  const w = working(view, at);
  await work(w);
  await tx.events.append(w.events);
}

/** Settles an operation: the processor's outcome, or a test helper's forced failure. */
export async function settle(
  tx: Tx,
  deps: Deps,
  operation: OperationRecord,
  at: number,
  forcedOutcome?: 'failed',
): Promise<void> {
  await withOrder(tx, { accountId: operation.accountId } as TaskRecord, operation.orderId, at, async (w) => {
    const current = w.view.operations.find((o) => o.id === operation.id);
    if (current?.state !== 'pending') return;
    const charge = w.view.charges.find((c) => c.id === current.chargeId);
    assert(charge !== undefined, 'the operation is of a charge of the order');
    const outcome =
      forcedOutcome === 'failed'
        ? {
            state: 'failed' as const,
            failureCode: 'failed-request',
            failureMessage: 'Failed to operate on charge',
          }
        : deps.processor.settle({
            reference: current.id,
            kind: current.kind,
            scenarioId: charge.scenarioId,
            amountMinor: current.amountMinor,
            forced: current.forced,
          });
    const settled = await settleOperation(tx, w, current, outcome);
    if (settled.kind === 'capture' && settled.forced && settled.state === 'complete') {
      const days = deps.processor.chargebackAfterDays(charge.scenarioId);
      if (days !== null) {
        await tx.tasks.schedule([
          {
            accountId: settled.accountId,
            id: newUuid(),
            kind: 'chargeback',
            subjectId: settled.orderId,
            payload: { operationId: settled.id },
            dueAt: at + days * 86_400_000,
            createdAt: at,
          },
        ]);
      }
    }
    if (settled.kind === 'refund' && settled.refundId) await finishRefund(tx, w, settled.refundId);
    await reconcileOrder(tx, w);
  });
}

/** A refund is done when its operations are: succeeded if all completed, failed otherwise. */
async function finishRefund(tx: Tx, w: Working, refundId: string): Promise<void> {
  const refund = w.view.refunds.find((r) => r.id === refundId);
  assert(refund !== undefined, 'the refund is of the order');
  const ops = w.view.operations.filter((o) => o.refundId === refundId);
  if (ops.some((o) => o.state === 'pending') || refund.state !== 'pending') return;
  const failed = ops.find((o) => o.state === 'failed');
  const finished = {
    ...refund,
    state: failed ? ('failed' as const) : ('succeeded' as const),
    failureReason: failed ? (failed.failureMessage ?? 'The refund failed.') : null,
    updatedAt: w.at,
  };
  await tx.refunds.finish(finished, w.at);
  w.view.refunds = w.view.refunds.map((r) => (r.id === refundId ? finished : r));
  w.events.push(
    newEvent(
      finished.accountId,
      failed ? 'refund.failed' : 'refund.complete',
      refundToWire(finished, w.view),
      w.at,
    ),
  );
}

/** The outcome of a fraud review: accepted, or blocked (items blocked, charges cancelled in full). */
async function review(tx: Tx, w: Working, outcome: 'accept' | 'block'): Promise<void> {
  if (w.view.order.state !== 'in_review') return;
  if (outcome === 'accept') {
    await moveOrder(tx, w, 'review.accept', 'accepted', { state: 'passed' });
    return;
  }
  const stamp = isoSeconds(w.at);
  for (const item of w.view.items) {
    move(ITEM_MACHINE, item.state, 'block', 'blocked');
    const blocked = {
      ...item,
      state: 'blocked' as const,
      stateTransitions: { ...item.stateTransitions, blocked: stamp },
    };
    await tx.orders.updateItemProgress(w.view.order.accountId, blocked, item.state);
    w.view.items = w.view.items.map((i) => (i.id === item.id ? blocked : i));
  }
  for (const charge of w.view.charges) {
    const remaining = amountsOf(w, charge).remainingMinor;
    if (remaining === 0) continue;
    const cancel: OperationRecord = {
      ...newOperation(w, charge, 'cancel', remaining, {}),
      state: 'complete',
    };
    await tx.operations.insert([cancel]);
    w.view.operations.push(cancel);
    await moveCharge(tx, w, charge.id, 'block', 'order.charge.cancel.complete');
  }
  await moveOrder(tx, w, 'review.block', 'blocked', { state: 'blocked' });
}

async function chargeback(tx: Tx, w: Working): Promise<void> {
  await moveOrder(tx, w, 'chargeback', w.view.order.state);
  w.events.push(newEvent(w.view.order.accountId, 'order.chargeback', orderToWire(w.view), w.at));
}

async function runTask(tx: Tx, deps: Deps, task: TaskRecord, at: number): Promise<void> {
  switch (task.kind) {
    case 'settle': {
      const operation = await tx.operations.get(task.accountId, task.subjectId);
      if (operation) await settle(tx, deps, operation, at);
      break;
    }
    case 'review':
      await withOrder(tx, task, task.subjectId, at, (w) =>
        review(tx, w, task.payload['outcome'] === 'block' ? 'block' : 'accept'),
      );
      break;
    case 'chargeback':
      await withOrder(tx, task, task.subjectId, at, (w) => chargeback(tx, w));
      break;
  }
  await tx.tasks.done(task);
}

/**
 * Runs every task of an account that is due by its clock, oldest first, up to
 * TASKS_PER_TRANSACTION_MAX to a transaction, each in its own savepoint (a failing task undoes
 * only itself; the ones before it commit, then its error is thrown); tasks that a task schedules
 * and that are already due run too.
 */
export async function runDueTasks(deps: Deps, accountId: string): Promise<number> {
  let ran = 0;
  while (ran < TASKS_PER_RUN_MAX) {
    const batch = await deps.store.transaction(async (tx) => {
      const account = await tx.accounts.get(accountId);
      if (!account) return { done: 0, more: false, failure: undefined as unknown };
      const at = accountNow(deps.clock, account.clockOffsetMs);
      let done = 0;
      while (done < TASKS_PER_TRANSACTION_MAX) {
        let found: boolean;
        try {
          // claimed and run in one savepoint: a failing task stays due (as it was before)
          found = await tx.savepoint(async () => {
            const task = await tx.tasks.claimDue(accountId, at);
            if (!task) return false;
            // a task happens at the time it was due (never later than the clock), so that what
            // follows from it is scheduled from that moment
            await runTask(tx, deps, task, Math.min(at, Math.max(task.dueAt, task.createdAt)));
            return true;
          });
        } catch (failure) {
          return { done, more: false, failure };
        }
        if (!found) return { done, more: false, failure: undefined };
        done += 1;
      }
      return { done, more: true, failure: undefined };
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
  const ran = await runDueTasks(deps, account.id);
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
      if (this.deps.clock.nowMs() - this.purgedAt >= IDEMPOTENCY_PURGE_INTERVAL_MS) {
        this.purgedAt = this.deps.clock.nowMs();
        await purgeIdempotencyKeys(this.deps);
      }
      const accounts = await this.deps.store.read((tx) =>
        tx.tasks.accountsWithDueTasks(this.deps.clock.nowMs(), ACCOUNTS_PER_SWEEP_MAX),
      );
      for (const accountId of accounts) ran += await runDueTasks(this.deps, accountId);
    } catch (error) {
      this.deps.logger.error({ err: error }, 'task sweep failed');
    }
    return ran;
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }
}
