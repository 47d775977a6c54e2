import { Type } from 'typebox';
import { invalidParameter } from '../../domain/errors.js';
import { isoMillis, parseIsoTime } from '../../lib/time.js';
import type { Deps } from '../../services/context.js';
import {
  advance,
  clockOf,
  disputeOrder,
  expireAuthorization,
  failCapture,
  refuseReauthorization,
  resetAccount,
} from '../../services/test-helpers.js';
import type { AccountRecord } from '../../store/records.js';
import { chargeToWire, orderToWire } from '../../wire/order.js';
import { callerOf } from '../plugins/auth.js';
import { IdParams, partial, Str } from '../schemas/common.js';
import type { TypedApp } from '../typed.js';

/** Tributary's test helpers: the account clock and forced outcomes. */

const ClockAdvance = partial({ seconds: Type.Integer({ minimum: 0 }), to: Str(40) });
const DisputeResolution = Type.Object(
  {
    outcome: Type.Union([Type.Literal('won'), Type.Literal('lost')]),
    amount: Type.Optional(Type.Number()),
  },
  { additionalProperties: false },
);

function clockToWire(deps: Deps, account: AccountRecord, ran?: number) {
  const clock = clockOf(deps, account);
  return {
    time: isoMillis(clock.nowMs),
    offsetSeconds: Math.round(clock.offsetMs / 1000),
    ...(ran === undefined ? {} : { tasksRun: ran }),
  };
}

export function testHelperRoutes(app: TypedApp, deps: Deps): void {
  app.get('/test-helpers/clock', async (request) => clockToWire(deps, callerOf(request).account));

  app.post('/test-helpers/clock/advance', { schema: { body: ClockAdvance } }, async (request) => {
    const body = request.body;
    let to: number | undefined;
    if (body.to !== undefined) {
      to = parseIsoTime(body.to);
      if (to === undefined)
        throw invalidParameter('to', "'to' must be an ISO-8601 time, such as 2030-01-31T12:00:00Z.");
    }
    const { account, ran } = await advance(deps, callerOf(request), { seconds: body.seconds, to });
    return clockToWire(deps, account, ran);
  });

  app.post(
    '/test-helpers/charges/:id/expire-authorization',
    { schema: { params: IdParams } },
    async (request) => {
      const { id } = request.params;
      const { charge, operations } = await expireAuthorization(deps, callerOf(request), id);
      return chargeToWire(charge, operations);
    },
  );

  app.post(
    '/test-helpers/charges/:id/refuse-reauthorization',
    { schema: { params: IdParams } },
    async (request) => {
      const { id } = request.params;
      const { charge, operations } = await refuseReauthorization(deps, callerOf(request), id);
      return chargeToWire(charge, operations);
    },
  );

  app.post('/test-helpers/captures/:id/fail', { schema: { params: IdParams } }, async (request) => {
    const { id } = request.params;
    const { charge, operations } = await failCapture(deps, callerOf(request), id);
    return chargeToWire(charge, operations);
  });

  // disputes-and-chargebacks.md: what DR's chargeback process does to an order
  app.post('/test-helpers/orders/:id/dispute', { schema: { params: IdParams } }, async (request) => {
    const { id } = request.params;
    return orderToWire(await disputeOrder(deps, callerOf(request), id));
  });

  app.post(
    '/test-helpers/orders/:id/dispute/resolve',
    { schema: { params: IdParams, body: DisputeResolution } },
    async (request) => {
      const { id } = request.params;
      const body = request.body;
      return orderToWire(await disputeOrder(deps, callerOf(request), id, body));
    },
  );

  app.post('/test-helpers/reset', async (request, reply) => {
    await resetAccount(deps, callerOf(request));
    reply.status(204);
    return;
  });
}
