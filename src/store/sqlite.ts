import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import type { SecretBox } from '../lib/secret-box.js';
import { ambientTx, nestedTransaction, runScoped } from './ambient.js';
import { translateDbError } from './db-errors.js';
import { migrate } from './migrate.js';
import type { Database } from './schema.js';
import { type Store, Tx } from './store.js';

/** How long a writer waits for another process's write lock before failing. */
const BUSY_TIMEOUT_MS = 5_000;

export interface SqliteStoreOptions {
  path: string;
  /** synchronous=FULL unless told otherwise: an acknowledged write survives power loss */
  synchronous?: 'FULL' | 'NORMAL';
  /** seals webhook secrets at rest */
  secrets: SecretBox;
}

/**
 * The embedded store: one SQLite file in WAL mode. better-sqlite3 is synchronous and Kysely holds
 * its single connection for the length of a transaction, so write transactions run one at a time
 * (BEGIN IMMEDIATE also takes the file's write lock against other processes, such as the CLI).
 */
export class SqliteStore implements Store {
  readonly dialect = 'sqlite' as const;
  private readonly db: Kysely<Database>;

  private constructor(
    readonly raw: BetterSqlite3.Database,
    private readonly box: SecretBox,
  ) {
    this.db = new Kysely<Database>({ dialect: new SqliteDialect({ database: raw }) });
  }

  static async open(options: SqliteStoreOptions): Promise<SqliteStore> {
    const raw = new BetterSqlite3(options.path);
    raw.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    raw.pragma('journal_mode = WAL');
    raw.pragma(`synchronous = ${options.synchronous ?? 'FULL'}`);
    raw.pragma('foreign_keys = ON');
    const store = new SqliteStore(raw, options.secrets);
    await migrate(store.db, 'sqlite', Date.now);
    await store.transaction((tx) => tx.webhooks.sealPlaintextSecrets());
    return store;
  }

  async transaction<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    const ambient = ambientTx(this);
    if (ambient) return nestedTransaction(ambient, work);
    return this.db.connection().execute(async (conn) => {
      await sql`BEGIN IMMEDIATE`.execute(conn);
      try {
        const result = await work(new Tx(conn, 'sqlite', this.box));
        await sql`COMMIT`.execute(conn);
        return result;
      } catch (error) {
        await sql`ROLLBACK`.execute(conn);
        throw translateDbError(error);
      }
    });
  }

  async scoped<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    if (ambientTx(this)) throw new Error('scoped transactions do not nest');
    return this.transaction((tx) => runScoped(this, tx, work));
  }

  async read<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    const ambient = ambientTx(this);
    if (ambient) return work(ambient.tx);
    return this.db.connection().execute((conn) => work(new Tx(conn, 'sqlite', this.box)));
  }

  async close(): Promise<void> {
    await this.db.destroy();
  }
}
