// Seeds a Tributary SQLite file with many orders, quickly, by cloning one real order (made
// through the API) with new ids: its row (with its document, the template's item and charge
// ids replaced) and its rows of order_parts.
import Database from 'better-sqlite3';

/** A clone's id of the template's item or charge. */
const cloneId = (kind: string, i: string) => `'bench-${kind}-' || ${i}`;

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
    // one item and one charge: a new order has no other parts
    const parts = db.prepare('SELECT kind, id FROM order_parts WHERE order_id = ?').all(templateId) as {
      kind: string;
      id: string;
    }[];
    if (parts.length !== 2 || new Set(parts.map((p) => p.kind)).size !== 2)
      throw new Error(`the template order has ${parts.length} parts; one item and one charge expected`);
    for (let start = from; start < to; start += BATCH) {
      const end = Math.min(to, start + BATCH);
      db.transaction(() => {
        const columns = (db.prepare('PRAGMA table_info(orders)').all() as { name: string }[])
          .map((c) => c.name)
          .filter((c) => c !== 'seq');
        let document = 't.document';
        for (const part of parts)
          document = `replace(${document}, '"${part.id}"', '"' || ${cloneId(part.kind, 'n.i')} || '"')`;
        const replacements: Record<string, string> = {
          id: orderId('n.i'),
          checkout_id: `'bench-chk-' || n.i`,
          document,
        };
        const select = columns.map((c) => replacements[c] ?? `t.${c}`).join(', ');
        db.prepare(
          `WITH RECURSIVE n(i) AS (SELECT ? UNION ALL SELECT i + 1 FROM n WHERE i + 1 < ?)
           INSERT INTO orders (${columns.join(', ')}) SELECT ${select} FROM n, orders t WHERE t.id = ?`,
        ).run(start, end, templateId);
        const partColumns = (db.prepare('PRAGMA table_info(order_parts)').all() as { name: string }[])
          .map((c) => c.name)
          .filter((c) => c !== 'seq');
        const partReplacements: Record<string, string> = {
          id: `CASE t.kind ${parts.map((p) => `WHEN '${p.kind}' THEN ${cloneId(p.kind, 'n.i')}`).join(' ')} END`,
          order_id: orderId('n.i'),
        };
        db.prepare(
          `WITH RECURSIVE n(i) AS (SELECT ? UNION ALL SELECT i + 1 FROM n WHERE i + 1 < ?)
           INSERT INTO order_parts (${partColumns.join(', ')})
           SELECT ${partColumns.map((c) => partReplacements[c] ?? `t.${c}`).join(', ')} FROM n, order_parts t WHERE t.order_id = ?`,
        ).run(start, end, templateId);
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
