import type { StoreConfig } from '../config.js';
import { PostgresStore } from './postgres.js';
import { SqliteStore } from './sqlite.js';
import type { Store } from './store.js';

/** Opens (and migrates) the configured store. */
export async function openStore(config: StoreConfig): Promise<Store> {
  return config.databaseUrl
    ? PostgresStore.open({ connectionString: config.databaseUrl })
    : SqliteStore.open({ path: config.dbPath });
}
