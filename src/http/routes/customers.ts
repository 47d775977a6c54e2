import { Type } from 'typebox';
import type { Deps } from '../../services/context.js';
import {
  createCustomer,
  deleteCustomer,
  getCustomer,
  listCustomers,
  removeSourceFromCustomer,
  saveSourceToCustomer,
  updateCustomer,
} from '../../services/customers.js';
import { customerToWire, sourceToWire } from '../../wire/catalog.js';
import { callerOf } from '../plugins/auth.js';
import { listOf, pageOf, timeRangeOf } from '../query.js';
import { CustomerCreate, CustomerUpdate } from '../schemas/catalog.js';
import { closed, IdParams, IdSourceParams, listQuery, Str, timeQuery } from '../schemas/common.js';
import type { TypedApp } from '../typed.js';

export const CustomerListQuery = closed({
  ...listQuery,
  ...timeQuery('createdTime'),
  ...timeQuery('updatedTime'),
  email: Type.Optional(Str(254)),
  requestToBeForgotten: Type.Optional(Type.Boolean()),
});

export function customerRoutes(app: TypedApp, deps: Deps): void {
  app.post('/customers', { schema: { body: CustomerCreate } }, async (request, reply) => {
    const view = await createCustomer(deps, callerOf(request), request.body);
    reply.status(201);
    return customerToWire(view.customer, view.sources, view.taxIdentifiers);
  });

  app.get('/customers/:id', { schema: { params: IdParams } }, async (request) => {
    const { id } = request.params;
    const view = await getCustomer(deps, callerOf(request), id);
    return customerToWire(view.customer, view.sources, view.taxIdentifiers);
  });

  app.post('/customers/:id', { schema: { params: IdParams, body: CustomerUpdate } }, async (request) => {
    const { id } = request.params;
    const view = await updateCustomer(deps, callerOf(request), id, request.body);
    return customerToWire(view.customer, view.sources, view.taxIdentifiers);
  });

  app.delete('/customers/:id', { schema: { params: IdParams } }, async (request, reply) => {
    const { id } = request.params;
    await deleteCustomer(deps, callerOf(request), id);
    reply.status(204);
    return;
  });

  app.get('/customers', { schema: { querystring: CustomerListQuery } }, async (request) => {
    const query: Record<string, unknown> = request.query;
    const page = await listCustomers(
      deps,
      callerOf(request),
      {
        ids: listOf(query, 'ids'),
        email: query['email'] as string | undefined,
        requestToBeForgotten: query['requestToBeForgotten'] as boolean | undefined,
        createdTime: timeRangeOf(query, 'createdTime'),
        updatedTime: timeRangeOf(query, 'updatedTime'),
      },
      pageOf(query),
    );
    return {
      hasMore: page.hasMore,
      data: page.data.map((v) => customerToWire(v.customer, v.sources, v.taxIdentifiers)),
    };
  });

  app.post('/customers/:id/sources/:sourceId', { schema: { params: IdSourceParams } }, async (request) => {
    const { id, sourceId } = request.params;
    return sourceToWire(await saveSourceToCustomer(deps, callerOf(request), id, sourceId));
  });

  app.delete(
    '/customers/:id/sources/:sourceId',
    { schema: { params: IdSourceParams } },
    async (request, reply) => {
      const { id, sourceId } = request.params;
      await removeSourceFromCustomer(deps, callerOf(request), id, sourceId);
      reply.status(204);
      return;
    },
  );
}
