import type { Selectable } from 'kysely';
import { assert } from '../../lib/assert.js';
import { flag, fromJson, metadataFromJson, toJson, toJsonOrNull } from '../json.js';
import { paginate, whereTimeRange } from '../paging.js';
import type {
  ChargeRecord,
  CheckoutData,
  OrderItemRecord,
  OrderRecord,
  Page,
  PageQuery,
  TimeRange,
} from '../records.js';
import type { ChargesTable, OrderItemsTable, OrdersTable } from '../schema.js';
import { type ReadOptions, Repo } from './base.js';
import {
  lineFromRow,
  lineToRow,
  type SharedFilters,
  totalsFromRow,
  totalsToRow,
  whereShared,
} from './lines.js';

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

const toItem = (row: Selectable<OrderItemsTable>): OrderItemRecord => ({
  ...lineFromRow(row),
  orderId: row.order_id,
  state: row.state as OrderItemRecord['state'],
  stateTransitions: fromJson(row.state_transitions),
  fulfilledQuantity: row.fulfilled_quantity,
  cancelledQuantity: row.cancelled_quantity,
});

const toCharge = (row: Selectable<ChargesTable>): ChargeRecord => ({
  accountId: row.account_id,
  id: row.id,
  orderId: row.order_id,
  sourceId: row.source_id,
  sessionId: row.session_id,
  currency: row.currency,
  amountMinor: row.amount_minor,
  state: row.state as ChargeRecord['state'],
  type: row.type,
  scenarioId: row.scenario_id,
  authorizationId: row.authorization_id,
  authorizedAt: row.authorized_at,
  authorizationExpiresAt: row.authorization_expires_at,
  failureCode: row.failure_code,
  failureMessage: row.failure_message,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
  role: row.role as ChargeRecord['role'],
  reauthorizationOverride: row.reauthorization_override as ChargeRecord['reauthorizationOverride'],
});

export interface OrderFilters extends SharedFilters {
  state?: string | undefined;
  fraudState?: string | undefined;
  checkoutId?: string | undefined;
  skuId?: string | undefined;
  totalAmountMinor?: TimeRange | undefined;
}

export class OrdersRepo extends Repo {
  /** Which of these ids orders or order items of the account already use. */
  async idsTaken(accountId: string, ids: readonly string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const [orders, items] = await Promise.all([
      this.db
        .selectFrom('orders')
        .select('id')
        .where('account_id', '=', accountId)
        .where('id', 'in', ids)
        .execute(),
      this.db
        .selectFrom('order_items')
        .select('id')
        .where('account_id', '=', accountId)
        .where('id', 'in', ids)
        .execute(),
    ]);
    return new Set([...orders, ...items].map((r) => r.id));
  }

  async get(accountId: string, id: string, options: ReadOptions = {}): Promise<OrderRecord | undefined> {
    let q = this.db.selectFrom('orders').selectAll().where('account_id', '=', accountId).where('id', '=', id);
    if (options.lock && this.locks) q = q.forUpdate();
    const row = await q.executeTakeFirst();
    return row ? toOrder(row) : undefined;
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

  async insert(
    order: OrderRecord,
    items: readonly OrderItemRecord[],
    charges: readonly ChargeRecord[],
  ): Promise<void> {
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
      })
      .execute();
    if (items.length > 0) {
      await this.db
        .insertInto('order_items')
        .values(
          items.map((item) => ({
            ...lineToRow(item),
            account_id: order.accountId,
            order_id: item.orderId,
            state: item.state,
            state_transitions: toJson(item.stateTransitions),
            fulfilled_quantity: item.fulfilledQuantity,
            cancelled_quantity: item.cancelledQuantity,
          })),
        )
        .execute();
    }
    for (const charge of charges) await this.insertCharge(charge);
  }

  /** The fields POST /orders/{id} may change: upstreamId, metadata, requestToBeForgotten. */
  async updateAttributes(order: OrderRecord): Promise<void> {
    const result = await this.db
      .updateTable('orders')
      .set({
        upstream_id: order.upstreamId,
        metadata: toJsonOrNull(order.metadata),
        request_to_be_forgotten: flag(order.requestToBeForgotten),
        updated_at: order.updatedAt,
      })
      .where('account_id', '=', order.accountId)
      .where('id', '=', order.id)
      .executeTakeFirst();
    assert(Number(result.numUpdatedRows) === 1, `order ${order.id} vanished`);
  }

  async items(accountId: string, orderId: string): Promise<OrderItemRecord[]> {
    return (await this.itemsOf(accountId, [orderId])).get(orderId) ?? [];
  }

  async itemsOf(accountId: string, orderIds: readonly string[]): Promise<Map<string, OrderItemRecord[]>> {
    const grouped = new Map<string, OrderItemRecord[]>(orderIds.map((id) => [id, []]));
    if (orderIds.length === 0) return grouped;
    const rows = await this.db
      .selectFrom('order_items')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('order_id', 'in', orderIds)
      .orderBy('position')
      .execute();
    for (const row of rows) grouped.get(row.order_id)?.push(toItem(row));
    return grouped;
  }

  async insertCharge(charge: ChargeRecord): Promise<void> {
    await this.db
      .insertInto('charges')
      .values({
        account_id: charge.accountId,
        id: charge.id,
        order_id: charge.orderId,
        source_id: charge.sourceId,
        session_id: charge.sessionId,
        currency: charge.currency,
        amount_minor: charge.amountMinor,
        state: charge.state,
        type: charge.type,
        scenario_id: charge.scenarioId,
        authorization_id: charge.authorizationId,
        authorized_at: charge.authorizedAt,
        authorization_expires_at: charge.authorizationExpiresAt,
        failure_code: charge.failureCode,
        failure_message: charge.failureMessage,
        created_at: charge.createdAt,
        updated_at: charge.updatedAt,
        role: charge.role,
        reauthorization_override: charge.reauthorizationOverride,
      })
      .execute();
  }

  /** A named state change: the row must still be in `from` (checked, not assumed). */
  async moveOrder(
    order: OrderRecord,
    from: OrderRecord['state'],
    changes: Pick<
      OrderRecord,
      'state' | 'stateTransitions' | 'fraudState' | 'fraudStateTransitions' | 'updatedAt'
    >,
  ): Promise<void> {
    const result = await this.db
      .updateTable('orders')
      .set({
        state: changes.state,
        state_transitions: toJson(changes.stateTransitions),
        fraud_state: changes.fraudState,
        fraud_state_transitions: toJson(changes.fraudStateTransitions),
        updated_at: changes.updatedAt,
      })
      .where('account_id', '=', order.accountId)
      .where('id', '=', order.id)
      .where('state', '=', from)
      .executeTakeFirst();
    assert(Number(result.numUpdatedRows) === 1, `order ${order.id} was not ${from}`);
  }

  /** Units fulfilled and cancelled so far, and the state that follows from them. */
  async updateItemProgress(
    accountId: string,
    item: OrderItemRecord,
    from: OrderItemRecord['state'],
  ): Promise<void> {
    const result = await this.db
      .updateTable('order_items')
      .set({
        fulfilled_quantity: item.fulfilledQuantity,
        cancelled_quantity: item.cancelledQuantity,
        state: item.state,
        state_transitions: toJson(item.stateTransitions),
      })
      .where('account_id', '=', accountId)
      .where('id', '=', item.id)
      .where('state', '=', from)
      .executeTakeFirst();
    assert(Number(result.numUpdatedRows) === 1, `order item ${item.id} was not ${from}`);
  }

  async moveCharge(charge: ChargeRecord, from: ChargeRecord['state'], now: number): Promise<void> {
    const result = await this.db
      .updateTable('charges')
      .set({ state: charge.state, updated_at: now })
      .where('account_id', '=', charge.accountId)
      .where('id', '=', charge.id)
      .where('state', '=', from)
      .executeTakeFirst();
    assert(Number(result.numUpdatedRows) === 1, `charge ${charge.id} was not ${from}`);
  }

  /**
   * The charge's authorization: a new one replacing an expired one, or a test helper's expiry or
   * refusal of the next reauthorization.
   */
  async updateAuthorization(charge: ChargeRecord): Promise<void> {
    const result = await this.db
      .updateTable('charges')
      .set({
        authorization_id: charge.authorizationId,
        authorized_at: charge.authorizedAt,
        authorization_expires_at: charge.authorizationExpiresAt,
        reauthorization_override: charge.reauthorizationOverride,
        updated_at: charge.updatedAt,
      })
      .where('account_id', '=', charge.accountId)
      .where('id', '=', charge.id)
      .executeTakeFirst();
    assert(Number(result.numUpdatedRows) === 1, `charge ${charge.id} vanished`);
  }

  async charge(accountId: string, id: string, options: ReadOptions = {}): Promise<ChargeRecord | undefined> {
    let q = this.db
      .selectFrom('charges')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('id', '=', id);
    if (options.lock && this.locks) q = q.forUpdate();
    const row = await q.executeTakeFirst();
    return row ? toCharge(row) : undefined;
  }

  async charges(accountId: string, orderId: string): Promise<ChargeRecord[]> {
    return (await this.chargesOf(accountId, [orderId])).get(orderId) ?? [];
  }

  async chargesOf(accountId: string, orderIds: readonly string[]): Promise<Map<string, ChargeRecord[]>> {
    const grouped = new Map<string, ChargeRecord[]>(orderIds.map((id) => [id, []]));
    if (orderIds.length === 0) return grouped;
    const rows = await this.db
      .selectFrom('charges')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('order_id', 'in', orderIds)
      .orderBy('seq')
      .execute();
    for (const row of rows) grouped.get(row.order_id)?.push(toCharge(row));
    return grouped;
  }

  async list(accountId: string, filters: OrderFilters, page: PageQuery): Promise<Page<OrderRecord>> {
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
            .selectFrom('order_items')
            .select('order_items.id')
            .whereRef('order_items.order_id', '=', 'orders.id')
            .where('order_items.account_id', '=', accountId)
            .where('order_items.sku_id', '=', skuId),
        ),
      );
    }
    q = whereTimeRange(q, 'total_amount_minor', filters.totalAmountMinor);
    const result = await paginate<Selectable<OrdersTable>>(q, page, (id) =>
      this.seqOf('orders', accountId, id),
    );
    return { data: result.data.map(toOrder), hasMore: result.hasMore };
  }
}
