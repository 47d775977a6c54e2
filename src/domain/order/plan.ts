import type { AppError } from '../errors.js';
import type { EventType } from '../events.js';
import type { Json } from '../shared.js';
import type { AuthorizationRecord, Order } from './model.js';

/**
 * What a decision returns: the order as the command leaves it, and what the service must do
 * besides writing it. The service persists exactly this: it adds no state and no money of its
 * own.
 */

/** What an event is about: its `data.object` is that object as the plan leaves it. */
export type About =
  | { kind: 'order' }
  | { kind: 'charge'; id: string }
  | { kind: 'fulfillment'; id: string }
  | { kind: 'refund'; id: string }
  | { kind: 'return'; id: string };

export interface PlannedEvent {
  type: EventType;
  about: About;
}

export type TaskKind = 'settle' | 'review' | 'chargeback' | 'document';

/** Work due later on the account's clock. */
export interface PlannedTask {
  kind: TaskKind;
  subjectId: string;
  payload: Json;
  dueAt: number;
}

export interface Plan {
  /** when the command happens (the account's clock) */
  at: number;
  /** the order after the command */
  next: Order;
  events: PlannedEvent[];
  tasks: PlannedTask[];
  /** ids of new pending operations to hand to the processor (it answers when each settles) */
  submit: string[];
  /** authorizations asked for and their answers (kept even when the command is refused) */
  authorizations: AuthorizationRecord[];
}

export type Decision = { ok: true; plan: Plan } | { ok: false; error: AppError; plan?: Plan | undefined };

/** What a decision needs besides the aggregate and the command: the time, and fresh ids. */
export interface Context {
  now: number;
  uuid: () => string;
}

/**
 * Plans made one on another's order, as one plan that leaves `next`: their events, tasks,
 * submissions and authorizations in the order the plans are given.
 */
export function combinePlans(at: number, next: Order, plans: readonly Plan[]): Plan {
  return {
    at,
    next,
    events: plans.flatMap((p) => p.events),
    tasks: plans.flatMap((p) => p.tasks),
    submit: plans.flatMap((p) => p.submit),
    authorizations: plans.flatMap((p) => p.authorizations),
  };
}
