import { Type } from 'typebox';
import { invalidParameter, notFound } from '../../domain/errors.js';
import { isoMillis } from '../../lib/time.js';
import type { Deps } from '../../services/context.js';
import { now } from '../../services/context.js';
import { listRequests, REQUEST_LOG_RETENTION_MS } from '../../services/request-log.js';
import type { RequestLogRecord } from '../../store/records.js';
import { jsonOrText } from '../../wire/common.js';
import { callerOf } from '../plugins/auth.js';
import { listOf, pageOf, timeRangeOf } from '../query.js';
import { closed, IdParams, listQuery, Str, timeQuery } from '../schemas/common.js';
import type { TypedApp } from '../typed.js';

/** Tributary's request log (services/request-log.ts), read through the test helpers. */

const RequestListQuery = closed({
  ...listQuery,
  ...timeQuery('createdTime'),
  method: Type.Optional(
    Type.Union(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD'].map((m) => Type.Literal(m))),
  ),
  /** `404`, or a class: `4xx` */
  status: Type.Optional(Str(3)),
  /** the path starts with it: `/orders` */
  path: Type.Optional(Str(2000)),
  idempotencyKey: Type.Optional(Str(255)),
});

function statusRange(value: string | undefined): { gte: number; lte: number } | undefined {
  if (value === undefined) return undefined;
  const exact = /^[1-5]\d\d$/.exec(value);
  if (exact) return { gte: Number(value), lte: Number(value) };
  const klass = /^([1-5])xx$/i.exec(value);
  if (klass) return { gte: Number(klass[1]) * 100, lte: Number(klass[1]) * 100 + 99 };
  throw invalidParameter('status', "'status' must be a status (404) or a class of them (4xx).");
}

export function requestToWire(r: RequestLogRecord) {
  return {
    id: r.id,
    createdTime: isoMillis(r.at),
    method: r.method,
    path: r.path,
    ...(r.query === null ? {} : { query: r.query }),
    status: r.status,
    durationMs: r.durationMs,
    ...(r.idempotencyKey === null ? {} : { idempotencyKey: r.idempotencyKey }),
    ...(r.errorCode === null ? {} : { errorCode: r.errorCode }),
    ...(r.requestBody === null ? {} : { requestBody: jsonOrText(r.requestBody) }),
    ...(r.responseBody === null ? {} : { responseBody: jsonOrText(r.responseBody) }),
  };
}

export function requestLogRoutes(app: TypedApp, deps: Deps): void {
  app.get('/test-helpers/requests', { schema: { querystring: RequestListQuery } }, async (request) => {
    const query: Record<string, unknown> = request.query;
    const page = await listRequests(
      deps,
      app.requestLog,
      callerOf(request),
      {
        method: query['method'] as string | undefined,
        status: statusRange(query['status'] as string | undefined),
        pathPrefix: query['path'] as string | undefined,
        idempotencyKey: query['idempotencyKey'] as string | undefined,
        ids: listOf(query, 'ids'),
        createdTime: timeRangeOf(query, 'createdTime'),
      },
      pageOf(query),
    );
    return { hasMore: page.hasMore, data: page.data.map(requestToWire) };
  });

  app.get('/test-helpers/requests/:id', { schema: { params: IdParams } }, async (request) => {
    const { id } = request.params;
    const caller = callerOf(request);
    await app.requestLog.flush();
    const found = await deps.store.read((tx) => tx.requestLog.get(caller.account.id, id));
    if (!found || found.at < now(deps, caller) - REQUEST_LOG_RETENTION_MS)
      throw notFound('id', `Request '${id}' not found.`);
    return requestToWire(found);
  });
}
