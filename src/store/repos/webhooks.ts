import type { Kysely } from 'kysely';
import { type Selectable, sql } from 'kysely';
import { subscribes } from '../../domain/webhook/match.js';
import { SecretBox } from '../../lib/secret-box.js';
import { flag, fromJson, fromJsonOrNull, toJson, toJsonOrNull } from '../json.js';
import type { Dialect } from '../migrations/index.js';
import { paginate } from '../paging.js';
import type { DeliveryAttemptRecord, DeliveryRecord, Page, PageQuery, WebhookRecord } from '../records.js';
import type { Database, DeliveriesTable, DeliveryAttemptsTable, WebhooksTable } from '../schema.js';
import { chunks, eachAccountBatch, type ReadOptions, Repo } from './base.js';

const toDelivery = (row: Selectable<DeliveriesTable>): DeliveryRecord => ({
  accountId: row.account_id,
  id: row.id,
  eventId: row.event_id,
  webhookId: row.webhook_id,
  state: row.state as DeliveryRecord['state'],
  attempts: row.attempts,
  firstDueAt: row.first_due_at,
  nextAttemptAt: row.next_attempt_at,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

const toAttempt = (row: Selectable<DeliveryAttemptsTable>): DeliveryAttemptRecord => ({
  accountId: row.account_id,
  id: row.id,
  deliveryId: row.delivery_id,
  eventId: row.event_id,
  eventType: row.event_type,
  webhookId: row.webhook_id,
  number: row.number,
  scheduledAt: row.scheduled_at,
  attemptedAt: row.attempted_at,
  durationMs: row.duration_ms,
  status: row.status,
  error: row.error,
  outcome: row.outcome as DeliveryAttemptRecord['outcome'],
  requestHeaders: fromJsonOrNull<Record<string, string>>(row.request_headers),
  requestBody: row.request_body,
  responseBody: row.response_body,
  nextAttemptAt: row.next_attempt_at === null ? null : Number(row.next_attempt_at),
});

/**
 * Deliveries in flight (this worker's) per webhook and per account, and the most one webhook and
 * one account may have: one tenant's slow receivers cannot take every slot.
 */
export interface DueLimits {
  perWebhook: number;
  inFlight: ReadonlyMap<string, number>;
  perAccount: number;
  inFlightByAccount: ReadonlyMap<string, number>;
}

export class WebhooksRepo extends Repo {
  constructor(
    db: Kysely<Database>,
    dialect: Dialect,
    /** seals signing secrets and basic-auth credentials at rest */
    private readonly box?: SecretBox,
  ) {
    super(db, dialect);
  }

  private get sealer(): SecretBox {
    if (!this.box) throw new Error('webhook secrets need the store to have an encryption key');
    return this.box;
  }

  private open(value: string): string {
    return SecretBox.isSealed(value) ? this.sealer.open(value) : value;
  }

  private toWebhook(row: Selectable<WebhooksTable>): WebhookRecord {
    return {
      accountId: row.account_id,
      id: row.id,
      address: row.address,
      types: fromJson<string[]>(row.types),
      apiVersion: row.api_version,
      expand: row.expand === 1,
      enabled: row.enabled === 1,
      transportType: row.transport_type as WebhookRecord['transportType'],
      authentication: row.authentication
        ? fromJsonOrNull<WebhookRecord['authentication'] & object>(this.open(row.authentication))
        : null,
      secret: this.open(row.secret),
      previousSecret: row.previous_secret === null ? null : this.open(row.previous_secret),
      previousSecretUntil: row.previous_secret_until,
      disabledReason: row.disabled_reason,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
    };
  }

  private toRow(w: WebhookRecord) {
    const authentication = toJsonOrNull(w.authentication);
    return {
      account_id: w.accountId,
      id: w.id,
      address: w.address,
      types: toJson(w.types),
      api_version: w.apiVersion,
      expand: flag(w.expand),
      enabled: flag(w.enabled),
      transport_type: w.transportType,
      authentication: authentication === null ? null : this.sealer.seal(authentication),
      secret: this.sealer.seal(w.secret),
      previous_secret: w.previousSecret === null ? null : this.sealer.seal(w.previousSecret),
      previous_secret_until: w.previousSecretUntil,
      disabled_reason: w.disabledReason,
      created_at: w.createdAt,
      updated_at: w.updatedAt,
    };
  }

  /** Seals secrets stored in plaintext by an earlier version; returns how many webhooks. */
  async sealPlaintextSecrets(): Promise<number> {
    const rows = await this.db.selectFrom('webhooks').selectAll().execute();
    let sealed = 0;
    for (const row of rows) {
      const plain =
        !SecretBox.isSealed(row.secret) ||
        (row.previous_secret !== null && !SecretBox.isSealed(row.previous_secret)) ||
        (row.authentication !== null && !SecretBox.isSealed(row.authentication));
      if (!plain) continue;
      await this.update(this.toWebhook(row));
      sealed += 1;
    }
    return sealed;
  }
  /** One sealed signing secret, as stored (to check a key against), if there is any. */
  async anySealedSecret(): Promise<string | undefined> {
    const row = await this.db
      .selectFrom('webhooks')
      .select('secret')
      .where('secret', 'like', 'enc:%')
      .limit(1)
      .executeTakeFirst();
    return row?.secret;
  }

  async insert(webhook: WebhookRecord): Promise<void> {
    await this.db.insertInto('webhooks').values(this.toRow(webhook)).execute();
  }

  async update(webhook: WebhookRecord): Promise<void> {
    const { account_id, id, created_at, ...changes } = this.toRow(webhook);
    await this.db
      .updateTable('webhooks')
      .set(changes)
      .where('account_id', '=', account_id)
      .where('id', '=', id)
      .execute();
  }

  async get(accountId: string, id: string, options: ReadOptions = {}): Promise<WebhookRecord | undefined> {
    let q = this.db
      .selectFrom('webhooks')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('id', '=', id);
    if (options.lock && this.locks) q = q.forUpdate();
    const row = await q.executeTakeFirst();
    return row ? this.toWebhook(row) : undefined;
  }

  async getMany(accountId: string, ids: readonly string[]): Promise<Map<string, WebhookRecord>> {
    if (ids.length === 0) return new Map();
    const rows = await this.db
      .selectFrom('webhooks')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('id', 'in', [...new Set(ids)])
      .execute();
    return new Map(rows.map((r) => [r.id, this.toWebhook(r)]));
  }

  /** Webhooks by (account, id) pairs, for a batch of deliveries. */
  async getPairs(pairs: readonly { accountId: string; id: string }[]): Promise<Map<string, WebhookRecord>> {
    const found = new Map<string, WebhookRecord>();
    await eachAccountBatch(pairs, async (accountId, ids) => {
      const rows = await this.db
        .selectFrom('webhooks')
        .selectAll()
        .where('account_id', '=', accountId)
        .where('id', 'in', ids)
        .execute();
      for (const row of rows) found.set(`${row.account_id}/${row.id}`, this.toWebhook(row));
    });
    return found;
  }

  async delete(accountId: string, id: string): Promise<void> {
    await this.db.deleteFrom('webhooks').where('account_id', '=', accountId).where('id', '=', id).execute();
  }

  /** Enabled webhooks of an account subscribed to an event type. */
  async subscribers(accountId: string, eventType: string): Promise<WebhookRecord[]> {
    const rows = await this.db
      .selectFrom('webhooks')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('enabled', '=', 1)
      .execute();
    return rows.map((r) => this.toWebhook(r)).filter((w) => subscribes(w.types, eventType));
  }

  /** Webhooks newest first; `types` keeps those subscribed to any of the given event types. */
  async list(
    accountId: string,
    filters: { types?: readonly string[] | undefined },
    page: PageQuery,
  ): Promise<Page<WebhookRecord>> {
    const q = this.db.selectFrom('webhooks').selectAll().where('account_id', '=', accountId);
    if (!filters.types) {
      const result = await paginate<Selectable<WebhooksTable>>(q, page, (id) =>
        this.seqOf('webhooks', accountId, id),
      );
      return { data: result.data.map((r) => this.toWebhook(r)), hasMore: result.hasMore };
    }
    // few webhooks per account: filter in memory, then page
    const all = (await q.orderBy('seq', 'desc').execute()).map((r) => this.toWebhook(r));
    const wanted = filters.types;
    const matching = all.filter((w) => wanted.some((t) => subscribes(w.types, t) || w.types.includes(t)));
    let start = 0;
    if (page.startingAfter) start = matching.findIndex((w) => w.id === page.startingAfter) + 1;
    const data = matching.slice(start, start + page.limit);
    return { data, hasMore: matching.length > start + page.limit };
  }

  // deliveries -----------------------------------------------------------------------------------

  async insertDeliveries(deliveries: readonly DeliveryRecord[]): Promise<void> {
    for (const batch of chunks(deliveries)) {
      await this.db
        .insertInto('deliveries')
        .values(
          batch.map((d) => ({
            account_id: d.accountId,
            id: d.id,
            event_id: d.eventId,
            webhook_id: d.webhookId,
            state: d.state,
            attempts: d.attempts,
            first_due_at: d.firstDueAt,
            next_attempt_at: d.nextAttemptAt,
            lease_until: 0,
            created_at: d.createdAt,
            updated_at: d.updatedAt,
          })),
        )
        .execute();
    }
  }

  /**
   * Claims due deliveries of enabled webhooks (due by each account's clock) for `leaseMs` of real
   * time: other workers skip them until the lease ends, so a crashed worker's claims come back.
   * At most `perWebhook` deliveries of one webhook and `perAccount` of one account are in
   * flight, counting `inFlight` and `inFlightByAccount` (this worker's current ones); rows over
   * that stay unclaimed for a later call.
   */
  async claimDue(
    realNowMs: number,
    leaseMs: number,
    limits: DueLimits & { total: number },
  ): Promise<{ delivery: DeliveryRecord; clockOffsetMs: number; apiVersion: string }[]> {
    let q = this.due(realNowMs, limits)
      .selectAll('deliveries')
      .select(['accounts.clock_offset_ms', 'accounts.api_version'])
      .orderBy('deliveries.next_attempt_at')
      .limit(limits.total);
    if (this.locks) q = q.forUpdate('deliveries').skipLocked();
    const counts = new Map(limits.inFlight);
    const byAccount = new Map(limits.inFlightByAccount);
    const rows = (await q.execute()).filter((r) => {
      const n = counts.get(r.webhook_id) ?? 0;
      const a = byAccount.get(r.account_id) ?? 0;
      if (n >= limits.perWebhook || a >= limits.perAccount) return false;
      counts.set(r.webhook_id, n + 1);
      byAccount.set(r.account_id, a + 1);
      return true;
    });
    if (rows.length === 0) return [];
    await this.db
      .updateTable('deliveries')
      .set({ lease_until: realNowMs + leaseMs })
      .where(
        'seq',
        'in',
        rows.map((r) => r.seq),
      )
      .execute();
    return rows.map((r) => ({
      delivery: toDelivery(r),
      clockOffsetMs: r.clock_offset_ms,
      apiVersion: r.api_version,
    }));
  }

  /** Whether claimDue would find anything now (a read: no write transaction when idle). */
  async anyDue(realNowMs: number, limits: DueLimits): Promise<boolean> {
    const row = await this.due(realNowMs, limits).select('deliveries.seq').limit(1).executeTakeFirst();
    return row !== undefined;
  }

  /**
   * Pending deliveries of enabled webhooks, unleased and due by their account's clock, of
   * webhooks with fewer than `perWebhook` and accounts with fewer than `perAccount` in flight.
   */
  private due(realNowMs: number, limits: DueLimits) {
    const busyWebhooks = [...limits.inFlight].filter(([, n]) => n >= limits.perWebhook).map(([id]) => id);
    const busyAccounts = [...limits.inFlightByAccount]
      .filter(([, n]) => n >= limits.perAccount)
      .map(([id]) => id);
    let q = this.db
      .selectFrom('deliveries')
      .innerJoin('accounts', 'accounts.id', 'deliveries.account_id')
      .innerJoin('webhooks', (join) =>
        join
          .onRef('webhooks.account_id', '=', 'deliveries.account_id')
          .onRef('webhooks.id', '=', 'deliveries.webhook_id'),
      )
      .where('deliveries.state', '=', 'pending')
      .where('webhooks.enabled', '=', 1)
      .where('deliveries.lease_until', '<', realNowMs)
      .where((eb) =>
        eb(
          'deliveries.next_attempt_at',
          '<=',
          eb(eb.val(realNowMs), '+', eb.ref('accounts.clock_offset_ms')),
        ),
      );
    if (busyWebhooks.length > 0) q = q.where('deliveries.webhook_id', 'not in', busyWebhooks);
    if (busyAccounts.length > 0) q = q.where('deliveries.account_id', 'not in', busyAccounts);
    return q;
  }

  /** After an attempt: delivered, failed for good, or pending again at a later time. */
  async finishAttempt(delivery: DeliveryRecord): Promise<void> {
    await this.db
      .updateTable('deliveries')
      .set({
        state: delivery.state,
        attempts: delivery.attempts,
        next_attempt_at: delivery.nextAttemptAt,
        lease_until: 0,
        updated_at: delivery.updatedAt,
      })
      .where('account_id', '=', delivery.accountId)
      .where('id', '=', delivery.id)
      .where('state', '=', 'pending')
      .execute();
  }

  async cancelPending(accountId: string, webhookId: string, now: number): Promise<void> {
    await this.db
      .updateTable('deliveries')
      .set({ state: 'cancelled', updated_at: now })
      .where('account_id', '=', accountId)
      .where('webhook_id', '=', webhookId)
      .where('state', '=', 'pending')
      .execute();
  }

  async failedSince(accountId: string, webhookId: string, since: number): Promise<DeliveryRecord[]> {
    const rows = await this.db
      .selectFrom('deliveries')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('webhook_id', '=', webhookId)
      .where('state', '=', 'failed')
      .where('created_at', '>=', since)
      .orderBy('seq')
      .execute();
    return rows.map(toDelivery);
  }

  async deliveriesOfEvent(accountId: string, eventId: string): Promise<DeliveryRecord[]> {
    const rows = await this.db
      .selectFrom('deliveries')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('event_id', '=', eventId)
      .orderBy('seq')
      .execute();
    return rows.map(toDelivery);
  }

  async countPending(accountId?: string): Promise<number> {
    let q = this.db
      .selectFrom('deliveries')
      .select(sql<number>`count(*)`.as('n'))
      .where('state', '=', 'pending');
    if (accountId) q = q.where('account_id', '=', accountId);
    const row = await q.executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** Attempts, in one statement. */
  async insertAttempts(attempts: readonly DeliveryAttemptRecord[]): Promise<void> {
    if (attempts.length === 0) return;
    await this.db
      .insertInto('delivery_attempts')
      .values(
        attempts.map((attempt) => ({
          account_id: attempt.accountId,
          id: attempt.id,
          delivery_id: attempt.deliveryId,
          event_id: attempt.eventId,
          event_type: attempt.eventType,
          webhook_id: attempt.webhookId,
          number: attempt.number,
          scheduled_at: attempt.scheduledAt,
          attempted_at: attempt.attemptedAt,
          duration_ms: attempt.durationMs,
          status: attempt.status,
          error: attempt.error,
          outcome: attempt.outcome,
          request_headers: attempt.requestHeaders ? toJson(attempt.requestHeaders) : null,
          request_body: attempt.requestBody ?? null,
          response_body: attempt.responseBody ?? null,
          next_attempt_at: attempt.nextAttemptAt ?? null,
        })),
      )
      .execute();
  }

  /**
   * Deliveries of one account delivered by their next attempt (still pending, leased by this
   * worker: their attempt count is the claimed one), in one statement.
   */
  async markDelivered(accountId: string, ids: readonly string[], now: number): Promise<void> {
    if (ids.length === 0) return;
    await this.db
      .updateTable('deliveries')
      .set((eb) => ({
        state: 'delivered',
        attempts: eb('attempts', '+', 1),
        lease_until: 0,
        updated_at: now,
      }))
      .where('account_id', '=', accountId)
      .where('id', 'in', [...ids])
      .where('state', '=', 'pending')
      .execute();
  }

  async attempts(
    accountId: string,
    filters: { webhookId?: string; deliveryId?: string; eventId?: string; outcome?: string | undefined },
    page: PageQuery,
  ): Promise<Page<DeliveryAttemptRecord>> {
    let q = this.db.selectFrom('delivery_attempts').selectAll().where('account_id', '=', accountId);
    if (filters.webhookId) q = q.where('webhook_id', '=', filters.webhookId);
    if (filters.deliveryId) q = q.where('delivery_id', '=', filters.deliveryId);
    if (filters.eventId) q = q.where('event_id', '=', filters.eventId);
    if (filters.outcome) q = q.where('outcome', '=', filters.outcome);
    const result = await paginate<Selectable<DeliveryAttemptsTable>>(q, page, async (id) => {
      const row = await this.db
        .selectFrom('delivery_attempts')
        .select('seq')
        .where('account_id', '=', accountId)
        .where('id', '=', id)
        .executeTakeFirst();
      return row?.seq;
    });
    return { data: result.data.map(toAttempt), hasMore: result.hasMore };
  }
}
