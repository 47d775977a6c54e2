import type { Selectable } from 'kysely';
import { dense, sparse } from '../../domain/order/components.js';
import { assert } from '../../lib/assert.js';
import { flag, fromJsonOrNull, toJson } from '../json.js';
import type { AuthorizationRecord, OperationRecord } from '../records.js';
import type { ChargeAuthorizationsTable, ChargeOperationsTable } from '../schema.js';
import { Repo } from './base.js';

const toOperation = (row: Selectable<ChargeOperationsTable>): OperationRecord => ({
  accountId: row.account_id,
  id: row.id,
  chargeId: row.charge_id,
  orderId: row.order_id,
  kind: row.kind as OperationRecord['kind'],
  amountMinor: row.amount_minor,
  // an empty object: written before migration 6 (the order's reader rebuilds them)
  parts: dense(fromJsonOrNull<Record<string, Record<string, number>>>(row.parts) ?? {}),
  state: row.state as OperationRecord['state'],
  fulfillmentId: row.fulfillment_id,
  refundId: row.refund_id,
  forced: row.forced === 1,
  failureCode: row.failure_code,
  failureMessage: row.failure_message,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

const toAuthorization = (row: Selectable<ChargeAuthorizationsTable>): AuthorizationRecord => ({
  accountId: row.account_id,
  id: row.id,
  chargeId: row.charge_id,
  kind: row.kind as AuthorizationRecord['kind'],
  result: row.result as AuthorizationRecord['result'],
  attemptId: row.attempt_id,
  expiresAt: row.expires_at,
  createdAt: row.created_at,
});

/** Captures, cancels and refunds of charges, and the authorizations asked for them. */
export class OperationsRepo extends Repo {
  async insert(operations: readonly OperationRecord[]): Promise<void> {
    if (operations.length === 0) return;
    await this.db
      .insertInto('charge_operations')
      .values(
        operations.map((o) => ({
          account_id: o.accountId,
          id: o.id,
          charge_id: o.chargeId,
          order_id: o.orderId,
          kind: o.kind,
          amount_minor: o.amountMinor,
          parts: toJson(sparse(o.parts)),
          state: o.state,
          fulfillment_id: o.fulfillmentId,
          refund_id: o.refundId,
          forced: flag(o.forced),
          failure_code: o.failureCode,
          failure_message: o.failureMessage,
          created_at: o.createdAt,
          updated_at: o.updatedAt,
        })),
      )
      .execute();
  }

  async get(accountId: string, id: string): Promise<OperationRecord | undefined> {
    const row = await this.db
      .selectFrom('charge_operations')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('id', '=', id)
      .executeTakeFirst();
    return row ? toOperation(row) : undefined;
  }

  async ofOrders(accountId: string, orderIds: readonly string[]): Promise<Map<string, OperationRecord[]>> {
    const grouped = new Map<string, OperationRecord[]>(orderIds.map((id) => [id, []]));
    if (orderIds.length === 0) return grouped;
    const rows = await this.db
      .selectFrom('charge_operations')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('order_id', 'in', orderIds)
      .orderBy('seq')
      .execute();
    for (const row of rows) grouped.get(row.order_id)?.push(toOperation(row));
    return grouped;
  }

  /** pending → complete | failed */
  async settle(operation: OperationRecord, now: number): Promise<void> {
    const result = await this.db
      .updateTable('charge_operations')
      .set({
        state: operation.state,
        failure_code: operation.failureCode,
        failure_message: operation.failureMessage,
        updated_at: now,
      })
      .where('account_id', '=', operation.accountId)
      .where('id', '=', operation.id)
      .where('state', '=', 'pending')
      .executeTakeFirst();
    assert(Number(result.numUpdatedRows) === 1, `operation ${operation.id} was not pending`);
  }

  async insertAuthorization(authorization: AuthorizationRecord): Promise<void> {
    await this.db
      .insertInto('charge_authorizations')
      .values({
        account_id: authorization.accountId,
        id: authorization.id,
        charge_id: authorization.chargeId,
        kind: authorization.kind,
        result: authorization.result,
        attempt_id: authorization.attemptId,
        expires_at: authorization.expiresAt,
        created_at: authorization.createdAt,
      })
      .execute();
  }

  async authorizations(accountId: string, chargeIds: readonly string[]): Promise<AuthorizationRecord[]> {
    if (chargeIds.length === 0) return [];
    const rows = await this.db
      .selectFrom('charge_authorizations')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('charge_id', 'in', chargeIds)
      .orderBy('seq')
      .execute();
    return rows.map(toAuthorization);
  }
}
