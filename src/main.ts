import { type AddressInfo, createServer, type Server } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.js';
import { describeStore, type ServeConfig, webhookAddressPolicy } from './config.js';
import { DeliveryWorker } from './jobs/deliveries.js';
import { realClock } from './lib/clock.js';
import { createLogger, type Logger } from './lib/logger.js';
import { SHUTDOWN_GRACE_MS, STORAGE_LOG_INTERVAL_MS } from './limits.js';
import { Simulator } from './processor/simulator/simulator.js';
import { bootstrapAccount } from './services/accounts.js';
import type { Settings } from './services/context.js';
import { TaskWorker } from './services/tasks.js';
import { openStore } from './store/open.js';
import type { Store } from './store/store.js';

export interface Running {
  app: FastifyInstance;
  store: Store;
  url: string;
  close(): Promise<void>;
}

/** config → store → account → app → listen. Prints the test keys the first start makes. */
export async function serve(
  config: ServeConfig,
  out: (line: string) => void,
  logger?: Logger,
  /** called once it listens, before the banner (signal handlers: whoever reads the banner may signal) */
  listening?: (running: Running) => void,
): Promise<Running> {
  const log = logger ?? createLogger({ level: config.logLevel, destination: 2 });
  const store = await openStore(config, { onStorageChange: storageLogger(log) });
  const boot = await bootstrapAccount(store, pinnedKeys(config), Date.now());
  const addresses = webhookAddressPolicy(config);
  const settings: Settings = {
    webhookPrivateAddresses: addresses.policy,
    rateLimitPerSecond: config.rateLimitPerSecond,
    publicUrl: config.publicUrl,
    processorTimeoutMs: config.processorTimeoutMs,
    intentDeadlineMs: config.intentDeadlineMs,
  };
  const deps = { store, processor: new Simulator(), clock: realClock, logger: log, settings };
  // events are delivered to webhooks from the outbox by this worker
  const deliveries = new DeliveryWorker(deps);
  const app = await buildApp(deps, { wakeDeliveries: () => deliveries.wake() });
  await app.listen({ port: config.port, host: config.host });
  const loopback = config.host === 'localhost' ? await listenOnBothLoopbacks(app, log) : undefined;
  // settlements, review outcomes and chargebacks happen by themselves as time passes
  const worker = new TaskWorker(deps);
  worker.start();
  deliveries.start();
  const address = app.server.address();
  const url = servedUrl(config, typeof address === 'object' && address ? address.port : config.port);
  deps.settings.publicUrl ??= url;

  let closing: Promise<void> | undefined;
  const close = () => {
    // in order: no new requests (those in flight are answered, event streams ended); the
    // background work stops (a sweep after its batch; deliveries after a short grace, the rest
    // abandoned to their leases); then the store, which refuses anything that comes later
    closing ??= (async () => {
      // the second loopback stops listening now; its connections belong to the HTTP server,
      // which ends them (idle ones at once) as it closes, and then this close completes
      const loopbackClosed = new Promise((resolve) =>
        loopback ? loopback.close(resolve) : resolve(undefined),
      );
      await app.close();
      await loopbackClosed;
      await Promise.all([worker.stop(), deliveries.stop()]);
      await store.close();
    })();
    return closing;
  };
  const running = { app, store, url, close };
  listening?.(running);

  printBanner(out, url, describeStore(config), boot, addressLines(addresses));

  return running;
}

/**
 * `localhost` is 127.0.0.1 to some clients and ::1 to others (browsers, and Node itself where
 * the hosts file lists ::1 first), so the server answers on both. Fastify binds every address the
 * name resolves to; where the hosts file lists only one, the other loopback is bound here and its
 * connections handed to the same HTTP server. A machine without that loopback is told and served
 * on the one it has.
 */
async function listenOnBothLoopbacks(app: FastifyInstance, log: Logger): Promise<Server | undefined> {
  const bound = app.addresses().filter((a): a is AddressInfo => typeof a === 'object');
  const port = bound[0]?.port;
  if (port === undefined) return undefined;
  const families = new Set(bound.map((a) => a.family));
  const missing = !families.has('IPv6') ? '::1' : !families.has('IPv4') ? '127.0.0.1' : undefined;
  if (!missing) return undefined;
  const server = createServer((socket) => app.server.emit('connection', socket));
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ port, host: missing, ipv6Only: missing === '::1' }, resolve);
    });
    return server;
  } catch (error) {
    log.warn({ err: error }, `localhost: not listening on ${missing} (${(error as Error).message})`);
    return undefined;
  }
}

/**
 * One line when the disk under the store fills up, one when a write succeeds again. A nearly full
 * disk can take a small write between refused ones: the "full" line is then said at most once a
 * minute, and "writable again" only after a "full" that was said.
 */
export function storageLogger(log: Logger, nowMs: () => number = Date.now): (full: boolean) => void {
  let saidFullAt = Number.NEGATIVE_INFINITY;
  let saidFull = false;
  return (full) => {
    if (full) {
      if (nowMs() - saidFullAt < STORAGE_LOG_INTERVAL_MS) return;
      saidFullAt = nowMs();
      saidFull = true;
      log.error(
        'the disk under the database is full: writes are answered 503 storage_full until there is space again',
      );
    } else if (saidFull) {
      saidFull = false;
      log.warn('the database is writable again: the disk has space');
    }
  };
}

/** The API keys pinned through the environment (added to the first account when new). */
export function pinnedKeys(config: ServeConfig): { secretKey?: string; publicKey?: string } {
  return {
    ...(config.secretKey ? { secretKey: config.secretKey } : {}),
    ...(config.publicKey ? { publicKey: config.publicKey } : {}),
  };
}

/** The address a client uses for a server listening on `port` (a wildcard host: localhost). */
export function servedUrl(config: ServeConfig, port: number): string {
  return `http://${config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host}:${port}`;
}

/** The webhook address policy's line, and its warning when there is one. */
export function addressLines(policy: { line: string; warning?: string }): string[] {
  return policy.warning ? [policy.line, policy.warning] : [policy.line];
}

/** The lines a start prints: where it serves, how, the account, and the keys made now. */
export function printBanner(
  out: (line: string) => void,
  url: string,
  store: string,
  boot: { account: { id: string }; created: boolean; newKeys: { secretKey?: string; publicKey?: string } },
  notes: readonly string[] = [],
): void {
  out(`Tributary is serving the API on ${url} (${store})`);
  for (const note of notes) out(note);
  out(`Test account ${boot.account.id}${boot.created ? ' (created now)' : ''}`);
  if (boot.newKeys.secretKey) out(`  secret key: ${boot.newKeys.secretKey}`);
  if (boot.newKeys.publicKey) out(`  public key: ${boot.newKeys.publicKey}`);
  if (!boot.newKeys.secretKey && !boot.newKeys.publicKey) {
    out('  API keys are stored hashed and were shown when they were made; pin known keys with');
    out(
      '  TRIBUTARY_SECRET_KEY / TRIBUTARY_PUBLIC_KEY, or make a new pair with `npx tributary keys create`.',
    );
  }
}

/** SIGTERM/SIGINT: stop accepting, finish what is in flight, close the store, exit. */
export function exitCleanlyOnSignals(running: Running, log: (line: string) => void): void {
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: closing`);
    const timer = setTimeout(() => {
      log(`still closing after ${SHUTDOWN_GRACE_MS} ms: exiting`);
      process.exit(1);
    }, SHUTDOWN_GRACE_MS);
    timer.unref();
    running.close().then(
      () => process.exit(0),
      (error: unknown) => {
        log(`error while closing: ${String(error)}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}
