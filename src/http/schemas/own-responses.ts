/**
 * Tributary's own operations (not in DR's document): a summary and the schema of each answer.
 * The same schemas serialize the answers (plugins/serialization.ts, checked against
 * JSON.stringify by every test app) and describe them in GET /openapi.json, so the document cannot
 * drift from what is sent. `dr#/…` refers to DR's components (schemas/dr-responses.ts).
 */

const DR = (name: string) => ({ $ref: `dr#/components/schemas/${name}` });
const str = { type: 'string' } as const;
const int = { type: 'integer' } as const;
const bool = { type: 'boolean' } as const;
const free = { type: 'object', additionalProperties: true } as const;
const list = (items: object) => ({
  type: 'object',
  properties: { hasMore: bool, data: { type: 'array', items } },
});

const Clock = {
  type: 'object',
  properties: { time: str, offsetSeconds: int, tasksRun: int },
};

const Account = {
  type: 'object',
  properties: {
    id: str,
    name: str,
    liveMode: bool,
    chargebackRiskPolicy: { type: 'string', enum: ['tolerant', 'averse'] },
    taxRates: { type: 'object', additionalProperties: { type: 'number' } },
    apiVersion: str,
    supportedApiVersions: { type: 'array', items: str },
    clock: str,
    rateLimitPerSecond: { type: ['integer', 'null'] },
    createdTime: str,
    updatedTime: str,
  },
};

const Scenario = {
  type: 'object',
  properties: {
    id: str,
    origin: { type: 'string', enum: ['dr', 'tributary'] },
    cards: { type: 'array', items: str },
    description: str,
    notes: str,
    behaviour: free,
  },
};

const DeliveryAttempt = {
  type: 'object',
  properties: {
    id: str,
    deliveryId: str,
    eventId: str,
    eventType: str,
    webhookId: str,
    attempt: int,
    scheduledTime: str,
    attemptedTime: str,
    durationMs: int,
    status: int,
    error: str,
    outcome: str,
    requestHeaders: { type: 'object', additionalProperties: str },
    requestBody: {},
    responseBody: str,
    nextAttemptTime: str,
  },
};

const LoggedRequest = {
  type: 'object',
  properties: {
    id: str,
    createdTime: str,
    method: str,
    path: str,
    query: str,
    status: int,
    durationMs: int,
    idempotencyKey: str,
    errorCode: str,
    requestBody: {},
    responseBody: {},
  },
};

export interface OwnOperation {
  summary: string;
  /** status → the body's schema; null: no body (204) */
  responses: Record<string, object | null>;
  /** an answer that is not JSON */
  contentType?: string;
}

export const OWN_OPERATIONS: Record<string, OwnOperation> = {
  'GET /health': {
    summary: 'Whether the server is up (no key needed).',
    responses: { '200': { type: 'object', properties: { status: str } } },
  },
  'GET /openapi.json': {
    summary: "This document: DR's operations that Tributary serves, and Tributary's own (no key needed).",
    responses: { '200': free },
  },
  'POST /payments/sources': {
    summary: 'Creates a payment source with the public key, as DigitalRiver.js does from the browser.',
    responses: { '201': DR('Source') },
  },
  'POST /fulfillments/{id}': {
    summary: "Updates a fulfillment's tracking details (Tributary's addition).",
    responses: { '200': DR('Fulfillment') },
  },
  'DELETE /customers/{id}/tax-identifiers/{taxId}': {
    summary: "Detaches a tax identifier from a customer (Tributary's addition).",
    responses: { '204': null },
  },
  'GET /links/{id}': {
    summary: "A file link's file, by its public URL (no key needed) until the link expires.",
    responses: { '200': { type: 'string', format: 'binary' } },
    contentType: 'application/pdf',
  },
  'GET /account': {
    summary: "The calling key's account: policy, tax rates, API version, clock.",
    responses: { '200': Account },
  },
  'POST /account': {
    summary: "Updates the account's chargeback-risk policy, tax rates or default API version.",
    responses: { '200': Account },
  },
  'GET /test-helpers/scenarios': {
    summary: "The simulator's test cards and what each does.",
    responses: { '200': list(Scenario) },
  },
  'GET /test-helpers/clock': {
    summary: "The account's clock: its time and offset.",
    responses: { '200': Clock },
  },
  'POST /test-helpers/clock/advance': {
    summary: "Moves the account's clock forward and runs what became due.",
    responses: { '200': Clock },
  },
  'POST /test-helpers/charges/{id}/expire-authorization': {
    summary: "Expires a charge's authorization now.",
    responses: { '200': DR('Charge') },
  },
  'POST /test-helpers/charges/{id}/refuse-reauthorization': {
    summary: "Makes the issuer refuse this charge's reauthorizations from now on.",
    responses: { '200': DR('Charge') },
  },
  'POST /test-helpers/captures/{id}/fail': {
    summary: 'Fails a pending capture now.',
    responses: { '200': DR('Charge') },
  },
  'POST /test-helpers/orders/{id}/dispute': {
    summary: "Opens a dispute on an order (the customer's bank disputes it).",
    responses: { '200': DR('Order') },
  },
  'POST /test-helpers/orders/{id}/dispute/resolve': {
    summary: 'Resolves a dispute: won (the order resumes) or lost (a chargeback).',
    responses: { '200': DR('Order') },
  },
  'POST /test-helpers/tax-identifiers/{id}/verification': {
    summary: 'Settles a pending tax identifier as verified or not valid.',
    responses: { '200': DR('CustomerTaxIdentifier') },
  },
  'POST /test-helpers/reset': {
    summary: "Wipes the account's objects and resets its clock (keys and settings stay).",
    responses: { '204': null },
  },
  'GET /test-helpers/requests': {
    summary: 'The request log: the API requests of the last 7 days of the account clock, newest first.',
    responses: { '200': list(LoggedRequest) },
  },
  'GET /test-helpers/events/stream': {
    summary:
      "The account's events as they happen, as server-sent events (id, event, data), over one connection.",
    responses: { '200': { type: 'string' } },
    contentType: 'text/event-stream',
  },
  'GET /test-helpers/requests/{id}': {
    summary: 'One request of the request log.',
    responses: { '200': LoggedRequest },
  },
  'POST /webhooks/{id}/rotate-secret': {
    summary: 'A new signing secret for a webhook; the old one signs beside it for 12 hours.',
    responses: { '200': DR('Webhook') },
  },
  'GET /webhooks/{id}/deliveries': {
    summary: "A webhook's delivery attempts, newest first.",
    responses: { '200': list(DeliveryAttempt) },
  },
  'POST /webhooks/{id}/redeliver-failed': {
    summary: 'Sends again every delivery of the webhook given up on since a time.',
    responses: {
      '202': { type: 'object', properties: { webhookId: str, eventIds: { type: 'array', items: str } } },
    },
  },
  'POST /events/{id}/redeliver': {
    summary: 'Sends an event again, to one webhook or to every webhook it went to.',
    responses: {
      '202': { type: 'object', properties: { eventId: str, webhookIds: { type: 'array', items: str } } },
    },
  },
};
