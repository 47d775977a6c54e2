import { AsyncResource } from 'node:async_hooks';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import type { SecretBox } from '../lib/secret-box.js';
import { ambientTx, detached, nestedTransaction, runScoped } from './ambient.js';
import { isRetryable, translateDbError } from './db-errors.js';
import { migrate } from './migrate.js';
import { pause, retryPauseMs, TRANSACTION_ATTEMPTS_MAX } from './retry.js';
import type { Database } from './schema.js';
import { startUp } from './startup.js';
import { type Store, Tx } from './store.js';

/** How long a writer waits for another process's write lock before failing. */
const BUSY_TIMEOUT_MS = 5_000;

export interface SqliteStoreOptions {
  path: string;
  /** synchronous=FULL unless told otherwise: an acknowledged write survives power loss */
  synchronous?: 'FULL' | 'NORMAL';
  /** seals webhook secrets at rest */
  secrets: SecretBox;
  /** how long a writer waits for another process's write lock, each attempt (tests shorten it) */
  busyTimeoutMs?: number;
  /** told each statement's text when it is first prepared (tests check their query plans) */
  onPrepare?: ((text: string) => void) | undefined;
}

/** Statements kept prepared, per connection (Kysely would prepare each one on every use). */
const STATEMENT_CACHE_MAX = 1_000;
/** A group commit takes at most this many transactions… */
const GROUP_TRANSACTIONS_MAX = 64;
/** …and stops taking more after this long, so that the first one is not kept waiting. */
const GROUP_WINDOW_MS = 10;
/** A transaction arriving this long after the writer's last group starts at once. */
const IDLE_WRITER_MS = 1;

/** better-sqlite3 with its statements cached (the shape Kysely's SqliteDialect expects). */
function withStatementCache(raw: BetterSqlite3.Database, onPrepare?: (text: string) => void) {
  const cache = new Map<string, BetterSqlite3.Statement>();
  return {
    close: () => raw.close(),
    prepare: (text: string) => {
      let statement = cache.get(text);
      if (!statement) {
        if (cache.size >= STATEMENT_CACHE_MAX) cache.clear();
        statement = raw.prepare(text);
        cache.set(text, statement);
        onPrepare?.(text);
      }
      return statement;
    },
  };
}

interface Unit {
  work: (tx: Tx) => Promise<unknown>;
  /** the times a group started with this unit first could not have the write lock */
  busy: number;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/**
 * The embedded store: one SQLite file in WAL mode with synchronous=FULL.
 *
 * Writes use group commit: transactions that arrive while others run are queued, and one
 * `BEGIN IMMEDIATE … COMMIT` runs a group of them one after another, each inside its own
 * savepoint. A transaction that fails is rolled back to its savepoint alone (its caller gets the
 * error at once); the others resolve only after the group's COMMIT (and its fsync) returned, so
 * nobody is answered before their writes are durable, and many share one fsync.
 *
 * Reads use a second connection: they see what has committed and never wait for a group.
 */
export class SqliteStore implements Store {
  readonly dialect = 'sqlite' as const;
  private readonly db: Kysely<Database>;
  private readonly readDb: Kysely<Database>;
  private readonly queue: Unit[] = [];
  private running = false;
  /** when the last run of groups ended (performance.now()) */
  private groupsEndedAt = 0;

  private constructor(
    readonly raw: BetterSqlite3.Database,
    reader: BetterSqlite3.Database,
    private readonly box: SecretBox,
    onPrepare?: (text: string) => void,
  ) {
    this.db = new Kysely<Database>({
      dialect: new SqliteDialect({ database: withStatementCache(raw, onPrepare) }),
    });
    this.readDb = new Kysely<Database>({
      dialect: new SqliteDialect({ database: withStatementCache(reader, onPrepare) }),
    });
  }

  static async open(options: SqliteStoreOptions): Promise<SqliteStore> {
    const raw = new BetterSqlite3(options.path);
    const busyTimeout = options.busyTimeoutMs ?? BUSY_TIMEOUT_MS;
    raw.pragma(`busy_timeout = ${busyTimeout}`);
    raw.pragma('journal_mode = WAL');
    raw.pragma(`synchronous = ${options.synchronous ?? 'FULL'}`);
    raw.pragma('foreign_keys = ON');
    const reader = new BetterSqlite3(options.path);
    reader.pragma(`busy_timeout = ${busyTimeout}`);
    reader.pragma('query_only = ON');
    const store = new SqliteStore(raw, reader, options.secrets, options.onPrepare);
    await migrate(store.db, 'sqlite', Date.now);
    try {
      await store.transaction((tx) => startUp(tx, options.secrets));
    } catch (error) {
      await store.close();
      throw error;
    }
    return store;
  }

  transaction<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    const ambient = ambientTx(this);
    if (ambient) return nestedTransaction(ambient, work);
    return new Promise<T>((resolve, reject) => {
      // the work runs in its caller's async context, whichever request started the group
      this.queue.push({
        work: AsyncResource.bind(work) as (tx: Tx) => Promise<unknown>,
        busy: 0,
        resolve: resolve as (value: unknown) => void,
        reject,
      });
      if (!this.running) {
        this.running = true;
        // under load, a millisecond later: the requests that arrive meanwhile queue their
        // transactions too, and the group they form shares one fsync (measured: setImmediate
        // groups ~5, 645 req/s; 1 ms, 750 req/s on the lifecycle). When the writer has been idle
        // since its last group (one client's requests in turn, as in a test suite), at once.
        const start = () => void this.runGroups();
        const idle = performance.now() - this.groupsEndedAt >= IDLE_WRITER_MS;
        detached(() => (idle ? setImmediate(start) : setTimeout(start, 1)));
      }
    });
  }

  private async runGroups(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        await this.db.connection().execute((conn) => this.runGroup(conn));
        if (this.queue.length > 0) await new Promise((resolve) => setTimeout(resolve, 1));
      }
    } finally {
      this.running = false;
      this.groupsEndedAt = performance.now();
      // a transaction queued while the last group finished
      if (this.queue.length > 0) {
        this.running = true;
        void this.runGroups();
      }
    }
  }

  private async runGroup(conn: Kysely<Database>): Promise<void> {
    const done: { unit: Unit; value: unknown }[] = [];
    const started = Date.now();
    try {
      await sql`BEGIN IMMEDIATE`.execute(conn);
    } catch (error) {
      // the write lock could not be had: another process held it past the busy timeout. The
      // group tries again after a pause; after TRANSACTION_ATTEMPTS_MAX tries its first unit fails.
      const head = this.queue[0] as Unit;
      head.busy += 1;
      if (isRetryable(error) && head.busy < TRANSACTION_ATTEMPTS_MAX) {
        await pause(retryPauseMs(head.busy));
        return;
      }
      this.queue.shift()?.reject(translateDbError(error));
      return;
    }
    const tx = new Tx(conn, 'sqlite', this.box);
    let broken: unknown;
    while (
      this.queue.length > 0 &&
      done.length < GROUP_TRANSACTIONS_MAX &&
      (done.length === 0 || Date.now() - started < GROUP_WINDOW_MS)
    ) {
      const unit = this.queue.shift() as Unit;
      await sql`SAVEPOINT tributary_unit`.execute(conn);
      try {
        const value = await unit.work(tx);
        await sql`RELEASE tributary_unit`.execute(conn);
        done.push({ unit, value });
      } catch (error) {
        try {
          await sql`ROLLBACK TO tributary_unit`.execute(conn);
          await sql`RELEASE tributary_unit`.execute(conn);
          unit.reject(translateDbError(error));
        } catch (rollbackError) {
          // SQLite ended the whole transaction: nothing of this group survives
          unit.reject(translateDbError(error));
          broken = rollbackError;
          break;
        }
      }
    }
    if (broken === undefined) {
      try {
        await sql`COMMIT`.execute(conn);
        for (const { unit, value } of done) unit.resolve(value);
        return;
      } catch (error) {
        broken = error;
      }
    }
    await sql`ROLLBACK`.execute(conn).catch(() => undefined);
    for (const { unit } of done) unit.reject(translateDbError(broken));
  }

  async scoped<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    if (ambientTx(this)) throw new Error('scoped transactions do not nest');
    return this.transaction((tx) => runScoped(this, tx, work));
  }

  async read<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    const ambient = ambientTx(this);
    if (ambient) return work(ambient.tx);
    return this.readDb.connection().execute((conn) => work(new Tx(conn, 'sqlite', this.box)));
  }

  /** One process has the file: it leads everything. */
  async leads(): Promise<boolean> {
    return true;
  }

  async close(): Promise<void> {
    await this.readDb.destroy();
    await this.db.destroy();
  }
}
