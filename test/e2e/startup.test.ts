import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { storeConfig } from '../../src/config.js';
import { SecretBox } from '../../src/lib/secret-box.js';
import {
  collectOutput,
  eventually,
  removeDir,
  spawnTracked,
  stopTracked,
  tempDir,
  waitForOutput,
} from '../helpers/harness.js';
import { emptyDatabase, ROOT, ServeExited, type Server, serve, stop } from '../helpers/server.js';
import { storeKinds } from '../helpers/stores.js';

/**
 * Issue 12, items 2 and 7: processes that start together on one empty PostgreSQL database make
 * one account between them and all serve; a process whose encryption key is not the one that
 * sealed the stored secrets refuses to start, in one sentence naming its key; the key file's
 * default place does not depend on the working directory.
 */

const ROUNDS = Number(process.env['TRIBUTARY_STARTUP_ROUNDS'] ?? 4);

describe('where the encryption key is kept', () => {
  it('PostgreSQL: in the configuration directory, whatever the working directory; SQLite: beside the file', () => {
    const env = { HOME: '/home/someone', DATABASE_URL: 'postgres://db/x' };
    assert.equal(storeConfig({}, env).keyFile, '/home/someone/.config/tributary/encryption.key');
    assert.equal(
      storeConfig({}, { ...env, XDG_CONFIG_HOME: '/etc/xdg' }).keyFile,
      '/etc/xdg/tributary/encryption.key',
    );
    assert.equal(storeConfig({ db: '/var/lib/t.db' }, {}).keyFile, '/var/lib/t.db.key');
    assert.equal(storeConfig({}, { TRIBUTARY_KEY_FILE: '/run/k' }).keyFile, '/run/k');
    // a relative SQLite path is made absolute once, at start-up, so messages name the real file
    assert.equal(storeConfig({ db: 'x.db' }, {}).keyFile, join(process.cwd(), 'x.db.key'));
  });
});

const accountsIn = async (url: string) => {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query('SELECT id FROM accounts')).rows.length;
  } finally {
    await client.end();
  }
};

const get = (server: Server, key: string, path: string) =>
  fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${key}` } }).then((r) => r.status);

describe('processes started together on one empty PostgreSQL database', () => {
  if (!storeKinds().includes('postgres')) return;
  let dir: string;
  before(() => {
    dir = tempDir('startup');
  });
  after(() => removeDir(dir));

  it(`make one account and both serve (${ROUNDS} rounds, pinned keys and not)`, async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const database = await emptyDatabase('tributary_startup');
      const pinned = round % 2 === 0;
      const env = {
        TRIBUTARY_KEY_FILE: join(dir, `round-${round}.key`),
        ...(pinned
          ? {
              TRIBUTARY_SECRET_KEY: 'sk_test_startup_race_key',
              TRIBUTARY_PUBLIC_KEY: 'pk_test_startup_race_key',
            }
          : {}),
      };
      const started = await Promise.allSettled([
        serve(['--database-url', database.url], env),
        serve(['--database-url', database.url], env),
      ]);
      const servers = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
      try {
        for (const s of started)
          assert.equal(s.status, 'fulfilled', s.status === 'rejected' ? String(s.reason) : '');
        assert.equal(await accountsIn(database.url), 1, `round ${round}: one account`);
        const created = servers.filter((s) => /created now/.test(s.stdout));
        assert.equal(created.length, 1, 'one of them made it');
        const key = pinned
          ? 'sk_test_startup_race_key'
          : (/secret key: (\S+)/.exec(created[0]?.stdout ?? '')?.[1] ?? '');
        for (const server of servers) assert.equal(await get(server, key, '/account'), 200);
      } finally {
        for (const server of servers) await stop(server);
        await database.drop();
      }
    }
  });
});

for (const kind of storeKinds()) {
  describe(`a process with another encryption key (${kind})`, () => {
    let dir: string;
    let storeArgs: string[];
    let drop: (() => Promise<void>) | undefined;
    before(async () => {
      dir = tempDir('wrong-key');
      if (kind === 'sqlite') storeArgs = ['--db', join(dir, 'k.db')];
      else {
        const database = await emptyDatabase('tributary_key');
        drop = database.drop;
        storeArgs = ['--database-url', database.url];
      }
    });
    after(async () => {
      removeDir(dir);
      await drop?.();
    });

    it('refuses to start, in one sentence naming the key; the right key still starts', async () => {
      const right = join(dir, 'right.key');
      const first = await serve(storeArgs, { TRIBUTARY_KEY_FILE: right });
      assert.equal(await stop(first), 0);

      const wrong = join(dir, 'wrong.key');
      writeFileSync(wrong, `${SecretBox.newKeyText()}\n`);
      for (const [env, named] of [
        [{ TRIBUTARY_KEY_FILE: wrong }, `the key file ${wrong}`],
        [{ TRIBUTARY_ENCRYPTION_KEY: SecretBox.newKeyText() }, 'TRIBUTARY_ENCRYPTION_KEY'],
      ] as const) {
        const refused = await serve(storeArgs, env).then(
          (server) => stop(server).then(() => assert.fail('it started')),
          (error: unknown) => error,
        );
        assert.ok(refused instanceof ServeExited, String(refused));
        assert.equal(refused.code, 1);
        const lines = refused.stderr.trim().split('\n');
        assert.equal(lines.length, 1, refused.stderr);
        assert.ok(lines[0]?.includes(`The encryption key from ${named} is not the key`), lines[0]);
        assert.doesNotMatch(refused.stdout, /serving the API/);
      }
      const again = await serve(storeArgs, { TRIBUTARY_KEY_FILE: right });
      assert.equal(await stop(again), 0);
    });
  });
}

describe('npm start', () => {
  it('runs the server as its own child process: a signal to npm stops the server', async () => {
    const dir = tempDir('npm-start');
    // its own process group (spawnTracked): whatever npm leaves behind is killed with it
    const child = spawnTracked('npm', ['start', '--silent'], {
      cwd: ROOT,
      env: {
        ...process.env,
        PORT: '0',
        HOST: '127.0.0.1',
        TRIBUTARY_DB: join(dir, 'start.db'),
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const output = collectOutput(child);
      const out = () => output();
      const url = (
        await waitForOutput(child, output, /serving the API on (http:\/\/\S+)[\s\S]*public key/, 'npm start')
      )[1] as string;
      assert.equal((await fetch(`${url}/health`)).status, 200);
      // a signal to npm alone (as a terminal's Ctrl-C or a supervisor sends it), not its group
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
      await eventually(
        () =>
          fetch(`${url}/health`).then(
            () => false,
            () => true,
          ),
        'the server to stop with npm',
      );
      assert.match(out(), /SIGTERM: closing/);
    } finally {
      await stopTracked(child, 'SIGKILL');
      removeDir(dir);
    }
  });
});
