import swagger from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';

/**
 * Tributary's own OpenAPI document, generated from the route schemas (every operation: DR's
 * and Tributary's additions) by @fastify/swagger and served at GET /openapi.json. Responses are
 * DR's shapes (see DR's document for their schemas); errors are DR's envelope, declared here.
 */
const ERRORS = {
  type: 'object',
  required: ['type', 'errors'],
  properties: {
    type: { type: 'string' },
    errors: {
      type: 'array',
      items: {
        type: 'object',
        required: ['code', 'message'],
        properties: {
          code: { type: 'string' },
          parameter: { type: 'string' },
          message: { type: 'string' },
          description: { type: 'string' },
        },
      },
    },
  },
} as const;

const errorResponse = (description: string) => ({
  description,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Errors' } } },
});

export async function registerOpenApi(app: FastifyInstance, version: string): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Tributary',
        version,
        description:
          "A self-hostable commerce payments API, wire-compatible with Digital River's. Responses follow Digital River's OpenAPI document (2021-12-13).",
      },
      components: {
        securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
        schemas: { Errors: ERRORS as unknown as Record<string, unknown> },
      },
      security: [{ bearer: [] }],
    },
    transform: ({ schema, url, route }) => {
      const methods = Array.isArray(route.method) ? route.method : [route.method];
      const noAuth = route.config?.auth === 'none';
      const responses: Record<string, unknown> = {
        '2XX': { description: "Success: the object in Digital River's shape" },
        '4XX': errorResponse("A client error in Digital River's envelope"),
        '5XX': errorResponse('A server error (a bug)'),
      };
      const writes = methods.some((m) => m !== 'GET' && m !== 'HEAD');
      const transformed: Record<string, unknown> = {
        ...(schema ?? {}),
        response: responses,
        ...(noAuth ? { security: [] } : {}),
      };
      if (writes && !noAuth) {
        transformed['headers'] = {
          type: 'object',
          properties: {
            'idempotency-key': {
              type: 'string',
              maxLength: 255,
              description: 'Replays the first answer to retries for 24 hours (Tributary addition)',
            },
          },
        };
      }
      return { schema: transformed as typeof schema, url };
    },
  });
  app.get('/openapi.json', { config: { auth: 'none' } }, async () => app.swagger());
}
