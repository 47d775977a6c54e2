/**
 * What the store hands to services: rows in camelCase, JSON parsed, flags as booleans.
 * Money stays in integer minor units.
 */

export type Metadata = Record<string, string | number | boolean>;
export type Json = Record<string, unknown>;

export type ChargebackRiskPolicy = 'tolerant' | 'averse';

export interface AccountRecord {
  id: string;
  name: string;
  clockOffsetMs: number;
  chargebackRiskPolicy: ChargebackRiskPolicy;
  taxRates: Record<string, number> | null;
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

export interface Totals {
  subtotalMinor: number;
  totalTaxMinor: number;
  totalShippingMinor: number;
  shippingTaxMinor: number;
  totalDiscountMinor: number;
  totalFeesMinor: number;
  totalDutyMinor: number;
  totalImporterTaxMinor: number;
  totalAmountMinor: number;
}

/** A checkout is `open` until an order attempt is declined (`spent`) or succeeds (`ordered`). */
export type CheckoutState = 'open' | 'spent' | 'ordered';

/** Descriptive checkout data kept as DR sent it (never money). */
export interface CheckoutData {
  shipFrom?: Json;
  shipTo?: Json;
  billTo?: Json;
  organization?: Json;
  taxIdentifiers?: Json[];
  purchaseLocation?: Json;
  discount?: Json;
  shippingDiscount?: Json;
  shippingChoice?: Json; // description, serviceLevel, shippingTerms (the amount is in the columns)
  invoiceAttributeId?: string;
  disclosures?: Json;
}

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

export interface LineRecord {
  id: string;
  position: number;
  skuId: string | null;
  productDetails: Json;
  physical: boolean;
  quantity: number;
  amountMinor: number;
  discountMinor: number;
  /** the rate as an exact decimal string, e.g. "0.08025" */
  taxRate: string;
  taxMinor: number;
  shippingMinor: number;
  shippingTaxMinor: number;
  /** discount (as requested), subscriptionInfo, shipFrom */
  data: Json;
  metadata: Metadata | null;
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

export type OrderState =
  | 'accepted'
  | 'blocked'
  | 'pending_payment'
  | 'in_review'
  | 'dispute'
  | 'cancelled'
  | 'fulfilled'
  | 'complete'
  | 'returned';

export type FraudState = 'blocked' | 'review_opened' | 'passed';

export interface OrderRecord {
  accountId: string;
  id: string;
  checkoutId: string;
  state: OrderState;
  fraudState: FraudState | null;
  stateTransitions: Record<string, string>;
  fraudStateTransitions: Record<string, string>;
  currency: string;
  customerId: string | null;
  email: string | null;
  locale: string | null;
  browserIp: string | null;
  applicationId: string | null;
  upstreamId: string | null;
  requestToBeForgotten: boolean;
  taxInclusive: boolean;
  chargeType: string;
  customerType: string | null;
  hasShippingChoice: boolean;
  sessionId: string;
  sessionClientSecret: string;
  sessionState: string;
  totals: Totals;
  data: CheckoutData;
  metadata: Metadata | null;
  createdAt: number;
  updatedAt: number;
}

export type OrderItemState = 'created' | 'fulfilled' | 'paid' | 'cancelled' | 'blocked' | 'returned';

export interface OrderItemRecord extends LineRecord {
  orderId: string;
  state: OrderItemState;
  stateTransitions: Record<string, string>;
  fulfilledQuantity: number;
  cancelledQuantity: number;
}

export type ChargeState = 'pending' | 'capturable' | 'processing' | 'complete' | 'cancelled' | 'failed';

export interface ChargeRecord {
  accountId: string;
  id: string;
  orderId: string;
  sourceId: string;
  sessionId: string;
  currency: string;
  amountMinor: number;
  state: ChargeState;
  type: string;
  scenarioId: string;
  authorizationId: string | null;
  authorizedAt: number | null;
  authorizationExpiresAt: number | null;
  failureCode: string | null;
  failureMessage: string | null;
  createdAt: number;
  updatedAt: number;
  /** captures take the secondary charges first; cancels and refunds the primary first */
  role: 'primary' | 'secondary';
  /** a test helper's order for the next reauthorization */
  reauthorizationOverride: 'refused' | null;
}

export type OperationKind = 'capture' | 'cancel' | 'refund';
export type OperationState = 'pending' | 'complete' | 'failed';

/** A capture, cancel or refund of one charge. */
export interface OperationRecord {
  accountId: string;
  id: string;
  chargeId: string;
  orderId: string;
  kind: OperationKind;
  amountMinor: number;
  state: OperationState;
  fulfillmentId: string | null;
  refundId: string | null;
  /** settled on an expired authorization (risk-tolerant force settlement) */
  forced: boolean;
  failureCode: string | null;
  failureMessage: string | null;
  createdAt: number;
  updatedAt: number;
}

export interface AuthorizationRecord {
  accountId: string;
  id: string;
  chargeId: string;
  kind: 'authorization' | 'reauthorization';
  result: 'granted' | 'refused';
  /** the fulfillment request that asked for it */
  attemptId: string | null;
  expiresAt: number | null;
  createdAt: number;
}

export interface FulfillmentItemRecord {
  itemId: string;
  skuId: string | null;
  shipmentItemId: string | null;
  quantity: number;
  cancelQuantity: number;
  /** what the fulfilled and cancelled units are worth */
  captureMinor: number;
  cancelMinor: number;
}

export interface FulfillmentRecord {
  accountId: string;
  id: string;
  orderId: string;
  shipmentId: string | null;
  trackingCompany: string | null;
  trackingNumber: string | null;
  trackingUrl: string | null;
  metadata: Metadata | null;
  items: FulfillmentItemRecord[];
  createdAt: number;
  updatedAt: number;
}

export type RefundState = 'pending' | 'succeeded' | 'failed';

export interface RefundItemRecord {
  itemId: string;
  skuId: string | null;
  quantity: number | null;
  amountMinor: number;
}

export interface RefundRecord {
  accountId: string;
  id: string;
  orderId: string;
  currency: string;
  type: string | null;
  reason: string | null;
  amountMinor: number;
  state: RefundState;
  failureReason: string | null;
  items: RefundItemRecord[];
  metadata: Metadata | null;
  createdAt: number;
  updatedAt: number;
}

export type TaskKind = 'settle' | 'review' | 'chargeback';

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
