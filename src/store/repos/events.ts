import type { Selectable } from 'kysely';
import { sql } from 'kysely';
import { fromJson, fromJsonOrNull, toJson, toJsonOrNull } from '../json.js';
import { paginate, whereIn, whereTimeRange } from '../paging.js';
import type { EventRecord, Json, Page, PageQuery, TimeRange } from '../records.js';
import type { EventsTable } from '../schema.js';
import { Repo } from './base.js';

const toEvent = (row: Selectable<EventsTable>): EventRecord => ({
  accountId: row.account_id,
  id: row.id,
  type: row.type,
  object: fromJson(row.object),
  previousAttributes: fromJsonOrNull<Json>(row.previous_attributes),
  createdAt: row.created_at,
});

export interface EventFilters {
  ids?: readonly string[] | undefined;
  /** exact types, or a prefix when the wire type ended in `*` */
  types?: readonly string[] | undefined;
  typePrefix?: string | undefined;
  createdTime?: TimeRange | undefined;
}

/** The event table is the outbox: events are appended in the transaction of their change. */
export class EventsRepo extends Repo {
  async append(events: readonly EventRecord[]): Promise<void> {
    if (events.length === 0) return;
    await this.db
      .insertInto('events')
      .values(
        events.map((e) => ({
          account_id: e.accountId,
          id: e.id,
          type: e.type,
          object: toJson(e.object),
          previous_attributes: toJsonOrNull(e.previousAttributes),
          created_at: e.createdAt,
        })),
      )
      .execute();
  }

  async get(accountId: string, id: string): Promise<EventRecord | undefined> {
    const row = await this.db
      .selectFrom('events')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('id', '=', id)
      .executeTakeFirst();
    return row ? toEvent(row) : undefined;
  }

  async list(accountId: string, filters: EventFilters, page: PageQuery): Promise<Page<EventRecord>> {
    let q = this.db.selectFrom('events').selectAll().where('account_id', '=', accountId);
    q = whereIn(q, 'id', filters.ids);
    q = whereIn(q, 'type', filters.types);
    if (filters.typePrefix !== undefined) {
      // substr, not LIKE: SQLite's LIKE ignores case and the two dialects escape differently
      const prefix = filters.typePrefix;
      q = q.where(sql<string>`substr(type, 1, ${sql.lit(prefix.length)})`, '=', prefix);
    }
    q = whereTimeRange(q, 'created_at', filters.createdTime);
    const result = await paginate<Selectable<EventsTable>>(q, page, (id) =>
      this.seqOf('events', accountId, id),
    );
    return { data: result.data.map(toEvent), hasMore: result.hasMore };
  }
}
