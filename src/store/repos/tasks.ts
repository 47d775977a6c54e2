import type { Selectable } from 'kysely';
import { fromJson, toJson } from '../json.js';
import type { TaskRecord } from '../records.js';
import type { TasksTable } from '../schema.js';
import { Repo } from './base.js';

const toTask = (row: Selectable<TasksTable>): TaskRecord => ({
  accountId: row.account_id,
  id: row.id,
  kind: row.kind as TaskRecord['kind'],
  subjectId: row.subject_id,
  payload: fromJson(row.payload),
  dueAt: row.due_at,
  createdAt: row.created_at,
});

/**
 * Work scheduled on an account's clock (settlements, review outcomes, chargebacks). A task is
 * deleted in the transaction that does it, so it is done once; PostgreSQL workers skip rows
 * another process has claimed.
 */
export class TasksRepo extends Repo {
  async schedule(tasks: readonly TaskRecord[]): Promise<void> {
    if (tasks.length === 0) return;
    await this.db
      .insertInto('tasks')
      .values(
        tasks.map((t) => ({
          account_id: t.accountId,
          id: t.id,
          kind: t.kind,
          subject_id: t.subjectId,
          payload: toJson(t.payload),
          due_at: t.dueAt,
          created_at: t.createdAt,
        })),
      )
      .execute();
  }

  /**
   * The due tasks of one account, oldest first, up to `limit`, claimed (locked) until the
   * transaction ends; PostgreSQL skips the ones another transaction has claimed.
   */
  async claimDue(accountId: string, accountNowMs: number, limit: number): Promise<TaskRecord[]> {
    let q = this.db
      .selectFrom('tasks')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('due_at', '<=', accountNowMs)
      .orderBy('due_at')
      .orderBy('seq')
      .limit(limit);
    if (this.locks) q = q.forUpdate().skipLocked();
    return (await q.execute()).map(toTask);
  }

  /** Whether a task of the account is due (committed; claimed ones included). */
  async anyDue(accountId: string, accountNowMs: number): Promise<boolean> {
    const row = await this.db
      .selectFrom('tasks')
      .select('id')
      .where('account_id', '=', accountId)
      .where('due_at', '<=', accountNowMs)
      .limit(1)
      .executeTakeFirst();
    return row !== undefined;
  }

  /** The order each task is about (a settlement's through its operation), by task id. */
  async ordersOf(tasks: readonly TaskRecord[]): Promise<Map<string, string>> {
    const orders = new Map<string, string>();
    const settlements = new Map<string, TaskRecord[]>();
    for (const task of tasks) {
      if (task.kind !== 'settle') orders.set(task.id, task.subjectId);
      else if (settlements.has(task.accountId)) settlements.get(task.accountId)?.push(task);
      else settlements.set(task.accountId, [task]);
    }
    for (const [accountId, ofAccount] of settlements) {
      const rows = await this.db
        .selectFrom('order_parts')
        .select(['id', 'order_id'])
        .where('account_id', '=', accountId)
        .where('kind', '=', 'operation')
        .where(
          'id',
          'in',
          ofAccount.map((t) => t.subjectId),
        )
        .execute();
      const orderOf = new Map(rows.map((r) => [r.id, r.order_id]));
      for (const task of ofAccount) {
        const orderId = orderOf.get(task.subjectId);
        if (orderId !== undefined) orders.set(task.id, orderId);
      }
    }
    return orders;
  }

  /** Accounts with a task due now by their own clock (real time plus the account's offset). */
  async accountsWithDueTasks(realNowMs: number, limit: number): Promise<string[]> {
    // driven from the (few) accounts: each looks at its own range of the (account_id, due_at)
    // index, never at every task
    const rows = await this.db
      .selectFrom('accounts')
      .select('accounts.id')
      .where((eb) =>
        eb.exists(
          eb
            .selectFrom('tasks')
            .select('tasks.id')
            .whereRef('tasks.account_id', '=', 'accounts.id')
            .where('tasks.due_at', '<=', eb(eb.val(realNowMs), '+', eb.ref('accounts.clock_offset_ms'))),
        ),
      )
      .limit(limit)
      .execute();
    return rows.map((r) => r.id);
  }

  async done(task: TaskRecord): Promise<void> {
    await this.db
      .deleteFrom('tasks')
      .where('account_id', '=', task.accountId)
      .where('id', '=', task.id)
      .execute();
  }

  async ofSubject(accountId: string, subjectId: string): Promise<TaskRecord[]> {
    const rows = await this.db
      .selectFrom('tasks')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('subject_id', '=', subjectId)
      .execute();
    return rows.map(toTask);
  }
}
