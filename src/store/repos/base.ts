import type { Kysely } from 'kysely';
import type { Dialect } from '../migrations/index.js';
import type { Database } from '../schema.js';

/**
 * A repository works inside one transaction (or on the pool for plain reads). `lock` asks for
 * the row to be held until commit: `FOR UPDATE` on PostgreSQL; on SQLite the whole write
 * transaction already holds the database (BEGIN IMMEDIATE).
 */
export abstract class Repo {
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

type ListedTable =
  | 'skus'
  | 'customers'
  | 'sources'
  | 'checkouts'
  | 'orders'
  | 'charges'
  | 'events'
  | 'webhooks';

export interface ReadOptions {
  lock?: boolean;
}
