import type { Machine } from '../state-machine.js';

/** A refund (DR's OrderRefund states Tributary produces): pending, then succeeded or failed. */
export const REFUND_STATES = ['pending', 'succeeded', 'failed'] as const;
export type RefundState = (typeof REFUND_STATES)[number];
export const REFUND_COMMANDS = ['settle'] as const;
export type RefundCommand = (typeof REFUND_COMMANDS)[number];

export const REFUND_MACHINE: Machine<RefundState, RefundCommand> = {
  name: 'refund',
  states: REFUND_STATES,
  commands: REFUND_COMMANDS,
  initial: ['pending'],
  conflictCode: () => 'restricted_update',
  table: {
    pending: {
      settle: {
        to: ['succeeded', 'failed'],
        emits: { succeeded: 'refund.complete', failed: 'refund.failed' },
      },
    },
    succeeded: {},
    failed: {},
  },
};
