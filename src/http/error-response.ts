import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, ERROR_TYPES, type ErrorType } from '../domain/errors.js';
import { PROCESSOR_TIMEOUT_RETRY_AFTER_SECONDS } from '../limits.js';
import { STORAGE_FULL_RETRY_AFTER_SECONDS, StoreClosedError } from '../store/db-errors.js';
import { validationError } from './validation.js';

/**
 * The only place HTTP statuses of errors are written. Every error is DR's envelope:
 * `{ "type": <Errors.type>, "errors": [{ "code", "parameter", "message" }] }`.
 * Anything unexpected is a logged 500 whose message names the request id, never the cause.
 */

export interface ErrorBody {
  type: ErrorType;
  errors: { code: string; parameter?: string; message: string; description?: string }[];
}

export function errorBody(error: AppError): ErrorBody {
  const entry: ErrorBody['errors'][number] = { code: error.code, message: error.message };
  if (error.parameter !== undefined) entry.parameter = error.parameter;
  if (error.description !== undefined) entry.description = error.description;
  return { type: error.type, errors: [entry] };
}

/** Fastify's own client errors (content type, body size, JSON) in DR's terms. */
function fromFastify(error: FastifyError): { status: number; error: AppError } | undefined {
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return {
        status: 400,
        error: new AppError(
          'invalid_parameter',
          'Content-Type',
          'The request body must be JSON (Content-Type: application/json).',
        ),
      };
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return {
        status: 413,
        error: new AppError('request_too_large', 'body', 'The request body is too large.'),
      };
    case 'FST_ERR_HANDLER_TIMEOUT':
      return {
        status: 503,
        error: new AppError(
          'handler_timeout',
          undefined,
          'The request took too long and was answered before it finished; retry it with the same Idempotency-Key to learn its outcome.',
        ),
      };
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return {
        status: 400,
        error: new AppError('invalid_format', 'body', 'The request body is not valid JSON.'),
      };
    default:
      break;
  }
  if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
    return { status: 400, error: new AppError('invalid_parameter', 'request', 'The request is invalid.') };
  }
  return undefined;
}

export function sendError(error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const { status, body } = errorResponse(error, request, { log: true });
  const code = body.errors[0]?.code;
  if (code === 'storage_full') reply.header('retry-after', String(STORAGE_FULL_RETRY_AFTER_SECONDS));
  if (code === 'processor_timeout')
    reply.header('retry-after', String(PROCESSOR_TIMEOUT_RETRY_AFTER_SECONDS));
  return reply.status(status).send(body);
}

/** The status and envelope an error is answered with (logged when unexpected and `log`). */
export function errorResponse(
  error: unknown,
  request: FastifyRequest,
  options: { log?: boolean } = {},
): { status: number; body: ErrorBody } {
  let status: number;
  let appError: AppError;
  if (error instanceof AppError) {
    appError = error;
    status = error.status;
  } else if (error instanceof StoreClosedError) {
    // the store closed under a request that was still running: the server is going away
    appError = new AppError('server_closing', undefined, 'The server is shutting down; retry the request.');
    status = appError.status;
  } else if (isValidation(error)) {
    appError = validationError(error.validation, error.validationContext);
    status = appError.status;
  } else {
    const mapped = error instanceof Error ? fromFastify(error as FastifyError) : undefined;
    if (mapped) {
      appError = mapped.error;
      status = mapped.status;
    } else {
      if (options.log) request.log.error({ err: error, reqId: request.id }, 'unexpected error');
      appError = new AppError(
        'internal_error',
        undefined,
        `An internal error occurred (request ${request.id}).`,
      );
      status = ERROR_TYPES.internal_server_error;
    }
  }
  return { status, body: errorBody(appError) };
}

function isValidation(
  error: unknown,
): error is { validation: import('ajv').ErrorObject[]; validationContext?: string } {
  return (
    typeof error === 'object' &&
    error !== null &&
    Array.isArray((error as { validation?: unknown }).validation)
  );
}
