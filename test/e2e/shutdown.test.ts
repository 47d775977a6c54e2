import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { SHUTDOWN_GRACE_MS } from '../../src/limits.js';
import { PATIENCE_MS, removeDir, stopTracked, tempDir } from '../helpers/harness.js';
import { call, serve } from '../helpers/server.js';

/**
 * Issue 23, item 1, as it was met: receivers down, a backlog of retries falling due as the clock
 * moves, then SIGTERM (what a CI suite does at teardown). The server must close within its grace
 * period and exit 0, every time; it used to spin at 100 % CPU with its memory growing and never
 * exit, 1 to 3 times in 3. test/store/closing.test.ts pins the moment it missed; this runs the
 * whole server as a user does.
 */

const SK = 'sk_test_shutdown_backlog';
const PK = 'pk_test_shutdown_backlog';
const ROUNDS = 3;
const WEBHOOKS = 4;
const EVENTS = 80;

/** An address nothing listens on: every delivery to it is refused at once. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('SIGTERM during a webhook retry backlog', () => {
  let dir: string;
  before(() => {
    dir = tempDir('shutdown');
  });
  after(() => removeDir(dir));

  it(`closes within the grace period and exits 0, ${ROUNDS} times in ${ROUNDS}`, async () => {
    const env = { TRIBUTARY_SECRET_KEY: SK, TRIBUTARY_PUBLIC_KEY: PK, LOG_LEVEL: 'warn' };
    const args = ['--db', join(dir, 'backlog.db')];
    const port = await closedPort();
    for (let round = 1; round <= ROUNDS; round++) {
      const server = await serve(args, env);
      try {
        if (round === 1) {
          for (let i = 0; i < WEBHOOKS; i++) {
            const hook = await call(server.url, SK, 'POST', '/webhooks', {
              types: ['*'],
              address: `http://127.0.0.1:${port}/down/${i}`,
            });
            assert.equal(hook.status, 201, JSON.stringify(hook.body));
          }
          for (let i = 0; i < EVENTS; i += 10)
            await Promise.all(
              Array.from({ length: 10 }, (_, j) =>
                call(server.url, SK, 'PUT', `/skus/backlog-${i + j}`, {
                  name: 'Backlog',
                  eccn: 'EAR99',
                  taxCode: '4323.310_A',
                  countryOfOrigin: 'US',
                }),
              ),
            );
        }
        // every delivery falls due again (the retry schedule is on the account's clock)
        const advanced = await call(server.url, SK, 'POST', '/test-helpers/clock/advance', {
          seconds: 6 * 3600,
        });
        assert.equal(advanced.status, 200, JSON.stringify(advanced.body));
      } finally {
        // at once: the worker is claiming and sending the backlog now
        const exited = stopTracked(server.child, 'SIGTERM');
        const ceiling = SHUTDOWN_GRACE_MS + PATIENCE_MS / 4;
        let timer: NodeJS.Timeout | undefined;
        const code = await Promise.race([
          exited,
          new Promise<'hung'>((resolve) => {
            timer = setTimeout(() => resolve('hung'), ceiling);
          }),
        ]);
        clearTimeout(timer);
        if (code === 'hung') await stopTracked(server.child, 'SIGKILL');
        const output = server.stdout;
        assert.notEqual(code, 'hung', `round ${round}: still running ${ceiling} ms after SIGTERM (killed)`);
        assert.equal(code, 0, `round ${round}: exit code (1 is the grace timer's)\n${output}`);
      }
    }
  });
});
