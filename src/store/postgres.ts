import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { SecretBox } from '../lib/secret-box.js';
import { ambientTx, asTransaction, nestedTransaction, runScoped } from './ambient.js';
import { isRetryable, StorageWatch, StoreClosedError, translateDbError } from './db-errors.js';
import { migrate } from './migrate.js';
import { pause, retryPauseMs, TRANSACTION_ATTEMPTS_MAX } from './retry.js';
import type { Database } from './schema.js';
import { startUp } from './startup.js';
import { type BackgroundJob, type Store, Tx } from './store.js';

const POOL_SIZE_DEFAULT = 16;
const STATEMENT_TIMEOUT_MS = 10_000;
/** How often a process that does not lead a background job tries to take it over. */
const LEADERSHIP_RETRY_MS = 2_000;

export interface PostgresStoreOptions {
  connectionString: string;
  poolSize?: number;
  /** a schema to work in (created if missing): lets tests share one database */
  schema?: string;
  /** seals webhook secrets at rest */
  secrets: SecretBox;
  /** told when the server's disk fills up (writes refused) and when a write succeeds again */
  onStorageChange?: ((full: boolean) => void) | undefined;
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

  private readonly led = new Set<BackgroundJob>();
  private readonly triedAt = new Map<BackgroundJob, number>();
  /** the connection that holds the leadership locks (a promise: concurrent first calls share it) */
  private leader: Promise<pg.Client> | undefined;
  /** whether the server's disk is full, as the last write found it */
  readonly storage: StorageWatch;
  /** closed (or closing): new transactions and reads are refused */
  private closed = false;
  private closing: Promise<void> | undefined;
  /** transactions and reads under way (close waits for them before it ends the pool) */
  private active = 0;
  private readonly idleWaiters: (() => void)[] = [];

  private constructor(
    private readonly db: Kysely<Database>,
    readonly pool: pg.Pool,
    private readonly box: SecretBox,
    private readonly clientConfig: pg.ClientConfig,
    onStorageChange: ((full: boolean) => void) | undefined,
  ) {
    this.storage = new StorageWatch(onStorageChange);
  }

  static async open(options: PostgresStoreOptions): Promise<PostgresStore> {
    const schemaOption = options.schema ? ` -c search_path=${options.schema}` : '';
    const clientConfig: pg.ClientConfig = {
      connectionString: options.connectionString,
      types,
      options: `-c statement_timeout=${STATEMENT_TIMEOUT_MS}${schemaOption}`,
    };
    const pool = new pg.Pool({ ...clientConfig, max: options.poolSize ?? POOL_SIZE_DEFAULT });
    if (options.schema) {
      if (!/^[a-z_][a-z0-9_]*$/.test(options.schema)) throw new Error(`bad schema name ${options.schema}`);
      await pool.query(`CREATE SCHEMA IF NOT EXISTS ${options.schema}`);
    }
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    await migrate(db, 'postgres', Date.now);
    const store = new PostgresStore(db, pool, options.secrets, clientConfig, options.onStorageChange);
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
    return this.counted(() => this.attempts(work));
  }

  /** Runs `work` counted as under way (close waits for it). */
  private async counted<T>(work: () => Promise<T>): Promise<T> {
    if (this.closed) throw new StoreClosedError();
    this.active += 1;
    try {
      return await work();
    } finally {
      this.active -= 1;
      if (this.active === 0) for (const idle of this.idleWaiters.splice(0)) idle();
    }
  }

  private async attempts<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        const value = await this.db
          .transaction()
          .execute((trx) => asTransaction(() => work(new Tx(trx, 'postgres', this.box))));
        this.storage.wrote();
        return value;
      } catch (error) {
        if (!isRetryable(error) || attempt >= TRANSACTION_ATTEMPTS_MAX) {
          this.storage.failed(error);
          throw translateDbError(error);
        }
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
    return this.counted(() => work(new Tx(this.db, 'postgres', this.box)));
  }

  /**
   * Leadership of a background job: a session advisory lock (per schema and job) held on a
   * connection of its own, so that it lasts as long as this process (PostgreSQL releases it when
   * the process dies, and another takes over at its next try). A process that does not lead
   * tries again every LEADERSHIP_RETRY_MS.
   */
  async leads(job: BackgroundJob): Promise<boolean> {
    // a closed store leads nothing (and opens no connection for it)
    if (this.closed) return false;
    if (this.led.has(job)) return true;
    const now = performance.now();
    if (now - (this.triedAt.get(job) ?? Number.NEGATIVE_INFINITY) < LEADERSHIP_RETRY_MS) return false;
    this.triedAt.set(job, now);
    try {
      this.leader ??= this.leaderConnection();
      const { rows } = await (await this.leader).query<{ led: boolean }>(
        "SELECT pg_try_advisory_lock(hashtextextended(current_schema() || ':tributary:' || $1, 0)) AS led",
        [job],
      );
      if (rows[0]?.led === true) this.led.add(job);
    } catch {
      // no connection for it now: not the leader; try again later
    }
    return this.led.has(job);
  }

  private async leaderConnection(): Promise<pg.Client> {
    const client = new pg.Client(this.clientConfig);
    const connected = client.connect().then(() => client);
    const lost = () => {
      // the locks went with the connection
      this.led.clear();
      if (this.leader === connected) this.leader = undefined;
    };
    client.on('error', lost);
    client.on('end', lost);
    connected.catch(lost);
    return connected;
  }

  /**
   * Refuses new transactions and reads at once, waits for those under way, then ends the pool.
   * Called twice, both wait for the same close.
   */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.closed = true;
      if (this.active > 0) await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
      const leader = this.leader;
      this.leader = undefined;
      this.led.clear();
      await leader?.then((client) => client.end()).catch(() => undefined);
      await this.db.destroy();
    })();
    return this.closing;
  }
}
