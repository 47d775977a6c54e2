import assert from 'node:assert/strict';
import type { FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { SecretBox } from '../../src/lib/secret-box.js';
import { createAccount } from '../../src/services/accounts.js';
import type { SkuRecord } from '../../src/store/records.js';
import { SqliteStore } from '../../src/store/sqlite.js';
import { removeDir, tempDir } from '../helpers/harness.js';

/**
 * SQLite's commit sync on the thread pool (store/sqlite.ts, `thread-pool`): COMMIT writes the
 * WAL, an fdatasync of it follows off the event loop, and nothing that commit wrote is answered
 * before that sync returned: not the transaction's own caller, not a read that could see it.
 * The real sync runs; the test holds it back behind a gate to watch what waits.
 */
const sku = (accountId: string, id: string): SkuRecord => ({
  accountId,
  id,
  name: id,
  taxCode: '4323.310_A',
  eccn: 'EAR99',
  countryOfOrigin: 'US',
  physical: false,
  data: {},
  metadata: null,
  createdAt: 1,
  updatedAt: 1,
});

const settled = async (promise: Promise<unknown>, ms = 50): Promise<boolean> => {
  let done = false;
  void promise.then(
    () => {
      done = true;
    },
    () => {
      done = true;
    },
  );
  await new Promise((resolve) => setTimeout(resolve, ms));
  return done;
};

describe('SQLite commits answered after the WAL is synced (thread pool)', () => {
  let dir: string;
  let store: SqliteStore;
  let gate: Promise<void> = Promise.resolve();
  let syncs = 0;
  let failNext: Error | undefined;
  let failures: unknown[] = [];
  before(async () => {
    dir = tempDir('commit-sync');
    store = await SqliteStore.open({
      path: join(dir, 's.db'),
      secrets: SecretBox.random(),
      datasync: async (wal: FileHandle) => {
        await gate;
        syncs += 1;
        if (failNext) throw failNext;
        await wal.datasync();
      },
      onSyncFailure: (error) => failures.push(error),
    });
  });
  after(async () => {
    gate = Promise.resolve();
    await store.close();
    removeDir(dir);
  });

  it('holds the answer and the reads that could see the commit until the sync returns', async () => {
    const { account } = await createAccount(store, 'sync', 1);
    let open: () => void = () => {};
    gate = new Promise((resolve) => {
      open = resolve;
    });
    const before = syncs;
    const write = store.transaction((tx) => tx.skus.insert(sku(account.id, 'held')));
    assert.equal(await settled(write), false, 'the write is not answered before its sync');
    const read = store.read((tx) => tx.skus.get(account.id, 'held'));
    assert.equal(await settled(read), false, 'a read that could see it waits too');
    open();
    await write;
    assert.equal((await read)?.id, 'held');
    assert.ok(syncs > before, 'a sync ran');
  });

  it('shares one sync among the groups committed while one runs', async () => {
    const { account } = await createAccount(store, 'shared', 1);
    let open: () => void = () => {};
    gate = new Promise((resolve) => {
      open = resolve;
    });
    const before = syncs;
    const writes = Array.from({ length: 20 }, (_, i) =>
      store.transaction((tx) => tx.skus.insert(sku(account.id, `s${i}`))),
    );
    assert.equal(await settled(Promise.all(writes)), false);
    open();
    await Promise.all(writes);
    assert.ok(syncs - before <= 3, `${syncs - before} syncs for 20 writes`);
  });

  it('a failed sync fails what waited for it and every later call, and is reported', async () => {
    const { account } = await createAccount(store, 'failing', 1);
    gate = Promise.resolve();
    failNext = new Error('EIO: the disk went away');
    await assert.rejects(
      store.transaction((tx) => tx.skus.insert(sku(account.id, 'lost'))),
      /EIO/,
    );
    assert.equal(failures.length, 1);
    await assert.rejects(
      store.read((tx) => tx.skus.get(account.id, 'lost')),
      /EIO/,
    );
    failNext = undefined;
    failures = [];
  });
});
