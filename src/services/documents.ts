import { AppError, invalidParameter, notFound } from '../domain/errors.js';
import { DOCUMENT_EVENTS, documentToIssue, planDocument } from '../domain/order/documents.js';
import type { DocumentPurpose, DocumentRecord } from '../domain/order/model.js';
import { newUuid } from '../lib/ids.js';
import { parseIsoTime } from '../lib/time.js';
import type { FileLinkRecord, FileRecord, Page, PageQuery } from '../store/records.js';
import type { FileFilters, FileLinkFilters } from '../store/repos/files.js';
import type { Tx } from '../store/store.js';
import { documentTitle, renderDocumentPdf } from '../wire/document-pdf.js';
import { orderToWire, refundToWire } from '../wire/order.js';
import { type Caller, type Deps, newEvent, now, publicUrlOf } from './context.js';
import { validateMetadata } from './input.js';
import { persistPlan } from './order-plan.js';
import { loadOrderView } from './order-view.js';

/**
 * Invoices and credit memos as files (accessing-invoices-and-credit-memos.md, files.md,
 * file-links): a task issues each PDF once its order is complete or its refund succeeded; the
 * Files API lists and serves them to the secret key, and a file link serves one to anyone who
 * has its URL until it expires.
 */

export const fileUrl = (deps: Deps, id: string) => `${publicUrlOf(deps)}/files/${id}/content`;
export const linkUrl = (deps: Deps, id: string) => `${publicUrlOf(deps)}/links/${id}`;

/** The task that issues a document: renders the PDF, keeps it, lists it on the order, reports it. */
export async function issueDocument(
  tx: Tx,
  deps: Deps,
  accountId: string,
  orderId: string,
  payload: Record<string, unknown>,
  at: number,
): Promise<void> {
  const purpose: DocumentPurpose =
    payload['purpose'] === 'customer_credit_memo' ? 'customer_credit_memo' : 'customer_invoice';
  const refundId = typeof payload['refundId'] === 'string' ? payload['refundId'] : undefined;
  const view = await loadOrderView(tx, accountId, orderId, { lock: true });
  if (!documentToIssue(view, purpose, refundId)) return;
  const id = newUuid();
  const order = orderToWire(view);
  const refund = refundId ? view.refunds.find((r) => r.id === refundId) : undefined;
  const pdf = await renderDocumentPdf({
    purpose,
    fileId: id,
    order,
    refund: refund ? refundToWire(refund, view) : undefined,
    issuedAt: at,
  });
  const file: FileRecord = {
    accountId,
    id,
    orderId,
    refundId: refundId ?? null,
    purpose,
    fileName: `${purpose === 'customer_invoice' ? 'invoice' : 'credit-memo'}-${orderId}${refundId ? `-${refundId}` : ''}.pdf`,
    title: documentTitle(purpose).toLowerCase(),
    type: 'pdf',
    size: pdf.length,
    createdAt: at,
  };
  await tx.files.insert(file, pdf);
  const url = fileUrl(deps, id);
  const document: DocumentRecord = { id, purpose, ...(refundId ? { refundId } : {}), url, createdAt: at };
  await persistPlan(tx, deps, view, planDocument(view, document, at), view.sources);
  await tx.events.append([
    newEvent(
      accountId,
      DOCUMENT_EVENTS[purpose],
      {
        id,
        fileId: id,
        orderId,
        customerId: view.order.customerId ?? undefined,
        purpose,
        invoiceURL: url,
      },
      at,
    ),
  ]);
}

const fileNotFound = (id: string, parameter = 'id') => notFound(parameter, `File '${id}' not found.`);
const linkNotFound = (id: string) => notFound('id', `File link '${id}' not found.`);

export interface FileView {
  file: FileRecord;
  links: FileLinkRecord[];
}

async function withLinks(tx: Tx, accountId: string, files: readonly FileRecord[]): Promise<FileView[]> {
  const links = await tx.files.linksOf(
    accountId,
    files.map((f) => f.id),
  );
  return files.map((file) => ({ file, links: links.get(file.id) ?? [] }));
}

export async function getFile(deps: Deps, caller: Caller, id: string): Promise<FileView> {
  return deps.store.read(async (tx) => {
    const file = await tx.files.get(caller.account.id, id);
    if (!file) throw fileNotFound(id);
    const [view] = await withLinks(tx, caller.account.id, [file]);
    return view ?? { file, links: [] };
  });
}

export async function listFiles(
  deps: Deps,
  caller: Caller,
  filters: FileFilters,
  page: PageQuery,
): Promise<Page<FileView>> {
  return deps.store.read(async (tx) => {
    const result = await tx.files.list(caller.account.id, filters, page);
    return { data: await withLinks(tx, caller.account.id, result.data), hasMore: result.hasMore };
  });
}

export async function fileContent(
  deps: Deps,
  caller: Caller,
  id: string,
): Promise<{ file: FileRecord; content: Buffer }> {
  return deps.store.read(async (tx) => {
    const file = await tx.files.get(caller.account.id, id);
    const content = file && (await tx.files.content(caller.account.id, id));
    if (!file || !content) throw fileNotFound(id);
    return { file, content };
  });
}

/** DELETE /files/{id}: the file and its links go; an order keeps naming it (as DR's would). */
export async function deleteFile(deps: Deps, caller: Caller, id: string): Promise<void> {
  await deps.store.transaction(async (tx) => {
    if (!(await tx.files.get(caller.account.id, id))) throw fileNotFound(id);
    await tx.files.delete(caller.account.id, id);
  });
}

/** A link's expiry: an ISO time after now (DR: "A future timestamp"). */
function futureTime(value: unknown, at: number): number {
  const ms = typeof value === 'string' ? parseIsoTime(value) : undefined;
  if (ms === undefined) {
    throw invalidParameter(
      'expiresTime',
      "'expiresTime' must be an ISO-8601 time, such as 2030-01-31T12:00:00Z.",
    );
  }
  if (ms <= at) throw invalidParameter('expiresTime', "'expiresTime' must be in the future.");
  return ms;
}

export async function createFileLink(
  deps: Deps,
  caller: Caller,
  input: { fileId: string; expiresTime: string; metadata?: Record<string, unknown> | undefined },
): Promise<FileLinkRecord> {
  const at = now(deps, caller);
  const expiresAt = futureTime(input.expiresTime, at);
  const metadata = validateMetadata(input.metadata) ?? null;
  return deps.store.transaction(async (tx) => {
    if (!(await tx.files.get(caller.account.id, input.fileId))) {
      throw new AppError('invalid_parameter', 'fileId', `File '${input.fileId}' not found.`);
    }
    const link: FileLinkRecord = {
      accountId: caller.account.id,
      id: newUuid(),
      fileId: input.fileId,
      expiresAt,
      metadata,
      createdAt: at,
    };
    await tx.files.insertLink(link);
    return link;
  });
}

export async function getFileLink(deps: Deps, caller: Caller, id: string): Promise<FileLinkRecord> {
  const link = await deps.store.read((tx) => tx.files.getLink(caller.account.id, id));
  if (!link) throw linkNotFound(id);
  return link;
}

export async function updateFileLink(
  deps: Deps,
  caller: Caller,
  id: string,
  input: { expiresTime?: string | undefined; metadata?: Record<string, unknown> | undefined },
): Promise<FileLinkRecord> {
  const at = now(deps, caller);
  return deps.store.transaction(async (tx) => {
    const link = await tx.files.getLink(caller.account.id, id);
    if (!link) throw linkNotFound(id);
    const updated: FileLinkRecord = {
      ...link,
      expiresAt: input.expiresTime === undefined ? link.expiresAt : futureTime(input.expiresTime, at),
      metadata: input.metadata === undefined ? link.metadata : (validateMetadata(input.metadata) ?? null),
    };
    await tx.files.updateLink(updated);
    return updated;
  });
}

export async function deleteFileLink(deps: Deps, caller: Caller, id: string): Promise<void> {
  await deps.store.transaction(async (tx) => {
    if (!(await tx.files.getLink(caller.account.id, id))) throw linkNotFound(id);
    await tx.files.deleteLink(caller.account.id, id);
  });
}

export async function listFileLinks(
  deps: Deps,
  caller: Caller,
  filters: Omit<FileLinkFilters, 'expired'> & { expired?: boolean | undefined },
  page: PageQuery,
): Promise<Page<FileLinkRecord>> {
  const at = now(deps, caller);
  const { expired, ...rest } = filters;
  return deps.store.read((tx) =>
    tx.files.listLinks(
      caller.account.id,
      { ...rest, ...(expired === undefined ? {} : { expired: { value: expired, now: at } }) },
      page,
    ),
  );
}

/**
 * GET /links/{id}, with no key: the file, while the link has not expired on its account's clock;
 * an unknown or expired link is a 404 (nothing tells a stranger which it was).
 */
export async function openLink(deps: Deps, id: string): Promise<{ file: FileRecord; content: Buffer }> {
  return deps.store.read(async (tx) => {
    const link = await tx.files.findLink(id);
    const account = link && (await tx.accounts.get(link.accountId));
    const gone = () => notFound('id', `File link '${id}' not found or expired.`);
    if (!link || !account) throw gone();
    if (now(deps, { account, keyKind: 'secret' }) >= link.expiresAt) throw gone();
    const file = await tx.files.get(link.accountId, link.fileId);
    const content = file && (await tx.files.content(link.accountId, link.fileId));
    if (!file || !content) throw gone();
    return { file, content };
  });
}
