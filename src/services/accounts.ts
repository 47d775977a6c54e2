import { createHash, timingSafeEqual } from 'node:crypto';
import { AppError } from '../domain/errors.js';
import { type ApiVersion, LATEST_API_VERSION } from '../domain/versions.js';
import { newAccountId, newApiKey, newApiKeyId } from '../lib/ids.js';
import type { AccountRecord, ApiKeyRecord, ChargebackRiskPolicy } from '../store/records.js';
import type { Store, Tx } from '../store/store.js';

/**
 * Accounts and their API keys. Keys are stored as SHA-256 hashes; the plaintext is shown once,
 * when the key is made (or pinned through TRIBUTARY_SECRET_KEY / TRIBUTARY_PUBLIC_KEY).
 */

export const KEY_PATTERN = /^(sk|pk)_test_[A-Za-z0-9_-]{8,200}$/;

export interface KeyPair {
  secretKey: string;
  publicKey: string;
}

/**
 * How an API key is stored: its SHA-256, base64url (hex digests hold long runs of decimal digits
 * that a scan for card numbers would flag; earlier hex hashes are converted when a store opens).
 */
export function hashKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('base64url');
}

function keyRecord(accountId: string, key: string, now: number): ApiKeyRecord {
  return {
    id: newApiKeyId(),
    accountId,
    kind: key.startsWith('sk_') ? 'secret' : 'public',
    keyHash: hashKey(key),
    keyHint: key.slice(-4),
    createdAt: now,
  };
}

async function insertAccount(tx: Tx, name: string, now: number): Promise<AccountRecord> {
  const account: AccountRecord = {
    id: newAccountId(),
    name,
    clockOffsetMs: 0,
    chargebackRiskPolicy: 'tolerant',
    taxRates: null,
    apiVersion: LATEST_API_VERSION,
    createdAt: now,
    updatedAt: now,
  };
  await tx.accounts.insert(account);
  return account;
}

export async function createKeyPair(
  tx: Tx,
  accountId: string,
  now: number,
  pinned: Partial<KeyPair> = {},
): Promise<KeyPair> {
  const pair = {
    secretKey: pinned.secretKey ?? newApiKey('secret'),
    publicKey: pinned.publicKey ?? newApiKey('public'),
  };
  await tx.accounts.insertApiKey(keyRecord(accountId, pair.secretKey, now));
  await tx.accounts.insertApiKey(keyRecord(accountId, pair.publicKey, now));
  return pair;
}

export async function createAccount(
  store: Store,
  name: string,
  now: number,
): Promise<{ account: AccountRecord; keys: KeyPair }> {
  return store.transaction(async (tx) => {
    const account = await insertAccount(tx, name, now);
    return { account, keys: await createKeyPair(tx, account.id, now) };
  });
}

export interface BootstrapResult {
  account: AccountRecord;
  /** keys made now (shown once); pinned keys are included when they were added now */
  newKeys: Partial<KeyPair>;
  created: boolean;
}

/**
 * The first start makes a test account with a key pair. Keys pinned through the environment are
 * added to the first account when no account holds them yet.
 */
export async function bootstrapAccount(
  store: Store,
  pinned: Partial<KeyPair>,
  now: number,
): Promise<BootstrapResult> {
  for (const [name, key] of Object.entries(pinned)) {
    const expected = name === 'secretKey' ? 'sk_test_' : 'pk_test_';
    if (key !== undefined && (!KEY_PATTERN.test(key) || !key.startsWith(expected))) {
      throw new Error(
        `${name === 'secretKey' ? 'TRIBUTARY_SECRET_KEY' : 'TRIBUTARY_PUBLIC_KEY'} must look like ${expected}<8 or more letters, digits, _ or ->`,
      );
    }
  }
  return store.transaction(async (tx) => {
    // processes starting together on an empty database: one makes the account, the others
    // find it (and the pinned keys) made
    await tx.settings.lockStartup();
    const existing = await tx.accounts.first();
    if (!existing) {
      const account = await insertAccount(tx, 'Test account', now);
      const newKeys = await createKeyPair(tx, account.id, now, pinned);
      return { account, newKeys, created: true };
    }
    const newKeys: Partial<KeyPair> = {};
    for (const [name, key] of Object.entries(pinned) as [keyof KeyPair, string | undefined][]) {
      if (key === undefined || (await tx.accounts.apiKeyByHash(hashKey(key)))) continue;
      await tx.accounts.insertApiKey(keyRecord(existing.id, key, now));
      newKeys[name] = key;
    }
    return { account: existing, newKeys, created: false };
  });
}

/** Cache of key hash → key record: keys never change once made. */
const KEY_CACHE_MAX = 10_000;

export class Authenticator {
  private readonly keys = new Map<string, ApiKeyRecord>();

  constructor(private readonly store: Store) {}

  /** The account and key kind behind a presented key, or undefined. */
  async authenticate(
    presented: string,
  ): Promise<{ account: AccountRecord; keyKind: 'secret' | 'public' } | undefined> {
    if (!KEY_PATTERN.test(presented)) return undefined;
    const hash = hashKey(presented);
    let key = this.keys.get(hash);
    const account = await this.store.read(async (tx) => {
      if (!key) {
        key = await tx.accounts.apiKeyByHash(hash);
        if (!key) return undefined;
        if (this.keys.size >= KEY_CACHE_MAX) this.keys.clear();
        this.keys.set(hash, key);
      }
      return tx.accounts.get(key.accountId);
    });
    if (!key || !account) return undefined;
    // the lookup was by hash; compare once more in constant time before trusting it
    if (!timingSafeEqual(Buffer.from(key.keyHash, 'base64url'), Buffer.from(hash, 'base64url')))
      return undefined;
    return { account, keyKind: key.kind };
  }
}

export interface AccountSettings {
  chargebackRiskPolicy?: ChargebackRiskPolicy | undefined;
  taxRates?: Record<string, number> | null | undefined;
  apiVersion?: ApiVersion | undefined;
}

export async function updateAccountSettings(
  store: Store,
  accountId: string,
  settings: AccountSettings,
  now: number,
): Promise<AccountRecord> {
  return store.transaction(async (tx) => {
    const account = await tx.accounts.get(accountId, { lock: true });
    if (!account) throw new AppError('not_found', 'id', 'Account not found.');
    const next = {
      chargebackRiskPolicy: settings.chargebackRiskPolicy ?? account.chargebackRiskPolicy,
      taxRates: settings.taxRates === undefined ? account.taxRates : settings.taxRates,
      apiVersion: settings.apiVersion ?? account.apiVersion,
    };
    await tx.accounts.updateSettings(accountId, next, now);
    return { ...account, ...next, updatedAt: now };
  });
}
