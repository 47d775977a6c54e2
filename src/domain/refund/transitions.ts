import type { Machine } from '../state-machine.js';

/**
 * A refund (DR's OrderRefund states Tributary produces): pending, then succeeded or failed
 * (order-management/returns-and-refunds-1/refunds/issuing-refunds.md, "Handling refund state
 * changes").
 */
export const REFUND_STATES = ['pending', 'succeeded', 'failed'] as const;
export type RefundState = (typeof REFUND_STATES)[number];
export const REFUND_COMMANDS = ['settle', 'update'] as const;
export type RefundCommand = (typeof REFUND_COMMANDS)[number];

export const REFUND_MACHINE: Machine<RefundState, RefundCommand> = {
  name: 'refund',
  states: REFUND_STATES,
  commands: REFUND_COMMANDS,
  initial: ['pending'],
  created: { emits: { pending: 'refund.pending' } },
  conflictCode: () => 'restricted_update',
  table: {
    pending: {
      // one of its charge refunds is still pending, or all of them settled
      settle: {
        to: ['pending', 'succeeded', 'failed'],
        emits: { succeeded: 'refund.complete', failed: 'refund.failed' },
      },
      update: { to: ['pending'], event: 'refund.updated' },
    },
    succeeded: { update: { to: ['succeeded'], event: 'refund.updated' } },
    failed: { update: { to: ['failed'], event: 'refund.updated' } },
  },
};
