/**
 * Forward-only migrations, one list for both stores. Each statement is written once with
 * placeholders for the few types the dialects spell differently:
 *   {seq}  an auto-assigned, ever-growing row number used for list order and cursors
 *   {big}  a 64-bit integer (money in minor units, epoch milliseconds)
 * A migration never changes once released; a change is a new migration.
 */

export type Dialect = 'sqlite' | 'postgres';

export interface Migration {
  version: number;
  name: string;
  statements: readonly string[];
}

const TOTALS = `
  subtotal_minor {big} NOT NULL,
  total_tax_minor {big} NOT NULL,
  total_shipping_minor {big} NOT NULL,
  shipping_tax_minor {big} NOT NULL,
  total_discount_minor {big} NOT NULL,
  total_fees_minor {big} NOT NULL,
  total_duty_minor {big} NOT NULL,
  total_importer_tax_minor {big} NOT NULL,
  total_amount_minor {big} NOT NULL`;

const LINE = `
  position INTEGER NOT NULL,
  sku_id TEXT,
  product_details TEXT NOT NULL,
  physical SMALLINT NOT NULL,
  quantity INTEGER NOT NULL,
  amount_minor {big} NOT NULL,
  discount_minor {big} NOT NULL,
  tax_rate TEXT NOT NULL,
  tax_minor {big} NOT NULL,
  shipping_minor {big} NOT NULL,
  shipping_tax_minor {big} NOT NULL,
  data TEXT NOT NULL,
  metadata TEXT`;

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'foundation',
    statements: [
      `CREATE TABLE accounts (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        clock_offset_ms {big} NOT NULL DEFAULT 0,
        chargeback_risk_policy TEXT NOT NULL DEFAULT 'tolerant',
        tax_rates TEXT,
        created_at {big} NOT NULL,
        updated_at {big} NOT NULL
      )`,
      `CREATE TABLE api_keys (
        id TEXT PRIMARY KEY,
        account_id TEXT NOT NULL REFERENCES accounts(id),
        kind TEXT NOT NULL,
        key_hash TEXT NOT NULL UNIQUE,
        key_hint TEXT NOT NULL,
        created_at {big} NOT NULL
      )`,
      'CREATE INDEX api_keys_account ON api_keys (account_id)',
      `CREATE TABLE skus (
        seq {seq},
        account_id TEXT NOT NULL,
        id TEXT NOT NULL,
        name TEXT NOT NULL,
        tax_code TEXT NOT NULL,
        eccn TEXT NOT NULL,
        country_of_origin TEXT NOT NULL,
        physical SMALLINT NOT NULL,
        data TEXT NOT NULL,
        metadata TEXT,
        created_at {big} NOT NULL,
        updated_at {big} NOT NULL,
        UNIQUE (account_id, id)
      )`,
      'CREATE INDEX skus_list ON skus (account_id, seq)',
      `CREATE TABLE customers (
        seq {seq},
        account_id TEXT NOT NULL,
        id TEXT NOT NULL,
        email TEXT,
        default_source_id TEXT,
        type TEXT,
        locale TEXT,
        enabled SMALLINT NOT NULL,
        request_to_be_forgotten SMALLINT NOT NULL,
        data TEXT NOT NULL,
        metadata TEXT,
        created_at {big} NOT NULL,
        updated_at {big} NOT NULL,
        UNIQUE (account_id, id)
      )`,
      'CREATE INDEX customers_list ON customers (account_id, seq)',
      `CREATE TABLE sources (
        seq {seq},
        account_id TEXT NOT NULL,
        id TEXT NOT NULL,
        client_secret TEXT NOT NULL,
        type TEXT NOT NULL,
        flow TEXT NOT NULL,
        state TEXT NOT NULL,
        reusable SMALLINT NOT NULL,
        currency TEXT,
        amount_minor {big},
        owner TEXT,
        card_brand TEXT,
        card_last4 TEXT,
        card_exp_month INTEGER,
        card_exp_year INTEGER,
        scenario_id TEXT NOT NULL,
        customer_id TEXT,
        payment_session_id TEXT,
        upstream_id TEXT,
        metadata TEXT,
        created_at {big} NOT NULL,
        updated_at {big} NOT NULL,
        UNIQUE (account_id, id)
      )`,
      'CREATE INDEX sources_customer ON sources (account_id, customer_id)',
      `CREATE TABLE checkouts (
        seq {seq},
        account_id TEXT NOT NULL,
        id TEXT NOT NULL,
        state TEXT NOT NULL,
        spent_message TEXT,
        order_id TEXT,
        currency TEXT NOT NULL,
        customer_id TEXT,
        email TEXT,
        locale TEXT,
        browser_ip TEXT,
        application_id TEXT,
        upstream_id TEXT,
        tax_inclusive SMALLINT NOT NULL,
        charge_type TEXT NOT NULL,
        customer_type TEXT,
        has_shipping_choice SMALLINT NOT NULL,
        session_id TEXT NOT NULL,
        session_client_secret TEXT NOT NULL,${TOTALS},
        data TEXT NOT NULL,
        metadata TEXT,
        created_at {big} NOT NULL,
        updated_at {big} NOT NULL,
        UNIQUE (account_id, id)
      )`,
      'CREATE INDEX checkouts_list ON checkouts (account_id, seq)',
      'CREATE INDEX checkouts_session ON checkouts (account_id, session_id)',
      `CREATE TABLE checkout_items (
        seq {seq},
        account_id TEXT NOT NULL,
        checkout_id TEXT NOT NULL,
        id TEXT NOT NULL,
        price_minor {big},
        aggregate_price_minor {big},${LINE}
      )`,
      'CREATE INDEX checkout_items_checkout ON checkout_items (account_id, checkout_id, position)',
      `CREATE TABLE checkout_sources (
        seq {seq},
        account_id TEXT NOT NULL,
        checkout_id TEXT NOT NULL,
        source_id TEXT NOT NULL,
        role TEXT NOT NULL,
        created_at {big} NOT NULL,
        UNIQUE (account_id, checkout_id, source_id)
      )`,
      'CREATE INDEX checkout_sources_source ON checkout_sources (account_id, source_id)',
      `CREATE TABLE orders (
        seq {seq},
        account_id TEXT NOT NULL,
        id TEXT NOT NULL,
        checkout_id TEXT NOT NULL,
        state TEXT NOT NULL,
        fraud_state TEXT,
        state_transitions TEXT NOT NULL,
        fraud_state_transitions TEXT NOT NULL,
        currency TEXT NOT NULL,
        customer_id TEXT,
        email TEXT,
        locale TEXT,
        browser_ip TEXT,
        application_id TEXT,
        upstream_id TEXT,
        request_to_be_forgotten SMALLINT NOT NULL,
        tax_inclusive SMALLINT NOT NULL,
        charge_type TEXT NOT NULL,
        customer_type TEXT,
        has_shipping_choice SMALLINT NOT NULL,
        session_id TEXT NOT NULL,
        session_client_secret TEXT NOT NULL,
        session_state TEXT NOT NULL,${TOTALS},
        captured_minor {big} NOT NULL,
        cancelled_minor {big} NOT NULL,
        refunded_minor {big} NOT NULL,
        data TEXT NOT NULL,
        metadata TEXT,
        created_at {big} NOT NULL,
        updated_at {big} NOT NULL,
        UNIQUE (account_id, id),
        UNIQUE (account_id, checkout_id)
      )`,
      'CREATE INDEX orders_list ON orders (account_id, seq)',
      'CREATE INDEX orders_customer ON orders (account_id, customer_id, seq)',
      'CREATE INDEX orders_upstream ON orders (account_id, upstream_id)',
      `CREATE TABLE order_items (
        seq {seq},
        account_id TEXT NOT NULL,
        order_id TEXT NOT NULL,
        id TEXT NOT NULL,
        state TEXT NOT NULL,
        state_transitions TEXT NOT NULL,${LINE},
        UNIQUE (account_id, id)
      )`,
      'CREATE INDEX order_items_order ON order_items (account_id, order_id, position)',
      `CREATE TABLE charges (
        seq {seq},
        account_id TEXT NOT NULL,
        id TEXT NOT NULL,
        order_id TEXT NOT NULL,
        source_id TEXT NOT NULL,
        session_id TEXT NOT NULL,
        currency TEXT NOT NULL,
        amount_minor {big} NOT NULL,
        state TEXT NOT NULL,
        type TEXT NOT NULL,
        scenario_id TEXT NOT NULL,
        authorization_id TEXT,
        authorized_at {big},
        authorization_expires_at {big},
        failure_code TEXT,
        failure_message TEXT,
        created_at {big} NOT NULL,
        updated_at {big} NOT NULL,
        UNIQUE (account_id, id)
      )`,
      'CREATE INDEX charges_order ON charges (account_id, order_id, seq)',
      `CREATE TABLE events (
        seq {seq},
        account_id TEXT NOT NULL,
        id TEXT NOT NULL,
        type TEXT NOT NULL,
        object TEXT NOT NULL,
        previous_attributes TEXT,
        created_at {big} NOT NULL,
        UNIQUE (account_id, id)
      )`,
      'CREATE INDEX events_list ON events (account_id, seq)',
      'CREATE INDEX events_type ON events (account_id, type, seq)',
    ],
  },
];

const SPELLINGS: Record<Dialect, Record<string, string>> = {
  sqlite: { '{seq}': 'INTEGER PRIMARY KEY', '{big}': 'INTEGER' },
  postgres: { '{seq}': 'BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY', '{big}': 'BIGINT' },
};

export function renderStatement(statement: string, dialect: Dialect): string {
  return statement.replace(/\{seq\}|\{big\}/g, (token) => SPELLINGS[dialect][token] ?? token);
}
