import { Type } from 'typebox';
import type { Deps } from '../../services/context.js';
import { createReturn, getReturn, listReturns, updateReturn } from '../../services/returns.js';
import { returnToWire } from '../../wire/order.js';
import { callerOf } from '../plugins/auth.js';
import { listOf, pageOf, timeRangeOf } from '../query.js';
import { closed, IdParams, listQuery, Str, timeQuery } from '../schemas/common.js';
import { ReturnCreate, ReturnUpdate } from '../schemas/return.js';
import type { TypedApp } from '../typed.js';

/** DR's listReturns filters. */
export const ReturnListQuery = closed({
  ...listQuery,
  ...timeQuery('createdTime'),
  state: Type.Optional(Str(40)),
  orderId: Type.Optional(Str()),
  skuId: Type.Optional(Str()),
});

export function returnRoutes(app: TypedApp, deps: Deps): void {
  app.post('/returns', { schema: { body: ReturnCreate } }, async (request, reply) => {
    const ret = await createReturn(deps, callerOf(request), request.body);
    reply.status(201);
    return returnToWire(ret);
  });

  app.get('/returns/:id', { schema: { params: IdParams } }, async (request) => {
    const { id } = request.params;
    return returnToWire(await getReturn(deps, callerOf(request), id));
  });

  app.post('/returns/:id', { schema: { params: IdParams, body: ReturnUpdate } }, async (request) => {
    const { id } = request.params;
    return returnToWire(await updateReturn(deps, callerOf(request), id, request.body));
  });

  app.get('/returns', { schema: { querystring: ReturnListQuery } }, async (request) => {
    const query: Record<string, unknown> = request.query;
    const page = await listReturns(
      deps,
      callerOf(request),
      {
        ids: listOf(query, 'ids'),
        orderId: query['orderId'] as string | undefined,
        state: query['state'] as string | undefined,
        skuId: query['skuId'] as string | undefined,
        createdTime: timeRangeOf(query, 'createdTime'),
      },
      pageOf(query),
    );
    return { hasMore: page.hasMore, data: page.data.map(returnToWire) };
  });
}
