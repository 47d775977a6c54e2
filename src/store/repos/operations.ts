import type { Selectable } from 'kysely';
import type { AuthorizationRecord, OperationRecord } from '../records.js';
import type { ChargeAuthorizationsTable } from '../schema.js';
import { Repo } from './base.js';
import type { OrdersRepo } from './orders.js';

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

/** Captures, cancels and refunds of charges (in their order's document), and the authorizations asked for them. */
export class OperationsRepo extends Repo {
  constructor(
    db: ConstructorParameters<typeof Repo>[0],
    dialect: ConstructorParameters<typeof Repo>[1],
    private readonly orders: OrdersRepo,
  ) {
    super(db, dialect);
  }

  async get(accountId: string, id: string): Promise<OperationRecord | undefined> {
    const order = await this.orders.ofPart(accountId, 'operation', id);
    return order?.operations.find((o) => o.id === id);
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
