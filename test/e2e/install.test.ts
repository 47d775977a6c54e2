import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
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
    dir = mkdtempSync(join(tmpdir(), 'tributary-install-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

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

    const child = spawn('npx', ['tributary', 'serve', '--host', '127.0.0.1', '--port', '0'], {
      cwd: app,
      env: { ...process.env, LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
      // its own process group: npx runs the server as its child, and both are stopped together
      detached: true,
    });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        const timer = setTimeout(() => reject(new Error(`no start: ${out}`)), 30_000);
        child.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          const match = /serving the API on (http:\/\/\S+)/.exec(out);
          if (match && /public key/.test(out)) {
            clearTimeout(timer);
            resolve(match[1] ?? '');
          }
        });
        child.stderr.on('data', (chunk: Buffer) => {
          out += chunk.toString();
        });
        child.on('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
      });
      const health = await fetch(`${url}/health`);
      assert.equal(health.status, 200);
      assert.deepEqual(await health.json(), { status: 'ok' });
    } finally {
      child.removeAllListeners('exit');
      const exited = new Promise((resolve) => child.once('exit', resolve));
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGTERM');
      await exited;
    }
  });
});
