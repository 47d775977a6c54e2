import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { StoreConfig } from '../config.js';
import { SecretBox } from '../lib/secret-box.js';
import { PostgresStore } from './postgres.js';
import { SqliteStore } from './sqlite.js';
import type { Store } from './store.js';

/**
 * The key that seals secrets at rest: TRIBUTARY_ENCRYPTION_KEY, else the key file (made, mode
 * 0600, on first use). Several PostgreSQL processes must share one key: set the variable.
 */
export function secretBox(config: StoreConfig): SecretBox {
  if (config.encryptionKey)
    return new SecretBox(SecretBox.parseKey(config.encryptionKey, 'TRIBUTARY_ENCRYPTION_KEY'));
  if (!existsSync(config.keyFile)) {
    try {
      writeFileSync(config.keyFile, `${SecretBox.newKeyText()}\n`, { mode: 0o600, flag: 'wx' });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  return new SecretBox(SecretBox.parseKey(readFileSync(config.keyFile, 'utf8'), config.keyFile));
}

/** Opens (and migrates) the configured store. */
export async function openStore(config: StoreConfig): Promise<Store> {
  const secrets = secretBox(config);
  return config.databaseUrl
    ? PostgresStore.open({ connectionString: config.databaseUrl, secrets })
    : SqliteStore.open({ path: config.dbPath, secrets });
}
