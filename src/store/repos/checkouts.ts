import type { Selectable } from 'kysely';
import { assert } from '../../lib/assert.js';
import { flag, fromJson, metadataFromJson, toJson, toJsonOrNull } from '../json.js';
import { jsonArrayHas, paginate } from '../paging.js';
import type {
  CheckoutData,
  CheckoutItemRecord,
  CheckoutRecord,
  CheckoutSourceRecord,
  Page,
  PageQuery,
} from '../records.js';
import type { CheckoutsTable } from '../schema.js';
import { type ReadOptions, Repo } from './base.js';
import { type SharedFilters, totalsFromRow, totalsToRow, whereShared } from './lines.js';

const toCheckout = (row: Selectable<CheckoutsTable>): CheckoutRecord => ({
  accountId: row.account_id,
  id: row.id,
  state: row.state as CheckoutRecord['state'],
  spentMessage: row.spent_message,
  orderId: row.order_id,
  currency: row.currency,
  customerId: row.customer_id,
  email: row.email,
  locale: row.locale,
  browserIp: row.browser_ip,
  applicationId: row.application_id,
  upstreamId: row.upstream_id,
  taxInclusive: row.tax_inclusive === 1,
  chargeType: row.charge_type,
  customerType: row.customer_type,
  hasShippingChoice: row.has_shipping_choice === 1,
  sessionId: row.session_id,
  sessionClientSecret: row.session_client_secret,
  totals: totalsFromRow(row),
  data: fromJson<CheckoutData>(row.data),
  metadata: metadataFromJson(row.metadata),
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

/** The columns a checkout update may change (not its state, which moves by named transitions). */
const contentColumns = (c: CheckoutRecord) => ({
  currency: c.currency,
  customer_id: c.customerId,
  email: c.email,
  locale: c.locale,
  browser_ip: c.browserIp,
  application_id: c.applicationId,
  upstream_id: c.upstreamId,
  tax_inclusive: flag(c.taxInclusive),
  charge_type: c.chargeType,
  customer_type: c.customerType,
  has_shipping_choice: flag(c.hasShippingChoice),
  ...totalsToRow(c.totals),
  data: toJson(c.data),
  metadata: toJsonOrNull(c.metadata),
  updated_at: c.updatedAt,
});

/** A checkout with its items and its attached sources: one row (migration 10). */
export interface CheckoutAggregate {
  checkout: CheckoutRecord;
  items: CheckoutItemRecord[];
  attachments: CheckoutSourceRecord[];
}

type StoredItem = Omit<CheckoutItemRecord, 'checkoutId'>;
type StoredAttachment = Omit<CheckoutSourceRecord, 'checkoutId'>;

export const itemsToJson = (items: readonly CheckoutItemRecord[]): string =>
  toJson(items.map(({ checkoutId: _checkout, ...item }): StoredItem => item));
export const attachmentsToJson = (attachments: readonly CheckoutSourceRecord[]): string =>
  toJson(attachments.map(({ checkoutId: _checkout, ...a }): StoredAttachment => a));

const toAggregate = (row: Selectable<CheckoutsTable>): CheckoutAggregate => ({
  checkout: toCheckout(row),
  items: fromJson<StoredItem[]>(row.items).map((item) => ({ ...item, checkoutId: row.id })),
  attachments: fromJson<StoredAttachment[]>(row.attachments).map((a) => ({ ...a, checkoutId: row.id })),
});

export type CheckoutFilters = SharedFilters;

export class CheckoutsRepo extends Repo {
  /** The checkout with its items and attachments: one statement. */
  async load(
    accountId: string,
    id: string,
    options: ReadOptions = {},
  ): Promise<CheckoutAggregate | undefined> {
    if (this.hot) {
      const hot = this.hot.get<Selectable<CheckoutsTable>>(
        'SELECT * FROM checkouts WHERE account_id = ? AND id = ?',
        [accountId, id],
      );
      return hot ? toAggregate(hot) : undefined;
    }
    let q = this.db
      .selectFrom('checkouts')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('id', '=', id);
    if (options.lock && this.locks) q = q.forUpdate();
    const row = await q.executeTakeFirst();
    return row ? toAggregate(row) : undefined;
  }

  async getBySession(accountId: string, sessionId: string): Promise<CheckoutRecord | undefined> {
    const row = await this.db
      .selectFrom('checkouts')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('session_id', '=', sessionId)
      .executeTakeFirst();
    return row ? toCheckout(row) : undefined;
  }

  async insert(checkout: CheckoutRecord, items: readonly CheckoutItemRecord[]): Promise<void> {
    await this.db
      .insertInto('checkouts')
      .values({
        account_id: checkout.accountId,
        id: checkout.id,
        state: checkout.state,
        spent_message: checkout.spentMessage,
        order_id: checkout.orderId,
        session_id: checkout.sessionId,
        session_client_secret: checkout.sessionClientSecret,
        created_at: checkout.createdAt,
        ...contentColumns(checkout),
        items: itemsToJson(items),
        attachments: '[]',
      })
      .execute();
  }

  /** Replaces the content of an open checkout (state is checked, not changed). */
  async updateContent(checkout: CheckoutRecord, items: readonly CheckoutItemRecord[]): Promise<void> {
    const result = await this.db
      .updateTable('checkouts')
      .set({ ...contentColumns(checkout), items: itemsToJson(items) })
      .where('account_id', '=', checkout.accountId)
      .where('id', '=', checkout.id)
      .where('state', '=', 'open')
      .executeTakeFirst();
    assert(Number(result.numUpdatedRows) === 1, `checkout ${checkout.id} is not open`);
  }

  /** open | ordering → spent: the order was refused or declined; the checkout can no longer be used. */
  async markSpent(
    accountId: string,
    id: string,
    message: string,
    now: number,
    from: 'open' | 'ordering' = 'open',
  ): Promise<void> {
    await this.move(accountId, id, from, { state: 'spent', spent_message: message, updated_at: now });
  }

  /** open | ordering → ordered */
  async markOrdered(
    accountId: string,
    id: string,
    orderId: string,
    now: number,
    from: 'open' | 'ordering' = 'open',
  ): Promise<void> {
    await this.move(accountId, id, from, { state: 'ordered', order_id: orderId, updated_at: now });
  }

  /** open → ordering: the processor is being asked to authorize the order `orderId` */
  async markOrdering(accountId: string, id: string, orderId: string, now: number): Promise<void> {
    await this.move(accountId, id, 'open', { state: 'ordering', order_id: orderId, updated_at: now });
  }

  /** ordering → open: the processor never made the authorizations; an order may be asked for again */
  async reopen(accountId: string, id: string, now: number): Promise<void> {
    await this.move(accountId, id, 'ordering', { state: 'open', order_id: null, updated_at: now });
  }

  private async move(
    accountId: string,
    id: string,
    from: CheckoutRecord['state'],
    set: {
      state: CheckoutRecord['state'];
      order_id?: string | null;
      spent_message?: string;
      updated_at: number;
    },
  ): Promise<void> {
    const result = await this.db
      .updateTable('checkouts')
      .set(set)
      .where('account_id', '=', accountId)
      .where('id', '=', id)
      .where('state', '=', from)
      .executeTakeFirst();
    assert(Number(result.numUpdatedRows) === 1, `checkout ${id} was not ${from}`);
  }

  async delete(accountId: string, id: string): Promise<void> {
    await this.db
      .deleteFrom('checkout_sources')
      .where('account_id', '=', accountId)
      .where('checkout_id', '=', id)
      .execute();
    await this.db.deleteFrom('checkouts').where('account_id', '=', accountId).where('id', '=', id).execute();
  }

  /** Checkouts (other than `exceptCheckoutId`) a source is attached to. */
  async checkoutsWithSource(accountId: string, sourceId: string): Promise<string[]> {
    const rows = await this.db
      .selectFrom('checkout_sources')
      .select('checkout_id')
      .where('account_id', '=', accountId)
      .where('source_id', '=', sourceId)
      .execute();
    return rows.map((r) => r.checkout_id);
  }

  /**
   * Attaches a source: the checkout's row takes its attachments as they are now, and
   * checkout_sources (the index of attachments by source) the new one.
   */
  async attach(
    accountId: string,
    attachment: CheckoutSourceRecord,
    attachments: readonly CheckoutSourceRecord[],
  ): Promise<void> {
    await this.setAttachments(accountId, attachment.checkoutId, attachments);
    await this.db
      .insertInto('checkout_sources')
      .values({
        account_id: accountId,
        checkout_id: attachment.checkoutId,
        source_id: attachment.sourceId,
        role: attachment.role,
        created_at: attachment.createdAt,
      })
      .execute();
  }

  async detach(
    accountId: string,
    checkoutId: string,
    sourceId: string,
    attachments: readonly CheckoutSourceRecord[],
  ): Promise<void> {
    await this.setAttachments(accountId, checkoutId, attachments);
    await this.db
      .deleteFrom('checkout_sources')
      .where('account_id', '=', accountId)
      .where('checkout_id', '=', checkoutId)
      .where('source_id', '=', sourceId)
      .execute();
  }

  private async setAttachments(
    accountId: string,
    checkoutId: string,
    attachments: readonly CheckoutSourceRecord[],
  ): Promise<void> {
    const result = await this.db
      .updateTable('checkouts')
      .set({ attachments: attachmentsToJson(attachments) })
      .where('account_id', '=', accountId)
      .where('id', '=', checkoutId)
      .executeTakeFirst();
    assert(Number(result.numUpdatedRows) === 1, `checkout ${checkoutId} vanished`);
  }

  /** Lists checkouts that can still be used as checkouts (those converted to orders are gone). */
  async list(accountId: string, filters: CheckoutFilters, page: PageQuery): Promise<Page<CheckoutAggregate>> {
    let q = this.db
      .selectFrom('checkouts')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('state', '!=', 'ordered');
    q = whereShared(q, filters);
    if (filters.subscriptionId)
      q = q.where(
        jsonArrayHas(
          this.dialect,
          'checkouts.items',
          [],
          ['data', 'subscriptionInfo', 'subscriptionId'],
          filters.subscriptionId,
        ),
      );
    const result = await paginate<Selectable<CheckoutsTable>>(q, page, (id) =>
      this.seqOf('checkouts', accountId, id),
    );
    return { data: result.data.map(toAggregate), hasMore: result.hasMore };
  }
}
