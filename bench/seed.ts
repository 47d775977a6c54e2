// Seeds a Tributary SQLite file with many orders, quickly, by cloning one real order (made
// through the API) row for row with new ids: the orders, their items and their charges.
import Database from 'better-sqlite3';

const CLONED = {
  orders: (i: string) => ({ id: orderId(i), checkout_id: `'bench-chk-' || ${i}` }),
  order_items: (i: string) => ({ id: `'bench-item-' || ${i}`, order_id: orderId(i) }),
  charges: (i: string) => ({ id: `'bench-chg-' || ${i}`, order_id: orderId(i) }),
} as const;

/** 15 digits, like the server's own order ids. */
function orderId(i: string): string {
  return `printf('%d', 500000000000000 + ${i})`;
}

/**
 * Adds orders numbered [from, to) cloned from the order `templateId`; returns a sample of the new
 * ids (for the reads load).
 */
export function seedOrders(path: string, templateId: string, from: number, to: number): string[] {
  const db = new Database(path);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = OFF');
    const BATCH = 50_000;
    for (let start = from; start < to; start += BATCH) {
      const end = Math.min(to, start + BATCH);
      db.transaction(() => {
        for (const [table, replace] of Object.entries(CLONED)) {
          const columns = (db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[])
            .map((c) => c.name)
            .filter((c) => c !== 'seq');
          const replacements = replace('n.i') as Record<string, string>;
          const select = columns.map((c) => replacements[c] ?? `t.${c}`).join(', ');
          const where = table === 'orders' ? 't.id = ?' : 't.order_id = ?';
          db.prepare(
            `WITH RECURSIVE n(i) AS (SELECT ? UNION ALL SELECT i + 1 FROM n WHERE i + 1 < ?)
             INSERT INTO ${table} (${columns.join(', ')}) SELECT ${select} FROM n, ${table} t WHERE ${where}`,
          ).run(start, end, templateId);
        }
      })();
    }
    db.pragma('wal_checkpoint(TRUNCATE)');
    const sample: string[] = [];
    for (let k = 0; k < 1_000; k++) {
      const i = from + Math.floor(Math.random() * (to - from));
      sample.push(String(500000000000000 + i));
    }
    return sample;
  } finally {
    db.close();
  }
}
