import { invalidParameter } from '../domain/errors.js';
import { parseIsoTime } from '../lib/time.js';
import { IDS_FILTER_MAX, PAGE_LIMIT_DEFAULT } from '../limits.js';
import type { MajorRange } from '../store/paging.js';
import type { PageQuery, TimeRange } from '../store/records.js';
import type { SharedFilters } from '../store/repos/lines.js';

/** List queries: pagination, id lists and DR's deepObject time filters (`createdTime[gte]=…`). */

type Query = Record<string, unknown>;

export function pageOf(query: Query): PageQuery {
  return {
    limit: (query['limit'] as number | undefined) ?? PAGE_LIMIT_DEFAULT,
    startingAfter: query['startingAfter'] as string | undefined,
    endingBefore: query['endingBefore'] as string | undefined,
  };
}

/** `ids=a,b`, `ids=a&ids=b` or both. */
export function listOf(query: Query, name: string): string[] | undefined {
  const raw = query[name];
  if (raw === undefined) return undefined;
  const values = (Array.isArray(raw) ? raw : [raw])
    .flatMap((v) => String(v).split(','))
    .map((v) => v.trim())
    .filter((v) => v.length > 0);
  if (values.length > IDS_FILTER_MAX)
    throw invalidParameter(name, `At most ${IDS_FILTER_MAX} values may be given.`);
  return values;
}

const SECOND_MS = 1000;

export function timeRangeOf(query: Query, name: string): TimeRange | undefined {
  const range: TimeRange = {};
  let any = false;
  const read = (suffix: string): number | undefined => {
    const key = suffix ? `${name}[${suffix}]` : name;
    const value = query[key];
    if (value === undefined) return undefined;
    const ms = parseIsoTime(String(value));
    if (ms === undefined)
      throw invalidParameter(key, `'${key}' must be an ISO-8601 time, such as 2024-01-31T12:00:00Z.`);
    any = true;
    return ms;
  };
  const exact = read('') ?? read('eq');
  if (exact !== undefined) {
    // wire times have whole seconds: equality means within that second
    range.gte = exact;
    range.lt = exact + SECOND_MS;
  }
  const gt = read('gt');
  const gte = read('gte');
  const lt = read('lt');
  const lte = read('lte');
  if (gt !== undefined) range.gt = gt;
  if (gte !== undefined) range.gte = Math.max(gte, range.gte ?? gte);
  if (lt !== undefined) range.lt = Math.min(lt, range.lt ?? lt);
  if (lte !== undefined) range.lte = lte;
  return any ? range : undefined;
}

/** An amount range in major units (`amount[gte]=10.5`, `amount=10`), read at each row's currency. */
export function majorRangeOf(query: Query, name: string): MajorRange | undefined {
  const range: MajorRange = {};
  let any = false;
  for (const suffix of ['gt', 'gte', 'lt', 'lte', 'eq', ''] as const) {
    const key = suffix ? `${name}[${suffix}]` : name;
    const value = query[key];
    if (value === undefined) continue;
    const n =
      typeof value === 'number'
        ? value
        : typeof value === 'string' && value.trim() !== ''
          ? Number(value)
          : Number.NaN;
    // at most what an amount can be (MAX_SAFE_INTEGER minor units at 4 decimals)
    if (!Number.isFinite(n) || n < 0 || n > 1e11)
      throw invalidParameter(key, `'${key}' must be an amount, such as 10.50.`);
    any = true;
    if (suffix === 'eq' || suffix === '') {
      range.gte = n;
      range.lte = n;
    } else range[suffix] = n;
  }
  return any ? range : undefined;
}

/** DR's filters common to checkouts and orders, read from a list query. */
export function sharedFiltersOf(query: Query): SharedFilters {
  const text = (name: string) => query[name] as string | undefined;
  return {
    ids: listOf(query, 'ids'),
    upstreamIds: listOf(query, 'upstreamIds'),
    customerId: text('customerId'),
    email: text('email'),
    currency: text('currency'),
    applicationId: text('applicationId'),
    locale: text('locale'),
    chargeType: text('chargeType'),
    customerType: text('customerType'),
    browserIp: text('browserIp'),
    createdTime: timeRangeOf(query, 'createdTime'),
    updatedTime: timeRangeOf(query, 'updatedTime'),
    subscriptionId: text('subscriptionId'),
    totalAmount: majorRangeOf(query, 'totalAmount'),
  };
}
