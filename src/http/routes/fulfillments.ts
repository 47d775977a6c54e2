import { Type } from 'typebox';
import type { Deps } from '../../services/context.js';
import {
  createFulfillment,
  getFulfillment,
  listFulfillments,
  updateFulfillment,
} from '../../services/fulfillments.js';
import { fulfillmentToWire } from '../../wire/order.js';
import { callerOf } from '../plugins/auth.js';
import { listOf, pageOf, timeRangeOf } from '../query.js';
import { closed, IdParams, listQuery, Str, timeQuery } from '../schemas/common.js';
import { FulfillmentCreate, FulfillmentUpdate } from '../schemas/fulfillment.js';
import type { TypedApp } from '../typed.js';

export const FulfillmentListQuery = closed({
  ...listQuery,
  ...timeQuery('createdTime'),
  orderId: Type.Optional(Str()),
  skuId: Type.Optional(Str()),
  trackingCompany: Type.Optional(Str()),
  trackingNumber: Type.Optional(Str()),
});

export function fulfillmentRoutes(app: TypedApp, deps: Deps): void {
  app.post('/fulfillments', { schema: { body: FulfillmentCreate } }, async (request, reply) => {
    const { fulfillment } = await createFulfillment(deps, callerOf(request), request.body);
    reply.status(201);
    return fulfillmentToWire(fulfillment);
  });

  app.get('/fulfillments/:id', { schema: { params: IdParams } }, async (request) => {
    const { id } = request.params;
    const { fulfillment, view } = await getFulfillment(deps, callerOf(request), id);
    return fulfillmentToWire(fulfillment, view);
  });

  app.post(
    '/fulfillments/:id',
    { schema: { params: IdParams, body: FulfillmentUpdate } },
    async (request) => {
      const { id } = request.params;
      return fulfillmentToWire(await updateFulfillment(deps, callerOf(request), id, request.body));
    },
  );

  app.get('/fulfillments', { schema: { querystring: FulfillmentListQuery } }, async (request) => {
    const query: Record<string, unknown> = request.query;
    const page = await listFulfillments(
      deps,
      callerOf(request),
      {
        ids: listOf(query, 'ids'),
        orderId: query['orderId'] as string | undefined,
        skuId: query['skuId'] as string | undefined,
        trackingCompany: query['trackingCompany'] as string | undefined,
        trackingNumber: query['trackingNumber'] as string | undefined,
        createdTime: timeRangeOf(query, 'createdTime'),
      },
      pageOf(query),
    );
    return { hasMore: page.hasMore, data: page.data.map((f) => fulfillmentToWire(f)) };
  });
}
