import type { Generated } from 'kysely';

/**
 * The database schema as Kysely sees it. SQL names are snake_case; rows are mapped to domain
 * objects in one place per table (store/repos). Money is integer minor units in `*_minor`
 * columns; times are epoch milliseconds; flags are 0/1; descriptive data that is never queried
 * (addresses, product details) is JSON text.
 */

export type Flag = 0 | 1;
type Json = string;

export interface SchemaMigrationsTable {
  version: number;
  name: string;
  applied_at: number;
}

export interface AccountsTable {
  id: string;
  name: string;
  clock_offset_ms: number;
  chargeback_risk_policy: string;
  tax_rates: Json | null;
  api_version: string;
  created_at: number;
  updated_at: number;
}

export interface ApiKeysTable {
  id: string;
  account_id: string;
  kind: string;
  key_hash: string;
  key_hint: string;
  created_at: number;
}

export interface SkusTable {
  seq: Generated<number>;
  account_id: string;
  id: string;
  name: string;
  tax_code: string;
  eccn: string;
  country_of_origin: string;
  physical: Flag;
  data: Json;
  metadata: Json | null;
  created_at: number;
  updated_at: number;
}

export interface CustomersTable {
  seq: Generated<number>;
  account_id: string;
  id: string;
  email: string | null;
  default_source_id: string | null;
  type: string | null;
  locale: string | null;
  enabled: Flag;
  request_to_be_forgotten: Flag;
  data: Json;
  metadata: Json | null;
  created_at: number;
  updated_at: number;
}

export interface TaxIdentifiersTable {
  seq: Generated<number>;
  account_id: string;
  id: string;
  customer_id: string | null;
  type: string;
  value: string;
  state: string;
  pending_at: number | null;
  verified_at: number | null;
  not_valid_at: number | null;
  verified_name: string | null;
  verified_address: string | null;
  created_at: number;
  updated_at: number;
}

export interface FilesTable {
  seq: Generated<number>;
  account_id: string;
  id: string;
  order_id: string | null;
  refund_id: string | null;
  purpose: string;
  file_name: string;
  title: string;
  type: string;
  size: number;
  content: string;
  created_at: number;
}

export interface FileLinksTable {
  seq: Generated<number>;
  account_id: string;
  id: string;
  file_id: string;
  expires_at: number;
  metadata: Json | null;
  created_at: number;
}

export interface RequestLogTable {
  seq: Generated<number>;
  account_id: string;
  id: string;
  created_at: number;
  method: string;
  path: string;
  query: string | null;
  status: number;
  idempotency_key: string | null;
  duration_ms: number;
  request_body: string | null;
  response_body: string | null;
  error_code: string | null;
}

export interface SourcesTable {
  seq: Generated<number>;
  account_id: string;
  id: string;
  client_secret: string;
  type: string;
  flow: string;
  state: string;
  reusable: Flag;
  currency: string | null;
  amount_minor: number | null;
  owner: Json | null;
  card_brand: string | null;
  card_last4: string | null;
  card_exp_month: number | null;
  card_exp_year: number | null;
  scenario_id: string;
  customer_id: string | null;
  payment_session_id: string | null;
  upstream_id: string | null;
  metadata: Json | null;
  created_at: number;
  updated_at: number;
}

/** Totals shared by checkouts and orders. */
export interface TotalsColumns {
  subtotal_minor: number;
  total_tax_minor: number;
  total_shipping_minor: number;
  shipping_tax_minor: number;
  total_discount_minor: number;
  total_fees_minor: number;
  total_duty_minor: number;
  total_importer_tax_minor: number;
  total_amount_minor: number;
}

export interface CheckoutsTable extends TotalsColumns {
  seq: Generated<number>;
  account_id: string;
  id: string;
  state: string;
  spent_message: string | null;
  order_id: string | null;
  currency: string;
  customer_id: string | null;
  email: string | null;
  locale: string | null;
  browser_ip: string | null;
  application_id: string | null;
  upstream_id: string | null;
  tax_inclusive: Flag;
  charge_type: string;
  customer_type: string | null;
  has_shipping_choice: Flag;
  session_id: string;
  session_client_secret: string;
  data: Json;
  metadata: Json | null;
  created_at: number;
  updated_at: number;
  /** its items (JSON, migration 10) */
  items: Json;
  /** its attached sources (JSON, migration 10); checkout_sources indexes them by source */
  attachments: Json;
}

/** Line amounts shared by checkout and order items. */
export interface LineColumns {
  position: number;
  sku_id: string | null;
  product_details: Json;
  physical: Flag;
  quantity: number;
  amount_minor: number;
  discount_minor: number;
  tax_rate: string;
  tax_minor: number;
  shipping_minor: number;
  shipping_tax_minor: number;
  data: Json;
  metadata: Json | null;
}

export interface CheckoutSourcesTable {
  seq: Generated<number>;
  account_id: string;
  checkout_id: string;
  source_id: string;
  role: string;
  created_at: number;
}

export interface OrdersTable extends TotalsColumns {
  seq: Generated<number>;
  /** what completed refunds returned (migration 11): the refundedAmount filter */
  refunded_minor: number;
  account_id: string;
  id: string;
  checkout_id: string;
  state: string;
  fraud_state: string | null;
  state_transitions: Json;
  fraud_state_transitions: Json;
  currency: string;
  customer_id: string | null;
  email: string | null;
  locale: string | null;
  browser_ip: string | null;
  application_id: string | null;
  upstream_id: string | null;
  request_to_be_forgotten: Flag;
  tax_inclusive: Flag;
  charge_type: string;
  customer_type: string | null;
  has_shipping_choice: Flag;
  session_id: string;
  session_client_secret: string;
  session_state: string;
  data: Json;
  metadata: Json | null;
  created_at: number;
  updated_at: number;
  /**
   * The rest of the aggregate (migration 8): items, charges, operations, fulfillments and refunds
   * as JSON (store/repos/order-document.ts), money in integer minor units.
   */
  document: Json;
  /** incremented by every write of the aggregate; a write names the version it read */
  version: number;
}

/**
 * One row per sub-resource of an order (item, charge, operation, fulfillment, a fulfillment's
 * item, refund): its id leads to its order, and the lists of fulfillments and refunds page and
 * filter here. The record itself is in the order's document.
 */
export interface OrderPartsTable {
  seq: Generated<number>;
  account_id: string;
  kind: OrderPartKind;
  id: string;
  order_id: string;
  /** a fulfillment item's fulfillment */
  parent_id: string | null;
  /** items and fulfillment items */
  sku_id: string | null;
  /** refunds */
  state: string | null;
  reason: string | null;
  failure_reason: string | null;
  /** fulfillments */
  tracking_company: string | null;
  tracking_number: string | null;
  /** refunds (migration 11): amount, what completed, and the order's currency, for the list's filters */
  amount_minor: number | null;
  refunded_minor: number | null;
  currency: string | null;
  created_at: number;
}

export type OrderPartKind =
  | 'item'
  | 'charge'
  | 'operation'
  | 'fulfillment'
  | 'fulfillment_item'
  | 'refund'
  | 'refund_item'
  | 'return'
  | 'return_item';

export interface ChargeAuthorizationsTable {
  seq: Generated<number>;
  account_id: string;
  id: string;
  charge_id: string;
  kind: string;
  result: string;
  attempt_id: string | null;
  expires_at: number | null;
  created_at: number;
}

export interface ProcessorIntentsTable {
  seq: Generated<number>;
  account_id: string;
  /** our reference for the request (the charge id of an authorization) */
  id: string;
  kind: string;
  checkout_id: string;
  order_id: string;
  position: number;
  request: Json;
  state: string;
  answer: Json | null;
  idempotency_key: string | null;
  /** real time: past it, the reconciler asks the processor what became of it */
  deadline_at: number;
  created_at: number;
  updated_at: number;
}

export interface TasksTable {
  seq: Generated<number>;
  account_id: string;
  id: string;
  kind: string;
  subject_id: string;
  payload: Json;
  due_at: number;
  created_at: number;
}

export interface EventsTable {
  seq: Generated<number>;
  account_id: string;
  id: string;
  type: string;
  object: Json;
  previous_attributes: Json | null;
  created_at: number;
  webhook_ids: Json;
}

export interface WebhooksTable {
  seq: Generated<number>;
  account_id: string;
  id: string;
  address: string;
  types: Json;
  api_version: string;
  expand: Flag;
  enabled: Flag;
  transport_type: string;
  authentication: Json | null;
  secret: string;
  previous_secret: string | null;
  previous_secret_until: number | null;
  disabled_reason: string | null;
  created_at: number;
  updated_at: number;
}

export interface DeliveriesTable {
  seq: Generated<number>;
  account_id: string;
  id: string;
  event_id: string;
  webhook_id: string;
  state: string;
  attempts: number;
  first_due_at: number;
  next_attempt_at: number;
  lease_until: number;
  created_at: number;
  updated_at: number;
}

export interface DeliveryAttemptsTable {
  seq: Generated<number>;
  account_id: string;
  id: string;
  delivery_id: string;
  event_id: string;
  event_type: string;
  webhook_id: string;
  number: number;
  scheduled_at: number;
  attempted_at: number;
  duration_ms: number;
  status: number | null;
  error: string | null;
  outcome: string;
  request_headers: Json | null;
  request_body: string | null;
  response_body: string | null;
  next_attempt_at: number | null;
}

export interface IdempotencyKeysTable {
  account_id: string;
  idempotency_key: string;
  fingerprint: string;
  method: string;
  path: string;
  status: number;
  body: string | null;
  created_at: number;
  expires_at: number;
}

/** Facts about the store itself (name → value), such as the sealed key check. */
export interface StoreSettingsTable {
  name: string;
  value: string;
}

export interface Database {
  schema_migrations: SchemaMigrationsTable;
  store_settings: StoreSettingsTable;
  accounts: AccountsTable;
  api_keys: ApiKeysTable;
  skus: SkusTable;
  customers: CustomersTable;
  sources: SourcesTable;
  tax_identifiers: TaxIdentifiersTable;
  files: FilesTable;
  file_links: FileLinksTable;
  checkouts: CheckoutsTable;
  checkout_sources: CheckoutSourcesTable;
  orders: OrdersTable;
  order_parts: OrderPartsTable;
  charge_authorizations: ChargeAuthorizationsTable;
  tasks: TasksTable;
  processor_intents: ProcessorIntentsTable;
  events: EventsTable;
  webhooks: WebhooksTable;
  deliveries: DeliveriesTable;
  delivery_attempts: DeliveryAttemptsTable;
  idempotency_keys: IdempotencyKeysTable;
  request_log: RequestLogTable;
}
