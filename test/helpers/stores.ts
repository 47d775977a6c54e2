import { randomBytes } from 'node:crypto';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { SecretBox } from '../../src/lib/secret-box.js';
import { PostgresStore } from '../../src/store/postgres.js';
import { SqliteStore, type SqliteStoreOptions } from '../../src/store/sqlite.js';
import type { Store } from '../../src/store/store.js';
import { removeDir, tempDir } from './harness.js';

/**
 * The stores a suite runs on. `npm test` (scripts/test.js) probes PostgreSQL and sets
 * TRIBUTARY_TEST_STORES; run alone, a test file uses SQLite only unless told otherwise.
 */
export type StoreKind = 'sqlite' | 'postgres';

export const TEST_DATABASE_URL =
  process.env['TRIBUTARY_TEST_DATABASE_URL'] ??
  `postgres://${process.env['PGUSER'] ?? userInfo().username}@127.0.0.1:5432/test`;

export function storeKinds(): StoreKind[] {
  const wanted = (process.env['TRIBUTARY_TEST_STORES'] ?? 'sqlite').split(',').map((s) => s.trim());
  return wanted.filter((k): k is StoreKind => k === 'sqlite' || k === 'postgres');
}

export interface TestStore {
  store: Store;
  kind: StoreKind;
  /** closes the store and removes its file or schema */
  destroy(): Promise<void>;
}

/** A fresh, empty store: a temp SQLite file (not :memory:), or a new PostgreSQL schema. */
export async function openTestStore(
  kind: StoreKind,
  sqlite: Pick<SqliteStoreOptions, 'onPrepare' | 'busyTimeoutMs'> = {},
): Promise<TestStore> {
  if (kind === 'sqlite') {
    const dir = tempDir('test');
    const store = await SqliteStore.open({
      path: join(dir, 'test.db'),
      secrets: SecretBox.random(),
      ...sqlite,
    });
    return {
      store,
      kind,
      destroy: async () => {
        await store.close();
        removeDir(dir);
      },
    };
  }
  const schema = `t_${process.pid}_${randomBytes(6).toString('hex')}`;
  const store = await PostgresStore.open({
    connectionString: TEST_DATABASE_URL,
    schema,
    poolSize: 8,
    secrets: SecretBox.random(),
  });
  return {
    store,
    kind,
    destroy: async () => {
      await store.close();
      const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await client.connect();
      try {
        await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      } finally {
        await client.end();
      }
    },
  };
}
