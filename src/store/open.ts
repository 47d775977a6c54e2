import { randomBytes } from 'node:crypto';
import { existsSync, linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { StoreConfig } from '../config.js';
import { SecretBox } from '../lib/secret-box.js';
import { PostgresStore } from './postgres.js';
import { SqliteStore } from './sqlite.js';
import type { Store } from './store.js';

/**
 * The key that seals secrets at rest: TRIBUTARY_ENCRYPTION_KEY, else the key file (made, mode
 * 0600, on first use, its directory too). Several PostgreSQL processes must share one key: set
 * the variable, or point TRIBUTARY_KEY_FILE at one file. The store refuses to open with a key
 * that is not the one its secrets were sealed with (store/startup.ts).
 */
export function secretBox(config: StoreConfig): SecretBox {
  if (config.encryptionKey)
    return new SecretBox(
      SecretBox.parseKey(config.encryptionKey, 'TRIBUTARY_ENCRYPTION_KEY'),
      'TRIBUTARY_ENCRYPTION_KEY',
    );
  if (!existsSync(config.keyFile)) {
    mkdirSync(dirname(config.keyFile), { recursive: true, mode: 0o700 });
    // written whole, then linked into place: a process starting at the same moment reads a
    // whole key (the first link wins; the others read it)
    const draft = `${config.keyFile}.${process.pid}.${randomBytes(4).toString('hex')}`;
    writeFileSync(draft, `${SecretBox.newKeyText()}\n`, { mode: 0o600, flag: 'wx' });
    try {
      linkSync(draft, config.keyFile);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    } finally {
      unlinkSync(draft);
    }
  }
  const source = `the key file ${config.keyFile}`;
  return new SecretBox(SecretBox.parseKey(readFileSync(config.keyFile, 'utf8'), source), source);
}

/** Opens (and migrates) the configured store. */
export async function openStore(
  config: StoreConfig,
  options: { onStorageChange?: (full: boolean) => void } = {},
): Promise<Store> {
  const secrets = secretBox(config);
  const { onStorageChange } = options;
  return config.databaseUrl
    ? PostgresStore.open({ connectionString: config.databaseUrl, secrets, onStorageChange })
    : SqliteStore.open({
        path: config.dbPath,
        secrets,
        commitSync: config.sqliteCommitSync,
        onStorageChange,
      });
}
