import { notFound } from '../errors.js';
import type { Metadata } from '../shared.js';
import { Draft, decided } from './draft.js';
import type { Order } from './model.js';
import type { Context, Decision } from './plan.js';

/** The smaller commands on an order: its own attributes and the test helpers. */

export interface OrderChanges {
  upstreamId?: string | null | undefined;
  metadata?: Metadata | null | undefined;
  requestToBeForgotten?: boolean | undefined;
}

/** POST /orders/{id}: upstreamId, metadata, requestToBeForgotten (DR's OrderUpdateRequest). */
export function decideOrderUpdate(order: Order, changes: OrderChanges, ctx: Context): Decision {
  return decided(() => {
    const draft = new Draft(order, ctx);
    const current = order.order;
    draft.order = {
      ...current,
      upstreamId: changes.upstreamId === undefined ? current.upstreamId : changes.upstreamId,
      metadata: changes.metadata === undefined ? current.metadata : changes.metadata,
      requestToBeForgotten: changes.requestToBeForgotten ?? current.requestToBeForgotten,
      updatedAt: ctx.now,
    };
    draft.moveOrder('update', current.state);
    return draft.plan();
  });
}

function chargeChange(
  order: Order,
  chargeId: string,
  ctx: Context,
  change: (charge: Order['charges'][number]) => Partial<Order['charges'][number]>,
): Decision {
  return decided(() => {
    const draft = new Draft(order, ctx);
    const charge = order.charges.find((c) => c.id === chargeId);
    if (!charge) throw notFound('id', `Charge '${chargeId}' not found.`);
    draft.replaceCharge({ ...charge, ...change(charge), updatedAt: ctx.now });
    return draft.plan();
  });
}

/** A test helper: the charge's authorization expires now (its next capture needs a new one). */
export const decideAuthorizationExpiry = (order: Order, chargeId: string, ctx: Context): Decision =>
  chargeChange(order, chargeId, ctx, () => ({ authorizationExpiresAt: ctx.now }));

/** A test helper: from now on the issuer refuses this charge's reauthorizations. */
export const decideReauthorizationRefusal = (order: Order, chargeId: string, ctx: Context): Decision =>
  chargeChange(order, chargeId, ctx, () => ({ reauthorizationOverride: 'refused' }));
