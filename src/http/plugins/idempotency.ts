import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteHandlerMethod } from 'fastify';
import { AppError } from '../../domain/errors.js';
import { IDEMPOTENCY_KEY_LENGTH_MAX, IDEMPOTENCY_WINDOW_MS } from '../../limits.js';
import { type Deps, now } from '../../services/context.js';
import { isRetryable } from '../../store/db-errors.js';
import { headerValues } from '../edge.js';
import { errorResponse } from '../error-response.js';

/**
 * Idempotency keys (Tributary's addition, after Stripe and the IETF draft "The Idempotency-Key
 * HTTP Header Field"). A POST, PUT, PATCH or DELETE with `Idempotency-Key` runs in one ambient
 * transaction together with the record of its response, so its effects and the response a retry
 * will get commit together, or not at all (a crash in between leaves no trace, and the retry runs
 * it afresh). For 24 hours of the account's clock a retry with the same key gets the same status
 * and body with `Idempotent-Replayed: true`; 2xx and 4xx answers are kept, 5xx and 429 are not
 * (the key is free again). The same key on another request → 422 `idempotency_key_reused`; while
 * the first is still running → 409 `idempotency_key_in_use`.
 */

const HEADER = 'idempotency-key';
const METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const PRINTABLE = /^[\x20-\x7e]+$/;

/**
 * The header's value: a token or a quoted string (a structured-field String), 1–255 characters,
 * sent once (`values` are every value sent, from the raw headers: Node would join two into one).
 */
export function parseIdempotencyKey(values: readonly string[]): string | undefined {
  if (values.length === 0) return undefined;
  const invalid = (why: string) =>
    new AppError('invalid_parameter', 'Idempotency-Key', `The Idempotency-Key header ${why}.`);
  if (values.length > 1) throw invalid('must be sent once');
  const raw = values[0] as string;
  let key = raw.trim();
  if (key.length >= 2 && key.startsWith('"') && key.endsWith('"')) key = key.slice(1, -1);
  if (key.length === 0) throw invalid('is empty');
  if (key.length > IDEMPOTENCY_KEY_LENGTH_MAX)
    throw invalid(`is longer than ${IDEMPOTENCY_KEY_LENGTH_MAX} characters`);
  if (!PRINTABLE.test(key)) throw invalid('may hold printable ASCII characters only');
  return key;
}

function fingerprint(request: FastifyRequest): string {
  return createHash('sha256')
    .update(`${request.method} ${request.url}\n`)
    .update(JSON.stringify(request.body ?? null))
    .digest('hex');
}

/** What the handler produced: a body it returned, or an error the error handler will render. */
type Produced = { ok: true; body: unknown } | { ok: false; error: unknown };

/** Rolls the ambient transaction back and carries what happened out of it. */
class NotKept extends Error {
  constructor(readonly produced: Produced) {
    super('response not kept');
  }
}

/**
 * Runs the handler and renders what it produced as a retry would be answered: the body through
 * the route's serializer (DR's schema where there is one), or the error's envelope.
 */
async function produce(
  app: FastifyInstance,
  handler: RouteHandlerMethod,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<{ result: Produced; status: number; body: string | null }> {
  try {
    const returned: unknown = await handler.call(app, request, reply);
    // the answer is then that text, not serialized again
    const body = returned === undefined ? null : (reply.serialize(returned) as string);
    if (body !== null) reply.type('application/json; charset=utf-8');
    return { result: { ok: true, body: body ?? undefined }, status: reply.statusCode, body };
  } catch (error) {
    // a deadlock or serialization failure ends the whole transaction: the store runs it again
    // (the handler with it)
    if (isRetryable(error)) throw error;
    const rendered = errorResponse(error, request);
    return { result: { ok: false, error }, status: rendered.status, body: JSON.stringify(rendered.body) };
  }
}

/** 2xx and 4xx answers are kept for retries; a 5xx or 429 frees the key. */
const keepable = (status: number) => status < 500 && status !== 429;

export function registerIdempotency(app: FastifyInstance, deps: Deps): void {
  app.decorateRequest('idempotencyKey', undefined);
  const running = new Set<string>();

  /**
   * A route that calls the payment processor (`config.processor`) runs in several transactions
   * of its own (none open while the processor is asked), so its answer is recorded after it, in
   * a transaction of its own. The route is told the key (`request.idempotencyKey`): it records it
   * with what it asks the processor, so that a retry after a crash (the effects committed, the
   * answer not recorded) finishes or finds the same work rather than doing it again.
   */
  const wrapSteps = (handler: RouteHandlerMethod): RouteHandlerMethod =>
    async function idempotentSteps(this: FastifyInstance, request: FastifyRequest, reply: FastifyReply) {
      const key = parseIdempotencyKey(headerValues(request, HEADER));
      const caller = request.caller;
      if (key === undefined || caller === null) return handler.call(this, request, reply);
      const accountId = caller.account.id;
      const slot = `${accountId}\n${key}`;
      if (running.has(slot)) throw inUse();
      running.add(slot);
      try {
        request.idempotencyKey = key;
        const { result, status, body } = await produce(this, handler, request, reply);
        if (keepable(status)) {
          const at = now(deps, caller);
          await deps.store
            .transaction((tx) =>
              tx.idempotency.insert({
                accountId,
                key,
                fingerprint: fingerprint(request),
                method: request.method,
                path: request.url,
                status,
                body,
                createdAt: at,
                expiresAt: at + IDEMPOTENCY_WINDOW_MS,
              }),
            )
            // another process answered the same retry first: its record stands (the same work)
            .catch((error: unknown) => {
              if (!(error instanceof AppError && error.code === 'already_exists')) throw error;
            });
        }
        if (!result.ok) throw result.error;
        return result.body;
      } finally {
        running.delete(slot);
      }
    };

  const wrap = (handler: RouteHandlerMethod): RouteHandlerMethod =>
    async function idempotent(this: FastifyInstance, request: FastifyRequest, reply: FastifyReply) {
      const key = parseIdempotencyKey(headerValues(request, HEADER));
      const caller = request.caller;
      if (key === undefined || caller === null) return handler.call(this, request, reply);
      const accountId = caller.account.id;
      const slot = `${accountId}\n${key}`;
      if (running.has(slot)) throw inUse();
      running.add(slot);
      try {
        const print = fingerprint(request);
        let replayed: { status: number; body: string | null } | undefined;
        let produced: Produced;
        try {
          produced = await deps.store.scoped(async (tx) => {
            // PostgreSQL: another process may be running this key right now
            if (!(await tx.idempotency.tryLock(accountId, key))) throw inUse();
            const at = now(deps, caller);
            const kept = await tx.idempotency.get(accountId, key);
            if (kept && kept.expiresAt > at) {
              if (kept.fingerprint !== print) throw reused(kept.method, kept.path);
              replayed = { status: kept.status, body: kept.body };
              return { ok: true, body: undefined };
            }
            if (kept) await tx.idempotency.delete(accountId, key);
            const { result, status, body } = await produce(this, handler, request, reply);
            if (!keepable(status)) throw new NotKept(result);
            await tx.idempotency.insert({
              accountId,
              key,
              fingerprint: print,
              method: request.method,
              path: request.url,
              status,
              body,
              createdAt: at,
              expiresAt: at + IDEMPOTENCY_WINDOW_MS,
            });
            return result;
          });
        } catch (error) {
          if (!(error instanceof NotKept)) throw error;
          produced = error.produced;
        }
        if (replayed) {
          reply.status(replayed.status).header('idempotent-replayed', 'true');
          if (replayed.body === null) return undefined;
          reply.type('application/json');
          return reply.send(replayed.body);
        }
        if (!produced.ok) throw produced.error;
        return produced.body;
      } finally {
        running.delete(slot);
      }
    };

  // a key reused on another request is refused before the body is validated (a retry that
  // changed the body answers 422 even when the new body would be a 400); a retry of a request
  // that has finished is answered here, its kept answer replayed, however many retries arrive
  // at once (only a request still running answers 409 idempotency_key_in_use)
  app.addHook('preValidation', async (request, reply) => {
    if (!METHODS.has(request.method) || request.routeOptions.config?.auth === 'none') return;
    const key = parseIdempotencyKey(headerValues(request, HEADER));
    const caller = request.caller;
    if (key === undefined || caller === null) return;
    const kept = await deps.store.read((tx) => tx.idempotency.get(caller.account.id, key));
    if (!kept || kept.expiresAt <= now(deps, caller)) return;
    if (kept.fingerprint !== fingerprint(request)) throw reused(kept.method, kept.path);
    reply.status(kept.status).header('idempotent-replayed', 'true');
    if (kept.body === null) return reply.send();
    reply.type('application/json');
    return reply.send(kept.body);
  });

  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    if (route.config?.auth === 'none' || !methods.some((m) => METHODS.has(m))) return;
    const handler = route.handler as RouteHandlerMethod;
    route.handler = route.config?.processor === true ? wrapSteps(handler) : wrap(handler);
  });
}

const inUse = () =>
  new AppError(
    'idempotency_key_in_use',
    'Idempotency-Key',
    'A request with this Idempotency-Key is still running; retry when it has finished.',
  );

const reused = (method: string, path: string) =>
  new AppError(
    'idempotency_key_reused',
    'Idempotency-Key',
    `This Idempotency-Key was used for another request (${method} ${path}, or another body); use a new key.`,
  );

declare module 'fastify' {
  interface FastifyContextConfig {
    /** the route calls the payment processor: its requests are recorded in steps (wrapSteps) */
    processor?: boolean;
  }
  interface FastifyRequest {
    /** the request's Idempotency-Key, for routes that record it with their processor intents */
    idempotencyKey: string | undefined;
  }
}
