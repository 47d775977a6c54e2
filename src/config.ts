import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';

/**
 * Configuration: flags first, then the environment, then defaults. Parsed once, frozen, passed
 * down; nothing else reads process.env.
 */
export interface StoreConfig {
  /** PostgreSQL connection string; when absent, the SQLite file at `dbPath` is the store */
  databaseUrl: string | undefined;
  dbPath: string;
  /** TRIBUTARY_ENCRYPTION_KEY: base64 of 32 bytes; seals webhook secrets at rest */
  encryptionKey: string | undefined;
  /**
   * where the key is kept when TRIBUTARY_ENCRYPTION_KEY is not set (made on first start), an
   * absolute path: beside the SQLite file, or in the user's configuration directory for
   * PostgreSQL (never the working directory)
   */
  keyFile: string;
  /** TRIBUTARY_SQLITE_COMMIT_SYNC: where a SQLite commit is synced (store/sqlite.ts) */
  sqliteCommitSync: 'thread-pool' | 'in-commit';
}

export interface ServeConfig extends StoreConfig {
  port: number;
  host: string;
  secretKey: string | undefined;
  publicKey: string | undefined;
  logLevel: string;
  /**
   * TRIBUTARY_WEBHOOK_PRIVATE_ADDRESSES: whether webhooks may point at private, loopback and
   * link-local addresses (this machine's and its network's internal services). Unset: allowed
   * when the server listens on loopback only, refused when it listens beyond it
   * (`webhookAddressPolicy`).
   */
  webhookPrivateAddresses: 'allow' | 'deny' | undefined;
  /** TRIBUTARY_RATE_LIMIT: requests per second per API key (DR's test mode allows 25) */
  rateLimitPerSecond: number | undefined;
  /** --processes / TRIBUTARY_PROCESSES: server processes sharing the port (PostgreSQL only) */
  processes: number;
  /** TRIBUTARY_PUBLIC_URL: where clients reach the server (file URLs); default where it listens */
  publicUrl: string | undefined;
  /** TRIBUTARY_PROCESSOR_TIMEOUT_MS: how long a request waits for the processor's answer */
  processorTimeoutMs: number | undefined;
  /** TRIBUTARY_INTENT_DEADLINE_MS: when the reconciler finishes what the processor never answered */
  intentDeadlineMs: number | undefined;
}

export const DEFAULT_PORT = 8080;
export const DEFAULT_DB_PATH = './tributary.db';
/** The key file for PostgreSQL, under $XDG_CONFIG_HOME (default ~/.config). */
export const POSTGRES_KEY_FILE = 'tributary/encryption.key';

export interface StoreFlags {
  db?: string | undefined;
  databaseUrl?: string | undefined;
}

export interface ServeFlags extends StoreFlags {
  port?: string | undefined;
  host?: string | undefined;
  processes?: string | undefined;
}

type Env = Record<string, string | undefined>;

const nonEmpty = (value: string | undefined): string | undefined =>
  value !== undefined && value.trim() !== '' ? value : undefined;

export function storeConfig(flags: StoreFlags, env: Env): StoreConfig {
  const databaseUrl = nonEmpty(flags.databaseUrl) ?? nonEmpty(env['DATABASE_URL']);
  const dbPath = nonEmpty(flags.db) ?? nonEmpty(env['TRIBUTARY_DB']) ?? DEFAULT_DB_PATH;
  return Object.freeze({
    databaseUrl,
    dbPath,
    encryptionKey: nonEmpty(env['TRIBUTARY_ENCRYPTION_KEY']),
    keyFile: resolve(
      nonEmpty(env['TRIBUTARY_KEY_FILE']) ??
        (databaseUrl ? join(configHome(env), POSTGRES_KEY_FILE) : `${dbPath}.key`),
    ),
    sqliteCommitSync: commitSync(env['TRIBUTARY_SQLITE_COMMIT_SYNC']),
  });
}

function commitSync(value: string | undefined): StoreConfig['sqliteCommitSync'] {
  const text = nonEmpty(value) ?? 'thread-pool';
  if (text !== 'thread-pool' && text !== 'in-commit')
    throw new Error(`TRIBUTARY_SQLITE_COMMIT_SYNC must be thread-pool or in-commit, not '${text}'`);
  return text;
}

function configHome(env: Env): string {
  const xdg = nonEmpty(env['XDG_CONFIG_HOME']);
  return xdg && isAbsolute(xdg) ? xdg : join(nonEmpty(env['HOME']) ?? homedir(), '.config');
}

export function serveConfig(flags: ServeFlags, env: Env): ServeConfig {
  const portText = nonEmpty(flags.port) ?? nonEmpty(env['PORT']) ?? String(DEFAULT_PORT);
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new Error(`invalid port '${portText}'`);
  return Object.freeze({
    ...storeConfig(flags, env),
    port,
    host: nonEmpty(flags.host) ?? nonEmpty(env['HOST']) ?? 'localhost',
    secretKey: nonEmpty(env['TRIBUTARY_SECRET_KEY']),
    publicKey: nonEmpty(env['TRIBUTARY_PUBLIC_KEY']),
    logLevel: nonEmpty(env['LOG_LEVEL']) ?? 'info',
    webhookPrivateAddresses: privateAddresses(env['TRIBUTARY_WEBHOOK_PRIVATE_ADDRESSES']),
    rateLimitPerSecond: rateLimit(env['TRIBUTARY_RATE_LIMIT']),
    processes: processCount(nonEmpty(flags.processes) ?? nonEmpty(env['TRIBUTARY_PROCESSES'])),
    publicUrl: publicUrl(env['TRIBUTARY_PUBLIC_URL']),
    processorTimeoutMs: milliseconds(env, 'TRIBUTARY_PROCESSOR_TIMEOUT_MS'),
    intentDeadlineMs: milliseconds(env, 'TRIBUTARY_INTENT_DEADLINE_MS'),
  });
}

function milliseconds(env: Env, name: string): number | undefined {
  const text = nonEmpty(env[name]);
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1)
    throw new Error(`${name} must be a whole number of milliseconds, not '${text}'`);
  return n;
}

function publicUrl(value: string | undefined): string | undefined {
  const text = nonEmpty(value);
  if (text === undefined) return undefined;
  if (!URL.canParse(text) || !/^https?:$/.test(new URL(text).protocol))
    throw new Error(`TRIBUTARY_PUBLIC_URL must be an http(s) URL, not '${value}'`);
  return text.replace(/\/+$/, '');
}

const PROCESSES_MAX = 64;

function processCount(text: string | undefined): number {
  if (text === undefined) return 1;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > PROCESSES_MAX)
    throw new Error(`--processes must be a whole number from 1 to ${PROCESSES_MAX}, not '${text}'`);
  return n;
}

function rateLimit(value: string | undefined): number | undefined {
  const text = nonEmpty(value);
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1)
    throw new Error(`TRIBUTARY_RATE_LIMIT must be a whole number of requests per second, not '${value}'`);
  return n;
}

function privateAddresses(value: string | undefined): 'allow' | 'deny' | undefined {
  const v = nonEmpty(value)?.toLowerCase();
  if (v === undefined) return undefined;
  if (v !== 'allow' && v !== 'deny')
    throw new Error(`TRIBUTARY_WEBHOOK_PRIVATE_ADDRESSES must be allow or deny, not '${value}'`);
  return v;
}

/** Whether a listening host is this machine's loopback only (no other machine can connect). */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  return bare === 'localhost' || bare === '::1' || /^127\.\d+\.\d+\.\d+$/.test(bare);
}

/**
 * The webhook address policy a server runs with, and why: the setting when given, else allowed
 * on loopback (a sandbox beside one developer's app, whose receivers are on the same machine)
 * and denied beyond it (where any account could otherwise reach the network's internal services
 * through a webhook and read their answers in the delivery log).
 */
export function webhookAddressPolicy(config: Pick<ServeConfig, 'host' | 'webhookPrivateAddresses'>): {
  policy: 'allow' | 'deny';
  line: string;
  warning?: string;
} {
  const loopback = isLoopbackHost(config.host);
  const where = loopback ? 'listening on loopback only' : `listening on ${config.host}, beyond loopback`;
  if (config.webhookPrivateAddresses === undefined) {
    return loopback
      ? {
          policy: 'allow',
          line: `Webhooks may point at private and loopback addresses (${where}; TRIBUTARY_WEBHOOK_PRIVATE_ADDRESSES=deny refuses them)`,
        }
      : {
          policy: 'deny',
          line: `Webhooks may not point at private or loopback addresses (${where}; TRIBUTARY_WEBHOOK_PRIVATE_ADDRESSES=allow permits them)`,
        };
  }
  const policy = config.webhookPrivateAddresses;
  return {
    policy,
    line:
      policy === 'allow'
        ? `Webhooks may point at private and loopback addresses (TRIBUTARY_WEBHOOK_PRIVATE_ADDRESSES=allow, ${where})`
        : `Webhooks may not point at private or loopback addresses (TRIBUTARY_WEBHOOK_PRIVATE_ADDRESSES=deny, ${where})`,
    ...(policy === 'allow' && !loopback
      ? {
          warning:
            'warning: any account of this server can make it send requests to this network’s internal services through a webhook',
        }
      : {}),
  };
}

export function describeStore(config: StoreConfig): string {
  if (!config.databaseUrl) return `SQLite ${config.dbPath}`;
  try {
    const url = new URL(config.databaseUrl);
    return `PostgreSQL ${url.hostname}:${url.port || 5432}${url.pathname}`;
  } catch {
    return 'PostgreSQL';
  }
}
