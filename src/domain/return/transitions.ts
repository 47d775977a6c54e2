import type { Machine } from '../state-machine.js';

/**
 * A return (order-management/returns-and-refunds-1/returns/creating-a-return.md): created when
 * the merchant authorizes it, accepted once every authorized unit was received and accepted, in
 * one request or one per shipment. Accepting is what issues its refunds.
 */
export const RETURN_STATES = ['created', 'accepted'] as const;
export type ReturnState = (typeof RETURN_STATES)[number];
export const RETURN_COMMANDS = ['update', 'accept'] as const;
export type ReturnCommand = (typeof RETURN_COMMANDS)[number];

export const RETURN_MACHINE: Machine<ReturnState, ReturnCommand> = {
  name: 'return',
  states: RETURN_STATES,
  commands: RETURN_COMMANDS,
  initial: ['created'],
  created: { event: 'return.created' },
  conflictCode: () => 'restricted_update',
  table: {
    created: {
      // metadata, location, or some units accepted with others still to come
      update: { to: ['created'], event: 'return.updated' },
      // the last authorized units accepted
      accept: { to: ['accepted'], emits: { accepted: 'return.accepted' } },
    },
    accepted: {
      update: { to: ['accepted'], event: 'return.updated' },
    },
  },
};
