import cors from '@fastify/cors';
import type { FastifyInstance } from 'fastify';

/**
 * CORS for the endpoints a browser calls itself: those a public key may call (creating a payment
 * source from the shopper's page, as DR.js does) and those that need no key (file links). Any
 * origin may call them; every other endpoint takes a secret key, which belongs on a server, so
 * it sends no CORS headers and a browser page cannot read its answers.
 *
 * Registered before the routes: the paths are collected as the routes are added, and the
 * preflight is answered in @fastify/cors's onRequest hook, before authentication (a preflight
 * carries no key).
 */
export async function registerCors(app: FastifyInstance): Promise<void> {
  const browserPaths = new Set<string>();
  app.addHook('onRoute', (route) => {
    const auth = route.config?.auth;
    // the hidden routes are the 405 answers and the preflight route itself
    if ((auth === 'public' || auth === 'none') && route.schema?.hide !== true) browserPaths.add(route.url);
  });
  await app.register(cors, {
    hideOptionsRoute: true,
    delegator: (request, callback) => {
      const path = request.url.split('?')[0] ?? '';
      const allowed = browserPaths.has(request.routeOptions.url ?? '') || browserPaths.has(path);
      callback(null, {
        origin: allowed ? '*' : false,
        methods: ['GET', 'POST'],
        allowedHeaders: ['Authorization', 'Content-Type', 'Idempotency-Key', 'DigitalRiver-Version'],
        exposedHeaders: ['x-dr-requestid'],
        maxAge: 600,
      });
    },
  });
}
