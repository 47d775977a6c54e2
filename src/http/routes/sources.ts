import type { Deps } from '../../services/context.js';
import { createCardSource, createCreditSource, getSource } from '../../services/sources.js';
import { sourceToWire } from '../../wire/catalog.js';
import { callerOf } from '../plugins/auth.js';
import { CardSourceCreate, CreditSourceCreate } from '../schemas/catalog.js';
import { IdParams } from '../schemas/common.js';
import type { TypedApp } from '../typed.js';

export function sourceRoutes(app: TypedApp, deps: Deps): void {
  // what DigitalRiver.js calls with a public key and raw card data
  app.post(
    '/payments/sources',
    { schema: { body: CardSourceCreate }, config: { auth: 'public' } },
    async (request, reply) => {
      const source = await createCardSource(deps, callerOf(request), request.body);
      reply.status(201);
      return sourceToWire(source);
    },
  );

  app.post('/sources', { schema: { body: CreditSourceCreate } }, async (request, reply) => {
    const source = await createCreditSource(deps, callerOf(request), request.body);
    reply.status(201);
    return sourceToWire(source);
  });

  app.get('/sources/:id', { schema: { params: IdParams } }, async (request) => {
    const { id } = request.params;
    return sourceToWire(await getSource(deps, callerOf(request), id));
  });
}
