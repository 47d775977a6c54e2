import { type SelectQueryBuilder, sql } from 'kysely';
import { invalidParameter } from '../domain/errors.js';
import type { Page, PageQuery, TimeRange } from './records.js';

/**
 * Keyset pagination over a table's `seq`, newest first. `startingAfter` pages towards older
 * objects, `endingBefore` towards newer ones (DR: if both are sent, only `endingBefore` is used).
 * A cursor that names no object of the account is a 400.
 */
// biome-ignore lint/suspicious/noExplicitAny: one generic helper over every list query
type AnySelect = SelectQueryBuilder<any, any, any>;

export async function paginate<Row extends { seq: number }>(
  query: AnySelect,
  page: PageQuery,
  cursorSeq: (id: string) => Promise<number | undefined>,
): Promise<Page<Row>> {
  const cursorId = page.endingBefore ?? page.startingAfter;
  const forward = page.endingBefore === undefined;
  let q = query;
  if (cursorId !== undefined) {
    const seq = await cursorSeq(cursorId);
    if (seq === undefined) {
      const name = forward ? 'startingAfter' : 'endingBefore';
      throw invalidParameter(name, `'${cursorId}' does not identify an object of this list.`);
    }
    q = q.where('seq', forward ? '<' : '>', seq);
  }
  const rows = (await q
    .orderBy('seq', forward ? 'desc' : 'asc')
    .limit(page.limit + 1)
    .execute()) as Row[];
  const hasMore = rows.length > page.limit;
  const data = rows.slice(0, page.limit);
  if (!forward) data.reverse();
  return { data, hasMore };
}

export function whereTimeRange(query: AnySelect, column: string, range: TimeRange | undefined): AnySelect {
  if (!range) return query;
  let q = query;
  if (range.gt !== undefined) q = q.where(column, '>', range.gt);
  if (range.gte !== undefined) q = q.where(column, '>=', range.gte);
  if (range.lt !== undefined) q = q.where(column, '<', range.lt);
  if (range.lte !== undefined) q = q.where(column, '<=', range.lte);
  return q;
}

/** `column IN (values)`; an empty list matches nothing (PostgreSQL refuses `IN ()`). */
export function whereIn(query: AnySelect, column: string, values: readonly string[] | undefined): AnySelect {
  if (values === undefined) return query;
  if (values.length === 0) return query.where(sql<boolean>`1 = 0`);
  return query.where(column, 'in', values);
}
