import { Type } from 'typebox';
import { type Deps, versionOf } from '../../services/context.js';
import { createSku, deleteSku, getSku, listSkus, updateSku, upsertSku } from '../../services/skus.js';
import { skuToWire } from '../../wire/catalog.js';
import { callerOf } from '../plugins/auth.js';
import { listOf, pageOf, timeRangeOf } from '../query.js';
import { SkuCreate, SkuUpdate, SkuUpsert } from '../schemas/catalog.js';
import { closed, IdParams, listQuery, Str, timeQuery } from '../schemas/common.js';
import type { TypedApp } from '../typed.js';

export const SkuListQuery = closed({
  ...listQuery,
  ...timeQuery('createdTime'),
  ...timeQuery('updatedTime'),
  eccn: Type.Optional(Str()),
  partNumber: Type.Optional(Str()),
  hsCode: Type.Optional(Str()),
  taxCode: Type.Optional(Str()),
  skuGroupId: Type.Optional(Str()),
});

export function skuRoutes(app: TypedApp, deps: Deps): void {
  app.post('/skus', { schema: { body: SkuCreate } }, async (request, reply) => {
    const sku = await createSku(deps, callerOf(request), request.body);
    reply.status(201);
    return skuToWire(sku, versionOf(callerOf(request)));
  });

  app.put('/skus/:id', { schema: { params: IdParams, body: SkuUpsert } }, async (request, reply) => {
    const { id } = request.params;
    const { sku, created } = await upsertSku(deps, callerOf(request), id, request.body);
    reply.status(created ? 201 : 200);
    return skuToWire(sku, versionOf(callerOf(request)));
  });

  app.post('/skus/:id', { schema: { params: IdParams, body: SkuUpdate } }, async (request) => {
    const { id } = request.params;
    return skuToWire(
      await updateSku(deps, callerOf(request), id, request.body),
      versionOf(callerOf(request)),
    );
  });

  app.get('/skus/:id', { schema: { params: IdParams } }, async (request) => {
    const { id } = request.params;
    return skuToWire(await getSku(deps, callerOf(request), id), versionOf(callerOf(request)));
  });

  app.delete('/skus/:id', { schema: { params: IdParams } }, async (request, reply) => {
    const { id } = request.params;
    await deleteSku(deps, callerOf(request), id);
    reply.status(204);
    return;
  });

  app.get('/skus', { schema: { querystring: SkuListQuery } }, async (request) => {
    const query: Record<string, unknown> = request.query;
    const page = await listSkus(
      deps,
      callerOf(request),
      {
        ids: listOf(query, 'ids'),
        eccn: query['eccn'] as string | undefined,
        taxCode: query['taxCode'] as string | undefined,
        partNumber: query['partNumber'] as string | undefined,
        hsCode: query['hsCode'] as string | undefined,
        skuGroupId: query['skuGroupId'] as string | undefined,
        createdTime: timeRangeOf(query, 'createdTime'),
        updatedTime: timeRangeOf(query, 'updatedTime'),
      },
      pageOf(query),
    );
    return {
      hasMore: page.hasMore,
      data: page.data.map((sku) => skuToWire(sku, versionOf(callerOf(request)))),
    };
  });
}
