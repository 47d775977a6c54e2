import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { collectOutput, eventually, removeDir, spawnTracked, tempDir } from '../helpers/harness.js';
import { ROOT } from '../helpers/server.js';

/**
 * Issue 23, item 9: under load, end-to-end helpers gave up on a server after a fixed 20 s but
 * left it running, and each such file then hung until the 300 s timeout; servers and their temp
 * dirs outlived the run by half an hour. Now a test file's helpers kill what they started and
 * remove what they made however the file ends. This runs a test file that fails, one that hangs
 * past its timeout, and one whose process never becomes ready, and checks that nothing they
 * started is left.
 */

const FIXTURE = join(ROOT, 'test/harness/fixtures/leaky.ts');

function withoutTestContext(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env['NODE_TEST_CONTEXT'];
  return env;
}

/** Whether a process is alive (a zombie, dead but not yet reaped, is not). */
function alive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'latin1'));
  } catch {
    return false;
  }
}

describe("a test file's leftovers", () => {
  for (const mode of ['fails', 'hangs', 'never-ready'] as const)
    it(`are cleaned up when it ${mode}`, async () => {
      const tmp = tempDir('leaky-run');
      const child = spawnTracked(
        process.execPath,
        [
          '--import',
          'tsx',
          '--test',
          '--test-reporter=tap',
          '--test-force-exit',
          '--test-timeout=5000',
          FIXTURE,
        ],
        {
          cwd: ROOT,
          // a test run of its own (not a child of this one's runner)
          env: { ...withoutTestContext(), LEAKY_MODE: mode, TMPDIR: tmp, LOG_LEVEL: 'error' },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      const output = collectOutput(child);
      const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
      assert.notEqual(code, 0, `the file failed:\n${output()}`);
      const lines = output()
        .split('\n')
        .filter((l) => l.includes('STARTED {'));
      assert.ok(lines.length > 0, `it started something:\n${output()}`);
      const started = JSON.parse(lines.at(-1)?.slice(lines.at(-1)?.indexOf('{')) ?? '{}') as {
        pids: number[];
        dir: string;
      };
      assert.ok(started.dir.startsWith(tmp), 'its temp dir was made where it was told');
      await eventually(
        () => started.pids.every((pid) => !alive(pid)),
        `the processes ${started.pids} to be gone`,
        {
          timeoutMs: 30_000,
        },
      );
      assert.equal(existsSync(started.dir), false, `${started.dir} was removed`);
      removeDir(tmp);
    });
});
