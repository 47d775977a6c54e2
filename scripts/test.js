#!/usr/bin/env node
// `npm test`: typecheck, lint, then every suite under test/ with node:test (through tsx).
// The store and HTTP suites run on SQLite and, when it answers, on PostgreSQL. In CI
// (CI=true or TRIBUTARY_REQUIRE_POSTGRES=1) a missing PostgreSQL is a failure; elsewhere the
// PostgreSQL runs are skipped and the summary says so.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join, relative } from 'node:path';
import pg from 'pg';

const root = new URL('..', import.meta.url).pathname;
const databaseUrl =
  process.env.TRIBUTARY_TEST_DATABASE_URL ??
  `postgres://${process.env.PGUSER ?? userInfo().username}@127.0.0.1:5432/test`;
const required = process.env.CI === 'true' || process.env.TRIBUTARY_REQUIRE_POSTGRES === '1';
const only = process.argv.slice(2);

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
run(
  `tests (${files.length} files; stores: ${stores})`,
  process.execPath,
  [
    '--import',
    'tsx',
    '--test',
    '--test-reporter=spec',
    '--test-concurrency=2',
    '--test-timeout=300000',
    ...files,
  ],
  { TRIBUTARY_TEST_STORES: stores, TRIBUTARY_TEST_DATABASE_URL: databaseUrl },
);
// the suites keep their keys and databases in temporary directories: nothing is left here
const left = readdirSync(root).filter((f) => /\.key$|\.db$/.test(f) && !before.has(f));
if (left.length > 0) {
  process.stdout.write(`\n== the tests left files in the checkout: ${left.join(', ')}: FAILED\n`);
  process.exit(1);
}
process.stdout.write(
  postgres
    ? `\n== all suites passed on SQLite and PostgreSQL (${relative(root, root) || '.'})\n`
    : '\n== all suites passed on SQLite. The PostgreSQL suites were SKIPPED: no PostgreSQL answered at ' +
        `${databaseUrl} (set TRIBUTARY_TEST_DATABASE_URL to run them).\n`,
);
if (!chromium)
  process.stdout.write(
    '== the dashboard browser tests were SKIPPED: no Chromium at /usr/bin/chromium (apt-get install -y chromium).\n',
  );
