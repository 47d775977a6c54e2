import { Type } from 'typebox';
import type { Deps } from '../../services/context.js';
import { createRefund, getRefund, listRefunds, updateRefund } from '../../services/refunds.js';
import { refundToWire } from '../../wire/order.js';
import { callerOf } from '../plugins/auth.js';
import { listOf, majorRangeOf, pageOf, timeRangeOf } from '../query.js';
import { closed, IdParams, listQuery, Str, timeQuery } from '../schemas/common.js';
import { RefundCreate, RefundUpdate } from '../schemas/refund.js';
import type { TypedApp } from '../typed.js';

export const RefundListQuery = closed({
  ...listQuery,
  ...timeQuery('createdTime'),
  ...timeQuery('refundedAmount'),
  ...timeQuery('amount'),
  state: Type.Optional(Str(40)),
  orderId: Type.Optional(Str()),
  skuId: Type.Optional(Str()),
  reason: Type.Optional(Str()),
  failureReason: Type.Optional(Str()),
});

export function refundRoutes(app: TypedApp, deps: Deps): void {
  app.post('/refunds', { schema: { body: RefundCreate } }, async (request, reply) => {
    const { refund, view } = await createRefund(deps, callerOf(request), request.body);
    reply.status(201);
    return refundToWire(refund, view);
  });

  app.get('/refunds/:id', { schema: { params: IdParams } }, async (request) => {
    const { id } = request.params;
    const { refund, view } = await getRefund(deps, callerOf(request), id);
    return refundToWire(refund, view);
  });

  app.post('/refunds/:id', { schema: { params: IdParams, body: RefundUpdate } }, async (request) => {
    const { id } = request.params;
    const { refund, view } = await updateRefund(deps, callerOf(request), id, request.body);
    return refundToWire(refund, view);
  });

  app.get('/refunds', { schema: { querystring: RefundListQuery } }, async (request) => {
    const query: Record<string, unknown> = request.query;
    const page = await listRefunds(
      deps,
      callerOf(request),
      {
        ids: listOf(query, 'ids'),
        orderId: query['orderId'] as string | undefined,
        state: query['state'] as string | undefined,
        reason: query['reason'] as string | undefined,
        failureReason: query['failureReason'] as string | undefined,
        createdTime: timeRangeOf(query, 'createdTime'),
        skuId: query['skuId'] as string | undefined,
        amount: majorRangeOf(query, 'amount'),
        refundedAmount: majorRangeOf(query, 'refundedAmount'),
      },
      pageOf(query),
    );
    return { hasMore: page.hasMore, data: page.data.map(({ refund, view }) => refundToWire(refund, view)) };
  });
}
