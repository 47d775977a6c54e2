import type { EventType } from '../events.js';
import type { Machine } from '../state-machine.js';

/**
 * DR's charge states (order-management/orders/payment-charges, "The charge lifecycle"), derived
 * from the charge's money in the order's ledger: capturable while some of the authorization is
 * unclaimed; processing once all of it is claimed and something is pending; complete when
 * something was captured and nothing is pending; cancelled when all of it was cancelled.
 */
export const CHARGE_STATES = [
  'pending',
  'capturable',
  'processing',
  'complete',
  'cancelled',
  'failed',
] as const;
export type ChargeState = (typeof CHARGE_STATES)[number];

export const CHARGE_COMMANDS = ['reauthorize', 'fulfill', 'settle', 'block', 'refund'] as const;
export type ChargeCommand = (typeof CHARGE_COMMANDS)[number];

const CHARGE_EVENTS = {
  capturable: 'order.charge.capturable',
  processing: 'order.charge.processing',
  complete: 'order.charge.complete',
  cancelled: 'order.charge.cancelled',
  failed: 'order.charge.failed',
} as const satisfies Partial<Record<ChargeState, EventType>>;

export const CHARGE_MACHINE: Machine<ChargeState, ChargeCommand> = {
  name: 'charge',
  states: CHARGE_STATES,
  commands: CHARGE_COMMANDS,
  initial: ['capturable'],
  created: { emits: { capturable: 'order.charge.capturable' } },
  // pending: asynchronous payment methods (not produced yet)
  external: ['pending'],
  conflictCode: () => 'charge_not_capturable',
  table: {
    pending: {},
    capturable: {
      reauthorize: { to: ['capturable'] },
      // captures and cancels of one fulfillment, in any mix
      fulfill: { to: ['capturable', 'processing'], emits: CHARGE_EVENTS },
      // an operation settles while some of the authorization is still unclaimed
      settle: { to: ['capturable'] },
      block: { to: ['cancelled'], emits: CHARGE_EVENTS },
      // completed captures of a partly captured charge are refundable
      refund: { to: ['capturable'] },
    },
    processing: {
      settle: { to: ['processing', 'complete', 'cancelled', 'failed'], emits: CHARGE_EVENTS },
      refund: { to: ['processing'] },
    },
    complete: {
      settle: { to: ['complete'] },
      refund: { to: ['complete'] },
    },
    cancelled: {},
    failed: {},
  },
};

/** A capture, cancel or refund of a charge: pending, then complete or failed. */
export const OPERATION_STATES = ['pending', 'complete', 'failed'] as const;
export type OperationState = (typeof OPERATION_STATES)[number];
export const OPERATION_KINDS = ['capture', 'cancel', 'refund'] as const;
export type OperationKind = (typeof OPERATION_KINDS)[number];
export const OPERATION_COMMANDS = ['settle'] as const;
export type OperationCommand = (typeof OPERATION_COMMANDS)[number];

function operationMachine(
  kind: OperationKind,
  events: Record<OperationState, EventType>,
): Machine<OperationState, OperationCommand> {
  return {
    name: `charge ${kind}`,
    states: OPERATION_STATES,
    commands: OPERATION_COMMANDS,
    // a fraud block cancels at once, and a lost dispute charges back at once: that cancel and that
    // refund are created complete
    initial: kind === 'capture' ? ['pending'] : ['pending', 'complete'],
    created: { emits: events },
    conflictCode: () => 'restricted_update',
    table: {
      pending: {
        settle: { to: ['complete', 'failed'], emits: { complete: events.complete, failed: events.failed } },
      },
      complete: {},
      failed: {},
    },
  };
}

export const OPERATION_MACHINES: Record<OperationKind, Machine<OperationState, OperationCommand>> = {
  capture: operationMachine('capture', {
    pending: 'order.charge.capture.pending',
    complete: 'order.charge.capture.complete',
    failed: 'order.charge.capture.failed',
  }),
  cancel: operationMachine('cancel', {
    pending: 'order.charge.cancel.pending',
    complete: 'order.charge.cancel.complete',
    failed: 'order.charge.cancel.failed',
  }),
  refund: operationMachine('refund', {
    pending: 'order.charge.refund.pending',
    complete: 'order.charge.refund.complete',
    failed: 'order.charge.refund.failed',
  }),
};
