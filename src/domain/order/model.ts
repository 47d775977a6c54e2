import type { ChargeState, OperationKind, OperationState } from '../charge/transitions.js';
import type { RefundState } from '../refund/transitions.js';
import type { ReturnState } from '../return/transitions.js';
import type { CheckoutData, Json, LineRecord, Metadata, Totals } from '../shared.js';
import type { LineParts } from './components.js';
import type { ItemState, OrderState } from './transitions.js';

/**
 * The order aggregate: the order with its items, its charges and every capture, cancel and
 * refund of them (each with the money it moved, by line and component), its fulfillments and
 * its refunds. Decisions take it whole and return the next one; the store reads and writes it.
 */
export interface Order {
  order: OrderRecord;
  items: readonly OrderItemRecord[];
  charges: readonly ChargeRecord[];
  operations: readonly OperationRecord[];
  fulfillments: readonly FulfillmentRecord[];
  refunds: readonly RefundRecord[];
  returns: readonly ReturnRecord[];
  /** an open dispute: the state the order resumes when it is resolved */
  dispute?: DisputeRecord | undefined;
  /** the invoice and credit memos issued for it (accessing-invoices-and-credit-memos.md) */
  documents?: readonly DocumentRecord[] | undefined;
  /** some operations were written before the ledger kept their parts (domain/order/legacy.ts) */
  legacy?: boolean | undefined;
}

export type DocumentPurpose = 'customer_invoice' | 'customer_credit_memo';

/** A PDF issued for an order: its file (GET /files/{id}), and the refund a credit memo is for. */
export interface DocumentRecord {
  id: string;
  purpose: DocumentPurpose;
  refundId?: string | undefined;
  url: string;
  createdAt: number;
}

export interface DisputeRecord {
  from: OrderState;
  openedAt: number;
}

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

export interface OrderItemRecord extends LineRecord {
  orderId: string;
  state: ItemState;
  stateTransitions: Record<string, string>;
  fulfilledQuantity: number;
  cancelledQuantity: number;
}

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

/** A capture, cancel or refund of one charge. */
export interface OperationRecord {
  accountId: string;
  id: string;
  chargeId: string;
  orderId: string;
  kind: OperationKind;
  amountMinor: number;
  /** the money it moves, by order line and component: sums to amountMinor exactly */
  parts: LineParts;
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

/** DR's item-level refund types; null is a product refund (the item's amount and its tax). */
export type ItemRefundType = 'shipping' | 'fees' | 'duty';
/** DR's order-level refund types; null is a product refund. */
export type RefundType = 'shipping' | 'tax' | 'duty' | 'importer_tax';

export interface RefundItemRecord {
  itemId: string;
  skuId: string | null;
  type?: ItemRefundType | null | undefined;
  quantity: number | null;
  /** as requested (echoed on the wire) */
  percent?: number | null | undefined;
  amountMinor: number;
  /** units this entry refunds in full (a later entry's units come after them) */
  units?: number | undefined;
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
  /** the return whose acceptance issued it */
  returnId?: string | null | undefined;
  createdAt: number;
  updatedAt: number;
}

export interface ReturnItemRecord {
  itemId: string;
  skuId: string | null;
  /** units authorized for return */
  quantity: number;
  /** units received and accepted so far */
  quantityAccepted: number;
  /** what the authorized units are worth (their amount and tax) */
  amountMinor: number;
  state: ReturnState;
}

/** A return authorization of fulfilled units (DR's Returns API, third-party coordinated). */
export interface ReturnRecord {
  accountId: string;
  id: string;
  orderId: string;
  currency: string;
  reason: string | null;
  location: Json | null;
  state: ReturnState;
  items: ReturnItemRecord[];
  /** the units each accepting request took, in turn: one refund each once the return is accepted */
  acceptances: { itemId: string; quantity: number }[][];
  refundIds: string[];
  metadata: Metadata | null;
  createdAt: number;
  updatedAt: number;
}

export type { Json };
