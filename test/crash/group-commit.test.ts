import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { removeDir, tempDir } from '../helpers/harness.js';
import { kill, SECRET_KEY, serve } from './crasher.js';

// Group commit shares one fsync among concurrent transactions; each request must still be
// answered only after its own commit. So: a burst of concurrent writes, SIGKILL the moment the
// last answer arrives, and every acknowledged object must be in the file.
const ROUNDS = 5;
const BURST = 64;

describe('group commit keeps durability (SQLite, SIGKILL right after a burst of answers)', () => {
  it(`${ROUNDS} bursts of ${BURST} concurrent writes: every acknowledged write survives`, async () => {
    const dir = tempDir('group');
    const db = join(dir, 'group.db');
    const acknowledged: string[] = [];
    try {
      for (let round = 0; round < ROUNDS; round++) {
        const server = await serve(db);
        const answers = await Promise.all(
          Array.from({ length: BURST }, (_, i) =>
            fetch(`${server.url}/customers`, {
              method: 'POST',
              headers: { authorization: `Bearer ${SECRET_KEY}`, 'content-type': 'application/json' },
              body: JSON.stringify({
                email: `burst-${round}-${i}@example.com`,
                metadata: { round: String(round) },
              }),
            }).then(async (r) => ({ status: r.status, body: (await r.json()) as { id: string } })),
          ),
        );
        // no grace period: the process dies with whatever it has not made durable
        await kill(server.child, 'SIGKILL');
        for (const a of answers) {
          assert.equal(a.status, 201);
          acknowledged.push(a.body.id);
        }
        const file = new Database(db, { readonly: true });
        try {
          const ids = new Set(
            (file.prepare('SELECT id FROM customers').all() as { id: string }[]).map((r) => r.id),
          );
          const missing = acknowledged.filter((id) => !ids.has(id));
          assert.deepEqual(missing, [], `round ${round}: acknowledged but lost`);
        } finally {
          file.close();
        }
      }
    } finally {
      removeDir(dir);
    }
  });
});
