/** DR's error envelope (`{type, errors: [{code, parameter, message}]}`) as errors to catch. */

export type ErrorType =
  | 'bad_request'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'method_not_allowed'
  | 'not_acceptable'
  | 'request_timeout'
  | 'conflict'
  | 'too_many_requests'
  | 'internal_server_error'
  | 'bad_gateway'
  | 'service_unavailable'
  | 'gateway_timeout';

export interface ErrorDetail {
  code: string;
  parameter?: string;
  message?: string;
  /** DR's own wording where it differs (the reauthorization failure of seed 002) */
  description?: string;
}

/** A non-2xx answer. `code` and `parameter` are the first error's, as DR's docs read them. */
export class TributaryError extends Error {
  override name = 'TributaryError';
  readonly code: string;
  readonly parameter: string | undefined;

  constructor(
    readonly status: number,
    readonly type: ErrorType | string,
    readonly errors: readonly ErrorDetail[],
    /** x-dr-requestid: find the request in the request log */
    readonly requestId: string | undefined,
  ) {
    const first = errors[0];
    super(
      `${status} ${first?.code ?? type}${first?.parameter ? ` (${first.parameter})` : ''}: ${first?.message ?? first?.description ?? ''}`,
    );
    this.code = first?.code ?? type;
    this.parameter = first?.parameter;
  }

  /** 4xx: the request must change (except 409 conflicts and 429, which may succeed later). */
  get isClientError(): boolean {
    return this.status >= 400 && this.status < 500;
  }
}

/** 400 */
export class InvalidRequestError extends TributaryError {
  override name = 'InvalidRequestError';
}
/** 401, 403 */
export class AuthenticationError extends TributaryError {
  override name = 'AuthenticationError';
}
/** 404 */
export class NotFoundError extends TributaryError {
  override name = 'NotFoundError';
}
/** 409: the object's state does not allow it (a declined charge is one: `failed-request`) */
export class ConflictError extends TributaryError {
  override name = 'ConflictError';
}
/** 429 */
export class RateLimitError extends TributaryError {
  override name = 'RateLimitError';
}
/** 5xx */
export class ServerError extends TributaryError {
  override name = 'ServerError';
}

/** The error for an answer, from its status and DR's envelope (or what there is of one). */
export function errorFrom(status: number, body: unknown, requestId: string | undefined): TributaryError {
  const envelope = (typeof body === 'object' && body !== null ? body : {}) as {
    type?: string;
    errors?: ErrorDetail[];
  };
  const errors = Array.isArray(envelope.errors) ? envelope.errors : [{ code: `http_${status}` }];
  const type = envelope.type ?? `http_${status}`;
  const Kind =
    status === 400
      ? InvalidRequestError
      : status === 401 || status === 403
        ? AuthenticationError
        : status === 404
          ? NotFoundError
          : status === 409
            ? ConflictError
            : status === 429
              ? RateLimitError
              : status >= 500
                ? ServerError
                : TributaryError;
  return new Kind(status, type, errors, requestId);
}
