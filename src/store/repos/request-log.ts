import { type Selectable, sql } from 'kysely';
import { paginate, whereTimeRange } from '../paging.js';
import type { Page, PageQuery, RequestLogRecord, TimeRange } from '../records.js';
import type { RequestLogTable } from '../schema.js';
import { Repo } from './base.js';

const toRecord = (row: Selectable<RequestLogTable>): RequestLogRecord => ({
  accountId: row.account_id,
  id: row.id,
  at: Number(row.created_at),
  method: row.method,
  path: row.path,
  query: row.query,
  status: Number(row.status),
  idempotencyKey: row.idempotency_key,
  durationMs: Number(row.duration_ms),
  requestBody: row.request_body,
  responseBody: row.response_body,
  errorCode: row.error_code,
});

export interface RequestLogFilters {
  method?: string | undefined;
  /** an exact status, or a class: 400–499 for `4xx` */
  status?: { gte: number; lte: number } | undefined;
  /** the path starts with it */
  pathPrefix?: string | undefined;
  idempotencyKey?: string | undefined;
  ids?: readonly string[] | undefined;
  createdTime?: TimeRange | undefined;
}

export class RequestLogRepo extends Repo {
  async insertMany(entries: readonly RequestLogRecord[]): Promise<void> {
    if (entries.length === 0) return;
    await this.db
      .insertInto('request_log')
      .values(
        entries.map((e) => ({
          account_id: e.accountId,
          id: e.id,
          created_at: e.at,
          method: e.method,
          path: e.path,
          query: e.query,
          status: e.status,
          idempotency_key: e.idempotencyKey,
          duration_ms: e.durationMs,
          request_body: e.requestBody,
          response_body: e.responseBody,
          error_code: e.errorCode,
        })),
      )
      .execute();
  }

  async get(accountId: string, id: string): Promise<RequestLogRecord | undefined> {
    const row = await this.db
      .selectFrom('request_log')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('id', '=', id)
      .executeTakeFirst();
    return row ? toRecord(row) : undefined;
  }

  async list(
    accountId: string,
    filters: RequestLogFilters,
    page: PageQuery,
  ): Promise<Page<RequestLogRecord>> {
    let q = this.db.selectFrom('request_log').selectAll().where('account_id', '=', accountId);
    if (filters.method !== undefined) q = q.where('method', '=', filters.method);
    if (filters.status !== undefined)
      q = q.where('status', '>=', filters.status.gte).where('status', '<=', filters.status.lte);
    if (filters.pathPrefix !== undefined) {
      // a prefix, matched as text (LIKE would read `_` and `%` in it as wildcards)
      const prefix = filters.pathPrefix;
      q = q.where(sql<string>`substr(path, 1, ${prefix.length})`, '=', prefix);
    }
    if (filters.idempotencyKey !== undefined) q = q.where('idempotency_key', '=', filters.idempotencyKey);
    if (filters.ids !== undefined) q = q.where('id', 'in', filters.ids.length ? filters.ids : ['']);
    q = whereTimeRange(q, 'created_at', filters.createdTime);
    const result = await paginate<Selectable<RequestLogTable>>(q, page, (id) =>
      this.seqOf('request_log', accountId, id),
    );
    return { data: result.data.map(toRecord), hasMore: result.hasMore };
  }

  /** Drops what is older than `before` (the account clock) and all but the newest `keep` rows. */
  async prune(accountId: string, before: number, keep: number): Promise<void> {
    await this.db
      .deleteFrom('request_log')
      .where('account_id', '=', accountId)
      .where('created_at', '<', before)
      .execute();
    const boundary = await this.db
      .selectFrom('request_log')
      .select('seq')
      .where('account_id', '=', accountId)
      .orderBy('seq', 'desc')
      .offset(keep)
      .limit(1)
      .executeTakeFirst();
    if (boundary)
      await this.db
        .deleteFrom('request_log')
        .where('account_id', '=', accountId)
        .where('seq', '<=', boundary.seq)
        .execute();
  }

  async deleteAccount(accountId: string): Promise<void> {
    await this.db.deleteFrom('request_log').where('account_id', '=', accountId).execute();
  }
}
