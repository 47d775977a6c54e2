import cluster, { type Worker } from 'node:cluster';
import { describeStore, type ServeConfig, webhookAddressPolicy } from './config.js';
import { SHUTDOWN_GRACE_MS } from './limits.js';
import { addressLines, exitCleanlyOnSignals, pinnedKeys, printBanner, serve, servedUrl } from './main.js';
import { bootstrapAccount } from './services/accounts.js';
import { openStore } from './store/open.js';

/**
 * `tributary serve --processes N`: N server processes (Node's cluster) sharing one listening
 * port and one PostgreSQL database. The primary readies the store (migrations, key check, the
 * first account: it prints the keys), forks the workers, replaces one that dies, and on SIGTERM
 * or SIGINT stops them all (each finishes what it has in flight). Background work is not
 * duplicated: one process leads the task sweep and the polling for deliveries (`Store.leads`).
 */
export async function serveProcesses(
  config: ServeConfig,
  processes: number,
  out: (line: string) => void,
  log: (line: string) => void,
): Promise<void> {
  if (cluster.isWorker) {
    await serve(
      config,
      () => {},
      undefined,
      (running) => exitCleanlyOnSignals(running, log),
    );
    return;
  }
  if (!config.databaseUrl)
    throw new Error(
      '--processes needs PostgreSQL (--database-url or DATABASE_URL): a SQLite file is served by one process',
    );
  const store = await openStore(config);
  const boot = await bootstrapAccount(store, pinnedKeys(config), Date.now()).finally(() => store.close());

  let stopping = false;
  const workers = new Set<Worker>();
  const fork = () => {
    const worker = cluster.fork();
    workers.add(worker);
    worker.on('exit', (code, signal) => {
      workers.delete(worker);
      if (stopping) {
        if (workers.size === 0) process.exit(0);
        return;
      }
      log(`process ${worker.process.pid} exited (${signal ?? code}); starting another`);
      fork();
    });
    return worker;
  };
  const listening = new Promise<number>((resolve) => {
    let ready = 0;
    cluster.on('listening', (_worker, address) => {
      ready += 1;
      if (ready === processes) resolve(address.port);
    });
  });
  for (let i = 0; i < processes; i++) fork();
  printBanner(
    out,
    servedUrl(config, await listening),
    `${describeStore(config)}, ${processes} processes`,
    boot,
    addressLines(webhookAddressPolicy(config)),
  );

  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: closing ${workers.size} processes`);
    for (const worker of workers) worker.process.kill('SIGTERM');
    setTimeout(() => {
      log(`still closing after ${SHUTDOWN_GRACE_MS} ms: exiting`);
      process.exit(1);
    }, SHUTDOWN_GRACE_MS + 1_000).unref();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}
