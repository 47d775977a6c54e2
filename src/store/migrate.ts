import { type Kysely, sql } from 'kysely';
import { type Dialect, MIGRATIONS, renderStatement } from './migrations/index.js';
import type { Database } from './schema.js';

/** PostgreSQL's advisory lock of migrations and of the start-up work after them (startup.ts). */
const STARTUP_LOCK_KEY = 7_301_946_113;

/** Takes the start-up lock until the transaction of `db` ends (PostgreSQL; SQLite needs none). */
export async function lockStartup(db: Kysely<Database>, dialect: Dialect): Promise<void> {
  if (dialect === 'postgres') await sql`SELECT pg_advisory_xact_lock(${STARTUP_LOCK_KEY})`.execute(db);
}

/**
 * Applies the migrations not yet applied, each in its own transaction, in order. On PostgreSQL an
 * advisory lock keeps two starting processes from migrating at once; on SQLite the write lock of
 * the first statement does.
 */
export async function migrate(
  db: Kysely<Database>,
  dialect: Dialect,
  now: () => number,
  /** the last version to apply (a test of a migration builds the database before it) */
  through = Number.POSITIVE_INFINITY,
): Promise<number[]> {
  // under the lock too: two CREATE TABLE IF NOT EXISTS at once collide in PostgreSQL's catalog
  await db.transaction().execute(async (trx) => {
    await lockStartup(trx, dialect);
    await sql
      .raw(
        'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)',
      )
      .execute(trx);
  });
  const applied: number[] = [];
  for (const migration of MIGRATIONS) {
    if (migration.version > through) break;
    const done = await db.transaction().execute(async (trx) => {
      await lockStartup(trx, dialect);
      const existing = await trx
        .selectFrom('schema_migrations')
        .select('version')
        .where('version', '=', migration.version)
        .executeTakeFirst();
      if (existing) return false;
      for (const statement of migration.statements) {
        await sql.raw(renderStatement(statement, dialect)).execute(trx);
      }
      await migration.run?.(trx as unknown as Kysely<unknown>, dialect);
      await trx
        .insertInto('schema_migrations')
        .values({ version: migration.version, name: migration.name, applied_at: now() })
        .execute();
      return true;
    });
    if (done) applied.push(migration.version);
  }
  return applied;
}
