import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { SecretBox } from '../lib/secret-box.js';
import { ambientTx, nestedTransaction, runScoped } from './ambient.js';
import { isRetryable, translateDbError } from './db-errors.js';
import { migrate } from './migrate.js';
import { pause, retryPauseMs, TRANSACTION_ATTEMPTS_MAX } from './retry.js';
import type { Database } from './schema.js';
import { startUp } from './startup.js';
import { type Store, Tx } from './store.js';

const POOL_SIZE_DEFAULT = 16;
const STATEMENT_TIMEOUT_MS = 10_000;

export interface PostgresStoreOptions {
  connectionString: string;
  poolSize?: number;
  /** a schema to work in (created if missing): lets tests share one database */
  schema?: string;
  /** seals webhook secrets at rest */
  secrets: SecretBox;
}

// int8 columns (money, timestamps) come back as strings by default; they are safe integers here
const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === pg.types.builtins.INT8) return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format);
  },
};

/**
 * PostgreSQL: the store for several stateless API processes. Transactions run at READ COMMITTED;
 * services lock the rows they change (SELECT … FOR UPDATE).
 */
export class PostgresStore implements Store {
  readonly dialect = 'postgres' as const;

  private constructor(
    private readonly db: Kysely<Database>,
    readonly pool: pg.Pool,
    private readonly box: SecretBox,
  ) {}

  static async open(options: PostgresStoreOptions): Promise<PostgresStore> {
    const schemaOption = options.schema ? ` -c search_path=${options.schema}` : '';
    const pool = new pg.Pool({
      connectionString: options.connectionString,
      max: options.poolSize ?? POOL_SIZE_DEFAULT,
      types,
      options: `-c statement_timeout=${STATEMENT_TIMEOUT_MS}${schemaOption}`,
    });
    if (options.schema) {
      if (!/^[a-z_][a-z0-9_]*$/.test(options.schema)) throw new Error(`bad schema name ${options.schema}`);
      await pool.query(`CREATE SCHEMA IF NOT EXISTS ${options.schema}`);
    }
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    await migrate(db, 'postgres', Date.now);
    const store = new PostgresStore(db, pool, options.secrets);
    try {
      await store.transaction((tx) => startUp(tx, options.secrets));
    } catch (error) {
      await store.close();
      throw error;
    }
    return store;
  }

  async transaction<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    const ambient = ambientTx(this);
    if (ambient) return nestedTransaction(ambient, work);
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.db.transaction().execute((trx) => work(new Tx(trx, 'postgres', this.box)));
      } catch (error) {
        if (!isRetryable(error) || attempt >= TRANSACTION_ATTEMPTS_MAX) throw translateDbError(error);
        await pause(retryPauseMs(attempt));
      }
    }
  }

  async scoped<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    if (ambientTx(this)) throw new Error('scoped transactions do not nest');
    return this.transaction((tx) => runScoped(this, tx, work));
  }

  async read<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    const ambient = ambientTx(this);
    if (ambient) return work(ambient.tx);
    return work(new Tx(this.db, 'postgres', this.box));
  }

  async close(): Promise<void> {
    await this.db.destroy();
  }
}
