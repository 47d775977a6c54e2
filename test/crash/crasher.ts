// The crash test: a real server process on a SQLite file, a mixed lifecycle load where every
// write carries an Idempotency-Key, SIGKILL at a random moment, restart, again and again. Then:
// every request that was answered 2xx is in the database, nothing is half-applied, and retrying
// every request with its key converges to exactly-once effects (a second retry of everything is
// a replay of the first answer). Used by `npm run test:crash` and, short, by the test suite.
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import {
  collectOutput,
  removeDir,
  spawnTracked,
  stopTracked,
  tempDir,
  waitForOutput,
} from '../helpers/harness.js';
import { prng } from '../helpers/prng.js';

const root = new URL('../..', import.meta.url).pathname;
const BIN = join(root, 'bin/tributary.js');
export const SECRET_KEY = 'sk_test_crashcrashcrash';
const PUBLIC_KEY = 'pk_test_crashcrashcrash';
const CARD = '4444222233331111';

export interface CrashOptions {
  runs: number;
  /** concurrent lifecycles while the server lives */
  workers: number;
  /** the server is killed after a random time in [min, max) ms */
  killAfterMs: [number, number];
  seed: number;
}

export interface CrashReport {
  runs: number;
  requests: number;
  answered2xx: number;
  answered4xx: number;
  unanswered: number;
  retriedTo2xx: number;
  retriedTo4xx: number;
  replayed: number;
  objects: { checkouts: number; orders: number; fulfillments: number; refunds: number };
}

interface Logged {
  key: string;
  method: string;
  path: string;
  body: unknown;
  publicKey: boolean;
  status?: number;
  response?: string;
  /** status after the post-crash retry of an unanswered request */
  retriedStatus?: number;
}

export async function serve(db: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawnTracked(
    process.execPath,
    [BIN, 'serve', '--host', '127.0.0.1', '--port', '0', '--db', db],
    {
      cwd: root,
      env: {
        ...process.env,
        LOG_LEVEL: 'error',
        TRIBUTARY_SECRET_KEY: SECRET_KEY,
        TRIBUTARY_PUBLIC_KEY: PUBLIC_KEY,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const output = collectOutput(child);
  const match = await waitForOutput(
    child,
    output,
    /serving the API on (http:\/\/\S+)/,
    'the crash test server',
  );
  return { child, url: match[1] as string };
}

export function kill(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  child.removeAllListeners('exit');
  return stopTracked(child, signal).then(() => undefined);
}

async function send(
  url: string,
  entry: Logged,
): Promise<{ status: number; text: string; replayed: boolean }> {
  const response = await fetch(url + entry.path, {
    method: entry.method,
    headers: {
      authorization: `Bearer ${entry.publicKey ? PUBLIC_KEY : SECRET_KEY}`,
      'content-type': 'application/json',
      'idempotency-key': entry.key,
    },
    body: JSON.stringify(entry.body ?? {}),
    signal: AbortSignal.timeout(15_000),
  });
  const text = await response.text();
  return { status: response.status, text, replayed: response.headers.get('idempotent-replayed') === 'true' };
}

/** One lifecycle: checkout → source → attach → order → fulfillment → refund, while answers come. */
async function lifecycle(url: string, journal: Logged[], random: () => number): Promise<void> {
  const step = async (method: string, path: string, body: unknown, publicKey = false) => {
    const entry: Logged = { key: randomUUID(), method, path, body, publicKey };
    journal.push(entry);
    const answer = await send(url, entry); // throws when the server dies: the entry stays unanswered
    entry.status = answer.status;
    entry.response = answer.text;
    if (answer.status >= 500) throw new Error(`${method} ${path} → ${answer.status}: ${answer.text}`);
    return answer.status < 300 ? JSON.parse(answer.text || '{}') : undefined;
  };
  const checkout = await step('POST', '/checkouts', {
    currency: 'USD',
    email: 'crash@example.com',
    billTo: {
      name: 'Crash Test',
      address: {
        line1: '10380 Bren Road W',
        city: 'Minnetonka',
        postalCode: '55343',
        state: 'MN',
        country: 'US',
      },
    },
    items: [
      { productDetails: { name: 'E-book', id: 'ebook' }, price: 20 + Math.floor(random() * 80), quantity: 2 },
    ],
  });
  if (!checkout) return;
  const source = await step(
    'POST',
    '/payments/sources',
    {
      type: 'creditCard',
      creditCard: { number: CARD, expirationMonth: 7, expirationYear: 2031, cvv: '123' },
    },
    true,
  );
  if (!source) return;
  if (!(await step('POST', `/checkouts/${checkout.id}/sources/${source.id}`, {}))) return;
  const order = await step('POST', '/orders', { checkoutId: checkout.id });
  if (!order) return;
  const item = order.items[0];
  const quantity = random() < 0.5 ? 1 : 2;
  const fulfillment = await step('POST', '/fulfillments', {
    orderId: order.id,
    items: [{ itemId: item.id, quantity }],
  });
  if (!fulfillment) return;
  await step('POST', '/test-helpers/clock/advance', { seconds: 5 });
  await step('POST', '/refunds', {
    orderId: order.id,
    currency: 'USD',
    amount: 1 + Math.floor(random() * 5),
  });
}

export async function crashTest(options: CrashOptions): Promise<CrashReport> {
  const dir = tempDir('crash');
  const db = join(dir, 'crash.db');
  const journal: Logged[] = [];
  const random = prng(options.seed);
  try {
    for (let run = 0; run < options.runs; run++) {
      const server = await serve(db);
      const stopAt =
        Date.now() + options.killAfterMs[0] + random() * (options.killAfterMs[1] - options.killAfterMs[0]);
      const killed = new Promise<void>((resolve) => {
        setTimeout(() => {
          void kill(server.child, 'SIGKILL').then(resolve);
        }, stopAt - Date.now());
      });
      let alive = true;
      void killed.then(() => {
        alive = false;
      });
      await Promise.all(
        Array.from({ length: options.workers }, async () => {
          while (alive) {
            try {
              await lifecycle(server.url, journal, random);
            } catch (error) {
              if (alive && !String(error).includes('fetch failed')) throw error;
            }
          }
        }),
      );
      await killed;
    }

    // recovery: one more start, every unanswered request retried with its key
    const server = await serve(db);
    const report: CrashReport = {
      runs: options.runs,
      requests: journal.length,
      answered2xx: journal.filter((e) => e.status !== undefined && e.status < 300).length,
      answered4xx: journal.filter((e) => e.status !== undefined && e.status >= 400).length,
      unanswered: journal.filter((e) => e.status === undefined).length,
      retriedTo2xx: 0,
      retriedTo4xx: 0,
      replayed: 0,
      objects: { checkouts: 0, orders: 0, fulfillments: 0, refunds: 0 },
    };
    try {
      for (const entry of journal.filter((e) => e.status === undefined)) {
        const answer = await send(server.url, entry);
        assert.ok(
          answer.status < 500,
          `retry of ${entry.method} ${entry.path} → ${answer.status}: ${answer.text}`,
        );
        assert.ok(
          !answer.text.includes('idempotency_key_in_use'),
          `retry of ${entry.method} ${entry.path} still in use: ${answer.text}`,
        );
        entry.retriedStatus = answer.status;
        entry.status = answer.status;
        entry.response = answer.text;
        if (answer.status < 300) report.retriedTo2xx += 1;
        else report.retriedTo4xx += 1;
      }
      // exactly once: every request, sent again with its key, is a replay of its one answer
      for (const entry of journal) {
        const answer = await send(server.url, entry);
        assert.equal(answer.status, entry.status, `${entry.method} ${entry.path} (key ${entry.key})`);
        assert.equal(answer.replayed, true, `${entry.method} ${entry.path} was not replayed: ${answer.text}`);
        assert.equal(answer.text, entry.response, `${entry.method} ${entry.path} replayed another answer`);
        report.replayed += 1;
      }
      // every acknowledged object can be read back
      for (const entry of journal) {
        if (entry.status === undefined || entry.status >= 300 || !entry.response) continue;
        const id = JSON.parse(entry.response).id as string | undefined;
        const read: Record<string, string> = {
          '/payments/sources': `/sources/${id}`,
          '/orders': `/orders/${id}`,
          '/fulfillments': `/fulfillments/${id}`,
          '/refunds': `/refunds/${id}`,
        };
        const path = read[entry.path];
        if (!path) continue;
        const response = await fetch(server.url + path, {
          headers: { authorization: `Bearer ${SECRET_KEY}` },
        });
        assert.equal(response.status, 200, `${path} acknowledged but not found`);
      }
    } finally {
      await kill(server.child, 'SIGTERM');
    }

    // nothing half-applied, and one object per successful request
    const sqlite = new Database(db, { readonly: true });
    try {
      const count = (q: string) => (sqlite.prepare(q).get() as { n: number }).n;
      assert.equal(
        count(`SELECT count(*) n FROM orders o WHERE json_array_length(o.document, '$.charges') = 0
          OR NOT EXISTS (SELECT 1 FROM order_parts c
            WHERE c.account_id = o.account_id AND c.order_id = o.id AND c.kind = 'charge')`),
        0,
        'an order without its charge',
      );
      assert.equal(
        count(`SELECT count(*) n FROM orders o WHERE NOT EXISTS (SELECT 1 FROM events e
          WHERE e.account_id = o.account_id AND e.type = 'order.accepted' AND json_extract(e.object, '$.id') = o.id)`),
        0,
        'an accepted order without its event',
      );
      assert.equal(
        count(`SELECT count(*) n FROM orders o JOIN checkouts c ON c.account_id = o.account_id AND c.id = o.checkout_id
          WHERE c.order_id IS NOT o.id`),
        0,
        'an order whose checkout does not know it',
      );
      assert.equal(
        count(`SELECT count(*) n FROM orders o, json_each(o.document, '$.fulfillments') f
          WHERE NOT EXISTS (SELECT 1 FROM json_each(o.document, '$.operations') op
            WHERE json_extract(op.value, '$.fulfillmentId') = json_extract(f.value, '$.id'))`),
        0,
        'a fulfillment without its capture',
      );
      assert.equal(
        count(`SELECT count(*) n FROM orders o, json_each(o.document, '$.refunds') r
          WHERE NOT EXISTS (SELECT 1 FROM json_each(o.document, '$.operations') op
            WHERE json_extract(op.value, '$.refundId') = json_extract(r.value, '$.id'))`),
        0,
        'a refund without its charge refund',
      );
      const succeeded = (path: string) =>
        journal.filter(
          (e) => e.method === 'POST' && e.path === path && e.status !== undefined && e.status < 300,
        ).length;
      report.objects = {
        checkouts: count('SELECT count(*) n FROM checkouts'),
        orders: count('SELECT count(*) n FROM orders'),
        fulfillments: count(`SELECT count(*) n FROM orders o, json_each(o.document, '$.fulfillments')`),
        refunds: count(`SELECT count(*) n FROM orders o, json_each(o.document, '$.refunds')`),
      };
      // the index of the orders' parts agrees with their documents
      for (const kind of ['fulfillment', 'refund'] as const)
        assert.equal(
          count(`SELECT count(*) n FROM order_parts WHERE kind = '${kind}'`),
          report.objects[`${kind}s`],
          `one row of order_parts per ${kind}`,
        );
      assert.equal(report.objects.checkouts, succeeded('/checkouts'), 'one checkout per successful request');
      assert.equal(report.objects.orders, succeeded('/orders'), 'one order per successful request');
      assert.equal(
        report.objects.fulfillments,
        succeeded('/fulfillments'),
        'one fulfillment per successful request',
      );
      assert.equal(report.objects.refunds, succeeded('/refunds'), 'one refund per successful request');
    } finally {
      sqlite.close();
    }
    return report;
  } finally {
    removeDir(dir);
  }
}
