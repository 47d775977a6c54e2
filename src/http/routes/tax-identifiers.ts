import { Type } from 'typebox';
import type { Deps } from '../../services/context.js';
import {
  attachTaxIdentifier,
  createTaxIdentifier,
  deleteTaxIdentifier,
  detachTaxIdentifier,
  getTaxIdentifier,
  listTaxIdentifiers,
  settleVerification,
} from '../../services/tax-identifiers.js';
import { taxIdentifierBriefToWire, taxIdentifierToWire } from '../../wire/catalog.js';
import { callerOf } from '../plugins/auth.js';
import { listOf, pageOf, timeRangeOf } from '../query.js';
import { closed, Id, IdParams, listQuery, partial, Str, timeQuery } from '../schemas/common.js';
import type { TypedApp } from '../typed.js';

/** DR's TaxIdentifierRequest. */
export const TaxIdentifierCreate = closed({ type: Str(40), value: Str(64) });

/** DR's listTaxIdentifiers filters (the state times are ranges, as every time filter here). */
export const TaxIdentifierListQuery = closed({
  ...listQuery,
  ...timeQuery('createdTime'),
  ...timeQuery('updatedTime'),
  ...timeQuery('pending'),
  ...timeQuery('verified'),
  ...timeQuery('not_valid'),
  customerId: Type.Optional(Str()),
  type: Type.Optional(Str(40)),
  value: Type.Optional(Str(64)),
  state: Type.Optional(
    Type.Union([Type.Literal('pending'), Type.Literal('verified'), Type.Literal('not_valid')]),
  ),
});

const CustomerTaxIdParams = closed({ id: Id, taxId: Id });

const Verification = partial({ state: Str(20), verifiedName: Str(200), verifiedAddress: Str(500) });

export function taxIdentifierRoutes(app: TypedApp, deps: Deps): void {
  app.post('/tax-identifiers', { schema: { body: TaxIdentifierCreate } }, async (request, reply) => {
    const body = request.body;
    reply.status(201);
    return taxIdentifierToWire(await createTaxIdentifier(deps, callerOf(request), body));
  });

  app.get('/tax-identifiers/:id', { schema: { params: IdParams } }, async (request) => {
    const { id } = request.params;
    return taxIdentifierToWire(await getTaxIdentifier(deps, callerOf(request), id));
  });

  app.delete('/tax-identifiers/:id', { schema: { params: IdParams } }, async (request, reply) => {
    const { id } = request.params;
    await deleteTaxIdentifier(deps, callerOf(request), id);
    reply.status(204);
    return;
  });

  app.get('/tax-identifiers', { schema: { querystring: TaxIdentifierListQuery } }, async (request) => {
    const query: Record<string, unknown> = request.query;
    const page = await listTaxIdentifiers(
      deps,
      callerOf(request),
      {
        ids: listOf(query, 'ids'),
        customerId: query['customerId'] as string | undefined,
        type: query['type'] as string | undefined,
        value: query['value'] as string | undefined,
        state: query['state'] as string | undefined,
        createdTime: timeRangeOf(query, 'createdTime'),
        updatedTime: timeRangeOf(query, 'updatedTime'),
        pending: timeRangeOf(query, 'pending'),
        verified: timeRangeOf(query, 'verified'),
        notValid: timeRangeOf(query, 'not_valid'),
      },
      pageOf(query),
    );
    return { hasMore: page.hasMore, data: page.data.map(taxIdentifierToWire) };
  });

  app.post(
    '/customers/:id/tax-identifiers/:taxId',
    { schema: { params: CustomerTaxIdParams } },
    async (request) => {
      const { id, taxId } = request.params;
      return taxIdentifierBriefToWire(await attachTaxIdentifier(deps, callerOf(request), id, taxId));
    },
  );

  app.delete(
    '/customers/:id/tax-identifiers/:taxId',
    { schema: { params: CustomerTaxIdParams } },
    async (request, reply) => {
      const { id, taxId } = request.params;
      await detachTaxIdentifier(deps, callerOf(request), id, taxId);
      reply.status(204);
      return;
    },
  );

  app.post(
    '/test-helpers/tax-identifiers/:id/verification',
    { schema: { params: IdParams, body: Verification } },
    async (request) => {
      const { id } = request.params;
      const body = request.body;
      return taxIdentifierToWire(
        await settleVerification(deps, callerOf(request), id, { ...body, state: body.state ?? '' }),
      );
    },
  );
}
