// `npm run bench:cpu [-- --baseline <checkout> --rounds 3 --lifecycles 400 --scenario noop]`: the
// server's CPU time per lifecycle request (checkout → source → attach → order → fulfillment; with
// `--scenario noop`, per authenticated GET /account, the floor), in µs, from the
// kernel's count for the server process (/proc/<pid>/stat, user + system) over a fixed number of
// lifecycles: a figure that does not depend on how busy the machine is, unlike requests/s. With
// `--baseline <dir>` (another checkout, built), the two are measured in turn, round after round
// (interleaved), and the medians compared: what a change costs every request.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { CARD, CHECKOUT } from './bodies.js';

const root = new URL('..', import.meta.url).pathname;
const args = process.argv.slice(2);
const option = (name: string) => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? args[at + 1] : undefined;
};
const baseline = option('baseline');
/** `lifecycle` (the default) or `noop`: an authenticated GET /account, the floor of every request */
const SCENARIO = option('scenario') ?? 'lifecycle';
const ROUNDS = Number(option('rounds') ?? 3);
const LIFECYCLES = Number(option('lifecycles') ?? 400);
const WARMUP_LIFECYCLES = 100;
const CONCURRENCY = 8;
const SK = 'sk_test_cpubenchcpubench';
const PK = 'pk_test_cpubenchcpubench';
const TICKS_PER_SECOND = Number(spawnSync('getconf', ['CLK_TCK']).stdout.toString().trim()) || 100;
const pinned = spawnSync('taskset', ['--version']).status === 0 && cpus().length >= 2;

/** user + system CPU of a process so far, in µs */
function cpuMicros(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields from the 3rd: utime is the 14th of stat, stime the 15th
  const ticks = Number(fields[11]) + Number(fields[12]);
  return (ticks / TICKS_PER_SECOND) * 1e6;
}

async function serve(checkout: string, db: string): Promise<{ child: ChildProcess; url: string }> {
  const command = [
    process.execPath,
    join(checkout, 'bin/tributary.js'),
    'serve',
    '--host',
    '127.0.0.1',
    '--port',
    '0',
    '--db',
    db,
  ];
  const [cmd, ...cmdArgs] = pinned ? ['taskset', '-c', '0', ...command] : command;
  const child = spawn(cmd as string, cmdArgs, {
    cwd: checkout,
    env: { ...process.env, TRIBUTARY_SECRET_KEY: SK, TRIBUTARY_PUBLIC_KEY: PK, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  let out = '';
  const url = await new Promise<string>((ok, fail) => {
    child.stdout?.on('data', (c: Buffer) => {
      out += c.toString();
      const match = /serving the API on (http:\/\/\S+)[\s\S]*public key/.exec(out);
      if (match) ok(match[1] as string);
    });
    child.once('exit', (code) => fail(new Error(`the server exited (${code}): ${out}`)));
  });
  return { child, url };
}

/** `count` lifecycles (5 requests each), or 5 × `count` authenticated GET /account. */
async function requestsOf(url: string, count: number): Promise<number> {
  if (SCENARIO !== 'noop') return lifecycles(url, count);
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < count * 5) {
        next += 1;
        const response = await fetch(`${url}/account`, { headers: { authorization: `Bearer ${SK}` } });
        await response.arrayBuffer();
        if (response.status !== 200) throw new Error(`GET /account → ${response.status}`);
      }
    }),
  );
  return count * 5;
}

async function lifecycles(url: string, count: number): Promise<number> {
  const call = async (method: string, path: string, body: unknown, key = SK) => {
    const response = await fetch(`${url}${path}`, {
      method,
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const parsed = (await response.json()) as any;
    if (response.status >= 300)
      throw new Error(`${method} ${path} → ${response.status} ${JSON.stringify(parsed)}`);
    return parsed;
  };
  let next = 0;
  let requests = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < count) {
        next += 1;
        const checkout = await call('POST', '/checkouts', CHECKOUT);
        const source = await call('POST', '/payments/sources', CARD, PK);
        await call('POST', `/checkouts/${checkout.id}/sources/${source.id}`, {});
        const order = await call('POST', '/orders', { checkoutId: checkout.id });
        await call('POST', '/fulfillments', {
          orderId: order.id,
          items: [{ itemId: order.items[0].id, quantity: order.items[0].quantity }],
        });
        requests += 5;
      }
    }),
  );
  return requests;
}

/** One measurement: a fresh server and database, a warm-up, then the CPU per request. */
async function measure(checkout: string): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'tributary-cpu-'));
  const server = await serve(checkout, join(dir, 'cpu.db'));
  try {
    await requestsOf(server.url, WARMUP_LIFECYCLES);
    const pid = server.child.pid as number;
    const before = cpuMicros(pid);
    const requests = await requestsOf(server.url, LIFECYCLES);
    return (cpuMicros(pid) - before) / requests;
  } finally {
    await new Promise((done) => {
      server.child.once('exit', done);
      server.child.kill('SIGTERM');
    });
    rmSync(dir, { recursive: true, force: true });
  }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

const builds = baseline
  ? [['baseline', resolve(baseline)] as const, ['this', root] as const]
  : [['this', root] as const];
const results = new Map<string, number[]>(builds.map(([name]) => [name, []]));
process.stdout.write(
  `CPU per ${SCENARIO === 'noop' ? 'GET /account' : 'lifecycle request'}: ${LIFECYCLES} rounds of 5 requests (${LIFECYCLES * 5}) at ${CONCURRENCY} clients after ${WARMUP_LIFECYCLES} to warm up, ${ROUNDS} rounds${baseline ? ', interleaved' : ''}; server ${pinned ? 'on CPU 0' : 'unpinned'}\n`,
);
for (let round = 1; round <= ROUNDS; round++)
  for (const [name, checkout] of builds) {
    const micros = await measure(checkout);
    results.get(name)?.push(micros);
    process.stdout.write(`  round ${round} ${name.padEnd(8)} ${micros.toFixed(0)} µs/request\n`);
  }
for (const [name, values] of results)
  process.stdout.write(
    `${name.padEnd(8)} median ${median(values).toFixed(0)} µs/request (${values.map((v) => v.toFixed(0)).join(', ')})\n`,
  );
if (baseline) {
  const before = median(results.get('baseline') ?? []);
  const after = median(results.get('this') ?? []);
  process.stdout.write(`change: ${(((after - before) / before) * 100).toFixed(1)} %\n`);
}
