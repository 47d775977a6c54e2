// `npm run bench`: measures the ceiling (a bare Fastify JSON echo) and Tributary's
// checkout → source → attach → order sequence on SQLite (durable commits: the WAL synced before each answer) in the same run,
// each server a child process on CPU 0, the load generator on CPU 1 (when taskset exists).
// Prints a table and writes bench/results/latest.json.
import { type ChildProcess, execFile, execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus, tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import pg from 'pg';
import { CARD, CHECKOUT } from './bodies.js';
import { seedOrders } from './seed.js';
import { measureStatements, type StepCost, statementLines } from './statements.js';

const root = new URL('..', import.meta.url).pathname;
const execFileAsync = promisify(execFile);
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const CONNECTIONS = 32;
const WARMUP_MS = quick ? 2_000 : 3_000;
const ECHO_MS = quick ? 5_000 : 10_000;
const LIFECYCLE_MS = quick ? 10_000 : 20_000;
const SEQUENTIAL_MS = quick ? 5_000 : 10_000;
const SECRET_KEY = 'sk_test_benchmarkbenchmark';
const PUBLIC_KEY = 'pk_test_benchmarkbenchmark';

const hasTaskset = spawnSync('taskset', ['--version']).status === 0 && cpus().length >= 2;
const pinned = (cpu: number, command: string, commandArgs: string[]): [string, string[]] =>
  hasTaskset ? ['taskset', ['-c', String(cpu), command, ...commandArgs]] : [command, commandArgs];

function start(
  command: string,
  commandArgs: string[],
  env: Record<string, string>,
  pin = true,
): Promise<{ child: ChildProcess; port: number }> {
  const [cmd, cmdArgs] = pin ? pinned(0, command, commandArgs) : [command, commandArgs];
  const child = spawn(cmd, cmdArgs, {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`server did not start: ${out}`)), 20_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /listening (\d+)|serving the API on http:\/\/[^:]+:(\d+)/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve({ child, port: Number(match[1] ?? match[2]) });
      }
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.on('exit', (code) => reject(new Error(`server exited (${code}): ${out}`)));
  });
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  await new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

async function load(config: Record<string, unknown>): Promise<Record<string, any>> {
  const [cmd, cmdArgs] = pinned(1, process.execPath, [
    '--import',
    'tsx',
    'bench/load.ts',
    JSON.stringify(config),
  ]);
  const { stdout } = await execFileAsync(cmd, cmdArgs, {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 16 * 1024 * 1024,
  });
  return JSON.parse(stdout.trim().split('\n').pop() ?? '{}');
}

/** The checkout → source → attach → order → fulfillment sequence against a server. */
function lifecycleLoad(port: number, connections: number, durationMs: number) {
  return load({
    url: `http://127.0.0.1:${port}`,
    mode: 'lifecycle',
    connections,
    warmupMs: WARMUP_MS,
    durationMs,
    secretKey: SECRET_KEY,
    publicKey: PUBLIC_KEY,
  });
}

/**
 * The webhook receiver (in this process, on neither pinned CPU): answers 200 at once and notes
 * when each event arrived against the event's createdTime.
 */
async function startReceiver(): Promise<{
  url: string;
  arrivals: { at: number; lagMs: number }[];
  close: () => Promise<void>;
}> {
  const arrivals: { at: number; lagMs: number }[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (c: Buffer) => chunks.push(c));
    request.on('end', () => {
      const at = Date.now();
      try {
        const event = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { createdTime: string };
        arrivals.push({ at, lagMs: at - Date.parse(event.createdTime) });
      } catch {
        // not an event
      }
      response.writeHead(200);
      response.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`,
    arrivals,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function webhookFigures(arrivals: readonly { at: number; lagMs: number }[], from: number, to: number) {
  const inWindow = arrivals.filter((a) => a.at >= from && a.at <= to);
  const lags = inWindow.map((a) => a.lagMs).sort((a, b) => a - b);
  const pick = (q: number) => lags[Math.min(lags.length - 1, Math.floor(q * lags.length))] ?? 0;
  return {
    delivered: arrivals.length,
    deliveriesPerSecond: inWindow.length / Math.max(0.001, (to - from) / 1000),
    lagP50Ms: pick(0.5),
    lagP99Ms: pick(0.99),
  };
}

/**
 * Registers a `*` webhook to a fresh receiver, runs the lifecycle load, and reports the
 * deliveries that arrived inside the load's measured window.
 */
async function withWebhook(
  port: number,
  run: () => Promise<Record<string, any>>,
): Promise<{ lifecycle: Record<string, any>; webhooks: ReturnType<typeof webhookFigures> }> {
  const receiver = await startReceiver();
  try {
    const hook = await fetch(`http://127.0.0.1:${port}/webhooks`, {
      method: 'POST',
      headers: { authorization: `Bearer ${SECRET_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ types: ['*'], address: receiver.url }),
    });
    if (hook.status !== 201) throw new Error(`could not register the bench webhook: ${hook.status}`);
    const loadStarted = Date.now();
    const lifecycle = await run();
    const measuredFrom = loadStarted + WARMUP_MS;
    const measuredTo = measuredFrom + lifecycle['seconds'] * 1000;
    return { lifecycle, webhooks: webhookFigures(receiver.arrivals, measuredFrom, measuredTo) };
  } finally {
    await receiver.close();
  }
}

const DRAIN_TIMEOUT_MS = 60_000;
const SIMULATED_DELAY_MS = 2_000;

function pendingCaptures(dbPath: string): { captures: number; pending: number } {
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    return db
      .prepare(
        `SELECT count(*) AS captures,
           coalesce(sum(CASE WHEN json_extract(op.value, '$.state') = 'pending' THEN 1 ELSE 0 END), 0) AS pending
         FROM orders, json_each(orders.document, '$.operations') op
         WHERE json_extract(op.value, '$.kind') = 'capture'`,
      )
      .get() as { captures: number; pending: number };
  } finally {
    db.close();
  }
}

/**
 * The server's own worker settles captures (the simulator answers after 2 s). After the load
 * stops, this waits until no capture is pending: settled captures per second is every capture
 * over the whole time from the start of the measured load to the moment the last one settled.
 */
async function drain(dbPath: string, loadSeconds: number) {
  const started = Date.now();
  let state = pendingCaptures(dbPath);
  while (state.pending > 0 && Date.now() - started < DRAIN_TIMEOUT_MS) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    state = pendingCaptures(dbPath);
  }
  const drainMs = Date.now() - started;
  return {
    captures: state.captures,
    stillPending: state.pending,
    drainMs,
    settledPerSecond: (state.captures - state.pending) / (loadSeconds + drainMs / 1000),
  };
}

const freePort = () => 20_000 + Math.floor(Math.random() * 20_000);

/** The server's resident set (MiB), from /proc (Linux); undefined elsewhere. */
function rssMiB(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];
    return kb === undefined ? undefined : Math.round(Number(kb) / 1024);
  } catch {
    return undefined;
  }
}

const BENCH_DATABASE = 'tributary_bench';
const READS_MS = quick ? 5_000 : 10_000;
const READS_BIG = quick ? 100_000 : 1_000_000;

/** `tributary serve` on CPU 0 with the bench's keys; `store` is `--db <file>` or `--database-url <url>`. */
function serveTributary(store: string[], env: Record<string, string> = {}, pin = true) {
  return start(
    process.execPath,
    ['bin/tributary.js', 'serve', '--host', '127.0.0.1', '--port', String(freePort()), ...store],
    { TRIBUTARY_SECRET_KEY: SECRET_KEY, TRIBUTARY_PUBLIC_KEY: PUBLIC_KEY, LOG_LEVEL: 'warn', ...env },
    pin,
  );
}

/**
 * reads: GET /orders/{id} and GET /orders?limit=100 with 10,000 and with READS_BIG orders stored
 * (one real order, cloned in the file while the server is stopped), and the server's RSS.
 */
async function readsScenario(dir: string) {
  const db = join(dir, 'reads.db');
  let server = await serveTributary(['--db', db]);
  const call = async (path: string, body: unknown, key = SECRET_KEY) => {
    const response = await fetch(`http://127.0.0.1:${server.port}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (response.status >= 300) throw new Error(`reads setup: ${path} → ${response.status}`);
    return (await response.json()) as { id: string };
  };
  const checkout = await call('/checkouts', CHECKOUT);
  const source = await call('/payments/sources', CARD, PUBLIC_KEY);
  await call(`/checkouts/${checkout.id}/sources/${source.id}`, {});
  const template = await call('/orders', { checkoutId: checkout.id });
  await stop(server.child);

  const results: Record<string, any> = {};
  for (const [label, from, to] of [
    ['10k', 0, 10_000],
    [READS_BIG === 1_000_000 ? '1M' : `${READS_BIG / 1000}k`, 10_000, READS_BIG],
  ] as const) {
    process.stdout.write(`reads: seeding ${to.toLocaleString('en')} orders… `);
    const seeded = Date.now();
    const ids = seedOrders(db, template.id, from, to);
    process.stdout.write(
      `${((Date.now() - seeded) / 1000).toFixed(1)} s; ${READS_MS / 1000}s at ${CONNECTIONS} clients…\n`,
    );
    server = await serveTributary(['--db', db]);
    const figures = await load({
      url: `http://127.0.0.1:${server.port}`,
      mode: 'reads',
      connections: CONNECTIONS,
      warmupMs: WARMUP_MS,
      durationMs: READS_MS,
      secretKey: SECRET_KEY,
      ids,
    });
    figures['orders'] = to + 1;
    figures['rssMiB'] = rssMiB(server.child.pid);
    await stop(server.child);
    results[label] = figures;
  }
  return results;
}

/**
 * A fresh PostgreSQL database for lifecycle-postgres (TRIBUTARY_BENCH_DATABASE_URL, default the
 * test server's); undefined when PostgreSQL does not answer.
 */
async function freshPostgres(): Promise<string | undefined> {
  const base =
    process.env['TRIBUTARY_BENCH_DATABASE_URL'] ??
    `postgres://${process.env['PGUSER'] ?? userInfo().username}@127.0.0.1:5432/test`;
  const client = new pg.Client({ connectionString: base, connectionTimeoutMillis: 3_000 });
  try {
    await client.connect();
    await client.query(`DROP DATABASE IF EXISTS ${BENCH_DATABASE}`);
    await client.query(`CREATE DATABASE ${BENCH_DATABASE}`);
    const url = new URL(base);
    url.pathname = `/${BENCH_DATABASE}`;
    return url.toString();
  } catch (error) {
    process.stdout.write(`lifecycle-postgres skipped: ${(error as Error).message}\n`);
    return undefined;
  } finally {
    await client.end().catch(() => {});
  }
}

async function main(): Promise<void> {
  process.stdout.write(`Building… `);
  execFileSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'inherit' });
  process.stdout.write(
    `done. CPU pinning: ${hasTaskset ? 'server on CPU 0, load on CPU 1' : 'none (no taskset)'}\n`,
  );

  process.stdout.write(`echo: ${ECHO_MS / 1000}s at ${CONNECTIONS} clients…\n`);
  const echoServer = await start(process.execPath, ['--import', 'tsx', 'bench/echo-server.ts'], {
    PORT: String(freePort()),
  });
  const echo = await load({
    url: `http://127.0.0.1:${echoServer.port}`,
    mode: 'echo',
    connections: CONNECTIONS,
    warmupMs: WARMUP_MS,
    durationMs: ECHO_MS,
  });
  await stop(echoServer.child);

  const dir = mkdtempSync(join(tmpdir(), 'tributary-bench-'));
  // without a webhook: the API alone (the issue's first target)
  process.stdout.write(`lifecycle-sqlite, no webhook: ${LIFECYCLE_MS / 1000}s at ${CONNECTIONS} clients…\n`);
  const bareServer = await serveTributary(['--db', join(dir, 'bare.db')]);
  const bare = await lifecycleLoad(bareServer.port, CONNECTIONS, LIFECYCLE_MS);
  bare['rssMiB'] = rssMiB(bareServer.child.pid);
  await stop(bareServer.child);

  process.stdout.write(
    `lifecycle-sqlite, \`*\` webhook: ${LIFECYCLE_MS / 1000}s at ${CONNECTIONS} clients…\n`,
  );
  const server = await serveTributary(['--db', join(dir, 'bench.db')]);
  const { lifecycle, webhooks } = await withWebhook(server.port, () =>
    lifecycleLoad(server.port, CONNECTIONS, LIFECYCLE_MS),
  );
  const serverRssMiB = rssMiB(server.child.pid);
  const settlement = await drain(join(dir, 'bench.db'), lifecycle['seconds']);
  await stop(server.child);

  // one client, each request after the previous answer (an app's test suite): latency, not load
  process.stdout.write(`lifecycle-sequential: ${SEQUENTIAL_MS / 1000}s at 1 client…\n`);
  const sequentialServer = await serveTributary(['--db', join(dir, 'sequential.db')]);
  const sequential = await lifecycleLoad(sequentialServer.port, 1, SEQUENTIAL_MS);
  await stop(sequentialServer.child);

  let lifecyclePostgres: Record<string, any> | undefined;
  const databaseUrl = await freshPostgres();
  if (databaseUrl) {
    process.stdout.write(`lifecycle-postgres: ${LIFECYCLE_MS / 1000}s at ${CONNECTIONS} clients…\n`);
    const pgServer = await serveTributary(['--database-url', databaseUrl], {
      TRIBUTARY_KEY_FILE: join(dir, 'bench-pg.key'),
    });
    lifecyclePostgres = await lifecycleLoad(pgServer.port, CONNECTIONS, LIFECYCLE_MS);
    lifecyclePostgres['rssMiB'] = rssMiB(pgServer.child.pid);
    await stop(pgServer.child);
  }

  // 1 and then 2 server processes on one PostgreSQL database (`--processes`), the server free to
  // use every CPU (not pinned), the load still on CPU 1
  const processRuns: Record<string, Record<string, any>> = {};
  for (const processes of [1, 2]) {
    const url = await freshPostgres();
    if (!url) break;
    process.stdout.write(
      `lifecycle-postgres, ${processes} process(es), unpinned: ${LIFECYCLE_MS / 1000}s…\n`,
    );
    const pgServer = await serveTributary(
      ['--database-url', url, '--processes', String(processes)],
      { TRIBUTARY_KEY_FILE: join(dir, `bench-pg-${processes}.key`) },
      false,
    );
    const run = await withWebhook(pgServer.port, () =>
      lifecycleLoad(pgServer.port, CONNECTIONS, LIFECYCLE_MS),
    );
    processRuns[String(processes)] = { ...run.lifecycle, webhooks: run.webhooks };
    await stop(pgServer.child);
  }
  const reads = await readsScenario(dir);
  rmSync(dir, { recursive: true, force: true });

  // what each request type costs the store (in this process, after the loads)
  process.stdout.write('statements per request: SQLite…\n');
  const statementLifecycles = quick ? 50 : 200;
  const statements: Record<string, Record<string, StepCost>> = {
    sqlite: await measureStatements('sqlite', statementLifecycles),
  };
  if (databaseUrl) {
    process.stdout.write('statements per request: PostgreSQL…\n');
    const statementsUrl = await freshPostgres();
    if (statementsUrl)
      statements['postgres'] = await measureStatements('postgres', statementLifecycles, statementsUrl);
  }

  const commit = spawnSync('git', ['rev-parse', '--short', 'HEAD'], {
    cwd: root,
    encoding: 'utf8',
  }).stdout.trim();
  const ratio = bare['requestsPerSecond'] / echo['requestsPerSecond'];
  const ratioWebhook = lifecycle['requestsPerSecond'] / echo['requestsPerSecond'];
  const result = {
    date: new Date().toISOString(),
    commit,
    machine: { cpus: cpus().length, model: cpus()[0]?.model, node: process.version, pinned: hasTaskset },
    connections: CONNECTIONS,
    echo,
    lifecycleSqlite: bare,
    lifecycleSqliteWebhook: { ...lifecycle, rssMiB: serverRssMiB },
    lifecycleSequential: sequential,
    lifecyclePostgres,
    reads,
    settlement,
    webhooks,
    ratioToEcho: ratio,
    statements,
    processes: processRuns,
    // one entry per scenario, the same four figures each (webhooks: deliveries/s and lag)
    scenarios: {
      echo: { rps: echo['requestsPerSecond'], p50: echo['p50Ms'], p99: echo['p99Ms'], ratioToEcho: 1 },
      'lifecycle-sqlite': {
        rps: bare['requestsPerSecond'],
        p50: bare['p50Ms'],
        p99: bare['p99Ms'],
        ratioToEcho: ratio,
      },
      'lifecycle-sqlite-webhook': {
        rps: lifecycle['requestsPerSecond'],
        p50: lifecycle['p50Ms'],
        p99: lifecycle['p99Ms'],
        ratioToEcho: ratioWebhook,
      },
      'lifecycle-sequential': {
        rps: sequential['requestsPerSecond'],
        p50: sequential['p50Ms'],
        p99: sequential['p99Ms'],
        ratioToEcho: sequential['requestsPerSecond'] / echo['requestsPerSecond'],
      },
      ...(lifecyclePostgres
        ? {
            'lifecycle-postgres': {
              rps: lifecyclePostgres['requestsPerSecond'],
              p50: lifecyclePostgres['p50Ms'],
              p99: lifecyclePostgres['p99Ms'],
              ratioToEcho: lifecyclePostgres['requestsPerSecond'] / echo['requestsPerSecond'],
            },
          }
        : {}),
      ...Object.fromEntries(
        Object.entries(reads).map(([label, r]) => [
          `reads-${label}`,
          {
            rps: r['requestsPerSecond'],
            p50: r['p50Ms'],
            p99: r['p99Ms'],
            ratioToEcho: r['requestsPerSecond'] / echo['requestsPerSecond'],
          },
        ]),
      ),
      webhooks: {
        rps: webhooks.deliveriesPerSecond,
        p50: webhooks.lagP50Ms,
        p99: webhooks.lagP99Ms,
        ratioToEcho: webhooks.deliveriesPerSecond / echo['requestsPerSecond'],
      },
    },
  };
  mkdirSync(join(root, 'bench/results'), { recursive: true });
  writeFileSync(join(root, 'bench/results/latest.json'), `${JSON.stringify(result, null, 2)}\n`);

  const f = (n: number, digits = 1) => n.toFixed(digits).padStart(9);
  const lines = [
    '',
    `scenario              req/s   ratio   p50 ms   p99 ms   errors`,
    `echo              ${f(echo['requestsPerSecond'], 0)} ${f(1, 2)} ${f(echo['p50Ms'], 2)} ${f(echo['p99Ms'], 2)} ${String(echo['errors']).padStart(8)}`,
    `lifecycle-sqlite  ${f(bare['requestsPerSecond'], 0)} ${f(ratio, 3)} ${f(bare['p50Ms'], 2)} ${f(bare['p99Ms'], 2)} ${String(bare['errors']).padStart(8)}`,
    `  with a webhook  ${f(lifecycle['requestsPerSecond'], 0)} ${f(ratioWebhook, 3)} ${f(lifecycle['p50Ms'], 2)} ${f(lifecycle['p99Ms'], 2)} ${String(lifecycle['errors']).padStart(8)}`,
    `lifecycle-sequential${f(sequential['requestsPerSecond'], 0).slice(2)} ${f(sequential['requestsPerSecond'] / echo['requestsPerSecond'], 3)} ${f(sequential['p50Ms'], 2)} ${f(sequential['p99Ms'], 2)} ${String(sequential['errors']).padStart(8)}`,
    ...(lifecyclePostgres
      ? [
          `lifecycle-postgres${f(lifecyclePostgres['requestsPerSecond'], 0)} ${f(lifecyclePostgres['requestsPerSecond'] / echo['requestsPerSecond'], 3)} ${f(lifecyclePostgres['p50Ms'], 2)} ${f(lifecyclePostgres['p99Ms'], 2)} ${String(lifecyclePostgres['errors']).padStart(8)}`,
        ]
      : ['lifecycle-postgres  (skipped: PostgreSQL did not answer)']),
    ...Object.entries(reads).map(
      ([label, r]) =>
        `${`reads-${label}`.padEnd(18)}${f(r['requestsPerSecond'], 0)} ${f(r['requestsPerSecond'] / echo['requestsPerSecond'], 3)} ${f(r['p50Ms'], 2)} ${f(r['p99Ms'], 2)} ${String(r['errors']).padStart(8)}`,
    ),
    '',
    `lifecycles/s: ${bare['lifecyclesPerSecond'].toFixed(1)} without a webhook, ${lifecycle['lifecyclesPerSecond'].toFixed(1)} with one (5 requests each: checkout, source, attach, order, fulfillment)`,
    `settled captures/s: ${settlement.settledPerSecond.toFixed(1)} (${settlement.captures - settlement.stillPending} of ` +
      `${settlement.captures} settled; the last ${settlement.drainMs} ms after the load stopped, ${SIMULATED_DELAY_MS} ms of it the simulator's delay)`,
    `webhooks: ${webhooks.deliveriesPerSecond.toFixed(1)} deliveries/s to a local receiver during the load ` +
      `(${webhooks.delivered} in all); event → received p50 ${webhooks.lagP50Ms} ms, p99 ${webhooks.lagP99Ms} ms`,
    `server RSS under load: SQLite ${bare['rssMiB'] ?? '?'} MiB (${serverRssMiB ?? '?'} with the webhook)${lifecyclePostgres ? `, PostgreSQL ${lifecyclePostgres['rssMiB'] ?? '?'} MiB` : ''}`,
    ...Object.entries(reads).map(
      ([label, r]) =>
        `reads with ${r['orders'].toLocaleString('en')} orders: GET /orders/{id} p50 ${r['steps']['get']?.p50Ms} ms p99 ${r['steps']['get']?.p99Ms} ms; ` +
        `GET /orders?limit=100 p50 ${r['steps']['list']?.p50Ms} ms p99 ${r['steps']['list']?.p99Ms} ms; server RSS ${r['rssMiB'] ?? '?'} MiB (${label})`,
    ),
    'per request type (lifecycle-sqlite, no webhook):',
    ...Object.entries(bare['steps'] as Record<string, any>).map(
      ([step, s]) =>
        `  ${step.padEnd(9)} ${String(s.count).padStart(7)} requests  p50 ${s.p50Ms.toFixed(2)} ms  p99 ${s.p99Ms.toFixed(2)} ms  p99.9 ${s.p999Ms.toFixed(2)} ms`,
    ),
    ...Object.entries(processRuns).map(
      ([n, r]) =>
        `lifecycle-postgres with ${n} process${n === '1' ? '' : 'es'} (server unpinned): ${r['requestsPerSecond'].toFixed(0)} req/s, ${(r['requestsPerSecond'] / echo['requestsPerSecond']).toFixed(3)} × echo, p50 ${r['p50Ms'].toFixed(1)} ms, p99 ${r['p99Ms'].toFixed(1)} ms, ${r['errors']} errors; \`*\` webhook ${r['webhooks'].deliveriesPerSecond.toFixed(0)} deliveries/s, lag p50 ${r['webhooks'].lagP50Ms} ms p99 ${r['webhooks'].lagP99Ms} ms`,
    ),
    ...Object.entries(statements).flatMap(([label, costs]) => statementLines(label, costs)),
    ...([...bare['errorSamples'], ...lifecycle['errorSamples']].length > 0
      ? [
          'error samples:',
          ...[...bare['errorSamples'], ...lifecycle['errorSamples']].map((e: string) => `  ${e}`),
        ]
      : []),
    '',
    'written to bench/results/latest.json',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
