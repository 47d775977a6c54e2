import { Type } from 'typebox';
import { invalidParameter } from '../../domain/errors.js';
import { ORDER_MACHINE } from '../../domain/order/transitions.js';
import type { Deps } from '../../services/context.js';
import { createOrder } from '../../services/order-placement.js';
import { getCharge, getOrder, listOrders, updateOrder } from '../../services/orders.js';
import { chargeToWire, orderToWire } from '../../wire/order.js';
import { callerOf } from '../plugins/auth.js';
import { majorRangeOf, pageOf, sharedFiltersOf, timeRangeOf } from '../query.js';
import { OrderCreate, OrderUpdate } from '../schemas/checkout.js';
import { closed, IdParams, listQuery, Str, timeQuery } from '../schemas/common.js';
import type { TypedApp } from '../typed.js';

const ORDER_STATES: readonly string[] = ORDER_MACHINE.states;
const STATE_TIME_FILTERS = ORDER_STATES.filter((s) => s !== 'dispute');
const FRAUD_TIME_FILTERS = [
  'fraudStateTransitions.blocked',
  'fraudStateTransitions.review_opened',
  'fraudStateTransitions.passed',
];

export const OrderListQuery = closed({
  ...listQuery,
  ...timeQuery('createdTime'),
  ...timeQuery('updatedTime'),
  ...timeQuery('totalAmount'),
  ...Object.assign({}, ...[...STATE_TIME_FILTERS, ...FRAUD_TIME_FILTERS].map(timeQuery)),
  upstreamIds: Type.Optional(Type.Union([Str(), Type.Array(Str(), { maxItems: 100 })])),
  state: Type.Optional(Str(40)),
  customerId: Type.Optional(Str()),
  checkoutId: Type.Optional(Str()),
  applicationId: Type.Optional(Str()),
  email: Type.Optional(Str(254)),
  currency: Type.Optional(Str(3)),
  skuId: Type.Optional(Str()),
  fraudState: Type.Optional(Str(40)),
  browserIp: Type.Optional(Str(64)),
  chargeType: Type.Optional(Str(40)),
  subscriptionId: Type.Optional(Str()),
  refundedAmount: Type.Optional(Str(40)),
  locale: Type.Optional(Str(20)),
  customerType: Type.Optional(Str(40)),
});

const GetQuery = closed({ expand: Type.Optional(Type.Union([Type.Boolean(), Str(40)])) });

export function orderRoutes(app: TypedApp, deps: Deps): void {
  // the processor is asked outside any transaction (services/order-placement.ts)
  app.post(
    '/orders',
    { schema: { body: OrderCreate }, config: { processor: true } },
    async (request, reply) => {
      const view = await createOrder(deps, callerOf(request), request.body, {
        idempotencyKey: request.idempotencyKey,
      });
      reply.status(201);
      return orderToWire(view);
    },
  );

  app.get('/orders/:id', { schema: { params: IdParams, querystring: GetQuery } }, async (request) => {
    const { id } = request.params;
    const { expand } = request.query;
    return orderToWire(await getOrder(deps, callerOf(request), id), {
      expand: expand === true || expand === 'true',
    });
  });

  app.post('/orders/:id', { schema: { params: IdParams, body: OrderUpdate } }, async (request) => {
    const { id } = request.params;
    return orderToWire(await updateOrder(deps, callerOf(request), id, request.body));
  });

  app.get('/orders', { schema: { querystring: OrderListQuery } }, async (request) => {
    const query: Record<string, unknown> = request.query;
    const state = query['state'] as string | undefined;
    if (state !== undefined && !ORDER_STATES.includes(state)) {
      throw invalidParameter('state', `'state' must be one of: ${ORDER_STATES.join(', ')}.`);
    }
    const ranges = (names: readonly string[], prefix = '') =>
      Object.fromEntries(
        names.flatMap((name) => {
          const range = timeRangeOf(query, name);
          return range ? [[name.slice(prefix.length), range]] : [];
        }),
      );
    const page = await listOrders(
      deps,
      callerOf(request),
      {
        ...sharedFiltersOf(query),
        state,
        fraudState: query['fraudState'] as string | undefined,
        checkoutId: query['checkoutId'] as string | undefined,
        skuId: query['skuId'] as string | undefined,
        stateTimes: ranges(STATE_TIME_FILTERS),
        refundedAmount: majorRangeOf(query, 'refundedAmount'),
        fraudStateTimes: ranges(FRAUD_TIME_FILTERS, 'fraudStateTransitions.'),
      },
      pageOf(query),
    );
    return { hasMore: page.hasMore, data: page.data.map((view) => orderToWire(view)) };
  });

  app.get('/charges/:id', { schema: { params: IdParams } }, async (request) => {
    const { id } = request.params;
    const { charge, operations } = await getCharge(deps, callerOf(request), id);
    return chargeToWire(charge, operations);
  });
}
