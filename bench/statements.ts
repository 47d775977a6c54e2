// What one lifecycle request costs the store, per request type: statements executed (savepoints
// counted apart), bytes SQLite hands to write(2) (the WAL) and the
// process's CPU per request, in process through `inject` (no HTTP parsing, one client). The
// settlement of a capture (a task, run by a clock advance) is a row of its own, and so is the
// delivery of one event to a webhook. `npm run bench` prints it; alone:
// `node --import tsx bench/statements.ts [--store sqlite|postgres] [--lifecycles N]`.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { buildApp } from '../src/app.js';
import { DeliveryWorker } from '../src/jobs/deliveries.js';
import { createLogger } from '../src/lib/logger.js';
import { SecretBox } from '../src/lib/secret-box.js';
import { Simulator } from '../src/processor/simulator/simulator.js';
import { createAccount } from '../src/services/accounts.js';
import type { Deps } from '../src/services/context.js';
import { PostgresStore } from '../src/store/postgres.js';
import { SqliteStore } from '../src/store/sqlite.js';
import type { Store } from '../src/store/store.js';
import { CARD, CHECKOUT } from './bodies.js';

export interface StepCost {
  requests: number;
  statements: number;
  savepoints: number;
  writtenBytes: number;
  cpuMicros: number;
}

const counter = { statements: 0, savepoints: 0, probing: false };
/** `--trace`: every statement of the last measured lifecycle, by request type, on stderr */
const tracing = process.argv.includes('--trace');
let traceStep = '';
const trace = (text: string) => {
  if (tracing && traceStep)
    process.stderr.write(`  [${traceStep}] ${text.replace(/\s+/g, ' ').slice(0, 160)}\n`);
};
const isSavepoint = (text: string) => /^\s*(SAVEPOINT|RELEASE|ROLLBACK TO)\b/i.test(text);
const isTransactionControl = (text: string) => /^\s*(BEGIN|COMMIT|ROLLBACK)\b/i.test(text);

/** Counts every statement SQLite runs (better-sqlite3's Statement methods) and PostgreSQL gets. */
let counting = false;
function countStatements(): void {
  // once per process: a second measurement must not wrap the methods again
  if (counting) return;
  counting = true;
  const probe = new BetterSqlite3(':memory:');
  const proto = Object.getPrototypeOf(probe.prepare('SELECT 1')) as Record<string, unknown>;
  probe.close();
  for (const method of ['run', 'all', 'get', 'iterate']) {
    const original = proto[method] as (...args: unknown[]) => unknown;
    proto[method] = function (this: { source: string }, ...args: unknown[]) {
      if (isSavepoint(this.source)) counter.savepoints += 1;
      else if (!isTransactionControl(this.source)) {
        counter.statements += 1;
        trace(this.source);
      }
      return original.apply(this, args);
    };
  }
  const query = pg.Client.prototype.query as (...args: unknown[]) => unknown;
  pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
    const first = args[0];
    const text = typeof first === 'string' ? first : ((first as { text?: string })?.text ?? '');
    if (counter.probing) {
      // the measurement's own query
    } else if (isSavepoint(text)) counter.savepoints += 1;
    else if (!isTransactionControl(text)) {
      counter.statements += 1;
      trace(text);
    }
    return query.apply(this, args);
  } as typeof pg.Client.prototype.query;
}

/** Bytes this process passed to write(2) so far (Linux; 0 elsewhere): SQLite's WAL writes. */
function writtenBytes(): number {
  try {
    return Number(/wchar: (\d+)/.exec(readFileSync('/proc/self/io', 'utf8'))?.[1] ?? 0);
  } catch {
    return 0;
  }
}

export async function measureStatements(
  kind: 'sqlite' | 'postgres',
  lifecycles: number,
  databaseUrl?: string,
): Promise<Record<string, StepCost>> {
  countStatements();
  const dir = mkdtempSync(join(tmpdir(), 'tributary-statements-'));
  const schema = `bench_${randomBytes(5).toString('hex')}`;
  let store: Store;
  if (kind === 'sqlite')
    store = await SqliteStore.open({ path: join(dir, 's.db'), secrets: SecretBox.random() });
  else {
    if (!databaseUrl) throw new Error('a PostgreSQL URL is needed');
    store = await PostgresStore.open({ connectionString: databaseUrl, schema, secrets: SecretBox.random() });
  }
  const deps: Deps = {
    store,
    processor: new Simulator(),
    clock: { nowMs: () => Date.now() },
    logger: createLogger({ level: 'silent' }),
  };
  const deliveries = new DeliveryWorker(deps);
  const app = await buildApp(deps, { wakeDeliveries: () => deliveries.wake() });
  await app.ready();
  const { keys } = await createAccount(store, 'Bench', Date.now());
  const costs: Record<string, StepCost> = {};
  // PostgreSQL: the WAL the server wrote (its insert position), read on a connection of its own
  let probe: pg.Client | undefined;
  if (kind === 'postgres') {
    probe = new pg.Client({ connectionString: databaseUrl });
    await probe.connect();
  }
  const written = async (): Promise<number> => {
    if (!probe) return writtenBytes();
    counter.probing = true;
    try {
      const { rows } = await probe.query<{ at: string }>(
        "SELECT pg_wal_lsn_diff(pg_current_wal_insert_lsn(), '0/0')::text AS at",
      );
      return Number(rows[0]?.at ?? 0);
    } finally {
      counter.probing = false;
    }
  };
  let measuring = false;
  let lastLifecycle = false;
  const measure = async <T>(step: string, work: () => Promise<T>): Promise<T> => {
    const before = { ...counter, written: await written(), cpu: process.cpuUsage() };
    traceStep = measuring && lastLifecycle ? step : '';
    const value = await work();
    traceStep = '';
    if (measuring) {
      const cpu = process.cpuUsage(before.cpu);
      const after = await written();
      const cost = costs[step] ?? {
        requests: 0,
        statements: 0,
        savepoints: 0,
        writtenBytes: 0,
        cpuMicros: 0,
      };
      costs[step] = cost;
      cost.requests += 1;
      cost.statements += counter.statements - before.statements;
      cost.savepoints += counter.savepoints - before.savepoints;
      cost.writtenBytes += after - before.written;
      cost.cpuMicros += cpu.user + cpu.system;
    }
    return value;
  };
  const call = async (step: string, method: 'GET' | 'POST', url: string, key: string, body?: unknown) => {
    const response = await measure(step, () =>
      app.inject({
        method,
        url,
        headers: { authorization: `Bearer ${key}`, ...(body ? { 'content-type': 'application/json' } : {}) },
        ...(body ? { payload: JSON.stringify(body) } : {}),
      }),
    );
    if (response.statusCode >= 300) throw new Error(`${step}: ${response.statusCode} ${response.body}`);
    return JSON.parse(response.body || 'null');
  };
  // the receiver of the webhook rows: a real local server
  const { createServer } = await import('node:http');
  const receiver = createServer((_request, response) => {
    _request.resume();
    _request.on('end', () => response.end('ok'));
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const address = receiver.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  try {
    const warmup = Math.min(20, Math.ceil(lifecycles / 5));
    for (let i = 0; i < warmup + lifecycles; i++) {
      measuring = i >= warmup;
      lastLifecycle = i === warmup + lifecycles - 1;
      const checkout = await call('checkout', 'POST', '/checkouts', keys.secretKey, CHECKOUT);
      const source = await call('source', 'POST', '/payments/sources', keys.publicKey, CARD);
      await call('attach', 'POST', `/checkouts/${checkout.id}/sources/${source.id}`, keys.secretKey);
      const order = await call('order', 'POST', '/orders', keys.secretKey, { checkoutId: checkout.id });
      await call('fulfillment', 'POST', '/fulfillments', keys.secretKey, {
        orderId: order.id,
        items: [{ itemId: order.items[0].id, quantity: 1 }],
      });
      await call('settle (clock advance)', 'POST', '/test-helpers/clock/advance', keys.secretKey, {
        seconds: 3,
      });
    }
    // one delivery per event: a `*` webhook, then a lifecycle's worth of events drained
    measuring = false;
    await call('webhook create', 'POST', '/webhooks', keys.secretKey, {
      types: ['*'],
      address: `http://127.0.0.1:${port}/`,
    });
    measuring = true;
    for (let i = 0; i < Math.ceil(lifecycles / 4); i++) {
      const checkout = await call(
        'checkout (with a webhook)',
        'POST',
        '/checkouts',
        keys.secretKey,
        CHECKOUT,
      );
      const source = await call('source', 'POST', '/payments/sources', keys.publicKey, CARD);
      await call('attach', 'POST', `/checkouts/${checkout.id}/sources/${source.id}`, keys.secretKey);
      await call('order (with a webhook)', 'POST', '/orders', keys.secretKey, { checkoutId: checkout.id });
    }
    measuring = false;
    const afterRequests = { ...counter };
    deliveries.start();
    await deliveries.drain(60_000);
    await deliveries.stop();
    const delivered = await store.read(async (tx) => {
      const row = await tx.db
        .selectFrom('deliveries')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirst();
      return Number(row?.n ?? 0);
    });
    costs['delivery (one event to a webhook)'] = {
      requests: delivered,
      statements: counter.statements - afterRequests.statements,
      savepoints: counter.savepoints - afterRequests.savepoints,
      // the receiver runs in this process: its socket writes and CPU are not the server's
      writtenBytes: Number.NaN,
      cpuMicros: Number.NaN,
    };
  } finally {
    receiver.close();
    await probe?.end();
    await app.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
    if (kind === 'postgres' && databaseUrl) {
      const client = new pg.Client({ connectionString: databaseUrl });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await client.end();
    }
  }
  return costs;
}

/** The table `npm run bench` prints. */
export function statementLines(label: string, costs: Record<string, StepCost>): string[] {
  const per = (n: number, c: StepCost) => (Number.isNaN(n) ? '—' : (n / c.requests).toFixed(1));
  return [
    `per request type, ${label} (in process, one client; statements besides BEGIN/COMMIT and savepoints; written: SQLite's write(2) bytes, PostgreSQL's WAL):`,
    `  ${'request'.padEnd(36)} ${'statements'.padStart(10)} ${'savepoints'.padStart(10)} ${'written KiB'.padStart(11)} ${'CPU µs'.padStart(8)}`,
    ...Object.entries(costs).map(
      ([step, c]) =>
        `  ${step.padEnd(36)} ${per(c.statements, c).padStart(10)} ${per(c.savepoints, c).padStart(10)} ${(Number.isNaN(c.writtenBytes) ? '—' : (c.writtenBytes / c.requests / 1024).toFixed(1)).padStart(11)} ${(Number.isNaN(c.cpuMicros) ? '—' : (c.cpuMicros / c.requests).toFixed(0)).padStart(8)}`,
    ),
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const arg = (name: string) => {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 ? process.argv[i + 1] : undefined;
  };
  const kind = arg('store') === 'postgres' ? 'postgres' : 'sqlite';
  const url =
    process.env['TRIBUTARY_BENCH_DATABASE_URL'] ??
    process.env['TRIBUTARY_TEST_DATABASE_URL'] ??
    'postgres://127.0.0.1:5432/test';
  const costs = await measureStatements(kind, Number(arg('lifecycles') ?? 100), url);
  process.stdout.write(`${statementLines(kind, costs).join('\n')}\n`);
}
