import type { Kysely } from 'kysely';
import type { Dialect } from '../migrations/index.js';
import type { Database } from '../schema.js';

/**
 * A repository works inside one transaction (or on the pool for plain reads). `lock` asks for
 * the row to be held until commit: `FOR UPDATE` on PostgreSQL; on SQLite the whole write
 * transaction already holds the database (BEGIN IMMEDIATE).
 */
export abstract class Repo {
  /**
   * SQLite: the hot statements' way around the query builder (set by the Tx). A few statements
   * every request runs are written as SQL text here, prepared once per connection and kept.
   */
  hot: HotStatements | undefined;

  constructor(
    protected readonly db: Kysely<Database>,
    protected readonly dialect: Dialect,
  ) {}

  protected get locks(): boolean {
    return this.dialect === 'postgres';
  }

  /** The list position of an object, for pagination cursors. */
  protected async seqOf(table: ListedTable, accountId: string, id: string): Promise<number | undefined> {
    const row = await this.db
      .selectFrom(table as 'skus')
      .select('seq')
      .where('account_id', '=', accountId)
      .where('id', '=', id)
      .executeTakeFirst();
    return row?.seq;
  }
}

/** Statements on the transaction's own SQLite connection, prepared once and kept (store/sqlite.ts). */
export interface HotStatements {
  get<R>(text: string, params: readonly unknown[]): R | undefined;
  all<R>(text: string, params: readonly unknown[]): R[];
  run(text: string, params: readonly unknown[]): { changes: number };
}

/** `?, ?, ?` */
export const placeholders = (n: number): string => Array.from({ length: n }, () => '?').join(', ');

type ListedTable =
  | 'skus'
  | 'customers'
  | 'sources'
  | 'checkouts'
  | 'orders'
  | 'events'
  | 'webhooks'
  | 'tax_identifiers'
  | 'files'
  | 'file_links'
  | 'request_log';

/**
 * Rows per INSERT: SQLite binds at most 32,766 values per statement, PostgreSQL 65,535; batches
 * of this many rows of up to 16 columns stay well below both.
 */
export const INSERT_ROWS_MAX = 500;

/** Ids in one `IN (…)` list (well under SQLite's 32,766 bound variables). */
const IDS_PER_QUERY = 1_000;

export function chunks<T>(rows: readonly T[], size = INSERT_ROWS_MAX): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size));
  return out;
}

/**
 * Runs `query` for (account, id) pairs grouped by account, in batches of ids, so that each
 * lookup uses an (account_id, id) index.
 */
export async function eachAccountBatch(
  pairs: readonly { accountId: string; id: string }[],
  query: (accountId: string, ids: string[]) => Promise<void>,
): Promise<void> {
  const grouped = new Map<string, Set<string>>();
  for (const { accountId, id } of pairs) {
    const ids = grouped.get(accountId) ?? new Set<string>();
    ids.add(id);
    grouped.set(accountId, ids);
  }
  for (const [accountId, ids] of grouped) {
    for (const batch of chunks([...ids], IDS_PER_QUERY)) await query(accountId, batch);
  }
}

export interface ReadOptions {
  lock?: boolean;
}
