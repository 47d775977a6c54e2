import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type HTTPMethods,
  LogController,
} from 'fastify';
import secureJson from 'secure-json-parse';
import { AppError } from './domain/errors.js';
import {
  checkContentEncoding,
  checkJsonText,
  checkJsonValue,
  checkUrl,
  clientErrorHandler,
} from './http/edge.js';
import { sendError } from './http/error-response.js';
import { registerAuth } from './http/plugins/auth.js';
import { registerCors } from './http/plugins/cors.js';
import { registerIdempotency } from './http/plugins/idempotency.js';
import { registerOpenApi } from './http/plugins/openapi.js';
import { registerRateLimit } from './http/plugins/rate-limit.js';
import { registerSerialization } from './http/plugins/serialization.js';
import { accountRoutes } from './http/routes/account.js';
import { checkoutRoutes } from './http/routes/checkouts.js';
import { customerRoutes } from './http/routes/customers.js';
import { dashboardRoutes } from './http/routes/dashboard.js';
import { eventStreamRoutes } from './http/routes/event-stream.js';
import { eventRoutes } from './http/routes/events.js';
import { fileRoutes } from './http/routes/files.js';
import { fulfillmentRoutes } from './http/routes/fulfillments.js';
import { orderRoutes } from './http/routes/orders.js';
import { refundRoutes } from './http/routes/refunds.js';
import { requestLogRoutes } from './http/routes/request-log.js';
import { returnRoutes } from './http/routes/returns.js';
import { skuRoutes } from './http/routes/skus.js';
import { sourceRoutes } from './http/routes/sources.js';
import { taxIdentifierRoutes } from './http/routes/tax-identifiers.js';
import { testHelperRoutes } from './http/routes/test-helpers.js';
import { webhookRoutes } from './http/routes/webhooks.js';
import { compileValidator } from './http/validation.js';
import {
  BODY_LIMIT_BYTES,
  CONNECTION_IDLE_TIMEOUT_MS,
  HANDLER_TIMEOUT_MS,
  HEADER_SIZE_MAX_BYTES,
  HEADERS_TIMEOUT_MS,
  REQUEST_TIMEOUT_MS,
  TIMEOUT_CHECK_INTERVAL_MS,
} from './limits.js';
import { Authenticator } from './services/accounts.js';
import type { Deps } from './services/context.js';
import { logRequest, RequestLog } from './services/request-log.js';

const ROUTE_METHODS: readonly HTTPMethods[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];
const VERSION = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

/**
 * The HTTP app: plugins and routes registered by hand, in order. No listening here (main.ts and
 * tests decide that).
 */
export interface AppHooks {
  /** something was written that may have events to deliver: wake the delivery worker */
  wakeDeliveries?: () => void;
}

export async function buildApp(deps: Deps, hooks: AppHooks = {}): Promise<FastifyInstance> {
  const wake = hooks.wakeDeliveries ?? (() => {});
  const requestLog = new RequestLog(deps);
  const app = Fastify({
    loggerInstance: deps.logger as FastifyBaseLogger,
    // one debug line per request (onResponse below) instead of Fastify's two info lines
    logController: new LogController({ disableRequestLogging: true }),
    genReqId: () => randomUUID(),
    requestIdHeader: false,
    bodyLimit: BODY_LIMIT_BYTES,
    // a request whose headers or body never complete is answered 408 and its connection closed
    // (clientErrorHandler) within a second of its time being up
    requestTimeout: REQUEST_TIMEOUT_MS,
    http: {
      headersTimeout: HEADERS_TIMEOUT_MS,
      connectionsCheckingInterval: TIMEOUT_CHECK_INTERVAL_MS,
      maxHeaderSize: HEADER_SIZE_MAX_BYTES,
    },
    connectionTimeout: CONNECTION_IDLE_TIMEOUT_MS,
    // Node's HTTP parser's refusals (oversized headers, bad framing, timeouts) in DR's envelope
    clientErrorHandler,
    // from routing to the response: past it the client gets a 503 (the work may still finish; a
    // retry with the same Idempotency-Key then gets its answer)
    handlerTimeout: HANDLER_TIMEOUT_MS,
    // requests that arrive while the server closes get a 503 in DR's envelope (the hook below),
    // not Fastify's own
    return503OnClosing: false,
    // the router's own refusals, in DR's envelope too
    frameworkErrors: (error, request, reply) => {
      const mapped =
        error.code === 'FST_ERR_MAX_PARAM_LENGTH'
          ? new AppError('not_found', 'id', 'There is no resource with an id that long.')
          : new AppError('invalid_parameter', 'path', 'The request path is not a valid URL.');
      reply.header('x-dr-requestid', request.id);
      return sendError(mapped, request, reply);
    },
    routerOptions: { ignoreTrailingSlash: true, ignoreDuplicateSlashes: true, maxParamLength: 200 },
  });
  app.setValidatorCompiler(({ schema, httpPart }) => compileValidator(schema, httpPart));

  // set once the server starts closing (the onRequest and onSend hooks below)
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });

  // JSON bodies: an empty body with a JSON content type is no body (DR's SDKs send exactly that
  // when attaching a source); prototype-poisoning keys are refused.
  // JSON only: any other content type is refused (400 naming Content-Type)
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    const text = String(body);
    if (text.trim().length === 0) {
      done(null, undefined);
      return;
    }
    const tooDeep = checkJsonText(text);
    if (tooDeep) {
      done(tooDeep, undefined);
      return;
    }
    let value: unknown;
    try {
      value = secureJson.parse(text, undefined, { protoAction: 'error', constructorAction: 'error' });
    } catch {
      done(new AppError('invalid_format', 'body', 'The request body is not valid JSON.'), undefined);
      return;
    }
    // text no database keeps as sent (NUL, lone surrogates) is refused, never altered
    done(checkJsonValue(value) ?? null, value);
  });

  // before authentication and routing work: a path or query no store can keep, and compressed
  // bodies (never decoded: 415)
  app.addHook('onRequest', async (request, reply) => {
    if (closing) {
      reply.header('connection', 'close');
      throw new AppError('server_closing', undefined, 'The server is shutting down; retry the request.');
    }
    const refused = checkUrl(request) ?? checkContentEncoding(request);
    if (refused) throw refused;
  });

  // a request without a body is validated as an empty object: its required members are then
  // reported one by one (missing_parameter) rather than as "not an object"
  app.addHook('preValidation', async (request) => {
    if (request.body === undefined && request.routeOptions.schema?.body) request.body = {};
  });
  app.addHook('onSend', async (request, reply, payload) => {
    reply.header('x-dr-requestid', request.id);
    request.sentPayload = payload;
    // a request that was in flight when closing began ends its connection with its answer, so
    // that close does not wait out the keep-alive timeout
    if (closing) reply.header('connection', 'close');
  });
  app.addHook('onResponse', async (request, reply) => {
    if (request.method !== 'GET' && reply.statusCode < 500) wake();
    logRequest(deps, requestLog, request, reply);
    request.log.debug(
      {
        reqId: request.id,
        method: request.method,
        url: request.url,
        status: reply.statusCode,
        ms: reply.elapsedTime,
      },
      'request',
    );
  });
  app.decorate('requestLog', requestLog);
  app.decorateRequest('sentPayload', undefined);
  app.addHook('onClose', async () => requestLog.close());
  app.setErrorHandler((error, request, reply) => sendError(error, request, reply));
  app.setNotFoundHandler((request, reply) =>
    sendError(
      new AppError(
        'not_found',
        'path',
        `There is no resource at ${request.method} ${request.url.split('?')[0]}.`,
      ),
      request,
      reply,
    ),
  );

  // every path answers the methods it lacks with 405 (registered after the routes below)
  const methodsByPath = new Map<string, Set<string>>();
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    const known = methodsByPath.get(route.url) ?? new Set<string>();
    for (const m of methods) known.add(m);
    methodsByPath.set(route.url, known);
  });

  await registerOpenApi(app, VERSION);
  await registerCors(app);
  registerSerialization(app, { verify: deps.settings?.verifySerialization === true });
  registerAuth(app, new Authenticator(deps.store));
  if (deps.settings?.rateLimitPerSecond) await registerRateLimit(app, deps.settings.rateLimitPerSecond);
  registerIdempotency(app, deps);
  app.get('/health', { config: { auth: 'none' } }, async () => ({ status: 'ok' }));
  // routes see bodies, params and queries typed from their schemas
  const typed = app.withTypeProvider<TypeBoxTypeProvider>();
  skuRoutes(typed, deps);
  customerRoutes(typed, deps);
  sourceRoutes(typed, deps);
  checkoutRoutes(typed, deps);
  orderRoutes(typed, deps);
  fulfillmentRoutes(typed, deps);
  refundRoutes(typed, deps);
  returnRoutes(typed, deps);
  taxIdentifierRoutes(typed, deps);
  fileRoutes(typed, deps);
  eventRoutes(typed, deps);
  accountRoutes(typed, deps);
  testHelperRoutes(typed, deps);
  requestLogRoutes(typed, deps);
  eventStreamRoutes(typed, deps);
  dashboardRoutes(typed);
  webhookRoutes(typed, deps, wake);

  for (const [url, methods] of [...methodsByPath]) {
    // @fastify/cors's preflight route: every other OPTIONS is its 404
    if (url === '*') continue;
    // a copy: the onRoute hook above adds the catch-all's own methods to the path's set
    const known = new Set(methods);
    const missing = ROUTE_METHODS.filter((m) => !known.has(m));
    if (missing.length === 0) continue;
    app.route({
      method: [...missing],
      url,
      config: { auth: 'none' },
      schema: { hide: true },
      handler: async (request) => {
        throw new AppError(
          'method_not_allowed',
          'method',
          `${request.method} is not allowed on ${url}; allowed: ${[...known].filter((m) => m !== 'HEAD').join(', ')}.`,
        );
      },
    });
  }
  return app;
}
