import type { Selectable, SelectQueryBuilder } from 'kysely';
import type { Order } from '../../domain/order/model.js';
import { assert } from '../../lib/assert.js';
import { flag, fromJson, metadataFromJson, toJson, toJsonOrNull } from '../json.js';
import {
  jsonArrayHas,
  jsonText,
  type MajorRange,
  paginate,
  whereIsoRange,
  whereMajorRange,
} from '../paging.js';
import type { CheckoutData, OrderRecord, Page, PageQuery, TimeRange } from '../records.js';
import type { Database, OrderPartKind, OrdersTable } from '../schema.js';
import { chunks, eachAccountBatch, placeholders, type ReadOptions, Repo } from './base.js';
import { type SharedFilters, totalsFromRow, totalsToRow, whereShared } from './lines.js';
import {
  aggregateOf,
  documentOf,
  fulfillmentColumns,
  newPartRows,
  type OrderPartRow,
  refundColumns,
  refundedMinorOf,
  refundedMinorOfRefund,
  returnColumns,
} from './order-document.js';

const toOrder = (row: Selectable<OrdersTable>): OrderRecord => ({
  accountId: row.account_id,
  id: row.id,
  checkoutId: row.checkout_id,
  state: row.state as OrderRecord['state'],
  fraudState: row.fraud_state as OrderRecord['fraudState'],
  stateTransitions: fromJson(row.state_transitions),
  fraudStateTransitions: fromJson(row.fraud_state_transitions),
  currency: row.currency,
  customerId: row.customer_id,
  email: row.email,
  locale: row.locale,
  browserIp: row.browser_ip,
  applicationId: row.application_id,
  upstreamId: row.upstream_id,
  requestToBeForgotten: row.request_to_be_forgotten === 1,
  taxInclusive: row.tax_inclusive === 1,
  chargeType: row.charge_type,
  customerType: row.customer_type,
  hasShippingChoice: row.has_shipping_choice === 1,
  sessionId: row.session_id,
  sessionClientSecret: row.session_client_secret,
  sessionState: row.session_state,
  totals: totalsFromRow(row),
  data: fromJson<CheckoutData>(row.data),
  metadata: metadataFromJson(row.metadata),
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

export interface OrderFilters extends SharedFilters {
  state?: string | undefined;
  fraudState?: string | undefined;
  checkoutId?: string | undefined;
  skuId?: string | undefined;
  /** DR's state-time filters (`accepted[gte]=…`): stateTransitions, by state */
  stateTimes?: Record<string, TimeRange> | undefined;
  /** `fraudStateTransitions.passed[gte]=…` */
  fraudStateTimes?: Record<string, TimeRange> | undefined;
  refundedAmount?: MajorRange | undefined;
}

const PART_COLUMNS = [
  'account_id',
  'kind',
  'id',
  'order_id',
  'parent_id',
  'sku_id',
  'state',
  'reason',
  'failure_reason',
  'tracking_company',
  'tracking_number',
  'amount_minor',
  'refunded_minor',
  'currency',
  'created_at',
] as const satisfies readonly (keyof OrderPartRow)[];

/** A conflicting write of an order: another transaction wrote it since it was read. Retried whole. */
export class OrderVersionConflict extends Error {
  /** PostgreSQL's serialization failure: store/db-errors.ts retries the transaction */
  readonly code = '40001';
}

/** The version each order was read at, by its record (a write names it). */
const versions = new WeakMap<OrderRecord, number>();
/**
 * Operations stored without parts (written before migration 6), by order record: their parts are
 * rebuilt at every read (domain/order/legacy.ts) and never written, so that such an order stays
 * marked legacy.
 */
const partless = new WeakMap<OrderRecord, ReadonlySet<string>>();

export class OrdersRepo extends Repo {
  /** Which of these ids orders or order items of the account already use. */
  async idsTaken(accountId: string, ids: readonly string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const rows = await this.db
      .selectFrom('orders')
      .select('id')
      .where('account_id', '=', accountId)
      .where('id', 'in', ids)
      .unionAll(
        this.db
          .selectFrom('order_parts')
          .select('id')
          .where('account_id', '=', accountId)
          .where('kind', '=', 'item')
          .where('id', 'in', ids),
      )
      .execute();
    return new Set(rows.map((r) => r.id));
  }

  /** The order aggregate: one statement. */
  async get(accountId: string, id: string, options: ReadOptions = {}): Promise<Order | undefined> {
    if (this.hot) {
      const hot = this.hot.get<Selectable<OrdersTable>>(
        'SELECT * FROM orders WHERE account_id = ? AND id = ?',
        [accountId, id],
      );
      return hot ? toAggregate(hot) : undefined;
    }
    let q = this.db.selectFrom('orders').selectAll().where('account_id', '=', accountId).where('id', '=', id);
    if (options.lock && this.locks) q = q.forUpdate();
    const row = await q.executeTakeFirst();
    return row ? toAggregate(row) : undefined;
  }

  /** Orders by id (those that exist), with one statement per batch of ids. */
  async getMany(accountId: string, ids: readonly string[]): Promise<Map<string, Order>> {
    const found = new Map<string, Order>();
    await eachAccountBatch(
      ids.map((id) => ({ accountId, id })),
      async (account, batch) => {
        const rows = await this.db
          .selectFrom('orders')
          .selectAll()
          .where('account_id', '=', account)
          .where('id', 'in', batch)
          .execute();
        for (const row of rows) found.set(row.id, toAggregate(row));
      },
    );
    return found;
  }

  /** The order a charge, operation, fulfillment or refund belongs to: one statement. */
  async ofPart(
    accountId: string,
    kind: OrderPartKind,
    id: string,
    options: ReadOptions = {},
  ): Promise<Order | undefined> {
    let q = this.db
      .selectFrom('order_parts')
      .innerJoin('orders', (join) =>
        join
          .onRef('orders.account_id', '=', 'order_parts.account_id')
          .onRef('orders.id', '=', 'order_parts.order_id'),
      )
      .selectAll('orders')
      .where('order_parts.account_id', '=', accountId)
      .where('order_parts.kind', '=', kind)
      .where('order_parts.id', '=', id);
    if (options.lock && this.locks) q = q.forUpdate('orders');
    const row = await q.executeTakeFirst();
    return row ? toAggregate(row) : undefined;
  }

  /** The orders of these parts (by part id), for several parts of one kind at once. */
  async orderIdsOfParts(
    accountId: string,
    kind: OrderPartKind,
    ids: readonly string[],
  ): Promise<Map<string, string>> {
    const found = new Map<string, string>();
    if (ids.length === 0) return found;
    const rows = await this.db
      .selectFrom('order_parts')
      .select(['id', 'order_id'])
      .where('account_id', '=', accountId)
      .where('kind', '=', kind)
      .where('id', 'in', [...ids])
      .execute();
    for (const row of rows) found.set(row.id, row.order_id);
    return found;
  }

  /**
   * Locks orders in id order, the one order every transaction that locks several orders takes
   * them in, so that two such transactions wait for each other rather than deadlock.
   */
  async lockInIdOrder(accountId: string, ids: readonly string[]): Promise<void> {
    if (!this.locks || ids.length === 0) return;
    await this.db
      .selectFrom('orders')
      .select('id')
      .where('account_id', '=', accountId)
      .where('id', 'in', [...ids])
      .orderBy('id')
      .forUpdate()
      .execute();
  }

  /** A new order: its row (with its document) and the rows of its parts, two statements. */
  async insert(aggregate: Order): Promise<void> {
    const order = aggregate.order;
    await this.db
      .insertInto('orders')
      .values({
        account_id: order.accountId,
        id: order.id,
        checkout_id: order.checkoutId,
        state: order.state,
        fraud_state: order.fraudState,
        state_transitions: toJson(order.stateTransitions),
        fraud_state_transitions: toJson(order.fraudStateTransitions),
        currency: order.currency,
        customer_id: order.customerId,
        email: order.email,
        locale: order.locale,
        browser_ip: order.browserIp,
        application_id: order.applicationId,
        upstream_id: order.upstreamId,
        request_to_be_forgotten: flag(order.requestToBeForgotten),
        tax_inclusive: flag(order.taxInclusive),
        charge_type: order.chargeType,
        customer_type: order.customerType,
        has_shipping_choice: flag(order.hasShippingChoice),
        session_id: order.sessionId,
        session_client_secret: order.sessionClientSecret,
        session_state: order.sessionState,
        ...totalsToRow(order.totals),
        data: toJson(order.data),
        metadata: toJsonOrNull(order.metadata),
        created_at: order.createdAt,
        updated_at: order.updatedAt,
        document: documentOf(aggregate),
        refunded_minor: refundedMinorOf(aggregate.operations),
        version: 1,
      })
      .execute();
    versions.set(order, 1);
    await this.insertParts(newPartRows(aggregate, undefined));
  }

  /**
   * Writes the aggregate as a decision leaves it: one UPDATE of the order's row, guarded by the
   * version it was read at (a conflict is retried with the whole transaction), one INSERT of the
   * parts it gained, and an UPDATE of each part whose list columns changed (a refund settled,
   * a fulfillment's tracking).
   */
  async save(before: Order, next: Order): Promise<void> {
    const b = before.order;
    const n = next.order;
    assert(n.accountId === b.accountId && n.id === b.id, 'a decision keeps the order it was given');
    const version = versions.get(b);
    assert(version !== undefined, `order ${b.id} was read before it is written`);
    const columns = {
      state: n.state,
      state_transitions: toJson(n.stateTransitions),
      fraud_state: n.fraudState,
      fraud_state_transitions: toJson(n.fraudStateTransitions),
      upstream_id: n.upstreamId,
      metadata: toJsonOrNull(n.metadata),
      request_to_be_forgotten: flag(n.requestToBeForgotten),
      updated_at: n.updatedAt,
      refunded_minor: refundedMinorOf(next.operations),
      document: documentOf(next, partless.get(b)),
      version: version + 1,
    };
    const updated = this.hot
      ? this.hot.run(
          `UPDATE orders SET ${Object.keys(columns)
            .map((c) => `${c} = ?`)
            .join(', ')} WHERE account_id = ? AND id = ? AND version = ?`,
          [...Object.values(columns), n.accountId, n.id, version],
        ).changes
      : Number(
          (
            await this.db
              .updateTable('orders')
              .set(columns)
              .where('account_id', '=', n.accountId)
              .where('id', '=', n.id)
              .where('version', '=', version)
              .executeTakeFirst()
          ).numUpdatedRows,
        );
    if (updated !== 1)
      throw new OrderVersionConflict(`order ${n.id} was written since it was read (version ${version})`);
    versions.set(n, version + 1);
    const without = partless.get(b);
    if (without) partless.set(n, without);
    await this.insertParts(newPartRows(next, before));
    const refunds = new Map(before.refunds.map((r) => [r.id, r]));
    for (const refund of next.refunds) {
      const was = refunds.get(refund.id);
      if (
        was &&
        (was.state !== refund.state ||
          was.failureReason !== refund.failureReason ||
          refundedMinorOfRefund(before.operations, refund.id) !==
            refundedMinorOfRefund(next.operations, refund.id))
      )
        await this.updatePart(n.accountId, 'refund', refund.id, refundColumns(refund, next));
    }
    const returns = new Map(before.returns.map((r) => [r.id, r]));
    for (const ret of next.returns) {
      const was = returns.get(ret.id);
      if (was && was.state !== ret.state)
        await this.updatePart(n.accountId, 'return', ret.id, returnColumns(ret));
    }
    const fulfillments = new Map(before.fulfillments.map((f) => [f.id, f]));
    for (const f of next.fulfillments) {
      const was = fulfillments.get(f.id);
      if (was && (was.trackingCompany !== f.trackingCompany || was.trackingNumber !== f.trackingNumber))
        await this.updatePart(n.accountId, 'fulfillment', f.id, fulfillmentColumns(f));
    }
  }

  private async insertParts(rows: readonly OrderPartRow[]): Promise<void> {
    for (const batch of chunks(rows)) {
      if (this.hot)
        this.hot.run(
          `INSERT INTO order_parts (${PART_COLUMNS.join(', ')}) VALUES ${batch
            .map(() => `(${placeholders(PART_COLUMNS.length)})`)
            .join(', ')}`,
          batch.flatMap((row) => PART_COLUMNS.map((c) => row[c])),
        );
      else await this.db.insertInto('order_parts').values(batch).execute();
    }
  }

  private async updatePart(
    accountId: string,
    kind: OrderPartKind,
    id: string,
    columns: Partial<OrderPartRow>,
  ): Promise<void> {
    const result = await this.db
      .updateTable('order_parts')
      .set(columns)
      .where('account_id', '=', accountId)
      .where('kind', '=', kind)
      .where('id', '=', id)
      .executeTakeFirst();
    assert(Number(result.numUpdatedRows) === 1, `${kind} ${id} has its row`);
  }

  async list(accountId: string, filters: OrderFilters, page: PageQuery): Promise<Page<Order>> {
    let q = this.db.selectFrom('orders').selectAll().where('account_id', '=', accountId);
    q = whereShared(q, filters);
    if (filters.state) q = q.where('state', '=', filters.state);
    if (filters.fraudState) q = q.where('fraud_state', '=', filters.fraudState);
    if (filters.checkoutId) q = q.where('checkout_id', '=', filters.checkoutId);
    const skuId = filters.skuId;
    if (skuId) {
      q = q.where((eb) =>
        eb.exists(
          eb
            .selectFrom('order_parts')
            .select('order_parts.id')
            .where('order_parts.account_id', '=', accountId)
            .where('order_parts.kind', '=', 'item')
            .where('order_parts.sku_id', '=', skuId)
            .whereRef('order_parts.order_id', '=', 'orders.id'),
        ),
      );
    }
    for (const [state, range] of Object.entries(filters.stateTimes ?? {}))
      q = whereIsoRange(q, jsonText(this.dialect, 'state_transitions', [state]), range) as typeof q;
    for (const [state, range] of Object.entries(filters.fraudStateTimes ?? {}))
      q = whereIsoRange(q, jsonText(this.dialect, 'fraud_state_transitions', [state]), range) as typeof q;
    q = whereMajorRange(q, 'refunded_minor', 'currency', filters.refundedAmount) as typeof q;
    if (filters.subscriptionId)
      q = q.where(
        jsonArrayHas(
          this.dialect,
          'orders.document',
          ['items'],
          ['data', 'subscriptionInfo', 'subscriptionId'],
          filters.subscriptionId,
        ),
      );
    const result = await paginate<Selectable<OrdersTable>>(q, page, (id) =>
      this.seqOf('orders', accountId, id),
    );
    return { data: result.data.map(toAggregate), hasMore: result.hasMore };
  }

  /**
   * A page of one kind of part (fulfillments, refunds), newest first, with the orders they
   * belong to: two statements.
   */
  async partsPage(
    accountId: string,
    kind: 'fulfillment' | 'refund' | 'return',
    filter: (q: PartsQuery) => PartsQuery,
    page: PageQuery,
  ): Promise<Page<{ id: string; order: Order }>> {
    const q = filter(
      this.db
        .selectFrom('order_parts')
        .select(['seq', 'id', 'order_id'])
        .where('account_id', '=', accountId)
        .where('kind', '=', kind),
    );
    const result = await paginate<{ seq: number; id: string; order_id: string }>(q, page, async (id) => {
      const row = await this.db
        .selectFrom('order_parts')
        .select('seq')
        .where('account_id', '=', accountId)
        .where('kind', '=', kind)
        .where('id', '=', id)
        .executeTakeFirst();
      return row?.seq;
    });
    const orders = await this.getMany(accountId, [...new Set(result.data.map((r) => r.order_id))]);
    return {
      data: result.data.flatMap((r) => {
        const order = orders.get(r.order_id);
        return order ? [{ id: r.id, order }] : [];
      }),
      hasMore: result.hasMore,
    };
  }
}

export type PartsQuery = SelectQueryBuilder<
  Database,
  'order_parts',
  { seq: number; id: string; order_id: string }
>;

/** Parts (fulfillments, refunds, returns) with an item of `skuId`: their `…_item` rows carry it. */
export function whereItemSku(
  query: PartsQuery,
  accountId: string,
  itemKind: 'fulfillment_item' | 'refund_item' | 'return_item',
  skuId: string | undefined,
): PartsQuery {
  if (!skuId) return query;
  return query.where((eb) =>
    eb.exists(
      eb
        .selectFrom('order_parts as pi')
        .select('pi.id')
        .where('pi.account_id', '=', accountId)
        .where('pi.kind', '=', itemKind)
        .where('pi.sku_id', '=', skuId)
        .whereRef('pi.parent_id', '=', 'order_parts.id'),
    ),
  );
}

function toAggregate(row: Selectable<OrdersTable>): Order {
  const record = toOrder(row);
  versions.set(record, row.version);
  const aggregate = aggregateOf(record, row.document);
  const without = aggregate.operations.filter((o) => Object.keys(o.parts).length === 0).map((o) => o.id);
  if (without.length > 0) partless.set(record, new Set(without));
  return aggregate;
}
