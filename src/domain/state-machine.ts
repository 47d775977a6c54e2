import { AssertionError } from '../lib/assert.js';
import { AppError } from './errors.js';
import type { EventType } from './events.js';

/**
 * State machines as data: `state → command → cell`. A cell lists the states the command may
 * lead to (the service derives which one from amounts and counts, and the machine checks it is
 * one of these) and the event the move emits. A missing cell is a 409 that names the command,
 * the current state and the states that allow it.
 */
export interface Cell<S extends string> {
  to: readonly S[];
  /** the event emitted when the command moves the aggregate into a different state */
  emits?: Partial<Record<S, EventType>>;
  /** the event emitted every time the command applies, whether or not the state changes */
  event?: EventType;
}

export type Table<S extends string, C extends string> = Readonly<Record<S, Partial<Record<C, Cell<S>>>>>;

export interface Machine<S extends string, C extends string> {
  name: string;
  states: readonly S[];
  commands: readonly C[];
  table: Table<S, C>;
  /** the states an aggregate is created in */
  initial: readonly S[];
  /** the events of a creation: one whatever the state, then the one of the state it starts in */
  created?: { event?: EventType; emits?: Partial<Record<S, EventType>> };
  /** DR states entered only by what Tributary does not produce yet (documented, not reachable) */
  external?: readonly S[];
  /** the code of the 409 a command answers in a state that does not allow it */
  conflictCode: (state: S, command: C) => ConflictCode;
}

type ConflictCode = ConstructorParameters<typeof AppError>[0];

export function allows<S extends string, C extends string>(
  machine: Machine<S, C>,
  state: S,
  command: C,
): boolean {
  return machine.table[state][command] !== undefined;
}

/** The cell of a command, or the 409 when the state does not allow it. */
export function cellFor<S extends string, C extends string>(
  machine: Machine<S, C>,
  state: S,
  command: C,
  parameter: string,
): Cell<S> {
  const cell = machine.table[state][command];
  if (cell) return cell;
  const allowing = machine.states.filter((s) => machine.table[s][command] !== undefined);
  throw new AppError(
    machine.conflictCode(state, command),
    parameter,
    `Cannot ${command} a ${machine.name} that is ${state}; allowed when ${allowing.length > 0 ? allowing.join(', ') : 'never'}.`,
  );
}

/**
 * Applies a command whose outcome the caller derived: checks the move is in the table and
 * returns the events it emits (the command's own, then the new state's if the state changed).
 */
export function move<S extends string, C extends string>(
  machine: Machine<S, C>,
  from: S,
  command: C,
  to: S,
  parameter = 'id',
): { to: S; events: EventType[] } {
  const cell = cellFor(machine, from, command, parameter);
  if (!cell.to.includes(to)) {
    // the derivation disagrees with the table: a bug, not a client error
    throw new AssertionError(
      `${machine.name}: ${command} from ${from} may not lead to ${to} (allowed: ${cell.to.join(', ')})`,
    );
  }
  const events: EventType[] = [];
  if (cell.event) events.push(cell.event);
  const entered = to !== from ? cell.emits?.[to] : undefined;
  if (entered) events.push(entered);
  return { to, events };
}

/** The events of creating an aggregate in `state` (which must be one it may start in). */
export function create<S extends string, C extends string>(machine: Machine<S, C>, state: S): EventType[] {
  if (!machine.initial.includes(state))
    throw new AssertionError(
      `${machine.name}: may not be created ${state} (only ${machine.initial.join(', ')})`,
    );
  const events: EventType[] = [];
  if (machine.created?.event) events.push(machine.created.event);
  const entered = machine.created?.emits?.[state];
  if (entered) events.push(entered);
  return events;
}

/** The table as text, one line per state, for the checked-in snapshot tests. */
export function render<S extends string, C extends string>(machine: Machine<S, C>): string {
  const width = Math.max(...machine.states.map((s) => s.length));
  const lines = [`# ${machine.name}: state × command → next states [event on entering] {event every time}`];
  const created = machine.initial.map((s) => {
    const events = [machine.created?.event, machine.created?.emits?.[s]].filter((e) => e !== undefined);
    return events.length > 0 ? `${s} [${events.join(', ')}]` : s;
  });
  lines.push(`(created) → ${created.join(' | ')}`);
  for (const state of machine.states) {
    const cells = machine.commands.flatMap((command) => {
      const cell = machine.table[state][command];
      if (!cell) return [];
      const targets = cell.to
        .map((t) => (cell.emits?.[t] && t !== state ? `${t} [${cell.emits[t]}]` : t))
        .join(' | ');
      return [`${command} → ${targets}${cell.event ? ` {${cell.event}}` : ''}`];
    });
    lines.push(`${state.padEnd(width)}  ${cells.length > 0 ? cells.join('; ') : '(terminal)'}`);
  }
  return `${lines.join('\n')}\n`;
}

/** The states reachable from the initial ones through the table. */
export function reachable<S extends string, C extends string>(machine: Machine<S, C>): Set<S> {
  const seen = new Set<S>(machine.initial);
  const queue = [...machine.initial];
  while (queue.length > 0) {
    const state = queue.shift() as S;
    for (const cell of Object.values(machine.table[state]) as (Cell<S> | undefined)[]) {
      for (const to of cell?.to ?? []) {
        if (!seen.has(to)) {
          seen.add(to);
          queue.push(to);
        }
      }
    }
  }
  return seen;
}
