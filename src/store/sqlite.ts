import { AsyncResource } from 'node:async_hooks';
import { type FileHandle, open } from 'node:fs/promises';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import type { SecretBox } from '../lib/secret-box.js';
import { ambientTx, asTransaction, detached, nestedTransaction, runScoped } from './ambient.js';
import { isRetryable, StorageWatch, StoreClosedError, translateDbError } from './db-errors.js';
import { migrate } from './migrate.js';
import type { HotStatements } from './repos/base.js';
import { pause, retryPauseMs, TRANSACTION_ATTEMPTS_MAX } from './retry.js';
import type { Database } from './schema.js';
import { startUp } from './startup.js';
import { type Store, Tx } from './store.js';

/** How long a writer waits for another process's write lock before failing. */
const BUSY_TIMEOUT_MS = 5_000;

/**
 * Where a commit is made durable before it is answered:
 * - `thread-pool` (the default): synchronous=NORMAL, so COMMIT only writes the WAL; then an
 *   fdatasync of the WAL file on libuv's thread pool, while the next group runs. Answers (and
 *   reads that could see the commit) wait for it. A failed sync is fatal.
 * - `in-commit`: synchronous=FULL, SQLite syncs inside COMMIT, on the event loop.
 * Either way nobody is answered before their writes are durable.
 */
export type CommitSync = 'thread-pool' | 'in-commit';

export interface SqliteStoreOptions {
  path: string;
  commitSync?: CommitSync | undefined;
  /** the sync of the WAL file (tests wrap it to watch what waits for it) */
  datasync?: ((wal: FileHandle) => Promise<void>) | undefined;
  /** a failed sync of the WAL: the process cannot know what is durable (default: exits) */
  onSyncFailure?: ((error: unknown) => void) | undefined;
  /** seals webhook secrets at rest */
  secrets: SecretBox;
  /** how long a writer waits for another process's write lock, each attempt (tests shorten it) */
  busyTimeoutMs?: number;
  /** told each statement's text when it is first prepared (tests check their query plans) */
  onPrepare?: ((text: string) => void) | undefined;
  /** told when the disk fills up (writes refused) and when a write succeeds again */
  onStorageChange?: ((full: boolean) => void) | undefined;
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

/** The hot statements of a connection, through the same cache as Kysely's (repos/base.ts). */
function hotStatements(cached: ReturnType<typeof withStatementCache>): HotStatements {
  return {
    get: <R>(text: string, params: readonly unknown[]) =>
      cached.prepare(text).get(...params) as R | undefined,
    all: <R>(text: string, params: readonly unknown[]) => cached.prepare(text).all(...params) as R[],
    run: (text: string, params: readonly unknown[]) => ({
      changes: cached.prepare(text).run(...params).changes,
    }),
  };
}

/** A sync of the WAL failed: what was committed may not be on disk, and nobody may be told it is. */
function exitOnSyncFailure(error: unknown): void {
  process.stderr.write(`tributary: syncing the SQLite WAL failed, stopping: ${String(error)}\n`);
  process.exit(70);
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
  private readonly hotWriter: HotStatements;
  private readonly hotReader: HotStatements;
  /** commit-sync `thread-pool`: groups committed, and how many of them are durable */
  private committed = 0;
  private synced = 0;
  private syncing = false;
  private wal: FileHandle | undefined;
  private syncFailure: unknown;
  private readonly durableWaiters: { through: number; resolve: () => void; reject: (e: unknown) => void }[] =
    [];
  /** whether the disk under the file is full, as the last write found it */
  readonly storage: StorageWatch;
  /** closed (or closing): new transactions and reads are refused */
  private closed = false;
  private closing: Promise<void> | undefined;
  /** resolved when the writer has nothing queued or running (close waits for it) */
  private readonly idleWaiters: (() => void)[] = [];

  private constructor(
    readonly raw: BetterSqlite3.Database,
    reader: BetterSqlite3.Database,
    private readonly box: SecretBox,
    onPrepare: ((text: string) => void) | undefined,
    private readonly path: string,
    private readonly commitSync: CommitSync,
    private readonly datasync: (wal: FileHandle) => Promise<void>,
    private readonly onSyncFailure: (error: unknown) => void,
    onStorageChange: ((full: boolean) => void) | undefined,
  ) {
    this.storage = new StorageWatch(onStorageChange);
    const writer = withStatementCache(raw, onPrepare);
    const readerCache = withStatementCache(reader, onPrepare);
    this.hotWriter = hotStatements(writer);
    this.hotReader = hotStatements(readerCache);
    this.db = new Kysely<Database>({ dialect: new SqliteDialect({ database: writer }) });
    this.readDb = new Kysely<Database>({ dialect: new SqliteDialect({ database: readerCache }) });
  }

  static async open(options: SqliteStoreOptions): Promise<SqliteStore> {
    const raw = new BetterSqlite3(options.path);
    const busyTimeout = options.busyTimeoutMs ?? BUSY_TIMEOUT_MS;
    raw.pragma(`busy_timeout = ${busyTimeout}`);
    raw.pragma('journal_mode = WAL');
    const commitSync = options.commitSync ?? 'thread-pool';
    raw.pragma(`synchronous = ${commitSync === 'thread-pool' ? 'NORMAL' : 'FULL'}`);
    raw.pragma('foreign_keys = ON');
    const reader = new BetterSqlite3(options.path);
    reader.pragma(`busy_timeout = ${busyTimeout}`);
    reader.pragma('query_only = ON');
    const store = new SqliteStore(
      raw,
      reader,
      options.secrets,
      options.onPrepare,
      options.path,
      commitSync,
      options.datasync ?? ((wal) => wal.datasync()),
      options.onSyncFailure ?? exitOnSyncFailure,
      options.onStorageChange,
    );
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
    // after close nothing is queued: a caller (a background job finishing late) is told at once
    if (this.closed) return Promise.reject(new StoreClosedError());
    return new Promise<T>((resolve, reject) => {
      // the work runs in its caller's async context, whichever request started the group
      this.queue.push({
        work: AsyncResource.bind((tx: Tx) => asTransaction(() => work(tx))) as (tx: Tx) => Promise<unknown>,
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
    } catch (error) {
      // the connection itself failed (runGroup settles its own units' failures): every waiting
      // transaction is told, rather than tried again at once without end
      for (const unit of this.queue.splice(0)) this.fail(unit, error);
    } finally {
      this.running = false;
      this.groupsEndedAt = performance.now();
      if (this.queue.length > 0) {
        // a transaction queued while the last group finished: on the next turn of the event
        // loop, so that timers and I/O always run between runs
        this.running = true;
        detached(() => setImmediate(() => void this.runGroups()));
      } else for (const idle of this.idleWaiters.splice(0)) idle();
    }
  }

  /** A unit failed: the caller gets the translated error; a full disk is noted (said once). */
  private fail(unit: Unit, error: unknown): void {
    this.storage.failed(error);
    unit.reject(translateDbError(error));
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
      const unit = this.queue.shift();
      if (unit) this.fail(unit, error);
      return;
    }
    const tx = new Tx(conn, 'sqlite', this.box, this.hotWriter);
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
          this.fail(unit, error);
        } catch (rollbackError) {
          // SQLite ended the whole transaction: nothing of this group survives
          this.fail(unit, error);
          broken = rollbackError;
          break;
        }
      }
    }
    if (broken === undefined) {
      try {
        await sql`COMMIT`.execute(conn);
      } catch (error) {
        broken = error;
      }
    }
    if (broken === undefined) {
      this.storage.wrote();
      if (this.commitSync === 'in-commit') {
        for (const { unit, value } of done) unit.resolve(value);
        return;
      }
      // answered once the WAL is synced; the next group runs meanwhile
      this.committed += 1;
      this.durable(this.committed).then(
        () => {
          for (const { unit, value } of done) unit.resolve(value);
        },
        (error: unknown) => {
          for (const { unit } of done) unit.reject(error);
        },
      );
      return;
    }
    await sql`ROLLBACK`.execute(conn).catch(() => undefined);
    for (const { unit } of done) this.fail(unit, broken);
  }

  async scoped<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    if (ambientTx(this)) throw new Error('scoped transactions do not nest');
    return this.transaction((tx) => runScoped(this, tx, work));
  }

  async read<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    const ambient = ambientTx(this);
    if (ambient) return work(ambient.tx);
    if (this.closed) throw new StoreClosedError();
    // what it may see is answered only once durable: a commit not synced yet could be lost
    const through = this.committed;
    const value = await this.readDb
      .connection()
      .execute((conn) => work(new Tx(conn, 'sqlite', this.box, this.hotReader)));
    await this.durable(through);
    return value;
  }

  /** Resolves once the first `through` committed groups are durable (their WAL frames synced). */
  private durable(through: number): Promise<void> {
    if (this.syncFailure !== undefined) return Promise.reject(this.syncFailure);
    if (this.synced >= through) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.durableWaiters.push({ through, resolve, reject });
      if (!this.syncing) void this.syncWal();
    });
  }

  /**
   * Syncs the WAL file until every waiter is served: each fdatasync covers every group committed
   * before it started (COMMIT had written their frames), so one sync serves them all.
   */
  private async syncWal(): Promise<void> {
    this.syncing = true;
    try {
      while (this.durableWaiters.length > 0) {
        const target = this.committed;
        this.wal ??= await open(`${this.path}-wal`, 'r');
        await this.datasync(this.wal);
        this.synced = target;
        const waiting = this.durableWaiters.splice(0);
        for (const w of waiting) {
          if (w.through <= this.synced) w.resolve();
          else this.durableWaiters.push(w);
        }
      }
    } catch (error) {
      this.syncFailure = error;
      for (const w of this.durableWaiters.splice(0)) w.reject(error);
      this.onSyncFailure(error);
    } finally {
      this.syncing = false;
    }
  }

  /** One process has the file: it leads everything (until it closes the file). */
  async leads(): Promise<boolean> {
    return !this.closed;
  }

  /**
   * Refuses new transactions and reads at once, lets the ones already queued finish (their
   * callers are answered), waits for the last commit's sync, then closes the files. Called twice,
   * both wait for the same close.
   */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.closed = true;
      if (this.running || this.queue.length > 0)
        await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
      await this.durable(this.committed).catch(() => undefined);
      await this.readDb.destroy();
      await this.db.destroy();
      await this.wal?.close();
    })();
    return this.closing;
  }
}
