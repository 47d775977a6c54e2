import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AppError } from '../../src/domain/errors.js';
import { isDiskFull, StorageWatch, translateDbError } from '../../src/store/db-errors.js';

/**
 * A full disk, as each store's driver reports it, becomes one error: 503 storage_full (issue 23,
 * item 8). test/e2e/disk-full.test.ts fills a real tmpfs under SQLite; PostgreSQL's disk_full
 * cannot be provoked on a shared server, so its code is pinned here.
 */
const coded = (code: string) => Object.assign(new Error(code), { code });

describe('a full disk', () => {
  it("is SQLite's SQLITE_FULL, PostgreSQL's 53100, and a file's ENOSPC or EDQUOT, and nothing else", () => {
    for (const code of ['SQLITE_FULL', '53100', 'ENOSPC', 'EDQUOT']) assert.ok(isDiskFull(coded(code)), code);
    for (const code of ['SQLITE_BUSY', '40001', '23505', 'SQLITE_IOERR', 'ECONNREFUSED'])
      assert.ok(!isDiskFull(coded(code)), code);
  });

  it('is answered 503 storage_full, naming no parameter', () => {
    for (const code of ['SQLITE_FULL', '53100']) {
      const error = translateDbError(coded(code));
      assert.ok(error instanceof AppError);
      assert.deepEqual([error.status, error.code, error.type], [503, 'storage_full', 'service_unavailable']);
    }
  });

  it('is told once when the disk fills up and once when a write succeeds again', () => {
    const heard: boolean[] = [];
    const watch = new StorageWatch((full) => heard.push(full));
    watch.wrote();
    watch.failed(coded('SQLITE_BUSY'));
    for (let i = 0; i < 5; i++) watch.failed(coded('SQLITE_FULL'));
    for (let i = 0; i < 3; i++) watch.wrote();
    watch.failed(coded('53100'));
    assert.deepEqual(heard, [true, false, true]);
  });
});

describe('the log of a full disk', () => {
  it('says "full" at most once a minute, and "writable again" only after a "full" it said', async () => {
    const { storageLogger } = await import('../../src/main.js');
    const said: string[] = [];
    let clock = 0;
    const log = {
      error: (line: string) => said.push(`error: ${line.slice(0, 13)}`),
      warn: (line: string) => said.push(`warn: ${line.slice(0, 13)}`),
    } as unknown as Parameters<typeof storageLogger>[0];
    const told = storageLogger(log, () => clock);
    // a nearly full disk: a small write succeeds between refused ones
    for (const full of [true, false, true, false, true]) told(full);
    clock += 61_000;
    told(false);
    told(true);
    told(false);
    assert.deepEqual(said, [
      'error: the disk unde',
      'warn: the database ',
      'error: the disk unde',
      'warn: the database ',
    ]);
  });
});
