#!/usr/bin/env node
// `npm test`: typecheck, lint, build, then every suite under test/ (and sdk/test), each file in a
// process of its own under node:test (through tsx), two at a time. The store and HTTP suites run
// on SQLite and, when it answers, on PostgreSQL. In CI (CI=true or TRIBUTARY_REQUIRE_POSTGRES=1) a
// missing PostgreSQL or Chromium is a failure; elsewhere those runs are skipped and the summary
// says so.
//
// What the run starts, it stops. Every test process gets the run's marker in its environment
// (inherited by whatever it starts) and a temp root of the run's own as TMPDIR. A test that hangs
// fails after TRIBUTARY_TEST_TIMEOUT_S (node:test names it); a file that does not end within
// TRIBUTARY_TEST_FILE_TIMEOUT_S is stopped, and the run says which processes it left running. At
// the end any process still carrying the marker, or anything left in the temp root, fails the run
// (and is killed or removed). Put TRIBUTARY_TEST_TIME_SCALE=3 on a very busy machine: it
// stretches every deadline (the tests never wait for a time, only for what they expect, up to
// those ceilings).
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { basename, join } from 'node:path';
import pg from 'pg';

const root = new URL('..', import.meta.url).pathname;
const databaseUrl =
  process.env.TRIBUTARY_TEST_DATABASE_URL ??
  `postgres://${process.env.PGUSER ?? userInfo().username}@127.0.0.1:5432/test`;
const required = process.env.CI === 'true' || process.env.TRIBUTARY_REQUIRE_POSTGRES === '1';
const only = process.argv.slice(2);
const scale = Math.max(1, Number(process.env.TRIBUTARY_TEST_TIME_SCALE ?? 1) || 1);
const TEST_TIMEOUT_S = Number(process.env.TRIBUTARY_TEST_TIMEOUT_S ?? 180) * scale;
const FILE_TIMEOUT_S = Number(process.env.TRIBUTARY_TEST_FILE_TIMEOUT_S ?? 900) * scale;
const CONCURRENCY = Math.max(1, Number(process.env.TRIBUTARY_TEST_CONCURRENCY ?? 2) || 2);
/** after a file's SIGTERM, how long its process has to clean up before its group is killed */
const STOP_WAIT_MS = 5_000;
const started = performance.now();

function run(label, command, args, env = {}) {
  process.stdout.write(`\n== ${label}\n`);
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  if (result.status !== 0) {
    process.stdout.write(`\n== ${label}: FAILED\n`);
    process.exit(result.status ?? 1);
  }
}

async function postgresAnswers() {
  const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch (error) {
    process.stdout.write(`PostgreSQL at ${databaseUrl} did not answer: ${error.message}\n`);
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

function testFiles() {
  // the project's suites and the SDK's (a workspace package of its own)
  const files = ['test', 'sdk/test']
    .flatMap((dir) =>
      readdirSync(join(root, dir), { recursive: true })
        .map(String)
        .filter((f) => f.endsWith('.test.ts'))
        .map((f) => join(dir, f)),
    )
    .sort();
  return only.length === 0 ? files : files.filter((f) => only.some((o) => f.includes(o)));
}

/** Live processes whose environment holds `entry` (NAME=value): pid and command line. */
function processesWith(entry) {
  const found = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    try {
      const environ = readFileSync(`/proc/${name}/environ`, 'latin1').split('\0');
      if (!environ.includes(entry)) continue;
      const stat = readFileSync(`/proc/${name}/stat`, 'latin1');
      // a zombie has exited already: its parent has yet to reap it
      if (/^\d+ \(.*\) Z /.test(stat)) continue;
      const command = readFileSync(`/proc/${name}/cmdline`, 'latin1').split('\0').join(' ').trim();
      found.push({ pid: Number(name), command });
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return found;
}

function killAll(list) {
  for (const { pid } of list) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone already
    }
  }
}

const hasProc = existsSync('/proc/self/environ');

if (only.length === 0) {
  run('typecheck', 'npx', ['tsc', '-p', 'tsconfig.json', '--noEmit']);
  run('typecheck the SDK', 'npx', ['tsc', '-p', 'sdk/tsconfig.json', '--noEmit']);
  run('lint', 'npx', ['biome', 'check', '.']);
}
// the end-to-end suite runs the built command (bin/tributary.js → dist)
run('build', 'npm', ['run', 'build', '--silent']);

const postgres = await postgresAnswers();
if (!postgres && required) {
  process.stdout.write('PostgreSQL is required here (CI) but did not answer: failing.\n');
  process.exit(1);
}
// the dashboard's browser tests need Debian's Chromium (.ci/run installs it)
const chromium = existsSync('/usr/bin/chromium');
if (!chromium && required) {
  process.stdout.write('Chromium is required here (CI) but /usr/bin/chromium is missing: failing.\n');
  process.exit(1);
}
const stores = postgres ? 'sqlite,postgres' : 'sqlite';
const files = testFiles();
const before = new Set(readdirSync(root));

// the run's own temp root (every test's TMPDIR) and marker
const runRoot = mkdtempSync(join(tmpdir(), 'tributary-test-run-'));
const marker = `TRIBUTARY_TEST_RUN=${basename(runRoot)}-${randomBytes(4).toString('hex')}`;
const [markerName, markerValue] = marker.split('=');

process.stdout.write(
  `\n== tests (${files.length} files, ${CONCURRENCY} at a time; stores: ${stores}; a test may take ${TEST_TIMEOUT_S} s, a file ${FILE_TIMEOUT_S} s)\n`,
);

/** @type {Map<string, {child: import('node:child_process').ChildProcess}>} */
const running = new Map();
const results = [];

function runFile(file) {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        '--test',
        '--test-reporter=spec',
        `--test-timeout=${TEST_TIMEOUT_S * 1000}`,
        // the file's process ends once its tests have: what a test left open cannot hold it
        ...(process.allowedNodeEnvironmentFlags.has('--test-force-exit') ? ['--test-force-exit'] : []),
        file,
      ],
      {
        cwd: root,
        env: {
          ...process.env,
          TRIBUTARY_TEST_STORES: stores,
          TRIBUTARY_TEST_DATABASE_URL: databaseUrl,
          TMPDIR: runRoot,
          [markerName]: markerValue,
          TRIBUTARY_TEST_FILE: file,
          FORCE_COLOR: process.stdout.isTTY ? '1' : '0',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
        // its own group: stopped with everything it started
        detached: true,
      },
    );
    running.set(file, { child });
    let output = '';
    child.stdout.on('data', (c) => {
      output += c;
    });
    child.stderr.on('data', (c) => {
      output += c;
    });
    let timedOut;
    const deadline = setTimeout(() => {
      const left = hasProc ? processesWith(`TRIBUTARY_TEST_FILE=${file}`) : [];
      timedOut = `did not end within ${FILE_TIMEOUT_S} s; still running then:\n${left.map((p) => `    ${p.pid} ${p.command}`).join('\n') || '    (nothing but the file itself)'}`;
      // the file's own exit handlers stop what it started; then its group goes
      child.kill('SIGTERM');
      setTimeout(() => {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          // gone
        }
      }, STOP_WAIT_MS).unref();
    }, FILE_TIMEOUT_S * 1000);
    child.on('close', (code, signal) => {
      clearTimeout(deadline);
      running.delete(file);
      const seconds = (performance.now() - t0) / 1000;
      const ok = code === 0 && !timedOut;
      const status = ok ? 'passed' : timedOut ? 'TIMED OUT' : `FAILED (${signal ?? `exit ${code}`})`;
      process.stdout.write(`\n── ${file}: ${status} in ${seconds.toFixed(1)} s\n${output}`);
      if (timedOut) process.stdout.write(`── ${file} ${timedOut}\n`);
      results.push({ file, ok, seconds, status });
      resolve();
    });
  });
}

function cleanUpRun() {
  const left = hasProc ? processesWith(marker) : [];
  killAll(left);
  const tempLeft = existsSync(runRoot)
    ? readdirSync(runRoot).filter((name) => !name.startsWith('tsx-') && !name.startsWith('.'))
    : [];
  rmSync(runRoot, { recursive: true, force: true });
  return { left, tempLeft };
}

let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    interrupted = true;
    process.stdout.write(`\n== ${signal}: stopping ${running.size} test files\n`);
    for (const { child } of running.values()) {
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        // gone
      }
    }
    setTimeout(() => {
      for (const { child } of running.values()) {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          // gone
        }
      }
      cleanUpRun();
      process.exit(130);
    }, STOP_WAIT_MS).unref();
  });
}

const queue = [...files];
await Promise.all(
  Array.from({ length: Math.min(CONCURRENCY, queue.length) }, async () => {
    while (queue.length > 0 && !interrupted) await runFile(queue.shift());
  }),
);

const failed = results.filter((r) => !r.ok);
const { left, tempLeft } = cleanUpRun();
const wall = (performance.now() - started) / 1000;
process.stdout.write(
  `\n== ${results.length} test files in ${wall.toFixed(0)} s (the whole npm test); slowest:\n`,
);
for (const r of [...results].sort((a, b) => b.seconds - a.seconds).slice(0, 8))
  process.stdout.write(`   ${r.seconds.toFixed(1).padStart(6)} s  ${r.file}\n`);

let ok = failed.length === 0;
if (failed.length > 0) {
  process.stdout.write(`\n== ${failed.length} test files failed:\n`);
  for (const r of failed) process.stdout.write(`   ${r.status}: ${r.file}\n`);
}
if (!hasProc) process.stdout.write('== no /proc here: the check for processes left running was skipped\n');
if (left.length > 0) {
  ok = false;
  process.stdout.write(`\n== the tests left ${left.length} processes running (now killed): FAILED\n`);
  for (const p of left) process.stdout.write(`   ${p.pid} ${p.command}\n`);
}
if (tempLeft.length > 0) {
  ok = false;
  process.stdout.write(`\n== the tests left temp files (now removed): ${tempLeft.join(', ')}: FAILED\n`);
}
// the suites keep their keys and databases in temporary directories: nothing is left here
const leftHere = readdirSync(root).filter((f) => /\.key$|\.db$/.test(f) && !before.has(f));
if (leftHere.length > 0) {
  ok = false;
  process.stdout.write(`\n== the tests left files in the checkout: ${leftHere.join(', ')}: FAILED\n`);
}
if (!ok) process.exit(1);
process.stdout.write(
  postgres
    ? '\n== all suites passed on SQLite and PostgreSQL; no process or temp file left behind\n'
    : '\n== all suites passed on SQLite; no process or temp file left behind. The PostgreSQL suites were SKIPPED: no PostgreSQL answered at ' +
        `${databaseUrl} (set TRIBUTARY_TEST_DATABASE_URL to run them).\n`,
);
if (!chromium)
  process.stdout.write(
    '== the dashboard browser tests were SKIPPED: no Chromium at /usr/bin/chromium (apt-get install -y chromium).\n',
  );
