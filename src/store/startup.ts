import type { SecretBox } from '../lib/secret-box.js';
import type { Tx } from './store.js';

/**
 * What a store does once it is migrated, before it serves: under the start-up lock (on
 * PostgreSQL the migrations' advisory lock), so that processes starting together on one database
 * take turns. It checks that this process's encryption key is the one the stored secrets were
 * sealed with (a process with another key must not start: every webhook would fail), records
 * the key's check on the first start, seals secrets stored in plaintext by earlier versions and
 * converts hex key hashes.
 */

const KEY_CHECK = 'encryption_key_check';
const KEY_CHECK_TEXT = 'Tributary seals the secrets of this database with this key.';

export class WrongEncryptionKey extends Error {
  constructor(box: SecretBox) {
    super(
      `The encryption key from ${box.source} is not the key that sealed the secrets stored in this database: start Tributary with that key (in TRIBUTARY_ENCRYPTION_KEY, or in the file TRIBUTARY_KEY_FILE names), the same one for every process that uses this database.`,
    );
    this.name = 'WrongEncryptionKey';
  }
}

export async function startUp(tx: Tx, box: SecretBox): Promise<void> {
  await tx.settings.lockStartup();
  const recorded = await tx.settings.get(KEY_CHECK);
  // a database from before the key check was recorded: its sealed secrets tell
  const check = recorded ?? (await tx.webhooks.anySealedSecret());
  if (check !== undefined && !box.opens(check)) throw new WrongEncryptionKey(box);
  if (recorded === undefined) await tx.settings.put(KEY_CHECK, box.seal(KEY_CHECK_TEXT));
  await tx.webhooks.sealPlaintextSecrets();
  await tx.accounts.convertHexKeyHashes();
}
