import type { Selectable } from 'kysely';
import { assert } from '../../lib/assert.js';
import { flag, fromJson, metadataFromJson, toJson, toJsonOrNull } from '../json.js';
import { paginate } from '../paging.js';
import type {
  CheckoutData,
  CheckoutItemRecord,
  CheckoutRecord,
  CheckoutSourceRecord,
  Page,
  PageQuery,
} from '../records.js';
import type { CheckoutItemsTable, CheckoutsTable } from '../schema.js';
import { type ReadOptions, Repo } from './base.js';
import {
  lineFromRow,
  lineToRow,
  type SharedFilters,
  totalsFromRow,
  totalsToRow,
  whereShared,
} from './lines.js';

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

const toItem = (row: Selectable<CheckoutItemsTable>): CheckoutItemRecord => ({
  ...lineFromRow(row),
  checkoutId: row.checkout_id,
  priceMinor: row.price_minor,
  aggregatePriceMinor: row.aggregate_price_minor,
});

export type CheckoutFilters = SharedFilters;

export class CheckoutsRepo extends Repo {
  async get(accountId: string, id: string, options: ReadOptions = {}): Promise<CheckoutRecord | undefined> {
    let q = this.db
      .selectFrom('checkouts')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('id', '=', id);
    if (options.lock && this.locks) q = q.forUpdate();
    const row = await q.executeTakeFirst();
    return row ? toCheckout(row) : undefined;
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
      })
      .execute();
    await this.insertItems(checkout.accountId, items);
  }

  /** Replaces the content of an open checkout (state is checked, not changed). */
  async updateContent(checkout: CheckoutRecord, items: readonly CheckoutItemRecord[]): Promise<void> {
    const result = await this.db
      .updateTable('checkouts')
      .set(contentColumns(checkout))
      .where('account_id', '=', checkout.accountId)
      .where('id', '=', checkout.id)
      .where('state', '=', 'open')
      .executeTakeFirst();
    assert(Number(result.numUpdatedRows) === 1, `checkout ${checkout.id} is not open`);
    await this.db
      .deleteFrom('checkout_items')
      .where('account_id', '=', checkout.accountId)
      .where('checkout_id', '=', checkout.id)
      .execute();
    await this.insertItems(checkout.accountId, items);
  }

  /** open → spent: an order attempt was declined; the checkout can no longer be used. */
  async markSpent(accountId: string, id: string, message: string, now: number): Promise<void> {
    const result = await this.db
      .updateTable('checkouts')
      .set({ state: 'spent', spent_message: message, updated_at: now })
      .where('account_id', '=', accountId)
      .where('id', '=', id)
      .where('state', '=', 'open')
      .executeTakeFirst();
    assert(Number(result.numUpdatedRows) === 1, `checkout ${id} was not open`);
  }

  /** open → ordered */
  async markOrdered(accountId: string, id: string, orderId: string, now: number): Promise<void> {
    const result = await this.db
      .updateTable('checkouts')
      .set({ state: 'ordered', order_id: orderId, updated_at: now })
      .where('account_id', '=', accountId)
      .where('id', '=', id)
      .where('state', '=', 'open')
      .executeTakeFirst();
    assert(Number(result.numUpdatedRows) === 1, `checkout ${id} was not open`);
  }

  async delete(accountId: string, id: string): Promise<void> {
    await this.db
      .deleteFrom('checkout_items')
      .where('account_id', '=', accountId)
      .where('checkout_id', '=', id)
      .execute();
    await this.db
      .deleteFrom('checkout_sources')
      .where('account_id', '=', accountId)
      .where('checkout_id', '=', id)
      .execute();
    await this.db.deleteFrom('checkouts').where('account_id', '=', accountId).where('id', '=', id).execute();
  }

  async items(accountId: string, checkoutId: string): Promise<CheckoutItemRecord[]> {
    const rows = await this.db
      .selectFrom('checkout_items')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('checkout_id', '=', checkoutId)
      .orderBy('position')
      .execute();
    return rows.map(toItem);
  }

  /** Items of several checkouts at once (for lists), grouped by checkout id. */
  async itemsOf(
    accountId: string,
    checkoutIds: readonly string[],
  ): Promise<Map<string, CheckoutItemRecord[]>> {
    const grouped = new Map<string, CheckoutItemRecord[]>(checkoutIds.map((id) => [id, []]));
    if (checkoutIds.length === 0) return grouped;
    const rows = await this.db
      .selectFrom('checkout_items')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('checkout_id', 'in', checkoutIds)
      .orderBy('position')
      .execute();
    for (const row of rows) grouped.get(row.checkout_id)?.push(toItem(row));
    return grouped;
  }

  async attachments(accountId: string, checkoutId: string): Promise<CheckoutSourceRecord[]> {
    return (await this.attachmentsOf(accountId, [checkoutId])).get(checkoutId) ?? [];
  }

  async attachmentsOf(
    accountId: string,
    checkoutIds: readonly string[],
  ): Promise<Map<string, CheckoutSourceRecord[]>> {
    const grouped = new Map<string, CheckoutSourceRecord[]>(checkoutIds.map((id) => [id, []]));
    if (checkoutIds.length === 0) return grouped;
    const rows = await this.db
      .selectFrom('checkout_sources')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('checkout_id', 'in', checkoutIds)
      .orderBy('seq')
      .execute();
    for (const row of rows) {
      grouped.get(row.checkout_id)?.push({
        checkoutId: row.checkout_id,
        sourceId: row.source_id,
        role: row.role as CheckoutSourceRecord['role'],
        createdAt: row.created_at,
      });
    }
    return grouped;
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

  async attach(accountId: string, attachment: CheckoutSourceRecord): Promise<void> {
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

  async detach(accountId: string, checkoutId: string, sourceId: string): Promise<void> {
    await this.db
      .deleteFrom('checkout_sources')
      .where('account_id', '=', accountId)
      .where('checkout_id', '=', checkoutId)
      .where('source_id', '=', sourceId)
      .execute();
  }

  /** Lists checkouts that can still be used as checkouts (those converted to orders are gone). */
  async list(accountId: string, filters: CheckoutFilters, page: PageQuery): Promise<Page<CheckoutRecord>> {
    let q = this.db
      .selectFrom('checkouts')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('state', '!=', 'ordered');
    q = whereShared(q, filters);
    const result = await paginate<Selectable<CheckoutsTable>>(q, page, (id) =>
      this.seqOf('checkouts', accountId, id),
    );
    return { data: result.data.map(toCheckout), hasMore: result.hasMore };
  }

  private async insertItems(accountId: string, items: readonly CheckoutItemRecord[]): Promise<void> {
    if (items.length === 0) return;
    await this.db
      .insertInto('checkout_items')
      .values(
        items.map((item) => ({
          ...lineToRow(item),
          account_id: accountId,
          checkout_id: item.checkoutId,
          price_minor: item.priceMinor,
          aggregate_price_minor: item.aggregatePriceMinor,
        })),
      )
      .execute();
  }
}
