import { assert } from '../../lib/assert.js';
import { isoSeconds } from '../../lib/time.js';
import { CHARGE_MACHINE, type ChargeCommand, OPERATION_MACHINES } from '../charge/transitions.js';
import { AppError } from '../errors.js';
import type { EventType } from '../events.js';
import { create, move } from '../state-machine.js';
import type { Claim } from './claims.js';
import { assertInvariants } from './invariants.js';
import { chargeLedger, chargeState } from './ledger.js';
import type {
  AuthorizationRecord,
  ChargeRecord,
  DisputeRecord,
  FraudState,
  FulfillmentRecord,
  OperationRecord,
  Order,
  OrderItemRecord,
  OrderRecord,
  RefundRecord,
  ReturnRecord,
} from './model.js';
import type { About, Context, Decision, Plan, PlannedEvent, PlannedTask } from './plan.js';
import { ORDER_MACHINE, type OrderCommand, type OrderState } from './transitions.js';

/**
 * The working copy a decision builds its plan on. It never changes the aggregate it started
 * from; every state change goes through a state table, which also names the events.
 */
export class Draft {
  order: OrderRecord;
  items: OrderItemRecord[];
  charges: ChargeRecord[];
  operations: OperationRecord[];
  fulfillments: FulfillmentRecord[];
  refunds: RefundRecord[];
  returns: ReturnRecord[];
  dispute: DisputeRecord | undefined;
  /** issued by their own task (domain/order/documents.ts); a command keeps them */
  private readonly documents: Order['documents'];
  readonly events: PlannedEvent[] = [];
  readonly tasks: PlannedTask[] = [];
  readonly submit: string[] = [];
  readonly authorizations: AuthorizationRecord[] = [];
  private readonly legacy: boolean;

  constructor(
    start: Order,
    readonly ctx: Context,
  ) {
    this.order = start.order;
    this.items = [...start.items];
    this.charges = [...start.charges];
    this.operations = [...start.operations];
    this.fulfillments = [...start.fulfillments];
    this.refunds = [...start.refunds];
    this.returns = [...start.returns];
    this.dispute = start.dispute;
    this.documents = start.documents;
    this.legacy = start.legacy === true;
  }

  get now(): number {
    return this.ctx.now;
  }

  get aggregate(): Order {
    return {
      order: this.order,
      items: this.items,
      charges: this.charges,
      operations: this.operations,
      fulfillments: this.fulfillments,
      refunds: this.refunds,
      returns: this.returns,
      ...(this.dispute ? { dispute: this.dispute } : {}),
      ...(this.documents ? { documents: this.documents } : {}),
      ...(this.legacy ? { legacy: true } : {}),
    };
  }

  emit(types: readonly EventType[], about: About): void {
    for (const type of types) this.events.push({ type, about });
  }

  item(id: string): OrderItemRecord {
    const item = this.items.find((i) => i.id === id);
    assert(item !== undefined, `item ${id} is of the order`);
    return item;
  }

  charge(id: string): ChargeRecord {
    const charge = this.charges.find((c) => c.id === id);
    assert(charge !== undefined, `charge ${id} is of the order`);
    return charge;
  }

  replaceItem(next: OrderItemRecord): void {
    this.items = this.items.map((i) => (i.id === next.id ? next : i));
  }

  replaceCharge(next: ChargeRecord): void {
    this.charges = this.charges.map((c) => (c.id === next.id ? next : c));
  }

  replaceOperation(next: OperationRecord): void {
    this.operations = this.operations.map((o) => (o.id === next.id ? next : o));
  }

  replaceRefund(next: RefundRecord): void {
    this.refunds = this.refunds.map((r) => (r.id === next.id ? next : r));
  }

  /** A capture, cancel or refund of what `claim` takes from its charge. */
  newOperation(
    claim: Claim,
    kind: OperationRecord['kind'],
    links: { fulfillmentId?: string; refundId?: string; forced?: boolean; state?: OperationRecord['state'] },
  ): OperationRecord {
    const charge = this.charge(claim.chargeId);
    return {
      accountId: charge.accountId,
      id: this.ctx.uuid(),
      chargeId: charge.id,
      orderId: charge.orderId,
      kind,
      amountMinor: claim.amountMinor,
      parts: claim.parts,
      state: links.state ?? 'pending',
      fulfillmentId: links.fulfillmentId ?? null,
      refundId: links.refundId ?? null,
      forced: links.forced ?? false,
      failureCode: null,
      failureMessage: null,
      createdAt: this.now,
      updatedAt: this.now,
    };
  }

  /** A new capture, cancel or refund; pending ones are handed to the processor. */
  addOperation(op: OperationRecord): void {
    create(OPERATION_MACHINES[op.kind], op.state);
    this.operations.push(op);
    if (op.state === 'pending') this.submit.push(op.id);
  }

  /** The event of an operation as it is created (…capture.pending, …cancel.complete). */
  operationCreated(op: OperationRecord): void {
    this.emit(create(OPERATION_MACHINES[op.kind], op.state), { kind: 'charge', id: op.chargeId });
  }

  /** Moves a charge to the state its money now implies, as `command` allows. */
  moveCharge(chargeId: string, command: ChargeCommand): void {
    const charge = this.charge(chargeId);
    const next = chargeState(chargeLedger(this.aggregate, charge));
    const { events } = move(CHARGE_MACHINE, charge.state, command, next);
    if (next !== charge.state) this.replaceCharge({ ...charge, state: next, updatedAt: this.now });
    this.emit(events, { kind: 'charge', id: chargeId });
  }

  /** Moves the order by `command` to `to`, stamping stateTransitions (and the fraud state). */
  moveOrder(command: OrderCommand, to: OrderState, fraud?: FraudState): void {
    const current = this.order;
    const { events } = move(ORDER_MACHINE, current.state, command, to, 'orderId');
    const stamp = isoSeconds(this.now);
    if (to !== current.state || fraud) {
      this.order = {
        ...current,
        state: to,
        // resuming after a dispute keeps the time the order first reached that state (DR's example)
        stateTransitions:
          to === current.state || (command === 'dispute.resolve' && current.stateTransitions[to])
            ? current.stateTransitions
            : { ...current.stateTransitions, [to]: stamp },
        fraudState: fraud ?? current.fraudState,
        fraudStateTransitions: fraud
          ? { ...current.fraudStateTransitions, [fraud]: stamp }
          : current.fraudStateTransitions,
        updatedAt: this.now,
      };
    }
    this.emit(events, { kind: 'order' });
  }

  /** The finished plan; the invariants of the order it leaves are checked first. */
  plan(): Plan {
    const next = this.aggregate;
    assertInvariants(next);
    return {
      at: this.now,
      next,
      events: this.events,
      tasks: this.tasks,
      submit: this.submit,
      authorizations: this.authorizations,
    };
  }
}

/**
 * Runs a decision: an AppError it throws is the command's refusal (nothing to write); a refusal
 * that keeps something returns its Decision; anything else is a bug and propagates.
 */
export function decided(work: () => Plan | Decision): Decision {
  try {
    const result = work();
    return 'ok' in result ? result : { ok: true, plan: result };
  } catch (error) {
    if (error instanceof AppError) return { ok: false, error };
    throw error;
  }
}

/** The most fulfillments or refunds one order may have (limits.ts): 409 limit_exceeded. */
export function underLimit(order: Order, count: number, max: number, what: string): void {
  if (count >= max)
    throw new AppError(
      'limit_exceeded',
      'orderId',
      `Order '${order.order.id}' has ${max} ${what}, the most one order may have.`,
    );
}
