import type { Selectable } from 'kysely';
import { type ApiVersion, isApiVersion, LATEST_API_VERSION } from '../../domain/versions.js';
import { fromJsonOrNull, toJsonOrNull } from '../json.js';
import type { AccountRecord, ApiKeyRecord, ChargebackRiskPolicy } from '../records.js';
import type { AccountsTable, ApiKeysTable } from '../schema.js';
import { type ReadOptions, Repo } from './base.js';

const toAccount = (row: Selectable<AccountsTable>): AccountRecord => ({
  id: row.id,
  name: row.name,
  clockOffsetMs: row.clock_offset_ms,
  chargebackRiskPolicy: row.chargeback_risk_policy as ChargebackRiskPolicy,
  taxRates: fromJsonOrNull<Record<string, number>>(row.tax_rates),
  apiVersion: isApiVersion(row.api_version) ? row.api_version : LATEST_API_VERSION,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

const toApiKey = (row: Selectable<ApiKeysTable>): ApiKeyRecord => ({
  id: row.id,
  accountId: row.account_id,
  kind: row.kind as ApiKeyRecord['kind'],
  keyHash: row.key_hash,
  keyHint: row.key_hint,
  createdAt: row.created_at,
});

/** The tables that hold an account's objects (everything but the account and its keys). */
const ACCOUNT_DATA_TABLES = [
  'skus',
  'customers',
  'tax_identifiers',
  'files',
  'file_links',
  'sources',
  'checkouts',
  'checkout_sources',
  'orders',
  'order_parts',
  'charge_authorizations',
  'processor_intents',
  'tasks',
  'events',
  'webhooks',
  'deliveries',
  'delivery_attempts',
] as const;

export class AccountsRepo extends Repo {
  async insert(account: AccountRecord): Promise<void> {
    await this.db
      .insertInto('accounts')
      .values({
        id: account.id,
        name: account.name,
        clock_offset_ms: account.clockOffsetMs,
        chargeback_risk_policy: account.chargebackRiskPolicy,
        tax_rates: toJsonOrNull(account.taxRates),
        api_version: account.apiVersion,
        created_at: account.createdAt,
        updated_at: account.updatedAt,
      })
      .execute();
  }

  async get(id: string, options: ReadOptions = {}): Promise<AccountRecord | undefined> {
    if (this.hot) {
      // every request reads its account: a kept statement
      const hot = this.hot.get<Selectable<AccountsTable>>('SELECT * FROM accounts WHERE id = ?', [id]);
      return hot ? toAccount(hot) : undefined;
    }
    let q = this.db.selectFrom('accounts').selectAll().where('id', '=', id);
    if (options.lock && this.locks) q = q.forUpdate();
    const row = await q.executeTakeFirst();
    return row ? toAccount(row) : undefined;
  }

  async first(): Promise<AccountRecord | undefined> {
    const row = await this.db
      .selectFrom('accounts')
      .selectAll()
      .orderBy('created_at')
      .limit(1)
      .executeTakeFirst();
    return row ? toAccount(row) : undefined;
  }

  async count(): Promise<number> {
    const row = await this.db
      .selectFrom('accounts')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async updateSettings(
    id: string,
    settings: {
      chargebackRiskPolicy: ChargebackRiskPolicy;
      taxRates: Record<string, number> | null;
      apiVersion: ApiVersion;
    },
    now: number,
  ): Promise<void> {
    await this.db
      .updateTable('accounts')
      .set({
        chargeback_risk_policy: settings.chargebackRiskPolicy,
        tax_rates: toJsonOrNull(settings.taxRates),
        api_version: settings.apiVersion,
        updated_at: now,
      })
      .where('id', '=', id)
      .execute();
  }

  /** The clock only moves forward: the new offset is never below the current one. */
  async setClockOffset(id: string, offsetMs: number): Promise<void> {
    await this.db
      .updateTable('accounts')
      .set({ clock_offset_ms: offsetMs })
      .where('id', '=', id)
      .where('clock_offset_ms', '<=', offsetMs)
      .execute();
  }

  /** Every object of an account goes; the account, its keys and its settings stay. */
  async wipe(id: string): Promise<void> {
    for (const table of ACCOUNT_DATA_TABLES) {
      await this.db.deleteFrom(table).where('account_id', '=', id).execute();
    }
    await this.db.updateTable('accounts').set({ clock_offset_ms: 0 }).where('id', '=', id).execute();
  }

  async insertApiKey(key: ApiKeyRecord): Promise<void> {
    await this.db
      .insertInto('api_keys')
      .values({
        id: key.id,
        account_id: key.accountId,
        kind: key.kind,
        key_hash: key.keyHash,
        key_hint: key.keyHint,
        created_at: key.createdAt,
      })
      .execute();
  }

  /** Hex SHA-256 key hashes of earlier versions → base64url (the same digest); returns how many. */
  async convertHexKeyHashes(): Promise<number> {
    const rows = await this.db.selectFrom('api_keys').select(['id', 'key_hash']).execute();
    let converted = 0;
    for (const row of rows) {
      if (!/^[0-9a-f]{64}$/.test(row.key_hash)) continue;
      await this.db
        .updateTable('api_keys')
        .set({ key_hash: Buffer.from(row.key_hash, 'hex').toString('base64url') })
        .where('id', '=', row.id)
        .execute();
      converted += 1;
    }
    return converted;
  }

  async apiKeyByHash(keyHash: string): Promise<ApiKeyRecord | undefined> {
    const row = await this.db
      .selectFrom('api_keys')
      .selectAll()
      .where('key_hash', '=', keyHash)
      .executeTakeFirst();
    return row ? toApiKey(row) : undefined;
  }
}
