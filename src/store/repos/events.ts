import type { Selectable } from 'kysely';
import { sql } from 'kysely';
import { subscribes } from '../../domain/webhook/match.js';
import { newUuid } from '../../lib/ids.js';
import { fromJson, fromJsonOrNull, toJson, toJsonOrNull } from '../json.js';
import { jsonText, paginate, whereIn, whereTimeRange } from '../paging.js';
import type { DeliveryRecord, EventRecord, Json, Page, PageQuery, TimeRange } from '../records.js';
import type { EventsTable } from '../schema.js';
import { chunks, eachAccountBatch, placeholders, Repo } from './base.js';
import { WebhooksRepo } from './webhooks.js';

const toEvent = (row: Selectable<EventsTable>): EventRecord => ({
  accountId: row.account_id,
  id: row.id,
  type: row.type,
  object: fromJson(row.object),
  previousAttributes: fromJsonOrNull<Json>(row.previous_attributes),
  createdAt: row.created_at,
  webhookIds: fromJson<string[]>(row.webhook_ids),
});

export interface EventFilters {
  ids?: readonly string[] | undefined;
  /** exact types, or a prefix when the wire type ended in `*` */
  types?: readonly string[] | undefined;
  typePrefix?: string | undefined;
  createdTime?: TimeRange | undefined;
  /** Tributary's: the events of one order (the order's own, and those of its charges, refunds, …) */
  orderId?: string | undefined;
}

/** The event table is the outbox: events are appended in the transaction of their change. */
export class EventsRepo extends Repo {
  /**
   * Appends events in the caller's transaction, with a delivery for every enabled webhook that
   * subscribes to each: what commits is delivered, and nothing is delivered that did not commit.
   */
  async append(events: readonly EventRecord[]): Promise<void> {
    if (events.length === 0) return;
    const accountIds = [...new Set(events.map((e) => e.accountId))];
    const hooks = this.hot
      ? this.hot.all<{ account_id: string; id: string; types: string }>(
          `SELECT account_id, id, types FROM webhooks WHERE account_id IN (${placeholders(accountIds.length)}) AND enabled = 1 ORDER BY seq`,
          accountIds,
        )
      : await this.db
          .selectFrom('webhooks')
          .select(['account_id', 'id', 'types'])
          .where('account_id', 'in', accountIds)
          .where('enabled', '=', 1)
          .orderBy('seq')
          .execute();
    const subscriptions = hooks.map((h) => ({
      accountId: h.account_id,
      id: h.id,
      types: fromJson<string[]>(h.types),
    }));
    const deliveries: DeliveryRecord[] = [];
    const rows = events.map((e) => {
      const webhookIds = subscriptions
        .filter((h) => h.accountId === e.accountId && subscribes(h.types, e.type))
        .map((h) => h.id);
      for (const webhookId of webhookIds) {
        deliveries.push({
          accountId: e.accountId,
          id: newUuid(),
          eventId: e.id,
          webhookId,
          state: 'pending',
          attempts: 0,
          firstDueAt: e.createdAt,
          nextAttemptAt: e.createdAt,
          createdAt: e.createdAt,
          updatedAt: e.createdAt,
        });
      }
      return {
        account_id: e.accountId,
        id: e.id,
        type: e.type,
        object: toJson(e.object),
        previous_attributes: toJsonOrNull(e.previousAttributes),
        created_at: e.createdAt,
        webhook_ids: toJson(webhookIds),
      };
    });
    for (const batch of chunks(rows)) {
      if (this.hot)
        this.hot.run(
          `INSERT INTO events (account_id, id, type, object, previous_attributes, created_at, webhook_ids) VALUES ${batch.map(() => '(?, ?, ?, ?, ?, ?, ?)').join(', ')}`,
          batch.flatMap((r) => [
            r.account_id,
            r.id,
            r.type,
            r.object,
            r.previous_attributes,
            r.created_at,
            r.webhook_ids,
          ]),
        );
      else await this.db.insertInto('events').values(batch).execute();
    }
    await new WebhooksRepo(this.db, this.dialect).insertDeliveries(deliveries);
  }

  /** Events by (account, id) pairs, for a batch of deliveries. */
  async getPairs(pairs: readonly { accountId: string; id: string }[]): Promise<Map<string, EventRecord>> {
    const found = new Map<string, EventRecord>();
    await eachAccountBatch(pairs, async (accountId, ids) => {
      const rows = await this.db
        .selectFrom('events')
        .selectAll()
        .where('account_id', '=', accountId)
        .where('id', 'in', ids)
        .execute();
      for (const row of rows) found.set(`${row.account_id}/${row.id}`, toEvent(row));
    });
    return found;
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
    if (filters.orderId !== undefined) {
      const orderId = filters.orderId;
      const dialect = this.dialect;
      q = q.where((eb) =>
        eb.or([
          eb(jsonText(dialect, 'object', ['orderId']), '=', orderId),
          eb.and([
            eb(sql<string>`substr(type, 1, 6)`, '=', 'order.'),
            eb(jsonText(dialect, 'object', ['id']), '=', orderId),
          ]),
        ]),
      );
    }
    const result = await paginate<Selectable<EventsTable>>(q, page, (id) =>
      this.seqOf('events', accountId, id),
    );
    return { data: result.data.map(toEvent), hasMore: result.hasMore };
  }
}
