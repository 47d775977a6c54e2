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

export function registerIdempotency(app: FastifyInstance, deps: Deps): void {
  const running = new Set<string>();

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
            let result: Produced;
            let status: number;
            let body: string | null;
            try {
              const returned: unknown = await handler.call(this, request, reply);
              status = reply.statusCode;
              // the route's serializer (DR's schema where there is one), as a live answer would be;
              // the answer is then that text, not serialized again
              body = returned === undefined ? null : (reply.serialize(returned) as string);
              if (body !== null) reply.type('application/json; charset=utf-8');
              result = { ok: true, body: body ?? undefined };
            } catch (error) {
              // a deadlock or serialization failure ends the whole transaction: the store runs
              // it again (the handler with it)
              if (isRetryable(error)) throw error;
              result = { ok: false, error };
              const rendered = errorResponse(error, request);
              status = rendered.status;
              body = JSON.stringify(rendered.body);
            }
            if (status >= 500 || status === 429) throw new NotKept(result);
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
    route.handler = wrap(route.handler as RouteHandlerMethod);
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
