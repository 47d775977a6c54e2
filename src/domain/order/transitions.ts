import type { Machine } from '../state-machine.js';

/** DR's order states (https://docs.digitalriver.com/digital-river-api/order-management/orders/the-order-lifecycle). */
export const ORDER_STATES = [
  'pending_payment',
  'in_review',
  'accepted',
  'fulfilled',
  'complete',
  'returned',
  'blocked',
  'cancelled',
  'dispute',
] as const;
export type OrderState = (typeof ORDER_STATES)[number];

export const ORDER_COMMANDS = [
  'update',
  'review.accept',
  'review.block',
  'fulfill',
  'items.done',
  'charges.settled',
  'charges.cancelled',
  'refund',
  'refund.full',
  'chargeback',
] as const;
export type OrderCommand = (typeof ORDER_COMMANDS)[number];

const stay = <S extends OrderState>(state: S) => ({ to: [state] as const });

export const ORDER_MACHINE: Machine<OrderState, OrderCommand> = {
  name: 'order',
  states: ORDER_STATES,
  commands: ORDER_COMMANDS,
  initial: ['accepted', 'in_review'],
  // pending_payment: asynchronous payment methods; dispute: disputes (not produced yet)
  external: ['pending_payment', 'dispute'],
  conflictCode: (state) =>
    state === 'fulfilled' || state === 'complete' || state === 'returned'
      ? 'order_fulfilled'
      : state === 'cancelled' || state === 'blocked'
        ? 'order_cancelled'
        : 'order_not_submitted',
  table: {
    pending_payment: { update: stay('pending_payment') },
    in_review: {
      update: stay('in_review'),
      'review.accept': { to: ['accepted'], emits: { accepted: 'order.accepted' } },
      'review.block': { to: ['blocked'], emits: { blocked: 'order.blocked' } },
    },
    accepted: {
      update: stay('accepted'),
      fulfill: stay('accepted'),
      'items.done': { to: ['fulfilled'], emits: { fulfilled: 'order.fulfilled' } },
      'charges.cancelled': { to: ['cancelled'], emits: { cancelled: 'order.cancelled' } },
      refund: stay('accepted'),
      chargeback: stay('accepted'),
    },
    fulfilled: {
      update: stay('fulfilled'),
      'charges.settled': { to: ['complete'], emits: { complete: 'order.complete' } },
      refund: stay('fulfilled'),
      chargeback: stay('fulfilled'),
    },
    complete: {
      update: stay('complete'),
      refund: stay('complete'),
      'refund.full': { to: ['returned'], emits: { returned: 'order.refunded' } },
      chargeback: stay('complete'),
    },
    returned: { update: stay('returned'), chargeback: stay('returned') },
    blocked: { update: stay('blocked') },
    cancelled: { update: stay('cancelled') },
    dispute: { update: stay('dispute') },
  },
};

/** Order item states. */
export const ITEM_STATES = ['created', 'fulfilled', 'cancelled', 'blocked', 'paid', 'returned'] as const;
export type ItemState = (typeof ITEM_STATES)[number];
export const ITEM_COMMANDS = ['fulfill', 'cancel', 'block'] as const;
export type ItemCommand = (typeof ITEM_COMMANDS)[number];

export const ITEM_MACHINE: Machine<ItemState, ItemCommand> = {
  name: 'order item',
  states: ITEM_STATES,
  commands: ITEM_COMMANDS,
  initial: ['created'],
  // paid and returned: returns and invoicing (not produced yet)
  external: ['paid', 'returned'],
  conflictCode: () => 'quantity_too_large',
  table: {
    created: {
      fulfill: { to: ['created', 'fulfilled'] },
      cancel: { to: ['created', 'fulfilled', 'cancelled'] },
      block: { to: ['blocked'] },
    },
    fulfilled: {},
    cancelled: {},
    blocked: {},
    paid: {},
    returned: {},
  },
};

/** An item is done when every unit is fulfilled or cancelled; it is `fulfilled` if any unit shipped. */
export function itemState(quantity: number, fulfilled: number, cancelled: number): ItemState {
  if (fulfilled + cancelled < quantity) return 'created';
  return fulfilled > 0 ? 'fulfilled' : 'cancelled';
}
