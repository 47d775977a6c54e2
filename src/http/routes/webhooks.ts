import { Type } from 'typebox';
import { invalidParameter } from '../../domain/errors.js';
import { parseIsoTime } from '../../lib/time.js';
import { EVENT_TYPES_FILTER_MAX } from '../../limits.js';
import type { Deps } from '../../services/context.js';
import {
  createWebhook,
  deleteWebhook,
  getWebhook,
  listAttempts,
  listWebhooks,
  redeliverEvent,
  redeliverFailed,
  rotateSecret,
  updateWebhook,
} from '../../services/webhooks.js';
import { attemptToWire, webhookToWire } from '../../wire/webhook.js';
import { callerOf } from '../plugins/auth.js';
import { listOf, pageOf } from '../query.js';
import { closed, IdParams, pageQuery, Str } from '../schemas/common.js';
import { Redeliver, RedeliverFailed, WebhookCreate, WebhookUpdate } from '../schemas/webhook.js';
import type { TypedApp } from '../typed.js';

export const WebhookListQuery = closed({
  ...pageQuery,
  type: Type.Optional(Str(100)),
  types: Type.Optional(Type.Union([Str(), Type.Array(Str(), { maxItems: EVENT_TYPES_FILTER_MAX })])),
});

const AttemptsQuery = closed({
  ...pageQuery,
  outcome: Type.Optional(Type.Union([Type.Literal('delivered'), Type.Literal('failed')])),
});

/** Wakes the delivery worker when there may be something new to send. */
export type Nudge = () => void;

export function webhookRoutes(app: TypedApp, deps: Deps, nudge: Nudge): void {
  app.post('/webhooks', { schema: { body: WebhookCreate } }, async (request, reply) => {
    const { webhook, secret } = await createWebhook(deps, callerOf(request), request.body);
    reply.status(201);
    return webhookToWire(webhook, secret);
  });

  app.get('/webhooks/:id', { schema: { params: IdParams } }, async (request) => {
    const { id } = request.params;
    return webhookToWire(await getWebhook(deps, callerOf(request), id));
  });

  app.patch('/webhooks/:id', { schema: { params: IdParams, body: WebhookUpdate } }, async (request) => {
    const { id } = request.params;
    const webhook = await updateWebhook(deps, callerOf(request), id, request.body);
    nudge();
    return webhookToWire(webhook);
  });

  app.delete('/webhooks/:id', { schema: { params: IdParams } }, async (request, reply) => {
    const { id } = request.params;
    await deleteWebhook(deps, callerOf(request), id);
    reply.status(204);
    return;
  });

  // DR's document types this list as a bare array, its description as "a dictionary with a data
  // property": Tributary answers like every other DR list, {hasMore, data}
  app.get('/webhooks', { schema: { querystring: WebhookListQuery } }, async (request) => {
    const query: Record<string, unknown> = request.query;
    const types =
      listOf(query, 'types') ?? (query['type'] === undefined ? undefined : [String(query['type'])]);
    if (query['type'] !== undefined && query['types'] !== undefined) {
      throw invalidParameter('types', "Send either 'type' or 'types', not both.");
    }
    const page = await listWebhooks(deps, callerOf(request), types, pageOf(query));
    return { hasMore: page.hasMore, data: page.data.map((w) => webhookToWire(w)) };
  });

  app.post('/webhooks/:id/rotate-secret', { schema: { params: IdParams } }, async (request) => {
    const { id } = request.params;
    const { webhook, secret } = await rotateSecret(deps, callerOf(request), id);
    return webhookToWire(webhook, secret);
  });

  app.get(
    '/webhooks/:id/deliveries',
    { schema: { params: IdParams, querystring: AttemptsQuery } },
    async (request) => {
      const { id } = request.params;
      const query: Record<string, unknown> = request.query;
      const page = await listAttempts(
        deps,
        callerOf(request),
        id,
        query['outcome'] as string | undefined,
        pageOf(query),
      );
      return { hasMore: page.hasMore, data: page.data.map(attemptToWire) };
    },
  );

  app.post(
    '/webhooks/:id/redeliver-failed',
    { schema: { params: IdParams, body: RedeliverFailed } },
    async (request, reply) => {
      const { id } = request.params;
      const since = parseIsoTime(request.body.since);
      if (since === undefined) throw invalidParameter('since', "'since' must be an ISO-8601 time.");
      const eventIds = await redeliverFailed(deps, callerOf(request), id, since);
      nudge();
      reply.status(202);
      return { webhookId: id, eventIds };
    },
  );

  app.post(
    '/events/:id/redeliver',
    { schema: { params: IdParams, body: Redeliver } },
    async (request, reply) => {
      const { id } = request.params;
      const webhookIds = await redeliverEvent(deps, callerOf(request), id, request.body.webhookId);
      nudge();
      reply.status(202);
      return { eventId: id, webhookIds };
    },
  );
}
