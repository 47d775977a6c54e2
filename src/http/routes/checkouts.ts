import { Type } from 'typebox';
import {
  attachSource,
  checkoutViewToWire,
  createCheckout,
  deleteCheckout,
  detachSource,
  getCheckout,
  listCheckouts,
  updateCheckout,
} from '../../services/checkouts.js';
import type { Deps } from '../../services/context.js';
import { sourceToWire } from '../../wire/catalog.js';
import { callerOf } from '../plugins/auth.js';
import { pageOf, sharedFiltersOf } from '../query.js';
import { CheckoutCreate, CheckoutUpdate } from '../schemas/checkout.js';
import { closed, IdParams, IdSourceParams, listQuery, Str, timeQuery } from '../schemas/common.js';
import type { TypedApp } from '../typed.js';

export const CheckoutListQuery = closed({
  ...listQuery,
  ...timeQuery('createdTime'),
  ...timeQuery('updatedTime'),
  ...timeQuery('totalAmount'),
  upstreamIds: Type.Optional(Type.Union([Str(), Type.Array(Str(), { maxItems: 100 })])),
  customerId: Type.Optional(Str()),
  applicationId: Type.Optional(Str()),
  email: Type.Optional(Str(254)),
  currency: Type.Optional(Str(3)),
  locale: Type.Optional(Str(20)),
  chargeType: Type.Optional(Str(40)),
  customerType: Type.Optional(Str(40)),
  subscriptionId: Type.Optional(Str()),
  browserIp: Type.Optional(Str(64)),
});

export function checkoutRoutes(app: TypedApp, deps: Deps): void {
  app.post('/checkouts', { schema: { body: CheckoutCreate } }, async (request, reply) => {
    const view = await createCheckout(deps, callerOf(request), request.body);
    reply.status(201);
    return checkoutViewToWire(view);
  });

  app.get('/checkouts/:id', { schema: { params: IdParams } }, async (request) => {
    const { id } = request.params;
    return checkoutViewToWire(await getCheckout(deps, callerOf(request), id));
  });

  app.post('/checkouts/:id', { schema: { params: IdParams, body: CheckoutUpdate } }, async (request) => {
    const { id } = request.params;
    return checkoutViewToWire(await updateCheckout(deps, callerOf(request), id, request.body));
  });

  app.delete('/checkouts/:id', { schema: { params: IdParams } }, async (request, reply) => {
    const { id } = request.params;
    await deleteCheckout(deps, callerOf(request), id);
    reply.status(204);
    return;
  });

  app.get('/checkouts', { schema: { querystring: CheckoutListQuery } }, async (request) => {
    const query: Record<string, unknown> = request.query;
    const page = await listCheckouts(deps, callerOf(request), sharedFiltersOf(query), pageOf(query));
    return { hasMore: page.hasMore, data: page.data.map(checkoutViewToWire) };
  });

  app.post('/checkouts/:id/sources/:sourceId', { schema: { params: IdSourceParams } }, async (request) => {
    const { id, sourceId } = request.params;
    const { view, source } = await attachSource(deps, callerOf(request), id, sourceId);
    const wire = checkoutViewToWire(view);
    const payment = wire['payment'] as { sources: Record<string, unknown>[] };
    return payment.sources.find((s) => s['id'] === source.source.id) ?? sourceToWire(source.source);
  });

  app.delete(
    '/checkouts/:id/sources/:sourceId',
    { schema: { params: IdSourceParams } },
    async (request, reply) => {
      const { id, sourceId } = request.params;
      await detachSource(deps, callerOf(request), id, sourceId);
      reply.status(204);
      return;
    },
  );
}
