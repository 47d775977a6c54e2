import PDFDocument from 'pdfkit';
import type { DocumentPurpose } from '../domain/order/model.js';

/**
 * The PDF of an invoice or a credit memo, drawn from the order as the API shows it (its wire
 * JSON): seller, buyer, tax identifiers, lines, totals; a credit memo also the refund it is for.
 * Made with PDFKit in its standard fonts (no font files to ship); uncompressed, so that the text
 * can be read from the bytes. Not a tax document: Tributary is a sandbox.
 */

type Wire = Record<string, unknown>;

const obj = (value: unknown): Wire =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Wire) : {};
const list = (value: unknown): Wire[] => (Array.isArray(value) ? value.map(obj) : []);
const text = (...values: unknown[]): string => {
  const found = values.find((v) => typeof v === 'string' || typeof v === 'number');
  return found === undefined ? '' : String(found);
};

export interface DocumentInput {
  purpose: DocumentPurpose;
  fileId: string;
  /** the order, as GET /orders/{id} shows it */
  order: Wire;
  /** the refund a credit memo is for, as GET /refunds/{id} shows it */
  refund?: Wire | undefined;
  issuedAt: number;
}

const TITLES: Record<DocumentPurpose, string> = {
  customer_invoice: 'Invoice',
  customer_credit_memo: 'Credit memo',
};

export function documentTitle(purpose: DocumentPurpose): string {
  return TITLES[purpose];
}

/** A wire amount in the order's currency, to the currency's decimals. */
function amount(value: unknown, currency: string): string {
  const n = typeof value === 'number' ? value : 0;
  try {
    return new Intl.NumberFormat('en-US', { style: 'currency', currency }).format(n);
  } catch {
    return `${n} ${currency}`;
  }
}

function addressLines(party: Wire | undefined): string[] {
  if (!party) return [];
  const a = obj(party['address']);
  return [
    party['name'],
    party['organization'],
    a['line1'],
    a['line2'],
    [a['postalCode'], a['city'], a['state']].filter(Boolean).join(' '),
    a['country'],
  ].filter((line): line is string => typeof line === 'string' && line.trim() !== '');
}

export function renderDocumentPdf(input: DocumentInput): Promise<Buffer> {
  const { order, refund, purpose } = input;
  const currency = String(order['currency'] ?? 'USD');
  const money = (value: unknown) => amount(value, currency);
  const issued = new Date(input.issuedAt);
  const doc = new PDFDocument({
    size: 'A4',
    margin: 50,
    compress: false,
    info: {
      Title: `${TITLES[purpose]} ${input.fileId}`,
      Author: text(obj(order['sellingEntity'])['name'], 'Tributary'),
      Creator: 'Tributary',
      CreationDate: issued,
    },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  doc.font('Helvetica-Bold').fontSize(20).text(TITLES[purpose]);
  doc.moveDown(0.3);
  doc.font('Helvetica').fontSize(10);
  doc.text(`Document ${input.fileId}`);
  doc.text(`Order ${text(order['id'])}`);
  doc.text(`Issued ${issued.toISOString().slice(0, 10)}`);
  if (refund)
    doc.text(`Refund ${text(refund['id'])}${refund['reason'] ? ` (${text(refund['reason'])})` : ''}`);
  doc.moveDown();

  doc.font('Helvetica-Bold').text('Seller');
  doc.font('Helvetica').text(text(obj(order['sellingEntity'])['name']));
  doc.moveDown(0.5);
  doc.font('Helvetica-Bold').text('Bill to');
  doc.font('Helvetica');
  for (const line of addressLines(obj(order['billTo']))) doc.text(line);
  if (order['email']) doc.text(String(order['email']));
  const taxIds = list(order['taxIdentifiers']);
  for (const t of taxIds) doc.text(`Tax identifier (${text(t['type'])}): ${text(t['value'])}`);
  if (order['shipTo']) {
    doc.moveDown(0.5);
    doc.font('Helvetica-Bold').text('Ship to');
    doc.font('Helvetica');
    for (const line of addressLines(obj(order['shipTo']))) doc.text(line);
  }
  doc.moveDown();

  const left = doc.page.margins.left;
  const columns = [left, left + 250, left + 300, left + 380, left + 450];
  const row = (cells: string[], bold = false) => {
    const y = doc.y;
    doc.font(bold ? 'Helvetica-Bold' : 'Helvetica');
    cells.forEach((cell, i) => {
      doc.text(cell, columns[i] ?? left, y, { width: i === 0 ? 240 : 70, lineBreak: i === 0 });
    });
    doc.moveDown(0.4);
    doc.x = left;
  };
  row(['Item', 'Qty', 'Amount', 'Tax', 'Total'], true);
  const items = list(order['items']);
  const lines = refund
    ? list(refund['items']).map((ri) => {
        const item = items.find((i) => i['id'] === ri['itemId']) ?? {};
        return { name: text(obj(item['productDetails'])['name'], item['skuId'], ri['itemId']), ri, item };
      })
    : [];
  if (refund) {
    if (lines.length === 0) {
      row([
        `Refund of the order${refund['type'] ? ` (${refund['type']})` : ''}`,
        '',
        '',
        '',
        money(refund['amount']),
      ]);
    }
    for (const { name, ri } of lines) {
      row([name, text(ri['quantity']), '', '', money(ri['amount'])]);
    }
  } else {
    for (const item of items) {
      const tax = obj(item['tax']);
      const total = Number(item['amount'] ?? 0) + Number(tax['amount'] ?? 0);
      row([
        text(obj(item['productDetails'])['name'], item['skuId'], item['id']),
        text(item['quantity']),
        money(item['amount']),
        money(tax['amount']),
        money(Math.round(total * 1e6) / 1e6),
      ]);
    }
  }
  doc.moveDown();
  const total = (label: string, value: unknown, bold = false) => {
    doc.font(bold ? 'Helvetica-Bold' : 'Helvetica');
    const y = doc.y;
    doc.text(label, columns[2] ?? left, y, { width: 140 });
    doc.text(money(value), columns[4] ?? left, y, { width: 90 });
    doc.x = left;
  };
  if (refund) {
    total('Refunded', refund['amount'], true);
  } else {
    total('Subtotal', order['subtotal']);
    if (Number(order['totalDiscount'] ?? 0) > 0) total('Discount', order['totalDiscount']);
    if (Number(order['totalShipping'] ?? 0) > 0) total('Shipping', order['totalShipping']);
    total('Tax', order['totalTax']);
    total('Total', order['totalAmount'], true);
    if (Number(order['totalTax'] ?? 0) === 0 && taxIds.length > 0 && order['customerType'] === 'business') {
      doc.moveDown();
      doc.font('Helvetica').text('Reverse charge: the customer accounts for the tax.', left);
    }
  }
  doc.end();
  return done;
}
