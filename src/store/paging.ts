import { type SelectQueryBuilder, sql } from 'kysely';
import { invalidParameter } from '../domain/errors.js';
import { currenciesWithExponent } from '../domain/money/currency.js';
import { isoSeconds } from '../lib/time.js';
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

/** Names inside a JSON path, fixed by the code (never taken from a request). */
const JSON_KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;

function checkJsonPath(path: readonly string[]): void {
  if (!path.every((k) => JSON_KEY.test(k))) throw new Error(`not a JSON path: ${path.join('.')}`);
}

/**
 * A member of a JSON column as text (both stores keep JSON as text): `json_extract` on SQLite,
 * `#>>` on PostgreSQL.
 */
export function jsonText(dialect: 'sqlite' | 'postgres', column: string, path: readonly string[]) {
  checkJsonPath(path);
  return dialect === 'postgres'
    ? sql<string | null>`(${sql.ref(column)}::jsonb #>> ${sql.lit(`{${path.join(',')}}`)})`
    : sql<string | null>`json_extract(${sql.ref(column)}, ${sql.lit(`$.${path.join('.')}`)})`;
}

/**
 * The JSON array at `arrayPath` of a column (the column itself when empty) has an element whose
 * member at `elementPath` is `value`.
 */
export function jsonArrayHas(
  dialect: 'sqlite' | 'postgres',
  column: string,
  arrayPath: readonly string[],
  elementPath: readonly string[],
  value: string,
) {
  checkJsonPath([...arrayPath, ...elementPath]);
  if (dialect === 'postgres') {
    const element = elementPath.reduceRight<unknown>((inner, key) => ({ [key]: inner }), value);
    const array =
      arrayPath.length > 0
        ? sql`(${sql.ref(column)}::jsonb #> ${sql.lit(`{${arrayPath.join(',')}}`)})`
        : sql`${sql.ref(column)}::jsonb`;
    return sql<boolean>`coalesce(${array} @> ${JSON.stringify([element])}::jsonb, false)`;
  }
  const each =
    arrayPath.length > 0
      ? sql`json_each(${sql.ref(column)}, ${sql.lit(`$.${arrayPath.join('.')}`)})`
      : sql`json_each(${sql.ref(column)})`;
  return sql<boolean>`EXISTS (SELECT 1 FROM ${each} AS je WHERE json_extract(je.value, ${sql.lit(
    `$.${elementPath.join('.')}`,
  )}) = ${value})`;
}

const isoSecond = (seconds: number) => isoSeconds(seconds * 1000);

/**
 * A time range over ISO-8601 times kept in whole seconds as JSON text (`stateTransitions`):
 * compared as text, which orders like the times, with each bound rounded to the second that
 * keeps its meaning.
 */
export function whereIsoRange(
  query: AnySelect,
  expression: ReturnType<typeof jsonText>,
  range: TimeRange | undefined,
): AnySelect {
  if (!range) return query;
  let q = query.where(expression, 'is not', null);
  if (range.gt !== undefined) q = q.where(expression, '>', isoSecond(Math.floor(range.gt / 1000)));
  if (range.gte !== undefined) q = q.where(expression, '>=', isoSecond(Math.ceil(range.gte / 1000)));
  if (range.lt !== undefined) q = q.where(expression, '<', isoSecond(Math.ceil(range.lt / 1000)));
  if (range.lte !== undefined) q = q.where(expression, '<=', isoSecond(Math.floor(range.lte / 1000)));
  return q;
}

/** An amount range in major units as a request gives it (`amount[gte]=10.5`). */
export interface MajorRange {
  gt?: number;
  gte?: number;
  lt?: number;
  lte?: number;
}

/**
 * `minor` at `exponent` decimals, rounded the way a bound keeps its meaning over whole minor
 * units: up for `>=` and `<`, down for `>` and `<=`.
 */
function minorBound(major: number, exponent: number, up: boolean): number {
  const scaled = major * 10 ** exponent;
  const nearest = Math.round(scaled);
  if (Math.abs(scaled - nearest) < 1e-6) return nearest;
  return up ? Math.ceil(scaled) : Math.floor(scaled);
}

/**
 * A range in major units over a column of minor units whose currency is in `currencyColumn`:
 * each row's bound is read at its own currency's decimals (JPY 0, USD 2, KWD 3).
 */
export function whereMajorRange(
  query: AnySelect,
  minorColumn: string,
  currencyColumn: string,
  range: MajorRange | undefined,
): AnySelect {
  if (!range) return query;
  let q = query;
  const exponents = {
    0: currenciesWithExponent(0),
    3: currenciesWithExponent(3),
    4: currenciesWithExponent(4),
  };
  const bound = (major: number, up: boolean) =>
    // the bounds are whole numbers of minor units, written as literals (PostgreSQL cannot type
    // parameters inside CASE)
    sql<number>`CASE WHEN ${sql.ref(currencyColumn)} IN (${sql.join(exponents[0])}) THEN ${sql.lit(minorBound(major, 0, up))}
      WHEN ${sql.ref(currencyColumn)} IN (${sql.join(exponents[3])}) THEN ${sql.lit(minorBound(major, 3, up))}
      WHEN ${sql.ref(currencyColumn)} IN (${sql.join(exponents[4])}) THEN ${sql.lit(minorBound(major, 4, up))}
      ELSE ${sql.lit(minorBound(major, 2, up))} END`;
  if (range.gt !== undefined) q = q.where(minorColumn, '>', bound(range.gt, false));
  if (range.gte !== undefined) q = q.where(minorColumn, '>=', bound(range.gte, true));
  if (range.lt !== undefined) q = q.where(minorColumn, '<', bound(range.lt, true));
  if (range.lte !== undefined) q = q.where(minorColumn, '<=', bound(range.lte, false));
  return q;
}
