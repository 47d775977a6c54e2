import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import {
  collectOutput,
  removeDir,
  spawnTracked,
  stopTracked,
  tempDir,
  waitForOutput,
} from '../helpers/harness.js';
import { ROOT } from '../helpers/server.js';

/**
 * Issue 15, item 6: the package installs from `npm pack` into an empty folder, and
 * `npx tributary serve` runs there: the tarball carries the built server (no TypeScript, no
 * compile), and its dependencies install on their own (better-sqlite3 builds its addon).
 */
const run = promisify(execFile);

describe('installed from its tarball', () => {
  let dir: string;
  before(() => {
    dir = tempDir('install');
  });
  after(() => removeDir(dir));

  it('npm pack → npm install in an empty folder → npx tributary serve answers', {
    timeout: 600_000,
  }, async () => {
    const packed = join(dir, 'packed');
    mkdirSync(packed);
    // the tarball of the built checkout (npm test builds first); --ignore-scripts: no rebuild
    await run('npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', packed], { cwd: ROOT });
    const tarball = readdirSync(packed)[0] ?? '';
    assert.ok(tarball.endsWith('.tgz'), `a tarball in ${readdirSync(packed).join(', ')}`);
    const { stdout: listing } = await run('tar', ['tzf', join(packed, tarball)]);
    assert.ok(listing.includes('package/dist/cli/main.js'), 'the built CLI is in the tarball');
    assert.ok(!listing.includes('package/src/'), 'the TypeScript sources are not');

    const app = join(dir, 'app');
    mkdirSync(app);
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'empty', private: true }));
    await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', join(packed, tarball)], {
      cwd: app,
      maxBuffer: 16 * 1024 * 1024,
    });

    // its own process group (spawnTracked): npx runs the server as its child, both stop together
    const child = spawnTracked('npx', ['tributary', 'serve', '--host', '127.0.0.1', '--port', '0'], {
      cwd: app,
      env: { ...process.env, LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const output = collectOutput(child);
      const url = (
        await waitForOutput(
          child,
          output,
          /serving the API on (http:\/\/\S+)[\s\S]*public key/,
          'npx tributary serve',
        )
      )[1] as string;
      const health = await fetch(`${url}/health`);
      assert.equal(health.status, 200);
      assert.deepEqual(await health.json(), { status: 'ok' });
    } finally {
      await stopTracked(child, 'SIGTERM');
    }
  });
});
