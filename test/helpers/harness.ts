import { type ChildProcess, type SpawnOptions, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * What a test file starts, it stops, on every path. Processes started through `spawnTracked` run
 * in a process group of their own (so that whatever they start, npm's or a cluster's children, is
 * stopped with them) and temp dirs made by `tempDir` are registered: when the test file's process
 * exits for any reason (the tests done, a failure, a timeout, a signal) every group still running
 * is killed and every dir removed. `npm test` (scripts/test.js) then checks that nothing of the
 * run is left: no process carrying its marker, nothing in its temp root.
 */

const children = new Set<ChildProcess>();
const dirs = new Set<string>();

/** Every deadline in the tests is multiplied by this (TRIBUTARY_TEST_TIME_SCALE; default 1). */
export const TIME_SCALE = Math.max(1, Number(process.env['TRIBUTARY_TEST_TIME_SCALE'] ?? 1) || 1);
/**
 * How long a test waits for something it is sure will happen (a server to start, a delivery to
 * arrive): a ceiling against a hang, never a pace. It is the same on a busy machine, where
 * everything is slower: nothing waits for it unless what it waits for is broken.
 */
export const PATIENCE_MS = 120_000 * TIME_SCALE;

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    try {
      child.kill(signal);
    } catch {
      // gone already
    }
  }
}

/** More to undo before the dirs go (a file system mounted in one), run first, synchronously. */
const undos: (() => void)[] = [];

export function onCleanUp(undo: () => void): void {
  undos.push(undo);
}

function cleanUp(): void {
  for (const child of children) killGroup(child, 'SIGKILL');
  children.clear();
  for (const undo of undos.splice(0)) {
    try {
      undo();
    } catch {
      // the rest is cleaned up all the same
    }
  }
  for (const dir of dirs) {
    try {
      rmSync(dir, { recursive: true, force: true });
    } catch {
      // left for npm test's check to report
    }
  }
  dirs.clear();
}

process.on('exit', cleanUp);
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const)
  process.once(signal, () => {
    cleanUp();
    process.exit(128 + (signal === 'SIGINT' ? 2 : signal === 'SIGTERM' ? 15 : 1));
  });

/** `spawn` in a process group of its own, killed (the whole group) if the test file ends first. */
export function spawnTracked(
  command: string,
  args: readonly string[],
  options: SpawnOptions = {},
): ChildProcess {
  const child = spawn(command, args, { ...options, detached: true });
  children.add(child);
  child.once('exit', () => children.delete(child));
  // the pipes would keep this process alive: they end with the child, or with cleanUp's kill
  return child;
}

/**
 * Sends `signal` to the child's whole group (what it started too, even when it has exited itself)
 * and resolves with its exit code once it exited.
 */
export function stopTracked(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
  const exited =
    child.exitCode !== null || child.signalCode !== null
      ? Promise.resolve(child.exitCode)
      : new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  killGroup(child, signal);
  return exited;
}

/** A new temp dir, removed by `removeDir` or when the test file's process exits. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `tributary-${prefix}-`));
  dirs.add(dir);
  return dir;
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  dirs.delete(dir);
}

/**
 * Polls `probe` until it returns something truthy and returns that; after `timeoutMs` (default
 * PATIENCE_MS) it fails, saying what it waited for and what `probe` last returned.
 */
export async function eventually<T>(
  probe: () => T | Promise<T>,
  what: string,
  options: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<NonNullable<T>> {
  const timeoutMs = options.timeoutMs ?? PATIENCE_MS;
  const until = performance.now() + timeoutMs;
  let last: T | undefined;
  for (;;) {
    last = await probe();
    if (last) return last as NonNullable<T>;
    if (performance.now() >= until)
      throw new Error(`waited ${Math.round(timeoutMs / 1000)} s for ${what}; last seen: ${String(last)}`);
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 50));
  }
}

/**
 * Resolves once `output()` matches `ready`; rejects at once if the child exits first, or after
 * `timeoutMs` (killing it), quoting what it printed.
 */
export function waitForOutput(
  child: ChildProcess,
  output: () => string,
  ready: RegExp,
  what: string,
  timeoutMs = PATIENCE_MS,
): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    const settle = (done: () => void) => {
      clearTimeout(timer);
      child.off('exit', onExit);
      child.stdout?.off('data', check);
      child.stderr?.off('data', check);
      done();
    };
    const check = () => {
      const match = ready.exec(output());
      if (match) settle(() => resolve(match));
    };
    const onExit = (code: number | null, signal: NodeJS.Signals | null) =>
      settle(() =>
        reject(new Error(`${what}: exited (${signal ?? code}) before it was ready:\n${output()}`)),
      );
    const timer = setTimeout(() => {
      killGroup(child, 'SIGKILL');
      settle(() =>
        reject(
          new Error(
            `${what}: not ready after ${Math.round(timeoutMs / 1000)} s (killed); it printed:\n${output()}`,
          ),
        ),
      );
    }, timeoutMs);
    child.once('exit', onExit);
    // after the output collectors (registered first by the caller): they have the new text
    child.stdout?.on('data', check);
    child.stderr?.on('data', check);
    check();
  });
}

/** Collects a child's stdout and stderr (together, as they come). */
export function collectOutput(child: ChildProcess): () => string {
  let out = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  return () => out;
}
