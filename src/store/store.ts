import { type Kysely, sql } from 'kysely';
import type { SecretBox } from '../lib/secret-box.js';
import type { Dialect } from './migrations/index.js';
import { AccountsRepo } from './repos/accounts.js';
import type { HotStatements } from './repos/base.js';
import { CheckoutsRepo } from './repos/checkouts.js';
import { CustomersRepo } from './repos/customers.js';
import { EventsRepo } from './repos/events.js';
import { FilesRepo } from './repos/files.js';
import { FulfillmentsRepo } from './repos/fulfillments.js';
import { IdempotencyRepo } from './repos/idempotency.js';
import { IntentsRepo } from './repos/intents.js';
import { OperationsRepo } from './repos/operations.js';
import { OrdersRepo } from './repos/orders.js';
import { RefundsRepo } from './repos/refunds.js';
import { RequestLogRepo } from './repos/request-log.js';
import { ReturnsRepo } from './repos/returns.js';
import { SettingsRepo } from './repos/settings.js';
import { SkusRepo } from './repos/skus.js';
import { SourcesRepo } from './repos/sources.js';
import { TasksRepo } from './repos/tasks.js';
import { TaxIdentifiersRepo } from './repos/tax-identifiers.js';
import { WebhooksRepo } from './repos/webhooks.js';
import type { Database } from './schema.js';

/**
 * One store interface, two implementations (store/sqlite.ts, store/postgres.ts). Services do all
 * their work through a Tx: inside `transaction` every change and the events that report it
 * commit together or not at all.
 */
export interface Store {
  readonly dialect: Dialect;
  /** A write transaction. SQLite: BEGIN IMMEDIATE. PostgreSQL: row locks, retried on serialization failures. */
  transaction<T>(work: (tx: Tx) => Promise<T>): Promise<T>;
  /**
   * A write transaction that every `transaction` and `read` of this store inside `work` joins
   * (nested transactions become savepoints): all of it commits at once or not at all.
   */
  scoped<T>(work: (tx: Tx) => Promise<T>): Promise<T>;
  /** Reads that need no write lock. */
  read<T>(work: (tx: Tx) => Promise<T>): Promise<T>;
  /**
   * Whether this process leads a kind of background work (the task sweep, the polling for due
   * deliveries): one process of those sharing a PostgreSQL database does each, so that several
   * processes do not each poll for the same work. SQLite: always (one process).
   */
  leads(job: BackgroundJob): Promise<boolean>;
  close(): Promise<void>;
}

export type BackgroundJob = 'tasks' | 'deliveries';

export class Tx {
  readonly accounts: AccountsRepo;
  readonly skus: SkusRepo;
  readonly customers: CustomersRepo;
  readonly sources: SourcesRepo;
  readonly checkouts: CheckoutsRepo;
  readonly orders: OrdersRepo;
  readonly events: EventsRepo;
  readonly operations: OperationsRepo;
  readonly fulfillments: FulfillmentsRepo;
  readonly refunds: RefundsRepo;
  readonly returns: ReturnsRepo;
  readonly tasks: TasksRepo;
  readonly intents: IntentsRepo;
  readonly taxIdentifiers: TaxIdentifiersRepo;
  readonly files: FilesRepo;
  readonly requestLog: RequestLogRepo;
  readonly webhooks: WebhooksRepo;
  readonly idempotency: IdempotencyRepo;
  readonly settings: SettingsRepo;

  constructor(
    /** the transaction's connection (savepoints) */
    readonly db: Kysely<Database>,
    readonly dialect: Dialect,
    box?: SecretBox,
    /** SQLite: the connection's kept statements, for the hot paths */
    hot?: HotStatements,
  ) {
    this.accounts = new AccountsRepo(db, dialect);
    this.skus = new SkusRepo(db, dialect);
    this.customers = new CustomersRepo(db, dialect);
    this.sources = new SourcesRepo(db, dialect);
    this.checkouts = new CheckoutsRepo(db, dialect);
    this.orders = new OrdersRepo(db, dialect);
    this.events = new EventsRepo(db, dialect);
    this.operations = new OperationsRepo(db, dialect, this.orders);
    this.fulfillments = new FulfillmentsRepo(db, dialect, this.orders);
    this.refunds = new RefundsRepo(db, dialect, this.orders);
    this.returns = new ReturnsRepo(db, dialect, this.orders);
    this.tasks = new TasksRepo(db, dialect);
    this.intents = new IntentsRepo(db, dialect);
    this.taxIdentifiers = new TaxIdentifiersRepo(db, dialect);
    this.files = new FilesRepo(db, dialect);
    this.requestLog = new RequestLogRepo(db, dialect);
    this.webhooks = new WebhooksRepo(db, dialect, box);
    this.idempotency = new IdempotencyRepo(db, dialect);
    this.settings = new SettingsRepo(db, dialect);
    if (hot)
      for (const repo of [this.accounts, this.sources, this.checkouts, this.orders, this.events])
        repo.hot = hot;
  }

  private savepoints = 0;

  /** `work` inside a savepoint of this transaction: if it throws, only its writes are undone. */
  async savepoint<T>(work: () => Promise<T>): Promise<T> {
    this.savepoints += 1;
    const name = sql.raw(`tributary_tx_sp_${this.savepoints}`);
    await sql`SAVEPOINT ${name}`.execute(this.db);
    try {
      const result = await work();
      await sql`RELEASE SAVEPOINT ${name}`.execute(this.db);
      return result;
    } catch (error) {
      await sql`ROLLBACK TO SAVEPOINT ${name}`.execute(this.db);
      await sql`RELEASE SAVEPOINT ${name}`.execute(this.db);
      throw error;
    }
  }
}
