import type { Machine } from '../state-machine.js';

/**
 * A fulfillment has no state of its own in DR's API: once created it only takes tracking
 * updates; its money moves through the captures and cancels it started.
 */
export const FULFILLMENT_STATES = ['created'] as const;
export type FulfillmentState = (typeof FULFILLMENT_STATES)[number];
export const FULFILLMENT_COMMANDS = ['update'] as const;
export type FulfillmentCommand = (typeof FULFILLMENT_COMMANDS)[number];

export const FULFILLMENT_MACHINE: Machine<FulfillmentState, FulfillmentCommand> = {
  name: 'fulfillment',
  states: FULFILLMENT_STATES,
  commands: FULFILLMENT_COMMANDS,
  initial: ['created'],
  created: { event: 'fulfillment.created' },
  conflictCode: () => 'restricted_update',
  table: { created: { update: { to: ['created'], event: 'fulfillment.updated' } } },
};
