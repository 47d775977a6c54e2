import type { Selectable } from 'kysely';
import type { AuthorizationIntent } from '../../domain/order/authorization.js';
import { assert } from '../../lib/assert.js';
import { fromJson, toJson } from '../json.js';
import type { ProcessorIntentsTable } from '../schema.js';
import { Repo } from './base.js';

interface IntentRequest {
  source: AuthorizationIntent['source'];
  currency: string;
  requestedAt: number;
}

const toIntent = (row: Selectable<ProcessorIntentsTable>): AuthorizationIntent => {
  const request = fromJson<IntentRequest>(row.request);
  return {
    accountId: row.account_id,
    id: row.id,
    checkoutId: row.checkout_id,
    orderId: row.order_id,
    position: row.position,
    source: request.source,
    currency: request.currency,
    requestedAt: request.requestedAt,
    state: row.state as AuthorizationIntent['state'],
    answer: row.answer === null ? null : fromJson<AuthorizationIntent['answer']>(row.answer),
    idempotencyKey: row.idempotency_key,
    deadlineAt: row.deadline_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
};

/**
 * Requests to the payment processor, recorded before they are made (domain/order/authorization.ts).
 * Each moves pending → answered (its answer kept) or pending → abandoned, by named updates that
 * check the prior state.
 */
export class IntentsRepo extends Repo {
  async insert(intents: readonly AuthorizationIntent[]): Promise<void> {
    if (intents.length === 0) return;
    await this.db
      .insertInto('processor_intents')
      .values(
        intents.map((i) => ({
          account_id: i.accountId,
          id: i.id,
          kind: 'authorize',
          checkout_id: i.checkoutId,
          order_id: i.orderId,
          position: i.position,
          request: toJson({ source: i.source, currency: i.currency, requestedAt: i.requestedAt }),
          state: i.state,
          answer: null,
          idempotency_key: i.idempotencyKey,
          deadline_at: i.deadlineAt,
          created_at: i.createdAt,
          updated_at: i.updatedAt,
        })),
      )
      .execute();
  }

  /** The intents of a checkout's order attempt (`orderId`), in order. */
  async ofOrder(accountId: string, checkoutId: string, orderId: string): Promise<AuthorizationIntent[]> {
    const rows = await this.db
      .selectFrom('processor_intents')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('checkout_id', '=', checkoutId)
      .where('order_id', '=', orderId)
      .orderBy('position')
      .execute();
    return rows.map(toIntent);
  }

  /** pending → answered */
  async answer(
    intent: AuthorizationIntent,
    answer: NonNullable<AuthorizationIntent['answer']>,
    now: number,
  ): Promise<void> {
    const result = await this.db
      .updateTable('processor_intents')
      .set({ state: 'answered', answer: toJson(answer), updated_at: now })
      .where('account_id', '=', intent.accountId)
      .where('id', '=', intent.id)
      .where('state', '=', 'pending')
      .executeTakeFirst();
    assert(Number(result.numUpdatedRows) === 1, `intent ${intent.id} was not pending`);
  }

  /** pending → abandoned: the processor never made it (its status says so) */
  async abandon(accountId: string, checkoutId: string, orderId: string, now: number): Promise<void> {
    await this.db
      .updateTable('processor_intents')
      .set({ state: 'abandoned', updated_at: now })
      .where('account_id', '=', accountId)
      .where('checkout_id', '=', checkoutId)
      .where('order_id', '=', orderId)
      .where('state', '=', 'pending')
      .execute();
  }

  /** Order attempts with an intent still pending past its deadline (real time), oldest first. */
  async overdue(
    realNowMs: number,
    limit: number,
  ): Promise<{ accountId: string; checkoutId: string; orderId: string }[]> {
    const rows = await this.db
      .selectFrom('processor_intents')
      .select(['account_id', 'checkout_id', 'order_id'])
      .where('state', '=', 'pending')
      .where('deadline_at', '<', realNowMs)
      .orderBy('deadline_at')
      .limit(limit)
      .execute();
    const seen = new Map<string, { accountId: string; checkoutId: string; orderId: string }>();
    for (const r of rows)
      seen.set(`${r.account_id}/${r.order_id}`, {
        accountId: r.account_id,
        checkoutId: r.checkout_id,
        orderId: r.order_id,
      });
    return [...seen.values()];
  }
}
