import type { Machine } from '../state-machine.js';

/** DR's charge states, and the captures, cancels and refunds on a charge. */
export const CHARGE_STATES = [
  'pending',
  'capturable',
  'processing',
  'complete',
  'cancelled',
  'failed',
] as const;
export type ChargeState = (typeof CHARGE_STATES)[number];

export const CHARGE_COMMANDS = [
  'reauthorize',
  'capture',
  'cancel',
  'capture.complete',
  'capture.failed',
  'cancel.complete',
  'cancel.failed',
  'block',
  'refund',
  'refund.complete',
  'refund.failed',
] as const;
export type ChargeCommand = (typeof CHARGE_COMMANDS)[number];

const CHARGE_EVENTS = {
  processing: 'order.charge.processing',
  complete: 'order.charge.complete',
  cancelled: 'order.charge.cancelled',
  failed: 'order.charge.failed',
} as const;

export const CHARGE_MACHINE: Machine<ChargeState, ChargeCommand> = {
  name: 'charge',
  states: CHARGE_STATES,
  commands: CHARGE_COMMANDS,
  initial: ['capturable'],
  // pending: asynchronous payment methods (not produced yet)
  external: ['pending'],
  conflictCode: () => 'charge_not_capturable',
  table: {
    pending: {},
    capturable: {
      reauthorize: { to: ['capturable'] },
      capture: { to: ['capturable', 'processing'], emits: CHARGE_EVENTS },
      cancel: { to: ['capturable', 'processing'], emits: CHARGE_EVENTS },
      'capture.complete': { to: ['capturable'] },
      'capture.failed': { to: ['capturable'] },
      'cancel.complete': { to: ['capturable'] },
      'cancel.failed': { to: ['capturable'] },
      block: { to: ['cancelled'], emits: CHARGE_EVENTS },
    },
    processing: {
      'capture.complete': { to: ['processing', 'complete'], emits: CHARGE_EVENTS },
      'capture.failed': { to: ['processing', 'complete', 'cancelled', 'failed'], emits: CHARGE_EVENTS },
      'cancel.complete': { to: ['processing', 'complete', 'cancelled'], emits: CHARGE_EVENTS },
      'cancel.failed': { to: ['processing', 'complete', 'cancelled', 'failed'], emits: CHARGE_EVENTS },
      refund: { to: ['processing'] },
      'refund.complete': { to: ['processing'] },
      'refund.failed': { to: ['processing'] },
    },
    complete: {
      refund: { to: ['complete'] },
      'refund.complete': { to: ['complete'] },
      'refund.failed': { to: ['complete'] },
    },
    cancelled: {},
    failed: {},
  },
};

/** A capture, cancel or refund of a charge: pending, then complete or failed. */
export const OPERATION_STATES = ['pending', 'complete', 'failed'] as const;
export type OperationState = (typeof OPERATION_STATES)[number];
export const OPERATION_COMMANDS = ['settle.complete', 'settle.failed', 'force.fail'] as const;
export type OperationCommand = (typeof OPERATION_COMMANDS)[number];
export type OperationKind = 'capture' | 'cancel' | 'refund';

export const OPERATION_MACHINE: Machine<OperationState, OperationCommand> = {
  name: 'charge operation',
  states: OPERATION_STATES,
  commands: OPERATION_COMMANDS,
  initial: ['pending'],
  conflictCode: () => 'restricted_update',
  table: {
    pending: {
      'settle.complete': { to: ['complete'] },
      'settle.failed': { to: ['failed'] },
      'force.fail': { to: ['failed'] },
    },
    complete: {},
    failed: {},
  },
};

/** The event of an operation in a state: order.charge.capture.pending, …cancel.complete, … */
export const operationEvent = (kind: OperationKind, state: OperationState): string =>
  `order.charge.${kind}.${state}`;
