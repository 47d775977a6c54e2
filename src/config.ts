/**
 * Configuration: flags first, then the environment, then defaults. Parsed once, frozen, passed
 * down; nothing else reads process.env.
 */
export interface StoreConfig {
  /** PostgreSQL connection string; when absent, the SQLite file at `dbPath` is the store */
  databaseUrl: string | undefined;
  dbPath: string;
}

export interface ServeConfig extends StoreConfig {
  port: number;
  host: string;
  secretKey: string | undefined;
  publicKey: string | undefined;
  logLevel: string;
  /** TRIBUTARY_WEBHOOK_PRIVATE_ADDRESSES=deny refuses private webhook addresses (shared deployments) */
  webhookPrivateAddresses: 'allow' | 'deny';
}

export const DEFAULT_PORT = 8080;
export const DEFAULT_DB_PATH = './tributary.db';

export interface StoreFlags {
  db?: string | undefined;
  databaseUrl?: string | undefined;
}

export interface ServeFlags extends StoreFlags {
  port?: string | undefined;
  host?: string | undefined;
}

type Env = Record<string, string | undefined>;

const nonEmpty = (value: string | undefined): string | undefined =>
  value !== undefined && value.trim() !== '' ? value : undefined;

export function storeConfig(flags: StoreFlags, env: Env): StoreConfig {
  return Object.freeze({
    databaseUrl: nonEmpty(flags.databaseUrl) ?? nonEmpty(env['DATABASE_URL']),
    dbPath: nonEmpty(flags.db) ?? nonEmpty(env['TRIBUTARY_DB']) ?? DEFAULT_DB_PATH,
  });
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
  });
}

function privateAddresses(value: string | undefined): 'allow' | 'deny' {
  const v = nonEmpty(value)?.toLowerCase() ?? 'allow';
  if (v !== 'allow' && v !== 'deny')
    throw new Error(`TRIBUTARY_WEBHOOK_PRIVATE_ADDRESSES must be allow or deny, not '${value}'`);
  return v;
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
