import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import pg from 'pg';
import { spawnTracked, stopTracked, waitForOutput } from './harness.js';
import { TEST_DATABASE_URL } from './stores.js';

/** The real command in a child process: `bin/tributary.js serve` on a loopback port. */

export const ROOT = new URL('../..', import.meta.url).pathname;
export const BIN = join(ROOT, 'bin/tributary.js');

export interface Server {
  child: ChildProcess;
  url: string;
  stdout: string;
}

/**
 * Starts `tributary serve` and resolves once it printed its address and keys; rejects as soon as
 * it exits instead, or if it is not ready within PATIENCE_MS (it is killed then). The process is
 * killed when the test file ends, whatever happens.
 */
export async function serve(args: string[], env: Record<string, string> = {}): Promise<Server> {
  const child = spawnTracked(
    process.execPath,
    [BIN, 'serve', '--host', '127.0.0.1', '--port', '0', ...args],
    { cwd: ROOT, env: { ...process.env, LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const ready =
    /serving the API on (http:\/\/\S+)[\s\S]*(secret key|stored hashed)[\s\S]*(public key|TRIBUTARY_PUBLIC_KEY)/;
  try {
    await waitForOutput(child, () => stdout, ready, `tributary serve ${args.join(' ')}`);
  } catch (error) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new ServeExited(child.exitCode, stdout, stderr);
    throw new Error(`${(error as Error).message}\n${stderr}`);
  }
  const url = /serving the API on (http:\/\/\S+)/.exec(stdout)?.[1] ?? '';
  return {
    child,
    url,
    get stdout() {
      return stdout;
    },
  } as Server;
}

export class ServeExited extends Error {
  constructor(
    readonly code: number | null,
    readonly stdout: string,
    readonly stderr: string,
  ) {
    super(`exited ${code}: ${stdout} ${stderr}`);
  }
}

/** A request to a served API with a key: status, headers and the JSON body (undefined when empty). */
export async function call(
  url: string,
  key: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; headers: Headers; body: any }> {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${key}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
}

/** SIGTERM (to its process group), and the exit code once it exited. */
export function stop(server: Server): Promise<number | null> {
  server.child.removeAllListeners('exit');
  return stopTracked(server.child, 'SIGTERM');
}

/** A new, empty PostgreSQL database; `drop` removes it. */
export async function emptyDatabase(prefix: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `${prefix}_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(TEST_DATABASE_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}
