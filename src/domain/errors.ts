/**
 * The error-code catalogue. Expected failures are AppErrors with a stable code; the HTTP layer
 * (http/error-response.ts) is the only place that turns them into statuses. Types are the
 * values of DR's `Errors.type` enum so that clients generated from DR's OpenAPI decode them.
 */

export const ERROR_TYPES = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  not_acceptable: 406,
  request_timeout: 408,
  conflict: 409,
  too_many_requests: 429,
  internal_server_error: 500,
  bad_gateway: 502,
  service_unavailable: 503,
  gateway_timeout: 504,
} as const;

export type ErrorType = keyof typeof ERROR_TYPES;

/** code → the type (and so the status) it is always answered with. */
export const ERROR_CODES = {
  // malformed or invalid input (400)
  missing_parameter: 'bad_request',
  invalid_parameter: 'bad_request',
  unknown_parameter: 'bad_request',
  invalid_format: 'bad_request',
  invalid_metadata_key: 'bad_request',
  invalid_metadata_value: 'bad_request',
  too_many_metadata_pairs: 'bad_request',
  amount_too_large: 'bad_request',
  // applying-a-discount.md: a discount of 0 or less, or more than 100 %
  invalid_discount_amount: 'bad_request',
  invalid_discount_percent: 'bad_request',
  invalid_card_number: 'bad_request',
  invalid_expiration_date: 'bad_request',
  invalid_security_code: 'bad_request',
  order_submit_failed: 'bad_request',
  // shipping-choice.md: physical goods ordered without a shippingChoice
  invalid_shipping_choice: 'bad_request',
  order_create_failed: 'bad_request',
  request_too_large: 'bad_request',
  unsupported_encoding: 'bad_request',
  header_too_large: 'bad_request',
  // authentication
  unauthorized: 'unauthorized',
  forbidden: 'forbidden',
  // lookups
  not_found: 'not_found',
  method_not_allowed: 'method_not_allowed',
  // state conflicts (409)
  'failed-request': 'conflict',
  // providing-address-information.md: the order lacks required details (the billTo's)
  'create-order-failed': 'conflict',
  already_exists: 'conflict',
  currency_unactivated: 'conflict',
  country_unsupported: 'conflict',
  source_not_chargeable: 'conflict',
  nonreusable_source: 'conflict',
  source_in_use: 'conflict',
  session_source_amount_too_large: 'conflict',
  session_update_not_allowed: 'conflict',
  source_status_invalid_for_session: 'conflict',
  restricted_update: 'conflict',
  order_fulfilled: 'conflict',
  order_cancelled: 'conflict',
  order_not_submitted: 'conflict',
  charge_not_capturable: 'conflict',
  quantity_too_large: 'conflict',
  payment_authorization_failed: 'conflict',
  limit_exceeded: 'conflict',
  // tax-identifiers.md
  tax_identifier_in_use: 'conflict',
  customer_not_updateable: 'conflict',
  additional_information_required: 'conflict',
  // idempotency keys (Tributary's addition)
  idempotency_key_in_use: 'conflict',
  idempotency_key_reused: 'bad_request',
  // limits
  rate_limited: 'too_many_requests',
  too_many_streams: 'too_many_requests',
  // the server's own failures
  internal_error: 'internal_server_error',
  request_timeout: 'request_timeout',
  handler_timeout: 'service_unavailable',
  server_closing: 'service_unavailable',
  // the disk under the database is full: nothing was written (store/db-errors.ts)
  storage_full: 'service_unavailable',
  // the payment processor did not answer in time; what was asked for is finished later
  processor_timeout: 'service_unavailable',
} as const satisfies Record<string, ErrorType>;

export type ErrorCode = keyof typeof ERROR_CODES;

/** Codes answered with another status than their type's (DR's type enum has no 413, 415, 422 or 431). */
const STATUS_OVERRIDES: Partial<Record<ErrorCode, number>> = {
  request_too_large: 413,
  unsupported_encoding: 415,
  header_too_large: 431,
  idempotency_key_reused: 422,
};

export class AppError extends Error {
  override name = 'AppError';
  readonly type: ErrorType;
  readonly status: number;

  /** DR's own wording where it differs from `message` (seed 002 sends `description`) */
  readonly description: string | undefined;

  constructor(
    readonly code: ErrorCode,
    readonly parameter: string | undefined,
    message: string,
    extra: { description?: string; type?: ErrorType } = {},
  ) {
    super(message);
    this.description = extra.description;
    // DR answers a few codes with another type than usual (a 409 invalid_parameter for a return
    // on a disputed order)
    this.type = extra.type ?? ERROR_CODES[code];
    this.status = STATUS_OVERRIDES[code] ?? ERROR_TYPES[this.type];
  }
}

/** The processor did not answer in time: the request may still take effect (a retry learns how). */
export const processorTimeout = (): AppError =>
  new AppError(
    'processor_timeout',
    undefined,
    'The payment processor did not answer in time. The order may still be placed: retry the request (with the same Idempotency-Key) to learn its outcome.',
  );

export const missingParameter = (parameter: string): AppError =>
  new AppError('missing_parameter', parameter, `A parameter is missing: '${parameter}'.`);

export const invalidParameter = (parameter: string, message: string): AppError =>
  new AppError('invalid_parameter', parameter, message);

export const unknownParameter = (name: string): AppError =>
  new AppError('unknown_parameter', name, `'${name}' is an unknown parameter.`);

export const notFound = (parameter: string, message: string): AppError =>
  new AppError('not_found', parameter, message);

/** An identifier in a request body that names nothing this account owns (a path id is a 404). */
export const unknownReference = (parameter: string, message: string): AppError =>
  new AppError('invalid_parameter', parameter, message);
