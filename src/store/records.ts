/**
 * What the store hands to services: rows in camelCase, JSON parsed, flags as booleans.
 * Money stays in integer minor units.
 */

export type {
  AuthorizationRecord,
  ChargeRecord,
  FraudState,
  FulfillmentItemRecord,
  FulfillmentRecord,
  OperationRecord,
  Order,
  OrderItemRecord,
  OrderRecord,
  RefundItemRecord,
  RefundRecord,
} from '../domain/order/model.js';
export type { TaskKind } from '../domain/order/plan.js';
export type { CheckoutData, Json, LineRecord, Metadata, Totals } from '../domain/shared.js';

import type { TaskKind } from '../domain/order/plan.js';
import type { CheckoutData, Json, LineRecord, Metadata, Totals } from '../domain/shared.js';
import type { ApiVersion } from '../domain/versions.js';

export type ChargebackRiskPolicy = 'tolerant' | 'averse';

export interface AccountRecord {
  id: string;
  name: string;
  clockOffsetMs: number;
  chargebackRiskPolicy: ChargebackRiskPolicy;
  taxRates: Record<string, number> | null;
  /** the version a request or webhook gets when it names none (domain/versions.ts) */
  apiVersion: ApiVersion;
  createdAt: number;
  updatedAt: number;
}

export interface ApiKeyRecord {
  id: string;
  accountId: string;
  kind: 'secret' | 'public';
  keyHash: string;
  keyHint: string;
  createdAt: number;
}

export interface SkuRecord {
  accountId: string;
  id: string;
  name: string;
  taxCode: string;
  eccn: string;
  countryOfOrigin: string;
  physical: boolean;
  /** hsCode, skuGroupId, partNumber, manufacturerId, managedFulfillment, description, image, url, weight, weightUnit */
  data: Json;
  metadata: Metadata | null;
  createdAt: number;
  updatedAt: number;
}

export interface CustomerRecord {
  accountId: string;
  id: string;
  email: string | null;
  defaultSourceId: string | null;
  type: string | null;
  locale: string | null;
  enabled: boolean;
  requestToBeForgotten: boolean;
  /** shipping, taxCertificates */
  data: Json;
  metadata: Metadata | null;
  createdAt: number;
  updatedAt: number;
}

/** A tax identifier (tax-identifiers.md): type and value, its verification, maybe a customer. */
export interface TaxIdentifierRecord {
  accountId: string;
  id: string;
  customerId: string | null;
  type: string;
  value: string;
  state: 'pending' | 'verified' | 'not_valid';
  /** state → epoch ms */
  stateTimes: Partial<Record<'pending' | 'verified' | 'not_valid', number>>;
  verifiedName: string | null;
  verifiedAddress: string | null;
  createdAt: number;
  updatedAt: number;
}

/** A file Tributary serves (files.md): an order's invoice or credit memo. */
export interface FileRecord {
  accountId: string;
  id: string;
  orderId: string | null;
  refundId: string | null;
  purpose: string;
  fileName: string;
  title: string;
  /** pdf */
  type: string;
  size: number;
  createdAt: number;
}

/** A public link to a file (file-links), usable until it expires. */
export interface FileLinkRecord {
  accountId: string;
  id: string;
  fileId: string;
  expiresAt: number;
  metadata: Metadata | null;
  createdAt: number;
}

export interface CardDetails {
  brand: string;
  lastFourDigits: string;
  expirationMonth: number;
  expirationYear: number;
}

export type SourceState =
  | 'pending_funds'
  | 'pending_redirect'
  | 'requires_action'
  | 'chargeable'
  | 'consumed'
  | 'cancelled'
  | 'failed';

export interface SourceRecord {
  accountId: string;
  id: string;
  clientSecret: string;
  type: 'creditCard' | 'customerCredit';
  flow: 'standard';
  state: SourceState;
  reusable: boolean;
  currency: string | null;
  amountMinor: number | null;
  owner: Json | null;
  card: CardDetails | null;
  scenarioId: string;
  customerId: string | null;
  paymentSessionId: string | null;
  upstreamId: string | null;
  metadata: Metadata | null;
  createdAt: number;
  updatedAt: number;
}

/**
 * A checkout is `open` until an order is asked for; then `ordering` while the processor is asked
 * to authorize its charges, and `ordered` (authorized) or `spent` (declined) after, or `open` again
 * when the processor never answered (domain/checkout/transitions.ts).
 */
export type CheckoutState = 'open' | 'ordering' | 'spent' | 'ordered';

export interface CheckoutRecord {
  accountId: string;
  id: string;
  state: CheckoutState;
  spentMessage: string | null;
  orderId: string | null;
  currency: string;
  customerId: string | null;
  email: string | null;
  locale: string | null;
  browserIp: string | null;
  applicationId: string | null;
  upstreamId: string | null;
  taxInclusive: boolean;
  chargeType: string;
  customerType: string | null;
  hasShippingChoice: boolean;
  sessionId: string;
  sessionClientSecret: string;
  totals: Totals;
  data: CheckoutData;
  metadata: Metadata | null;
  createdAt: number;
  updatedAt: number;
}

export interface CheckoutItemRecord extends LineRecord {
  checkoutId: string;
  priceMinor: number | null;
  aggregatePriceMinor: number | null;
}

export type SourceRole = 'primary' | 'secondary';

export interface CheckoutSourceRecord {
  checkoutId: string;
  sourceId: string;
  role: SourceRole;
  createdAt: number;
}

/** Work due at a time of the account's clock. */
export interface TaskRecord {
  accountId: string;
  id: string;
  kind: TaskKind;
  subjectId: string;
  payload: Json;
  dueAt: number;
  createdAt: number;
}

export interface EventRecord {
  accountId: string;
  id: string;
  type: string;
  object: Json;
  previousAttributes: Json | null;
  createdAt: number;
  /** the webhooks it went to: set when it is appended (read back from the store) */
  webhookIds?: string[];
}

export interface WebhookRecord {
  accountId: string;
  id: string;
  address: string;
  types: string[];
  apiVersion: string;
  /** the expandable events (expanding-events.md) come to it expanded */
  expand: boolean;
  enabled: boolean;
  transportType: 'HTTP' | 'OAUTH';
  authentication: { username: string; password: string } | null;
  secret: string;
  /** after a rotation, the old secret signs too until `previousSecretUntil` */
  previousSecret: string | null;
  previousSecretUntil: number | null;
  disabledReason: string | null;
  createdAt: number;
  updatedAt: number;
}

export type DeliveryState = 'pending' | 'delivered' | 'failed' | 'cancelled';

/** One event to one webhook, until delivered or given up. */
export interface DeliveryRecord {
  accountId: string;
  id: string;
  eventId: string;
  webhookId: string;
  state: DeliveryState;
  attempts: number;
  /** when the first attempt was due (account clock): the retry schedule counts from here */
  firstDueAt: number;
  nextAttemptAt: number;
  createdAt: number;
  updatedAt: number;
}

export interface DeliveryAttemptRecord {
  accountId: string;
  id: string;
  deliveryId: string;
  eventId: string;
  eventType: string;
  webhookId: string;
  number: number;
  /** when the attempt was due, and when it was made (account clock) */
  scheduledAt: number;
  attemptedAt: number;
  durationMs: number;
  status: number | null;
  error: string | null;
  outcome: 'delivered' | 'failed';
  /** what was sent (the Authorization header redacted) and the first bytes of the answer */
  requestHeaders?: Record<string, string> | null;
  requestBody?: string | null;
  responseBody?: string | null;
  /** a failed attempt's retry, when one is due (account clock) */
  nextAttemptAt?: number | null;
}

/** A page request, resolved by the list queries: newest first, cursors by object id. */
export interface PageQuery {
  limit: number;
  startingAfter?: string | undefined;
  endingBefore?: string | undefined;
}

export interface Page<T> {
  data: T[];
  hasMore: boolean;
}

export interface TimeRange {
  gt?: number;
  gte?: number;
  lt?: number;
  lte?: number;
}

/** One API request as the request log keeps it (bodies redacted and bounded). */
export interface RequestLogRecord {
  accountId: string;
  /** the request id (x-dr-requestid) */
  id: string;
  /** the account clock when it was answered */
  at: number;
  method: string;
  path: string;
  query: string | null;
  status: number;
  idempotencyKey: string | null;
  durationMs: number;
  requestBody: string | null;
  responseBody: string | null;
  /** the first error's code, for a 4xx or 5xx */
  errorCode: string | null;
}
