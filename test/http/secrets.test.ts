import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { luhnValid } from '../../src/domain/card/card.js';
import { DeliveryWorker } from '../../src/jobs/deliveries.js';
import { createLogger } from '../../src/lib/logger.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { advance, CARDS, cardBody, digitalCheckoutBody } from '../helpers/fixtures.js';
import { Receiver } from '../helpers/receiver.js';
import { storeKinds } from '../helpers/stores.js';

/**
 * Runs of digits, optionally separated by single spaces or dashes as card numbers are written;
 * a run of 13–19 digits that passes the Luhn check is a card number.
 */
const DIGIT_RUN = /(?<![\d])\d(?:[ -]?\d)*(?![\d])/g;
const CVV = '8317';
/** the CVV's value as a token of its own (not inside a longer number, id or base64 run) */
const CVV_TOKEN = new RegExp(`(?<![\\w+/=-])${CVV}(?![\\w+/=-])`);
/** every spelling of a card security code clients send, as a JSON key */
const SECURITY_CODE_NAMES = [
  'cvv',
  'cvc',
  'cvv2',
  'cvc2',
  'csc',
  'cvn',
  'cid',
  'securityCode',
  'security_code',
  'card-security-code',
];
/** a security code's key whose value was kept */
const SECURITY_CODE_KEPT = new RegExp(
  `"(${SECURITY_CODE_NAMES.join('|')})"\\s*:(?!\\s*"\\[redacted\\]")`,
  'i',
);
/** Epoch-millisecond and offset columns: 13-digit integers by nature, never card data. */
const TIME_COLUMN = /(_at|_until|_ms)$/;
/** the same in a JSON document (an order's): numbers named like times are times */
const TIME_KEY = /(At|Until|Ms)$/;

/**
 * The text to scan of a cell: a JSON document's keys and leaves one per line, less the numbers
 * whose names say they are times (as numeric time columns are left out); any other text as is.
 */
function scannable(text: string): string {
  if (!text.startsWith('{') && !text.startsWith('[')) return text;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return text;
  }
  const lines: string[] = [];
  const walk = (value: unknown, key: string) => {
    if (value === null) return;
    if (Array.isArray(value)) for (const v of value) walk(v, key);
    else if (typeof value === 'object')
      for (const [k, v] of Object.entries(value)) {
        lines.push(k);
        walk(v, k);
      }
    else if (!(typeof value === 'number' && TIME_KEY.test(key))) lines.push(String(value));
  };
  walk(parsed, '');
  return lines.join('\n');
}

function cardLike(text: string): string[] {
  const found: string[] = [];
  for (const match of text.matchAll(DIGIT_RUN)) {
    const groups = match[0].split(/[ -]/).map((g) => g.length);
    // written with separators only as cards are: 4-4-4-4(-1..3) or 4-6-5 (a UUID's 8-4-4 is not)
    const cardShaped =
      groups.length === 1 ||
      /^4,6,5$/.test(groups.join(',')) ||
      (groups.slice(0, 4).join(',') === '4,4,4,4' && groups.length <= 5 && (groups[4] ?? 1) <= 3);
    const digits = match[0].replace(/[ -]/g, '');
    if (cardShaped && digits.length >= 13 && digits.length <= 19 && luhnValid(digits)) found.push(digits);
  }
  return found;
}

async function dump(t: TestApp): Promise<{ table: string; column: string; value: unknown }[]> {
  const cells: { table: string; column: string; value: unknown }[] = [];
  const tables =
    t.kind === 'sqlite'
      ? await t.store.read(async (tx) => {
          const { rows } = await sql<{
            name: string;
          }>`SELECT name FROM sqlite_master WHERE type = 'table'`.execute(tx.db);
          return rows.map((r) => r.name);
        })
      : await t.store.read(async (tx) => {
          const { rows } = await sql<{ name: string }>`
            SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema()`.execute(
            tx.db,
          );
          return rows.map((r) => r.name);
        });
  for (const table of tables) {
    const { rows } = await t.store.read((tx) =>
      sql<Record<string, unknown>>`SELECT * FROM ${sql.table(table)}`.execute(tx.db),
    );
    for (const row of rows)
      for (const [column, value] of Object.entries(row)) cells.push({ table, column, value });
  }
  return cells;
}

for (const kind of storeKinds()) {
  describe(`secrets at rest and in logs (${kind})`, () => {
    let t: TestApp;
    let logs = '';
    let receiver: Receiver;
    let receiverUrl = '';
    const cards = [CARDS.visa, CARDS.mastercard, CARDS.amex, CARDS.insufficientFunds, '4111 1111 1111 1111'];

    before(async () => {
      const sink = new Writable({
        write(chunk: Buffer, _encoding, done) {
          logs += chunk.toString();
          done();
        },
      });
      t = await buildTestApp(kind, { logger: createLogger({ level: 'trace', stream: sink }) });
      receiver = new Receiver();
      receiverUrl = await receiver.start();
    });
    after(async () => {
      await receiver.stop();
      await t.close();
    });

    it('keeps no card number, CVV, API key or webhook secret in the database or the logs', async () => {
      const hook = await t.api.post('/webhooks', {
        types: ['*'],
        address: receiverUrl,
        authentication: { username: 'hooks', password: 'hunter2-basic-password' },
      });
      assert.equal(hook.status, 201, hook.raw);
      const rotated = await t.api.post(`/webhooks/${hook.body.id}/rotate-secret`, {});
      const secrets = [hook.body.secret as string, rotated.body.secret as string];
      for (const number of cards) {
        const checkout = await t.api.post('/checkouts', digitalCheckoutBody());
        const source = await t.publicApi.post('/payments/sources', {
          ...cardBody(number),
          creditCard: { number, expirationMonth: 7, expirationYear: 2031, cvv: CVV },
        });
        if (source.status !== 201) continue;
        await t.api.post(`/checkouts/${checkout.body.id}/sources/${source.body.id}`);
        const order = await t.api.post('/orders', { checkoutId: checkout.body.id });
        if (order.status !== 201) continue;
        const items = order.body.items.map((i: { id: string; quantity: number }) => ({
          itemId: i.id,
          quantity: i.quantity,
        }));
        await t.api.post('/fulfillments', { orderId: order.body.id, items });
        await advance(t.api, 10);
        await t.api.post('/refunds', { orderId: order.body.id, currency: 'USD', amount: 1 });
      }
      // a card number and a key in places they do not belong: bad requests are logged too
      await t.api.post('/checkouts', { ...digitalCheckoutBody(), metadata: { note: 'x' } });
      await t.api.request('POST', '/customers', { email: CARDS.visa }, { unchecked: true });
      await t.api.get('/skus', { key: 'sk_test_notarealkeybutlookslikeone' });

      // the request log writes in batches: what is waiting is written before the dump
      await t.app.requestLog.flush();
      const cells = await dump(t);
      assert.ok(cells.length > 100, 'the run wrote data');
      const offenders: string[] = [];
      for (const { table, column, value } of cells) {
        if (value === null || value === undefined) continue;
        if (typeof value === 'number' && TIME_COLUMN.test(column)) continue;
        const text = Buffer.isBuffer(value) ? value.toString('latin1') : String(value);
        const where = `${table}.${column}`;
        for (const c of cardLike(scannable(text))) offenders.push(`${where}: Luhn-valid ${c}`);
        if (text.includes('sk_test_') || text.includes('pk_test_')) offenders.push(`${where}: an API key`);
        if (text.includes('whsec_')) offenders.push(`${where}: a webhook secret`);
        if (text.includes('hunter2-basic-password')) offenders.push(`${where}: a basic-auth password`);
        if (SECURITY_CODE_KEPT.test(text) || CVV_TOKEN.test(text)) offenders.push(`${where}: a CVV`);
        for (const s of secrets)
          if (text.includes(s.slice('whsec_'.length))) offenders.push(`${where}: secret bytes`);
      }
      assert.deepEqual(offenders, []);

      assert.ok(logs.length > 1000, 'the run logged');
      // log lines are JSON: every string in them is scanned (numbers are times, durations, statuses)
      const strings: string[] = [];
      const walk = (value: unknown): void => {
        if (typeof value === 'string') strings.push(value);
        else if (Array.isArray(value)) value.forEach(walk);
        else if (value && typeof value === 'object')
          for (const [k, v] of Object.entries(value)) {
            strings.push(k);
            walk(v);
          }
      };
      for (const line of logs.split('\n').filter(Boolean)) walk(JSON.parse(line));
      assert.deepEqual(strings.flatMap(cardLike), [], 'a card number in the logs');
      assert.deepEqual(
        strings.filter((s) => CVV_TOKEN.test(s) || SECURITY_CODE_NAMES.includes(s)),
        [],
        'a CVV in the logs',
      );
      assert.ok(!/sk_test_|pk_test_/.test(logs), 'an API key in the logs');
      assert.ok(!logs.includes('whsec_'), 'a webhook secret in the logs');
      for (const s of secrets) assert.ok(!logs.includes(s.slice('whsec_'.length)));
      // the webhook still signs: the sealed secrets open
      await new DeliveryWorker(t.deps).drain();
      assert.ok(receiver.received.length > 10, 'deliveries were made');
    });

    it('keeps no security code however it is spelled, in a refused body or a query (issue 23, item 5)', async () => {
      for (const name of SECURITY_CODE_NAMES) {
        const answered = await t.publicApi.request(
          'POST',
          '/payments/sources',
          {
            ...cardBody(CARDS.visa),
            creditCard: { number: CARDS.visa, expirationMonth: 7, expirationYear: 2031, [name]: CVV },
          },
          { unchecked: true },
        );
        // DR's own spelling (cvv) makes a source; every other is refused (unknown parameter)
        assert.equal(answered.status, name === 'cvv' ? 201 : 400, `${name}: ${answered.raw}`);
        // as a number, too, and nested anywhere
        await t.api.request('POST', '/customers', { metadata: { [name]: Number(CVV) } }, { unchecked: true });
        await t.api.request('GET', `/skus?${encodeURIComponent(name)}=${CVV}`, undefined, {
          unchecked: true,
        });
      }
      await t.app.requestLog.flush();
      const logged = (await dump(t)).filter(({ table }) => table === 'request_log');
      assert.ok(logged.length > SECURITY_CODE_NAMES.length * 3, 'the requests were logged');
      const kept = logged
        .filter(
          ({ value }) =>
            typeof value === 'string' && (CVV_TOKEN.test(value) || SECURITY_CODE_KEPT.test(value)),
        )
        .map(({ column, value }) => `${column}: ${String(value).slice(0, 200)}`);
      assert.deepEqual(kept, []);
    });
  });
}
