import { sql } from 'kysely';
import { Repo } from './base.js';

/** A finished request, kept to be replayed to retries that send the same Idempotency-Key. */
export interface IdempotencyRecord {
  accountId: string;
  key: string;
  /** SHA-256 of method, path and body: a retry must send the same request */
  fingerprint: string;
  method: string;
  path: string;
  status: number;
  /** the response body as sent (JSON text), null for a 204 */
  body: string | null;
  /** account clock */
  createdAt: number;
  expiresAt: number;
}

export class IdempotencyRepo extends Repo {
  async get(accountId: string, key: string): Promise<IdempotencyRecord | undefined> {
    const row = await this.db
      .selectFrom('idempotency_keys')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('idempotency_key', '=', key)
      .executeTakeFirst();
    return row
      ? {
          accountId: row.account_id,
          key: row.idempotency_key,
          fingerprint: row.fingerprint,
          method: row.method,
          path: row.path,
          status: row.status,
          body: row.body,
          createdAt: row.created_at,
          expiresAt: row.expires_at,
        }
      : undefined;
  }

  async insert(record: IdempotencyRecord): Promise<void> {
    await this.db
      .insertInto('idempotency_keys')
      .values({
        account_id: record.accountId,
        idempotency_key: record.key,
        fingerprint: record.fingerprint,
        method: record.method,
        path: record.path,
        status: record.status,
        body: record.body,
        created_at: record.createdAt,
        expires_at: record.expiresAt,
      })
      .execute();
  }

  async delete(accountId: string, key: string): Promise<void> {
    await this.db
      .deleteFrom('idempotency_keys')
      .where('account_id', '=', accountId)
      .where('idempotency_key', '=', key)
      .execute();
  }

  /**
   * PostgreSQL: takes the key's transaction-scoped advisory lock if no other transaction holds
   * it (another process is running a request with this key). SQLite: one writer at a time, so
   * always true.
   */
  async tryLock(accountId: string, key: string): Promise<boolean> {
    if (!this.locks) return true;
    const { rows } = await sql<{ locked: boolean }>`
      SELECT pg_try_advisory_xact_lock(hashtextextended(${`${accountId}/${key}`}, 0)) AS locked
    `.execute(this.db);
    return rows[0]?.locked === true;
  }

  /**
   * Deletes keys whose window ended by their account's clock; returns how many. One range of the
   * (account_id, expires_at) index per account, never a scan of every key.
   */
  async purgeExpired(realNowMs: number): Promise<number> {
    const accounts = await this.db.selectFrom('accounts').select(['id', 'clock_offset_ms']).execute();
    let deleted = 0;
    for (const account of accounts) {
      const result = await this.db
        .deleteFrom('idempotency_keys')
        .where('account_id', '=', account.id)
        .where('expires_at', '<=', realNowMs + Number(account.clock_offset_ms))
        .executeTakeFirst();
      deleted += Number(result.numDeletedRows);
    }
    return deleted;
  }
}
