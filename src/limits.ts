/** Every limit Tributary enforces, in one place, with its unit in its name. */
export const PAGE_LIMIT_DEFAULT = 10;
export const PAGE_LIMIT_MAX = 100;
export const IDS_FILTER_MAX = 100;
export const EVENT_TYPES_FILTER_MAX = 20;

export const METADATA_KEYS_MAX = 20;
export const METADATA_KEY_LENGTH_MAX = 40;
export const METADATA_VALUE_LENGTH_MAX = 500;

export const CHECKOUT_ITEMS_MAX = 100;
/** bounds the captures and cancels per charge (one of each per fulfillment at most) */
export const FULFILLMENTS_PER_ORDER_MAX = 100;
export const REFUNDS_PER_ORDER_MAX = 100;
export const RETURNS_PER_ORDER_MAX = 100;
export const LINE_QUANTITY_MAX = 10_000;
export const CHECKOUT_SECONDARY_SOURCES_MAX = 10;

export const STRING_LENGTH_MAX = 1_000;
export const ID_LENGTH_MAX = 100;

export const BODY_LIMIT_BYTES = 1024 * 1024;
/** objects and arrays inside one another in a JSON body (DR's deepest bodies nest ~6) */
export const JSON_DEPTH_MAX = 32;
/** request line and headers together (Node's default) */
export const HEADER_SIZE_MAX_BYTES = 16 * 1024;
/** from the first byte of a request to its last (headers and body): past it, 408 and closed */
export const REQUEST_TIMEOUT_MS = 10_000;
/** from the first byte of a request to the end of its headers */
export const HEADERS_TIMEOUT_MS = 10_000;
/** how often Node looks for requests past those timeouts */
export const TIMEOUT_CHECK_INTERVAL_MS = 1_000;
/** an idle connection is closed after this long */
export const CONNECTION_IDLE_TIMEOUT_MS = 30_000;
export const HANDLER_TIMEOUT_MS = 30_000;
export const SHUTDOWN_GRACE_MS = 10_000;

export const IDEMPOTENCY_KEY_LENGTH_MAX = 255;
/** how long a finished request is replayed to retries with its key (account clock) */
export const IDEMPOTENCY_WINDOW_MS = 24 * 3_600_000;

/** webhook deliveries in flight at once, per process (claimed in batches of up to this many) */
export const DELIVERY_CONCURRENCY_MAX = 256;
/**
 * deliveries in flight to one webhook, and for one account's webhooks together: one tenant's
 * receivers that never answer take at most this many slots, and every other account's deliveries
 * go out beside them
 */
export const DELIVERY_CONCURRENCY_PER_WEBHOOK_MAX = 16;
export const DELIVERY_CONCURRENCY_PER_ACCOUNT_MAX = 32;
/** how long a stopping delivery worker lets its sends in flight finish before it aborts them */
export const DELIVERY_STOP_GRACE_MS = 2_000;

/** event streams (GET /test-helpers/events/stream) open at once per API key, and per process */
export const EVENT_STREAMS_PER_KEY_MAX = 4;
export const EVENT_STREAMS_MAX = 64;
/** what one stream holds that its reader has not taken (or one event, if larger) */
export const EVENT_STREAM_BUFFER_MAX_BYTES = 1024 * 1024;
/** a reader that takes nothing of a full stream for this long is told, and the stream ended */
export const EVENT_STREAM_SLOW_READER_MS = 30_000;
/** how long an ended stream waits for its reader to take what was left before it is cut off */
export const EVENT_STREAM_CLOSE_WAIT_MS = 10_000;

/** how long a request waits for the payment processor's answer before it answers 503 */
export const PROCESSOR_TIMEOUT_MS = 10_000;
/**
 * real time after an intent is recorded when the reconciler takes it over (asks the processor
 * what became of it and finishes it): well past PROCESSOR_TIMEOUT_MS, so that it never races the
 * request that is still waiting for the answer
 */
export const INTENT_DEADLINE_MS = 60_000;
/** seconds a client is told to wait before it retries after processor_timeout */
export const PROCESSOR_TIMEOUT_RETRY_AFTER_SECONDS = 2;
/** a full disk is said in the log at most this often */
export const STORAGE_LOG_INTERVAL_MS = 60_000;
