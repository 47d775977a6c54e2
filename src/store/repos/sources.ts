import type { Selectable } from 'kysely';
import { flag, fromJsonOrNull, metadataFromJson, toJsonOrNull } from '../json.js';
import type { Json, SourceRecord } from '../records.js';
import type { SourcesTable } from '../schema.js';
import { placeholders, type ReadOptions, Repo } from './base.js';

const toSource = (row: Selectable<SourcesTable>): SourceRecord => ({
  accountId: row.account_id,
  id: row.id,
  clientSecret: row.client_secret,
  type: row.type as SourceRecord['type'],
  flow: row.flow as SourceRecord['flow'],
  state: row.state as SourceRecord['state'],
  reusable: row.reusable === 1,
  currency: row.currency,
  amountMinor: row.amount_minor,
  owner: fromJsonOrNull<Json>(row.owner),
  card:
    row.card_brand !== null &&
    row.card_last4 !== null &&
    row.card_exp_month !== null &&
    row.card_exp_year !== null
      ? {
          brand: row.card_brand,
          lastFourDigits: row.card_last4,
          expirationMonth: row.card_exp_month,
          expirationYear: row.card_exp_year,
        }
      : null,
  scenarioId: row.scenario_id,
  customerId: row.customer_id,
  paymentSessionId: row.payment_session_id,
  upstreamId: row.upstream_id,
  metadata: metadataFromJson(row.metadata),
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

const toRow = (s: SourceRecord) => ({
  account_id: s.accountId,
  id: s.id,
  client_secret: s.clientSecret,
  type: s.type,
  flow: s.flow,
  state: s.state,
  reusable: flag(s.reusable),
  currency: s.currency,
  amount_minor: s.amountMinor,
  owner: toJsonOrNull(s.owner),
  card_brand: s.card?.brand ?? null,
  card_last4: s.card?.lastFourDigits ?? null,
  card_exp_month: s.card?.expirationMonth ?? null,
  card_exp_year: s.card?.expirationYear ?? null,
  scenario_id: s.scenarioId,
  customer_id: s.customerId,
  payment_session_id: s.paymentSessionId,
  upstream_id: s.upstreamId,
  metadata: toJsonOrNull(s.metadata),
  created_at: s.createdAt,
  updated_at: s.updatedAt,
});

export class SourcesRepo extends Repo {
  async get(accountId: string, id: string, options: ReadOptions = {}): Promise<SourceRecord | undefined> {
    let q = this.db
      .selectFrom('sources')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('id', '=', id);
    if (options.lock && this.locks) q = q.forUpdate();
    const row = await q.executeTakeFirst();
    return row ? toSource(row) : undefined;
  }

  async getMany(accountId: string, ids: readonly string[]): Promise<Map<string, SourceRecord>> {
    if (ids.length === 0) return new Map();
    const unique = [...new Set(ids)];
    // every order request reads its sources: a kept statement on SQLite
    const rows = this.hot
      ? this.hot.all<Selectable<SourcesTable>>(
          `SELECT * FROM sources WHERE account_id = ? AND id IN (${placeholders(unique.length)})`,
          [accountId, ...unique],
        )
      : await this.db
          .selectFrom('sources')
          .selectAll()
          .where('account_id', '=', accountId)
          .where('id', 'in', unique)
          .execute();
    return new Map(rows.map((r) => [r.id, toSource(r)]));
  }

  async listByCustomer(accountId: string, customerId: string): Promise<SourceRecord[]> {
    const rows = await this.db
      .selectFrom('sources')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('customer_id', '=', customerId)
      .orderBy('seq')
      .execute();
    return rows.map(toSource);
  }

  async insert(source: SourceRecord): Promise<void> {
    await this.db.insertInto('sources').values(toRow(source)).execute();
  }

  async update(source: SourceRecord): Promise<void> {
    const { account_id, id, created_at, client_secret, scenario_id, ...changes } = toRow(source);
    await this.db
      .updateTable('sources')
      .set(changes)
      .where('account_id', '=', account_id)
      .where('id', '=', id)
      .execute();
  }
}
