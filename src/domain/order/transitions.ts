import type { Machine } from '../state-machine.js';

/**
 * DR's order and order item states, and what moves them
 * (order-management/orders/the-order-lifecycle.md). The decisions in this folder derive the
 * next state from the order's ledger; these tables say which moves exist and what they emit.
 */
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
  'reauthorization.refuse',
  'settle',
  'refund',
  'dispute.open',
  'chargeback',
  'dispute.resolve',
] as const;
export type OrderCommand = (typeof ORDER_COMMANDS)[number];

const update = <S extends OrderState>(state: S) => ({ to: [state], event: 'order.updated' as const });
const stay = <S extends OrderState>(state: S) => ({ to: [state] });
const openDispute = { to: ['dispute' as const], emits: { dispute: 'order.dispute' as const } };

export const ORDER_MACHINE: Machine<OrderState, OrderCommand> = {
  name: 'order',
  states: ORDER_STATES,
  commands: ORDER_COMMANDS,
  initial: ['accepted', 'in_review'],
  created: {
    event: 'order.created',
    emits: { accepted: 'order.accepted', in_review: 'order.review_opened' },
  },
  // pending_payment: asynchronous payment methods (not produced yet)
  external: ['pending_payment'],
  conflictCode: (state) =>
    state === 'fulfilled' || state === 'complete' || state === 'returned'
      ? 'order_fulfilled'
      : state === 'cancelled' || state === 'blocked'
        ? 'order_cancelled'
        : 'order_not_submitted',
  table: {
    pending_payment: { update: update('pending_payment') },
    in_review: {
      update: update('in_review'),
      'review.accept': { to: ['accepted'], emits: { accepted: 'order.accepted' } },
      'review.block': { to: ['blocked'], emits: { blocked: 'order.blocked' } },
    },
    accepted: {
      update: update('accepted'),
      // every item fulfilled, or some fulfilled and the rest cancelled
      fulfill: { to: ['accepted', 'fulfilled'], emits: { fulfilled: 'order.fulfilled' } },
      // a risk-averse account refuses the fulfillment; nothing changes (seed 002)
      'reauthorization.refuse': { to: ['accepted'], event: 'order.charge.reauth.failed' },
      // every item cancelled and every cancel settled
      settle: { to: ['accepted', 'cancelled'], emits: { cancelled: 'order.cancelled' } },
      // a partly captured order refunds what its completed captures took
      refund: stay('accepted'),
      'dispute.open': openDispute,
    },
    fulfilled: {
      update: update('fulfilled'),
      // every capture complete
      settle: { to: ['fulfilled', 'complete'], emits: { complete: 'order.complete' } },
      refund: stay('fulfilled'),
      'dispute.open': openDispute,
    },
    complete: {
      update: update('complete'),
      refund: stay('complete'),
      // every captured unit of money refunded
      settle: { to: ['complete', 'returned'], emits: { returned: 'order.refunded' } },
      'dispute.open': openDispute,
    },
    returned: {
      update: update('returned'),
      'dispute.open': openDispute,
    },
    blocked: { update: update('blocked') },
    cancelled: { update: update('cancelled') },
    // returns-and-refunds-1/disputes-and-chargebacks.md: no capture, cancel, refund or return
    // while disputed; a lost dispute charges money back; either way the order resumes the state
    // it had before
    dispute: {
      update: update('dispute'),
      chargeback: { to: ['dispute'], event: 'order.chargeback' },
      'dispute.resolve': {
        to: ['accepted', 'fulfilled', 'complete', 'returned'],
        event: 'order.dispute.resolved',
      },
    },
  },
};

/** Order item states (DR's OrderItem.state). */
export const ITEM_STATES = ['created', 'fulfilled', 'cancelled', 'blocked', 'paid', 'returned'] as const;
export type ItemState = (typeof ITEM_STATES)[number];
export const ITEM_COMMANDS = ['fulfill', 'block', 'return'] as const;
export type ItemCommand = (typeof ITEM_COMMANDS)[number];

export const ITEM_MACHINE: Machine<ItemState, ItemCommand> = {
  name: 'order item',
  states: ITEM_STATES,
  commands: ITEM_COMMANDS,
  initial: ['created'],
  // paid: invoicing (not produced yet)
  external: ['paid'],
  conflictCode: () => 'quantity_too_large',
  table: {
    created: {
      // units shipped (`quantity`) and cancelled (`cancelQuantity`), in any mix
      fulfill: { to: ['created', 'fulfilled', 'cancelled'] },
      block: { to: ['blocked'] },
    },
    // every fulfilled unit returned and accepted (returns-and-refunds-1/returns)
    fulfilled: { return: { to: ['returned'] } },
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
