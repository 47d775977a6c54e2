import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { CHARGE_MACHINE, OPERATION_MACHINES } from '../../src/domain/charge/transitions.js';
import { AppError } from '../../src/domain/errors.js';
import { FULFILLMENT_MACHINE } from '../../src/domain/fulfillment/transitions.js';
import { ITEM_MACHINE, ORDER_MACHINE } from '../../src/domain/order/transitions.js';
import { REFUND_MACHINE } from '../../src/domain/refund/transitions.js';
import { RETURN_MACHINE } from '../../src/domain/return/transitions.js';
import { cellFor, type Machine, move, reachable, render } from '../../src/domain/state-machine.js';

/**
 * Each aggregate's state table, rendered as text and compared with the checked-in copy beside
 * this file: a change to a table shows as a readable diff (UPDATE_SNAPSHOTS=1 rewrites them).
 */
const MACHINES: [string, Machine<string, string>][] = [
  ['order', ORDER_MACHINE as Machine<string, string>],
  ['order-item', ITEM_MACHINE as Machine<string, string>],
  ['charge', CHARGE_MACHINE as Machine<string, string>],
  ['charge-capture', OPERATION_MACHINES.capture as Machine<string, string>],
  ['charge-cancel', OPERATION_MACHINES.cancel as Machine<string, string>],
  ['charge-refund', OPERATION_MACHINES.refund as Machine<string, string>],
  ['refund', REFUND_MACHINE as Machine<string, string>],
  ['fulfillment', FULFILLMENT_MACHINE as Machine<string, string>],
  ['return', RETURN_MACHINE as Machine<string, string>],
];

for (const [file, machine] of MACHINES) {
  describe(`the ${machine.name} state machine`, () => {
    it('matches its checked-in table', () => {
      const path = new URL(`./state-machines/${file}.txt`, import.meta.url);
      const rendered = render(machine);
      if (process.env['UPDATE_SNAPSHOTS'] === '1') writeFileSync(path, rendered);
      assert.equal(rendered, readFileSync(path, 'utf8'));
    });

    it('reaches every state it declares, but for those entered from outside', () => {
      const seen = reachable(machine);
      const unreachable = machine.states.filter((s) => !seen.has(s) && !(machine.external ?? []).includes(s));
      assert.deepEqual(unreachable, []);
    });

    it('only moves to states it has, and answers a missing cell with a 409 naming the states that allow it', () => {
      for (const state of machine.states) {
        for (const command of machine.commands) {
          const cell = machine.table[state]?.[command];
          if (cell) {
            for (const to of cell.to) assert.ok(machine.states.includes(to));
            assert.throws(() => move(machine, state, command, '__nowhere__'), /may not lead to/);
            continue;
          }
          assert.throws(
            () => cellFor(machine, state, command, 'id'),
            (e: AppError) =>
              e instanceof AppError &&
              e.status === 409 &&
              e.message.includes(command) &&
              e.message.includes(state),
          );
        }
      }
    });
  });
}

describe('terminal states', () => {
  it('have no exits', () => {
    const terminal: [Machine<string, string>, string[]][] = [
      [CHARGE_MACHINE as Machine<string, string>, ['cancelled', 'failed']],
      ...Object.values(OPERATION_MACHINES).map(
        (m) => [m as Machine<string, string>, ['complete', 'failed']] as [Machine<string, string>, string[]],
      ),
      [ITEM_MACHINE as Machine<string, string>, ['cancelled', 'blocked', 'returned']],
    ];
    for (const [machine, states] of terminal) {
      for (const state of states)
        assert.deepEqual(Object.keys(machine.table[state] ?? {}), [], `${machine.name} ${state}`);
    }
    // a cancelled or blocked order only takes metadata updates; a settled refund only metadata
    for (const state of ['cancelled', 'blocked'] as const)
      assert.deepEqual(Object.keys(ORDER_MACHINE.table[state] ?? {}), ['update']);
    for (const state of ['succeeded', 'failed'] as const)
      assert.deepEqual(Object.keys(REFUND_MACHINE.table[state] ?? {}), ['update']);
    // a fulfilled item only goes on to be returned; an accepted return only takes metadata
    assert.deepEqual(Object.keys(ITEM_MACHINE.table.fulfilled), ['return']);
    assert.deepEqual(Object.keys(RETURN_MACHINE.table.accepted), ['update']);
  });
});
